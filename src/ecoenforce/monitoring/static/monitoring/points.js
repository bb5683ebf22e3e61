// Points map: Leaflet with no tile server — the base layer is the jurisdiction's GeoJSON from the platform.
(function () {
  var el = document.getElementById("mon-map");
  if (!el || typeof L === "undefined") { return; }
  var markers = JSON.parse(document.getElementById("mon-markers").textContent);
  var colors = { online: "#198754", offline: "#6c757d", abnormal: "#dc3545" };
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.5 });
  var bounds = [];
  fetch(el.dataset.divisions, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
    var layer = L.geoJSON(geo, { style: { color: "#2e7d32", weight: 1, fillOpacity: 0.05 } }).addTo(map);
    layer.eachLayer(function (l) { l.bindTooltip(l.feature.properties.name); });
    if (!bounds.length && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
  });
  markers.forEach(function (m) {
    var c = L.circleMarker([m.lat, m.lng], { radius: 6, color: colors[m.status], fillOpacity: 0.8 }).addTo(map);
    var a = document.createElement("a");
    a.href = m.url;
    a.textContent = m.name + "（" + m.label + "）";
    c.bindPopup(a);
    bounds.push([m.lat, m.lng]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([39.5, 116.7], 9); }
})();
