// Choose the place of a complaint on a map drawn from local GeoJSON (no tile server, no internet).
(function () {
  "use strict";
  var box = document.getElementById("complaint-map");
  if (!box || typeof L === "undefined") { return; }
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var division = document.getElementById("id_division_code");
  var chosen = document.getElementById("map-chosen");
  var map = L.map(box, { attributionControl: false, zoomSnap: 0.25 });
  var marker = null;
  function put(latlng, code, name) {
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    if (code && division) { division.value = code; }
    if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 8, color: "#b02a37" }).addTo(map); }
    chosen.textContent = "已选位置：" + (name ? name + "，" : "") + "北纬 " + lat.value + "，东经 " + lng.value;
  }
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: { color: "#198754", weight: 1, fillOpacity: 0.08 },
      onEachFeature: function (feature, l) {
        l.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: "map-label" });
        l.on("click", function (e) { put(e.latlng, feature.properties.code, feature.properties.name); });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
  });
})();
