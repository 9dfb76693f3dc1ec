// A search box over a <select> (config.widgets.SearchSelect): typing asks the API list named in
// data-search-url and replaces the select's options with the matches, keeping the choice made.
(function () {
  "use strict";
  document.querySelectorAll("input[data-search-select]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-search-select"));
    var status = document.getElementById(select.id + "_status");
    var timer = null;
    var latest = 0;

    function say(text) { status.textContent = text; }

    function fill(results) {
      var keep = select.value;
      var blank = select.querySelector('option[value=""]');
      var chosen = keep ? select.querySelector('option[value="' + CSS.escape(keep) + '"]') : null;
      select.innerHTML = "";
      if (blank) { select.appendChild(blank); }
      if (chosen) { select.appendChild(chosen); }
      results.forEach(function (row) {
        if (row.uuid === keep) { return; }
        var option = document.createElement("option");
        option.value = row.uuid;
        option.textContent = row.name;
        select.appendChild(option);
      });
      select.value = keep;
    }

    function search() {
      var query = box.value.trim();
      var ticket = ++latest;
      var url = box.getAttribute("data-search-url") + "?page_size=20&ordering=name&search=" +
        encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (page) {
          if (ticket !== latest) { return; } // an older answer arriving late
          fill(page.results);
          if (!page.results.length) {
            say(box.getAttribute("data-none"));
          } else if (page.count > page.results.length) {
            say(box.getAttribute("data-more")
              .replace("{shown}", String(page.results.length))
              .replace("{count}", String(page.count)));
          } else {
            say("");
          }
        })
        .catch(function () { if (ticket === latest) { say(box.getAttribute("data-failed")); } });
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
  });
})();
