/* Search-as-you-type pickers (config/pickers.py): every <select data-picker-url> becomes a Tom
   Select that loads matches page by page from the server as the person types. */
(function () {
  "use strict";

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var url = select.dataset.pickerUrl;
    var join = url.indexOf("?") === -1 ? "?" : "&";
    var latest = null;
    var pages = {};
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      // The server has already matched (every word, any field): keep its answer as it is.
      score: function () { return function () { return 1; }; },
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
        latest = query;
        fetch(next, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            if (query !== latest) {
              callback();  // an answer to an earlier search that came in late: drop it
              return;
            }
            var page = Number(new URL(next, window.location.href).searchParams.get("page"));
            if (page === 1) {
              // A new search: forget the matches of the last one (the chosen value stays).
              this.clearOptions();
            }
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
    // Tom Select moves the field's <label for> to its own input: the label still names it. The
    // original <select> stays in the accessibility tree (visually hidden, out of the Tab order):
    // name it by the same label.
    var label = document.querySelector('label[for="' + select.id + '-ts-control"]');
    if (label && !select.hasAttribute("aria-labelledby")) {
      if (!label.id) label.id = select.id + "-label";
      select.setAttribute("aria-labelledby", label.id);
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
