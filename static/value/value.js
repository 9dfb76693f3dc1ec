// Draws the value/cost trend from the JSON the page embeds; the table beside it carries the same
// numbers for screen readers and printing.
(function () {
  const canvas = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  if (window.coeCharts) window.coeCharts.apply(Chart);
  const data = JSON.parse(source.textContent);
  window.coeNumbers.useForCharts(Chart); // tick labels and tooltips in the page's language
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.series.value, data: data.value, backgroundColor: "#3b7d4f" },
        { label: data.series.cost, data: data.cost, backgroundColor: "#b0524a" },
      ],
    },
    options: { responsive: true, locale: data.locale, scales: { y: { beginAtZero: true } } },
  });
})();
