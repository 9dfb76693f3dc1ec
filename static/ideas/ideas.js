/* Ideas: duplicate suggestions while the title is typed (key results are chosen with the shared
   picker, static/js/picker.js). No framework; text is set with textContent. */
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

  document.querySelectorAll("form.idea-form").forEach(setupSimilar);
})();
