// Draws the line chart of a key result's check-ins (or a KPI's measurements) from the JSON that
// the page embeds with json_script; no inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  var canvas = document.getElementById("kr-chart");
  var source = document.getElementById("kr-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  if (window.coeCharts) window.coeCharts.apply(Chart);
  var data = JSON.parse(source.textContent);
  window.coeNumbers.useForCharts(Chart); // tick labels and tooltips in the page's language
  var datasets = [
    {
      label: data.names ? data.names.value : "Value (" + data.unit + ")",
      data: data.values,
      borderColor: "#0a58ca",
      backgroundColor: "rgba(10, 88, 202, 0.15)",
      tension: 0.2,
      fill: false,
    },
  ];
  if (typeof data.target === "number") {
    datasets.push({
      label: data.names ? data.names.target : "Target",
      data: data.labels.map(function () { return data.target; }),
      borderColor: "#146c43",
      borderDash: [6, 4],
      pointRadius: 0,
      fill: false,
    });
  }
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      responsive: true,
      animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: false } },
    },
  });
})();
