/* Optional enhancement of the report form (/lapor/); the form works fully without it.
   1. Enter in a one-line field presses the form's main button (not the first button in
      the form, which is the location search); Enter in the location search box searches.
   2. A "use my location" button fills latitude and longitude from the device, when the
      browser offers geolocation; its result is announced in a status line.
   3. After a failed submission, focus moves to the error summary so it is read first. */
(function () {
  "use strict";
  var form = document.getElementById("form-lapor");
  if (!form) return;
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  var oneLine = ["text", "email", "tel", "date", "number", "search"];
  form.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || field.tagName !== "INPUT" || oneLine.indexOf(field.type) < 0) return;
    var target = document.getElementById(field.id === "f-region-q" ? "f-region-search" : form.dataset.enterTarget);
    if (!target) return;
    event.preventDefault();
    target.click();
  });

  var lat = document.getElementById("f-latitude");
  var lng = document.getElementById("f-longitude");
  if (!lat || !lng || !navigator.geolocation) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = form.dataset.geoLabel;
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  lng.insertAdjacentElement("afterend", status);
  lng.insertAdjacentElement("afterend", button);
  button.addEventListener("click", function () {
    status.textContent = form.dataset.geoBusy;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      status.textContent = form.dataset.geoDone;
    }, function () {
      status.textContent = form.dataset.geoFailed;
    }, {enableHighAccuracy: true, timeout: 15000});
  });
})();
