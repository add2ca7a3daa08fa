/* The coordinator dashboard's map (home page): the sites of the latest validated round as
   discs sized by population and styled by their worst gap (response.gaps), from
   /dashboard/map.json with the page's filters. Offline: no tiles unless data-tiles is set.
   Not colour alone: each status has its own outline (thick, dashed, thin, hollow) and the
   popup names it. Names come from our data and are set with textContent, never as HTML.
   Started from data attributes, no inline script (CSP). */
(function () {
  "use strict";
  var STYLES = {
    gap: { color: "#7a0000", fillColor: "#c0392b", weight: 3, fillOpacity: 0.8, dashArray: null },
    under_covered: { color: "#7a4a00", fillColor: "#e67e22", weight: 2, fillOpacity: 0.7, dashArray: "4 3" },
    covered: { color: "#0b3d6e", fillColor: "#2e86c1", weight: 1, fillOpacity: 0.6, dashArray: null },
    over_served: { color: "#555555", fillColor: "#ffffff", weight: 1, fillOpacity: 0.2, dashArray: null },
    "": { color: "#555555", fillColor: "#ffffff", weight: 1, fillOpacity: 0.2, dashArray: null }
  };
  var LABELS = { gap: "gap", under_covered: "under", covered: "covered", over_served: "over", "": "none" };

  function lang() { return (document.documentElement.lang || "en").slice(0, 2); }
  function num(value) {
    if (value === null || value === undefined) { return "–"; }
    var sep = lang() === "fr" ? "\u00a0" : ",";
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }
  function radius(people, largest) {
    if (!people || !largest) { return 4; }
    return Math.max(4, 22 * Math.sqrt(people / largest));
  }

  function popup(box, site) {
    var div = document.createElement("div");
    var link = document.createElement("a");
    link.href = box.dataset.siteUrl.replace("CODE", encodeURIComponent(site[0]));
    link.textContent = site[1];
    var strong = document.createElement("strong");
    strong.appendChild(link);
    div.appendChild(strong);
    div.appendChild(document.createElement("br"));
    div.appendChild(document.createTextNode(site[0] + " · " + num(site[4]) + " " + (box.dataset.labelPeople || "")));
    div.appendChild(document.createElement("br"));
    div.appendChild(document.createTextNode(box.dataset[LABELS[site[5] || ""]] || ""));
    return div;
  }

  function start(box) {
    var status = document.getElementById(box.dataset.status);
    if (typeof L === "undefined") { if (status) { status.textContent = ""; } return; }
    var map = L.map(box, { preferCanvas: true });
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var largest = 0;
        data.sites.forEach(function (s) { largest = Math.max(largest, s[4] || 0); });
        var bounds = [];
        // Biggest first, so small sites stay on top and clickable.
        data.sites.slice().sort(function (a, b) { return (b[4] || 0) - (a[4] || 0); }).forEach(function (s) {
          var style = STYLES[s[5] || ""] || STYLES[""];
          var marker = L.circleMarker([s[2], s[3]], Object.assign({ radius: radius(s[4], largest) }, style));
          marker.bindPopup(popup(box, s));
          marker.addTo(map);
          bounds.push([s[2], s[3]]);
        });
        if (bounds.length) { map.fitBounds(bounds, { padding: [12, 12], maxZoom: 12 }); } else { map.setView([0, 0], 2); }
        if (status) { status.textContent = num(data.sites.length) + " · " + (box.getAttribute("aria-label") || ""); }
      })
      .catch(function () { if (status) { status.textContent = "–"; } map.setView([0, 0], 2); });
  }

  function init() {
    var box = document.getElementById("dashboard-map");
    if (box) { start(box); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
