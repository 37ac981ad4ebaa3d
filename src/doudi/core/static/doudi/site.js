// Behaviours every page may use, declared in the markup instead of inline handlers (the
// Content-Security-Policy forbids those, docs/security.md):
//   <button data-print>            prints the page
//   <select data-autosubmit>       submits its form when the choice changes
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-print]");
    if (el) { e.preventDefault(); window.print(); }
  });
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
})();
