/* Charts of the assessment pages. Data comes from <script type="application/json"> blocks
   written by Django's json_script; every chart has a table with the same figures beside it. */
(function () {
  "use strict";
  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function hasData(values) {
    return Array.isArray(values) && values.some(function (v) { return v !== null && v !== undefined; });
  }

  var radar = document.getElementById("assessment-radar");
  var radarData = readData("assessment-radar-data");
  if (radar && radarData && window.Chart) {
    new window.Chart(radar, {
      type: "radar",
      data: {
        labels: radarData.labels,
        // Only series with data: no "Target" in the legend when no target is set.
        datasets: [
          { label: radarData.names ? radarData.names.current : "Score", data: radarData.current, borderColor: "#3b2a6b", backgroundColor: "rgba(59,42,107,0.2)" },
          { label: radarData.names ? radarData.names.target : "Target", data: radarData.target, borderColor: "#d97706", backgroundColor: "rgba(217,119,6,0.05)", borderDash: [6, 4] }
        ].filter(function (series) { return hasData(series.data); })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { r: { min: 0, max: 500, ticks: { stepSize: 100 } } }
      }
    });
  }

  var trend = document.getElementById("subject-trend");
  var trendData = readData("subject-trend-data");
  if (trend && trendData && window.Chart) {
    var colours = ["#3b2a6b", "#0d6efd", "#198754", "#d97706", "#dc3545", "#6f42c1", "#20c997", "#6c757d", "#fd7e14"];
    new window.Chart(trend, {
      type: "line",
      data: {
        labels: trendData.labels,
        datasets: trendData.series.map(function (series, index) {
          return { label: series.label, data: series.data, borderColor: colours[index % colours.length], spanGaps: true };
        })
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 100, max: 500, ticks: { stepSize: 100 } } } }
    });
  }
})();
