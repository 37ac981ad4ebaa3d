// The receipt page: warn before leaving until the user confirms the receipt is kept.
// Only a convenience: without JavaScript the confirmation form does the same.
(function () {
  "use strict";
  var form = document.getElementById("kept-form");
  if (!form) { return; }
  var kept = false;
  form.addEventListener("submit", function () { kept = true; });
  window.addEventListener("beforeunload", function (e) { if (!kept) { e.preventDefault(); e.returnValue = ""; } });
})();
