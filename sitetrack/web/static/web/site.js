/* SiteTrack pages: the phone menu and small behaviours, from a static file (no inline
   scripts, so a Content-Security-Policy can forbid them). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function start() {
    var button = document.querySelector(".menubtn");
    var menu = document.getElementById("topmenu");
    if (button && menu) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("open", open);
      });
    }
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    labelTables();
    // Parts of a page swapped in by htmx (a filtered list) get the same treatment.
    document.body.addEventListener("htmx:afterSettle", labelTables);
    document.querySelectorAll("[data-confirm]").forEach(function (node) {
      var target = node.tagName === "FORM" ? node : node.form;
      if (!target) { return; }
      target.addEventListener("submit", function (event) {
        if (!window.confirm(node.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }
  // A wide table's scrolling frame takes keyboard focus when it scrolls (and is named after
  // its table), so keyboard users can scroll it. Form controls carry their own labels in
  // the markup.
  function textOf(node) { return node ? node.textContent.replace(/\s+/g, " ").trim() : ""; }
  function labelTables() {
    // Every data table scrolls in its own frame on a narrow screen, never the whole page.
    document.querySelectorAll("table.data").forEach(function (table) {
      if (table.closest(".tablewrap, .scroll")) { return; }
      var wrap = document.createElement("div");
      wrap.className = "tablewrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    document.querySelectorAll(".tablewrap, .scroll").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth && !wrap.hasAttribute("tabindex")) { return; }
      if (!wrap.hasAttribute("tabindex")) { wrap.tabIndex = 0; }
      if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
        var table = wrap.querySelector("table");
        var caption = table && table.caption;
        var section = wrap.closest("section, .card, .gaplist");
        var heading = section && section.querySelector("h1, h2, h3, h4");
        var name = textOf(caption) || textOf(heading);
        if (name) { wrap.setAttribute("role", "region"); wrap.setAttribute("aria-label", name); }
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
