/* Optional enhancement of the report form (/lapor/); the form works fully without it.
   1. Enter in a one-line field presses the form's main button (not the first button in
      the form, which is the location search); Enter in the location search box searches.
   2. A "use my location" button fills latitude and longitude from the device, when the
      browser offers geolocation; its result is announced in a status line.
   3. After a failed submission, focus moves to the error summary so it is read first.
   4. Typing in the location search shows matching places as you type (autocomplete):
      the suggestions are ordinary submit buttons (name=region_set), exactly like the
      results of the "Cari lokasi" button, so choosing one works by mouse, touch, Tab +
      Enter, or a screen reader's button list; their count is announced. */
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

  var query = document.getElementById("f-region-q");
  var searchButton = document.getElementById("f-region-search");
  if (query && searchButton && window.fetch && form.dataset.suggestUrl) {
    var box = document.createElement("div");
    box.id = "f-region-suggest";
    var said = document.createElement("p");
    said.setAttribute("role", "status");
    said.className = "hint";
    var list = document.createElement("ul");
    list.className = "region-results";
    box.appendChild(said);
    box.appendChild(list);
    searchButton.insertAdjacentElement("afterend", box);
    var timer = null;
    var asked = "";
    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = query.value.trim();
        if (q.length < 3) { list.innerHTML = ""; said.textContent = ""; asked = ""; return; }
        if (q === asked) return;
        asked = q;
        fetch(form.dataset.suggestUrl + "&q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            if (q !== asked) return;  // a newer request is on its way
            list.innerHTML = "";
            data.results.forEach(function (row) {
              var item = document.createElement("li");
              var choose = document.createElement("button");
              choose.type = "submit";
              choose.name = "region_set";
              choose.value = row.code;
              choose.className = "secondary";
              choose.textContent = row.label;
              item.appendChild(choose);
              list.appendChild(item);
            });
            said.textContent = data.results.length
              ? form.dataset.suggestFound.replace("%(n)s", data.results.length) : form.dataset.suggestNone;
          })
          .catch(function () { /* offline or slow: the "Cari lokasi" button still works */ });
      }, 250);
    });
  }

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
