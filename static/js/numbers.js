/* Numbers and money in the page's language (<html lang>, set from the person's choice), the same
   formats the server writes: "1,234.5" and "€1,235" in English, "1.234,5" and "1.235 €" in German.
   Chart scripts call coeNumbers.useForCharts(Chart) once, so that Chart.js formats tick labels and
   tooltips in that language too. */
(function () {
  "use strict";
  var language = document.documentElement.lang || "en-GB";

  function number(value, digits) {
    var places = digits === undefined ? 0 : digits;
    return new Intl.NumberFormat(language, {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    }).format(value);
  }

  function money(value, currency, digits) {
    var places = digits === undefined ? 0 : digits;
    try {
      return new Intl.NumberFormat(language, {
        style: "currency",
        currency: currency || "EUR",
        minimumFractionDigits: places,
        maximumFractionDigits: places,
      }).format(value);
    } catch (error) {
      return (currency || "") + " " + number(value, places); // an unknown currency code
    }
  }

  function useForCharts(Chart) {
    if (Chart && Chart.defaults) {
      Chart.defaults.locale = language;
    }
  }

  window.coeNumbers = { language: language, number: number, money: money, useForCharts: useForCharts };
})();
