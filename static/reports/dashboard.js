// Draws the dashboard's three charts from the JSON the page embeds (json_script). Each chart has
// a table beside it with the same figures, for screen readers, printing and the PDF.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  // Money in the page's language ("€1,235" / "1.235 €"): static/js/numbers.js.
  window.coeNumbers.useForCharts(Chart);
  const money = (value) => window.coeNumbers.money(value, data.currency);
  if (window.coeCharts) window.coeCharts.apply(Chart);
  const text = data.labels; // series names, translated by the server
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.locale = data.locale;
  Chart.defaults.font.size = 12;
  // Printing shows the tables instead of the charts: open them first.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details").forEach((details) => (details.open = true));
  });

  const hasData = (values) => Array.isArray(values) && values.some((v) => v !== null && v !== undefined);
  const radar = document.getElementById("radar-chart");
  if (radar && data.radar.labels.length) {
    new Chart(radar, {
      type: "radar",
      data: {
        labels: data.radar.labels,
        datasets: [
          {
            label: text.current,
            data: data.radar.current,
            borderColor: "#0a58ca",
            backgroundColor: "rgba(10, 88, 202, 0.2)",
          },
          {
            label: text.target,
            data: data.radar.target,
            borderColor: "#b0524a",
            backgroundColor: "rgba(176, 82, 74, 0.05)",
            borderDash: [6, 4],
            spanGaps: true,
          },
        ].filter((series) => hasData(series.data)), // no "Target" legend without a target
      },
      options: {
        scales: {
          r: {
            min: 0,
            max: 500,
            pointLabels: { font: { size: 12 } },
            // Tick labels on a light backdrop, drawn above the data so no point hides them.
            ticks: { stepSize: 100, z: 1, backdropColor: "rgba(255, 255, 255, 0.85)" },
          },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  const trend = document.getElementById("trend-chart");
  if (trend) {
    new Chart(trend, {
      type: "bar",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: text.value, data: data.trend.value, backgroundColor: "#3b7d4f", order: 2 },
          { label: text.cost, data: data.trend.cost, backgroundColor: "#b0524a", order: 3 },
          {
            label: text.projected,
            data: data.trend.projected,
            type: "line",
            borderColor: "#6c757d",
            borderDash: [6, 4],
            pointRadius: 2,
            order: 1,
          },
        ],
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => money(value) } } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: (item) => item.dataset.label + ": " + money(item.raw) } },
        },
      },
    });
  }

  const units = document.getElementById("units-chart");
  if (units && data.units.labels.length) {
    units.parentElement.style.height = Math.max(180, data.units.labels.length * 34 + 60) + "px";
    new Chart(units, {
      type: "bar",
      data: {
        labels: data.units.labels,
        datasets: [{ label: text.value, data: data.units.value, backgroundColor: "#3b7d4f" }],
      },
      options: {
        indexAxis: "y",
        // Few ticks: on a phone, money labels side by side would overlap.
        scales: { x: { beginAtZero: true, ticks: { maxTicksLimit: 4, callback: (value) => money(value) } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => money(item.raw) } },
        },
      },
    });
  }
})();
