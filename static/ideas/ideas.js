/* Ideas: the key-result picker (search as you type against a paginated JSON endpoint) and
   duplicate suggestions while the title is typed. No framework; text is set with textContent. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setupPicker(picker) {
    var input = picker.querySelector(".kr-picker-input");
    var hidden = picker.parentElement.querySelector(".kr-picker-value") || picker.querySelector(".kr-picker-value");
    var list = picker.querySelector(".kr-picker-results");
    var url = picker.dataset.searchUrl;
    var page = 1;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); }

    function choose(row) {
      input.value = row.title;
      hidden.value = row.id;
      close();
    }

    function render(data, append) {
      if (!append) { list.textContent = ""; }
      var more = list.querySelector(".kr-more");
      if (more) { more.remove(); }
      data.results.forEach(function (row) {
        var item = document.createElement("li");
        item.className = "list-group-item list-group-item-action small";
        item.setAttribute("role", "option");
        item.tabIndex = 0;
        var title = document.createElement("div");
        title.textContent = row.title;
        var where = document.createElement("div");
        where.className = "text-body-secondary";
        where.textContent = row.plan + " · " + row.objective;
        item.appendChild(title);
        item.appendChild(where);
        item.addEventListener("click", function () { choose(row); });
        item.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); choose(row); } });
        list.appendChild(item);
      });
      if (data.has_next) {
        var next = document.createElement("li");
        next.className = "list-group-item list-group-item-action small kr-more text-primary";
        next.tabIndex = 0;
        next.textContent = "…";
        next.setAttribute("aria-label", "More key results");
        next.addEventListener("click", function () { page += 1; load(true); });
        list.appendChild(next);
      }
      if (!list.children.length) {
        var none = document.createElement("li");
        none.className = "list-group-item small text-body-secondary";
        none.textContent = "—";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function load(append) {
      var q = encodeURIComponent(input.value.trim());
      fetch(url + "?q=" + q + "&page=" + page, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { render(data, append); });
    }

    input.addEventListener("input", debounce(function () {
      hidden.value = "";
      page = 1;
      load(false);
    }, 200));
    input.addEventListener("focus", function () { if (!input.value) { page = 1; load(false); } });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
    document.addEventListener("click", function (e) { if (!picker.contains(e.target)) { close(); } });
  }

  function setupSimilar(form) {
    var title = form.querySelector("[name=title]");
    var pain = form.querySelector("[name=pain_point]");
    var box = form.querySelector(".similar-ideas");
    if (!title || !box) { return; }
    var list = box.querySelector(".similar-list");
    var check = debounce(function () {
      var text = title.value + " " + (pain ? pain.value.slice(0, 300) : "");
      if (text.trim().length < 4) { box.hidden = true; return; }
      var url = form.dataset.similarUrl + "?q=" + encodeURIComponent(text) + "&exclude=" + encodeURIComponent(form.dataset.exclude || "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (row) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = row.url;
            a.target = "_blank";
            a.rel = "noopener";
            a.textContent = row.title;
            li.appendChild(a);
            li.appendChild(document.createTextNode(" (" + row.status + ", ▲ " + row.votes + ")"));
            list.appendChild(li);
          });
          box.hidden = !data.results.length;
        });
    }, 300);
    title.addEventListener("input", check);
    if (pain) { pain.addEventListener("input", check); }
  }

  document.querySelectorAll(".kr-picker").forEach(setupPicker);
  document.querySelectorAll("form.idea-form").forEach(setupSimilar);
})();
