/* SiteTrack maps, drawn with Leaflet from our own data so they work with no internet: the
   country and admin boundaries we hold (geo API), labels, the sites clustered
   (leaflet.markercluster), a legend, zoom-to-area and a table of the same sites.
   Background tiles only when MAP_TILES_URL is configured.

   Every name (sites, admin areas) comes from COD files, imports and the API: it is put in
   the page with textContent, never as HTML. Pages start the maps from data attributes:
   no inline script, so a Content-Security-Policy can forbid them. */
(function () {
  "use strict";
  var TYPE_COLOURS = {
    planned_camp: "#1b6e3a",
    spontaneous_site: "#c0392b",
    collective_centre: "#0b5cad",
    transit_centre: "#8e44ad",
    reception_centre: "#b35900",
    evacuation_centre: "#117a8b"
  };
  // Django's JavaScript catalogue (jsi18n) defines these; English if it did not load.
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var pgettext = window.pgettext || function (c, s) { return s; };
  var interpolate = window.interpolate || function (s, o) { return s.replace(/%\((\w+)\)s/g, function (m, k) { return o[k]; }); };

  function lang() { return (document.documentElement.lang || "en").slice(0, 2); }

  // Numbers in the page's language, in the style of the server (reports.formatting):
  // 12,345 in English, 12 345 (no-break space) in French; never the browser's locale.
  function num(value) {
    if (value === null || value === undefined) { return "–"; }
    var sep = lang() === "fr" ? "\u00a0" : ",";
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null && text !== "") { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function addTiles(map, url) {
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
  }

  function diameterFor(capacity) {
    // Area proportional to capacity, kept small so that clusters, not circles, show density:
    // 100,000 people → 28 px, 1,000 → 10 px, unknown → 10 px.
    if (!capacity) { return 10; }
    return Math.round(Math.max(10, Math.min(28, Math.sqrt(capacity) / 11)));
  }

  function siteUrl(box, code) { return box.dataset.siteUrl.replace("CODE", encodeURIComponent(code)); }

  function popupFor(props, box) {
    var div = el("div");
    var link = el("a", props.name, { href: siteUrl(box, props.code) });
    div.appendChild(el("strong")).appendChild(link);
    div.appendChild(el("div", props.code + " · " + props.site_type_label));
    div.appendChild(el("div", statusLabel(props.status)));
    if (props.capacity) {
      div.appendChild(el("div", gettext("Capacity") + ": " + num(props.capacity)));
    }
    return div;
  }

  // Open sites are filled discs; closed ones hollow with a dashed ring and a cross, so they
  // differ by shape, not by colour or opacity alone.
  function siteIcon(props) {
    var size = diameterFor(props.capacity);
    var open = props.status === "open";
    var dot = el("span", null, { "class": "st-site st-" + props.site_type + (open ? " st-open" : " st-closed") });
    dot.style.width = dot.style.height = size + "px";
    dot.style.setProperty("--c", TYPE_COLOURS[props.site_type] || "#555");
    dot.dataset.code = props.code;
    dot.dataset.size = size;
    return L.divIcon({ html: dot, className: "st-marker", iconSize: [size, size] });
  }

  function areaStyle(feature) {
    var level = feature.properties.level;
    return { className: "st-area st-level-" + level, color: level <= 1 ? "#10243e" : "#5b6475",
             weight: level <= 1 ? 2.5 : 1, fillColor: "#dfe6ee", fillOpacity: level <= 1 ? 0.2 : 0.08 };
  }

  function backdropStyle(feature) {
    var level = feature.properties.level;
    return { className: "st-backdrop st-level-" + level, color: "#7d8899", weight: level === 0 ? 2 : 0.8,
             fillColor: level === 0 ? "#f4f1e8" : "#ece8dc", fillOpacity: level === 0 ? 0.9 : 0.3, interactive: false };
  }

  function label(layer, name, level) {
    // A label at the area's centre (admin 2 and below only when zoomed in, by CSS).
    layer.bindTooltip(el("span", name), { permanent: true, direction: "center", className: "st-label st-label-" + level });
  }

  var STATUS = {
    open: function () { return pgettext("site status", "Open"); },
    closed: function () { return pgettext("site status", "Closed"); },
    merged: function () { return pgettext("site status", "Merged into another site"); },
    relocated: function () { return pgettext("site status", "Relocated"); }
  };
  function statusLabel(status) { return STATUS[status] ? STATUS[status]() : status; }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function fillTable(box, features) {
    var body = document.querySelector(box.dataset.table + " tbody");
    if (!body) { return; }
    body.textContent = "";
    features.forEach(function (f) {
      var p = f.properties, row = el("tr");
      var first = el("td");
      first.appendChild(el("a", p.code, { href: siteUrl(box, p.code) }));
      row.appendChild(first);
      row.appendChild(el("td", p.name));
      row.appendChild(el("td", p.site_type_label));
      row.appendChild(el("td", statusLabel(p.status)));
      row.appendChild(el("td", num(p.capacity), { "class": "num" }));
      row.appendChild(el("td", p.pcode));
      row.dataset.status = p.status;
      body.appendChild(row);
    });
  }

  function operationMap(id) {
    var box = document.getElementById(id);
    var status = document.getElementById(box.dataset.status);
    var toggle = document.getElementById(box.dataset.closedToggle);
    var zoomTo = document.getElementById(box.dataset.zoomSelect);
    document.querySelectorAll(".legend .swatch[data-type]").forEach(function (s) {
      s.style.setProperty("--c", TYPE_COLOURS[s.dataset.type] || "#555");
    });
    var map = L.map(box, { keyboard: true, maxZoom: 18 }).setView([4.4, 18.55], 10);
    addTiles(map, box.dataset.tiles);
    map.createPane("backdrop").style.zIndex = 250;
    map.attributionControl.setPrefix(false);

    var backdrop = L.layerGroup().addTo(map);
    [box.dataset.countryUrl, box.dataset.admin1Url].forEach(function (url) {
      if (!url) { return; }
      getJSON(url).then(function (data) {
        L.geoJSON(data, { pane: "backdrop", style: backdropStyle }).addTo(backdrop);
      }).catch(function () { /* the backdrop is optional: the sites still show */ });
    });

    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, animate: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true });
    cluster.addTo(map);

    getJSON(box.dataset.url).then(function (data) {
      var areaBounds = {};
      var areas = L.geoJSON(data.areas, {
        style: areaStyle,
        onEachFeature: function (f, layer) {
          label(layer, f.properties.name, f.properties.level);
          areaBounds[f.properties.pcode] = layer.getBounds();
        }
      }).addTo(map);
      var all = data.sites.features;
      var markers = all.map(function (f) {
        var c = f.geometry.coordinates;
        var marker = L.marker([c[1], c[0]], { icon: siteIcon(f.properties), title: f.properties.name + " (" + f.properties.code + ")",
                                             keyboard: true, riseOnHover: true });
        marker.bindPopup(popupFor(f.properties, box));
        marker.feature = f;
        return marker;
      });
      var openCount = all.filter(function (f) { return f.properties.status === "open"; }).length;

      function draw() {
        var withClosed = toggle && toggle.checked;
        cluster.clearLayers();
        var shown = markers.filter(function (m) { return withClosed || m.feature.properties.status === "open"; });
        cluster.addLayers(shown);
        fillTable(box, shown.map(function (m) { return m.feature; }));
        var text;
        if (withClosed) {
          text = interpolate(ngettext("Sites shown: %(shown)s, of which %(open)s open (%(all)s in all)",
                        "Sites shown: %(shown)s, of which %(open)s open (%(all)s in all)", shown.length),
                     { shown: num(shown.length), open: num(openCount), all: num(all.length) }, true);
        } else {
          text = interpolate(ngettext("Open sites shown: %(shown)s (%(all)s in all)", "Open sites shown: %(shown)s (%(all)s in all)", shown.length),
                     { shown: num(shown.length), all: num(all.length) }, true);
        }
        status.textContent = text;
        box.dataset.sites = shown.length;
      }
      if (toggle) { toggle.addEventListener("change", draw); }
      draw();

      if (zoomTo) {
        data.areas.features.forEach(function (f) {
          var option = el("option", (f.properties.level > 1 ? "\u2003" : "") + f.properties.name + " (" + f.properties.pcode + ")",
                          { value: f.properties.pcode });
          zoomTo.appendChild(option);
        });
        zoomTo.disabled = false;
        zoomTo.addEventListener("change", function () {
          var bounds = zoomTo.value ? areaBounds[zoomTo.value] : home;
          if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        });
      }
      var home = cluster.getBounds();
      if (areas.getBounds().isValid()) { home = home.isValid() ? home.extend(areas.getBounds()) : areas.getBounds(); }
      if (home.isValid()) { map.fitBounds(home, { padding: [30, 30] }); }
      box.dataset.areas = data.areas.features.length;
      box.dataset.ready = "1";
    }).catch(function () { status.textContent = gettext("The map data could not be loaded."); });

    function labelsByZoom() {
      box.classList.toggle("st-zoom-detail", map.getZoom() >= 12);
    }
    map.on("zoomend", labelsByZoom);
    labelsByZoom();
    return map;
  }

  function siteMap(id) {
    var box = document.getElementById(id);
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    var map = L.map(box).setView([lat, lon], 14);
    addTiles(map, box.dataset.tiles);
    map.attributionControl.setPrefix(false);
    var boundaryNode = document.getElementById(box.dataset.boundary);
    var boundary = boundaryNode ? JSON.parse(boundaryNode.textContent) : null;
    if (boundary) {
      var layer = L.geoJSON(boundary, { style: { className: "st-area", color: "#5b6475", weight: 1, fillOpacity: 0.08 } }).addTo(map);
      map.fitBounds(layer.getBounds().extend([lat, lon]), { padding: [10, 10] });
    }
    var dot = el("span", null, { "class": "st-site st-open" });
    dot.style.width = dot.style.height = "16px";
    dot.style.setProperty("--c", "#c0392b");
    L.marker([lat, lon], { icon: L.divIcon({ html: dot, className: "st-marker", iconSize: [16, 16] }), keyboard: false }).addTo(map);
    return map;
  }

  window.SiteTrackMap = { operationMap: operationMap, siteMap: siteMap, TYPE_COLOURS: TYPE_COLOURS };

  function start() {
    var op = document.querySelector("[data-map='operation']");
    if (op) { operationMap(op.id); }
    var one = document.querySelector("[data-map='site']");
    if (one) { siteMap(one.id); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
