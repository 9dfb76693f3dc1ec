// The header bell: fetch the signed-in person's unread count and show it as a badge.
(function () {
  "use strict";
  var bell = document.querySelector("[data-bell]");
  if (!bell || !window.fetch) { return; }
  fetch(bell.getAttribute("data-unread-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data) { return; }
      var badge = bell.querySelector("[data-bell-count]");
      var label = bell.querySelector("[data-bell-label]");
      if (data.unread > 0) {
        badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
        badge.classList.remove("d-none");
      }
      label.textContent = data.label;
    })
    .catch(function () { /* the bell still links to the list */ });
})();
