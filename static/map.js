// Buurt maps: turns a place list (`.map[data-map]`) into a Leaflet map above the list. Without
// JavaScript, or when the map cannot load, the list is all there is, and it says everything the
// map says. The map's data sits in the page as JSON (`script.map__data`):
//   {tiles, attribution, maxZoom, center: [lat, lon], zoom, area: GeoJSON | null,
//    points: [{lat, lon, label, address, href}], pick: {lat: id, lon: id} | null}
// With `pick`, clicking the map fills in the two coordinate fields of the form (and moving the
// marker follows what is typed there).
(function () {
  "use strict";

  function readData(el) {
    var script = el.querySelector("script.map__data");
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (e) {
      return null;
    }
  }

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.href;
    link.textContent = point.label;
    box.appendChild(link);
    if (point.address) {
      var address = document.createElement("p");
      address.textContent = point.address;
      box.appendChild(address);
    }
    return box;
  }

  function number(value) {
    var n = parseFloat(String(value).replace(",", "."));
    return isFinite(n) ? n : null;
  }

  function pickLocation(map, data, L) {
    var latField = document.getElementById(data.pick.lat);
    var lonField = document.getElementById(data.pick.lon);
    if (!latField || !lonField) return;
    var marker = null;
    function place(lat, lon) {
      if (marker) marker.setLatLng([lat, lon]);
      else marker = L.circleMarker([lat, lon], { radius: 9, className: "map__marker map__marker--picked" }).addTo(map);
    }
    function fromFields() {
      var lat = number(latField.value);
      var lon = number(lonField.value);
      if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) place(lat, lon);
    }
    map.on("click", function (event) {
      latField.value = event.latlng.lat.toFixed(6);
      lonField.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng);
      // Choosing by clicking (a home neighbourhood): the click sends the form.
      if (data.pick.submit && latField.form) {
        if (latField.form.requestSubmit) latField.form.requestSubmit();
        else latField.form.submit();
      }
    });
    latField.addEventListener("change", fromFields);
    lonField.addEventListener("change", fromFields);
    fromFields();
  }

  function init(el) {
    var L = window.L;
    var data = readData(el);
    var canvas = el.querySelector(".map__canvas");
    if (!L || !data || !canvas || !data.tiles) return;
    canvas.hidden = false;
    // A view first: vector layers cannot be added to a map that has none.
    var map = L.map(canvas, { scrollWheelZoom: false, maxZoom: data.maxZoom }).setView(data.center, data.zoom);
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: data.maxZoom }).addTo(map);
    var bounds = L.latLngBounds([]);
    if (data.area) {
      var area = L.geoJSON(data.area, { interactive: false, className: "map__area" }).addTo(map);
      bounds.extend(area.getBounds());
    }
    (data.points || []).forEach(function (point) {
      L.circleMarker([point.lat, point.lon], { radius: 8, className: "map__marker" })
        .bindPopup(popup(point))
        .addTo(map);
      bounds.extend([point.lat, point.lon]);
    });
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    if (data.pick) pickLocation(map, data, L);
    el.classList.add("map--ready");
  }

  function start() {
    var maps = document.querySelectorAll(".map[data-map]");
    for (var i = 0; i < maps.length; i++) init(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
