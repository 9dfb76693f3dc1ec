/* Shared Chart.js settings for every chart of the product (loaded by base.html before the pages'
   own chart scripts, which call coeCharts.apply(Chart) first):
   - text of at least 12 px (13 px labels, 12 px ticks) in a dark grey that reads on white;
   - a radar's tick labels drawn above the data, on a white backdrop, so points never hide them;
   - legends list only series that have data;
   - colours with at least 4.5:1 contrast on white (coeCharts.colours, in order).
   Every chart also has a text alternative in its page: a table with the same figures. */
(function () {
  "use strict";

  var colours = ["#3b2a6b", "#0a58ca", "#146c43", "#9a5300", "#b02a37", "#6f42c1", "#0f6674", "#495057"];

  function hasData(values) {
    return Array.isArray(values) && values.some(function (v) {
      return v !== null && v !== undefined && !(typeof v === "object" && v.y === null);
    });
  }

  function apply(Chart) {
    if (!Chart || Chart.coeDefaultsApplied) return;
    Chart.coeDefaultsApplied = true;
    var d = Chart.defaults;
    d.font.size = 13;
    d.color = "#343a40";
    d.borderColor = "rgba(0, 0, 0, 0.12)";
    d.plugins.legend.labels.font = { size: 13 };
    d.plugins.legend.labels.filter = function (item, data) {
      var dataset = data.datasets[item.datasetIndex];
      return !dataset || hasData(dataset.data);
    };
    d.plugins.tooltip.titleFont = { size: 13, weight: "bold" };
    d.plugins.tooltip.bodyFont = { size: 13 };
    var ticks = { font: { size: 12 }, color: "#343a40" };
    ["category", "linear", "logarithmic", "time", "timeseries"].forEach(function (type) {
      if (d.scales[type]) Object.assign(d.scales[type].ticks, ticks);
    });
    var radial = d.scales.radialLinear;
    if (radial) {
      Object.assign(radial.ticks, ticks, {
        z: 1,  // above the datasets: data points never cover a tick label
        showLabelBackdrop: true,
        backdropColor: "rgba(255, 255, 255, 0.9)",
        backdropPadding: 2,
      });
      radial.pointLabels.font = { size: 13 };
      radial.pointLabels.color = "#212529";
      radial.pointLabels.padding = 8;
    }
  }

  window.coeCharts = { apply: apply, colours: colours, hasData: hasData };
})();
