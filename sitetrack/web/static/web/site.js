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
    document.querySelectorAll("[data-confirm]").forEach(function (node) {
      var target = node.tagName === "FORM" ? node : node.form;
      if (!target) { return; }
      target.addEventListener("submit", function (event) {
        if (!window.confirm(node.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
