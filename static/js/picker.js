/* Search-as-you-type pickers (config/pickers.py): every <select data-picker-url> becomes a Tom
   Select that loads matches page by page from the server as the person types. */
(function () {
  "use strict";

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var url = select.dataset.pickerUrl;
    var join = url.indexOf("?") === -1 ? "?" : "&";
    var pages = {};
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],  // the server has already matched; do not filter its answer again
      placeholder: select.dataset.pickerPlaceholder || "",
      maxOptions: null,
      preload: "focus",
      loadThrottle: 250,
      plugins: select.multiple ? ["remove_button", "virtual_scroll"] : ["virtual_scroll"],
      firstUrl: function (query) {
        return url + join + "q=" + encodeURIComponent(query) + "&page=1";
      },
      load: function (query, callback) {
        var next = this.getUrl(query);
        fetch(next, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            var page = Number(new URL(next, window.location.href).searchParams.get("page"));
            if (data.more) {
              this.setNextUrl(query, url + join + "q=" + encodeURIComponent(query) + "&page=" + (page + 1));
            }
            callback(data.results || []);
          }.bind(this))
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () {
          return '<div class="no-results">' + (select.dataset.pickerEmpty || "No matches") + "</div>";
        },
      },
    });
    // Keep the label: Tom Select's own input is the control a screen reader lands on.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var input = select.tomselect && select.tomselect.control_input;
    if (label && input) {
      input.setAttribute("aria-label", label.textContent.trim());
    }
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker-url]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  // Formset rows and htmx fragments added later get pickers too.
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
  window.coePickers = { enhanceAll: enhanceAll };
})();
