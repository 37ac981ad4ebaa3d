// The visit form: the device's location, when the user allows it, goes into the hidden fields
// (no external request). The messages come from the data-* attributes of #location-state.
(function () {
  "use strict";
  var state = document.getElementById("location-state");
  if (!state || !navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
    document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
    state.textContent = state.dataset.recorded;
  }, function () { state.textContent = state.dataset.unavailable; },
  { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
})();
