/* Charts of the assessment pages. Data comes from <script type="application/json"> blocks
   written by Django's json_script; every chart has a table with the same figures beside it. */
(function () {
  "use strict";
  if (window.Chart && window.coeNumbers) {
    window.coeNumbers.useForCharts(window.Chart); // tick labels and tooltips in the page's language
  }
  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function hasData(values) {
    return Array.isArray(values) && values.some(function (v) { return v !== null && v !== undefined; });
  }

  if (window.Chart && window.coeCharts) window.coeCharts.apply(window.Chart);

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
          { label: radarData.names ? radarData.names.target : "Target", data: radarData.target, borderColor: "#9a5300", backgroundColor: "rgba(154,83,0,0.05)", borderDash: [6, 4] }
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
    // Colours with 4.5:1 contrast on white (static/js/charts.js).
    var colours = window.coeCharts ? window.coeCharts.colours : ["#3b2a6b", "#0a58ca", "#146c43", "#9a5300", "#b02a37", "#6f42c1", "#0f6674", "#495057"];
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
