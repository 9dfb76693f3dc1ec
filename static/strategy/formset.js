// "Another key result" on the objective form: clones the empty formset form and bumps the
// management form's TOTAL_FORMS, so that new key results are added without a page reload.
(function () {
  "use strict";
  var button = document.getElementById("kr-add");
  var template = document.getElementById("kr-empty-form");
  var total = document.getElementById("id_kr-TOTAL_FORMS");
  var target = document.getElementById("kr-forms");
  if (!button || !template || !total || !target) {
    return;
  }
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    target.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
})();
