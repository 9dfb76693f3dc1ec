/* Accessibility helpers shared by every page (loaded by base.html).
   - A form that comes back with errors puts the keyboard focus on its first invalid field: a
     screen reader then reads the field's label and its error (tied by aria-describedby).
   - Regions that htmx updates are live regions (polite) and busy while their request runs, so
     an update is announced once it has arrived. */
(function () {
  "use strict";

  function focusFirstError() {
    var active = document.activeElement;
    if (active && active !== document.body) return;  // the page set its own focus (autofocus)
    var invalid = document.querySelector(
      "main form .is-invalid:not([type=hidden]):not([disabled]), main form [aria-invalid=true]:not([type=hidden]):not([disabled])"
    );
    if (!invalid) return;
    if (invalid.tomselect) {
      invalid.tomselect.focus();
      return;
    }
    invalid.focus();
  }

  function targetOf(element) {
    var selector = element.getAttribute("hx-target");
    if (!selector || selector === "this") return element;
    if (selector.indexOf("closest ") === 0) return element.closest(selector.slice(8));
    if (selector.indexOf("find ") === 0) return element.querySelector(selector.slice(5));
    return document.querySelector(selector);
  }

  function markLiveRegions(root) {
    (root || document).querySelectorAll("[hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]").forEach(function (element) {
      var target = targetOf(element);
      if (target && !target.hasAttribute("aria-live") && !target.closest("[aria-live]")) {
        target.setAttribute("aria-live", "polite");
      }
    });
  }

  // A box that scrolls sideways (a wide table on a phone) must be reachable with the keyboard to
  // be scrolled: it joins the Tab order while it actually scrolls.
  function scrollersReachable() {
    document.querySelectorAll(".table-responsive, .overflow-auto, .overflow-x-auto").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 && !box.querySelector("a, button, input, select, textarea, [tabindex]");
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    markLiveRegions(document);
    scrollersReachable();
  });
  window.addEventListener("resize", scrollersReachable);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target) target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target) target.removeAttribute("aria-busy");
    markLiveRegions(event.target && event.target.nodeType === 1 ? event.target : document);
  });
})();
