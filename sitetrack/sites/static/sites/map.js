/* SiteTrack maps: our own admin boundaries and sites, drawn with Leaflet; background
   tiles only when MAP_TILES_URL is configured, so the map works with no internet. */
(function () {
  "use strict";
  var TYPE_COLOURS = {
    planned_camp: "#1b6e3a",
    spontaneous_site: "#c0392b",
    collective_centre: "#0b5cad",
    transit_centre: "#8e44ad",
    reception_centre: "#d68910",
    evacuation_centre: "#117a8b"
  };

  function addTiles(map, url) {
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
  }

  function radiusFor(capacity) {
    // Area proportional to capacity: 100,000 people → about 30 px, 100 people → 4 px.
    if (!capacity) { return 4; }
    return Math.max(4, Math.min(32, Math.sqrt(capacity) / 10));
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function popupFor(props, box) {
    var div = el("div");
    var link = el("a", props.name, { href: box.dataset.siteUrl.replace("CODE", encodeURIComponent(props.code)) });
    div.appendChild(el("strong")).appendChild(link);
    div.appendChild(el("div", props.code + " · " + props.site_type_label));
    if (props.capacity) {
      div.appendChild(el("div", box.dataset.capacityLabel + ": " + props.capacity.toLocaleString()));
    }
    return div;
  }

  function areaStyle(feature) {
    var level = feature.properties.level;
    return { className: "st-area", color: level <= 1 ? "#10243e" : "#5b6475", weight: level <= 1 ? 2.5 : 1,
             fillColor: "#dfe6ee", fillOpacity: level <= 1 ? 0.25 : 0.1 };
  }

  function operationMap(id, statusId) {
    var box = document.getElementById(id);
    var status = document.getElementById(statusId);
    document.querySelectorAll(".legend .swatch").forEach(function (s) {
      s.style.background = TYPE_COLOURS[s.dataset.type] || "#555";
    });
    var map = L.map(box, { preferCanvas: false }).setView([4.4, 18.55], 10);
    addTiles(map, box.dataset.tiles);
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var areas = L.geoJSON(data.areas, {
          style: areaStyle,
          // Names come from COD files and the API: a DOM node with textContent, never HTML.
          onEachFeature: function (f, layer) { layer.bindTooltip(el("span", f.properties.name + " (" + f.properties.pcode + ")")); }
        }).addTo(map);
        var sites = L.geoJSON(data.sites, {
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, {
              className: "st-site st-" + f.properties.site_type,
              radius: radiusFor(f.properties.capacity),
              color: "#fff", weight: 1, fillOpacity: f.properties.status === "open" ? 0.85 : 0.35,
              fillColor: TYPE_COLOURS[f.properties.site_type] || "#555"
            });
          },
          onEachFeature: function (f, layer) { layer.bindPopup(popupFor(f.properties, box)); }
        }).addTo(map);
        var bounds = sites.getBounds();
        if (areas.getBounds().isValid()) { bounds = bounds.isValid() ? bounds.extend(areas.getBounds()) : areas.getBounds(); }
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        box.dataset.areas = data.areas.features.length;
        box.dataset.sites = data.sites.features.length;
        status.textContent = box.dataset.loadedLabel + " " + data.sites.features.length + " · " +
          box.dataset.areasLabel + " " + data.areas.features.length;
      })
      .catch(function () { status.textContent = box.dataset.failedLabel; });
    return map;
  }

  function siteMap(id, boundaryId) {
    var box = document.getElementById(id);
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    var map = L.map(box).setView([lat, lon], 14);
    addTiles(map, box.dataset.tiles);
    var boundaryNode = document.getElementById(boundaryId);
    var boundary = boundaryNode ? JSON.parse(boundaryNode.textContent) : null;
    if (boundary) {
      var layer = L.geoJSON(boundary, { style: { className: "st-area", color: "#5b6475", weight: 1, fillOpacity: 0.08 } }).addTo(map);
      map.fitBounds(layer.getBounds().extend([lat, lon]), { padding: [10, 10] });
    }
    L.circleMarker([lat, lon], { className: "st-site", radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 0.9 }).addTo(map);
    return map;
  }

  window.SiteTrackMap = { operationMap: operationMap, siteMap: siteMap, TYPE_COLOURS: TYPE_COLOURS };

  // Started from data attributes, so pages carry no inline script (Content-Security-Policy).
  function start() {
    var op = document.querySelector("[data-map='operation']");
    if (op) { operationMap(op.id, op.dataset.status); }
    var one = document.querySelector("[data-map='site']");
    if (one) { siteMap(one.id, one.dataset.boundary); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
