/* A field form that survives a poor connection: what the user types in a form marked
   `data-draft` is kept in this browser (localStorage) until the server has answered its
   save. The form is sent with fetch: when the connection is down, nothing is lost, a
   message says so and offers to try again; a page opened with entries that were never sent
   offers to put them back. The texts come from the form's data- attributes (translated by
   the template). Without JavaScript the form posts as any other. */
(function () {
  "use strict";
  var PREFIX = "sitetrack:draft:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function entriesOf(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "submit" || el.type === "button" || el.type === "file") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { out.push([el.name, o.value]); });
        return;
      }
      out.push([el.name, el.value]);
    });
    return out;
  }

  function restore(form, entries) {
    var values = {};
    entries.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var used = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button" || el.type === "file") { return; }
      var list = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) !== -1; });
      } else if (el.name in values) {
        var index = used[el.name] || 0;
        if (index < list.length) { el.value = list[index]; }
        used[el.name] = index + 1;
      }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function start(form) {
    var store = storage();
    var key = PREFIX + (form.dataset.draft || window.location.pathname + window.location.search);
    var box = document.createElement("div");
    box.className = "card draft-note";
    box.setAttribute("role", "status");
    box.hidden = true;
    form.insertBefore(box, form.firstChild);
    var lastSubmitter = null;
    var sending = false;
    var timer = null;

    function load() {
      if (!store) { return null; }
      try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
    }
    function keep() {
      if (!store) { return; }
      try { store.setItem(key, JSON.stringify({ saved: Date.now(), entries: entriesOf(form) })); } catch (e) { /* full: the page still works */ }
    }
    function forget() { if (store) { store.removeItem(key); } }

    function say(text, buttons) {
      box.textContent = "";
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn small" + (b.secondary ? " secondary" : "");
        button.textContent = b.label;
        button.dataset.action = b.action;
        button.addEventListener("click", b.run);
        box.appendChild(button);
        box.appendChild(document.createTextNode(" "));
      });
      box.hidden = false;
      box.classList.toggle("warning", true);
    }
    function hide() { box.hidden = true; box.textContent = ""; }

    function offline(again) {
      say(again ? form.dataset.draftStillOffline : form.dataset.draftOffline, [
        { label: form.dataset.draftRetry, action: "retry", run: function () { send(lastSubmitter); } },
      ]);
      box.scrollIntoView({ block: "nearest" });
    }

    function replacePage(html, url) {
      if (url && url !== window.location.href) { window.history.replaceState(null, "", url); }
      document.open();
      document.write(html);
      document.close();
    }

    function send(submitter) {
      if (sending) { return; }
      window.clearTimeout(timer);
      keep();
      var again = !box.hidden && box.querySelector("[data-action=retry]") !== null;
      if (navigator.onLine === false) { offline(again); return; }
      var data;
      try { data = submitter ? new FormData(form, submitter) : new FormData(form); } catch (e) {
        data = new FormData(form);
        if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
      }
      sending = true;
      form.setAttribute("aria-busy", "true");
      window.fetch(form.action || window.location.href, {
        method: "POST", body: data, credentials: "same-origin", redirect: "follow",
      }).then(function (response) {
        return response.text().then(function (html) {
          // The server answered: a page re-shown with its errors carries what was typed,
          // a saved one is saved. A refusal (a lost session, a server error) keeps the draft.
          if (response.ok) { forget(); }
          replacePage(html, response.url);
        });
      }).catch(function () {
        sending = false;
        form.removeAttribute("aria-busy");
        offline(again);
      });
    }

    var previous = load();
    if (previous && previous.entries && !same(previous.entries, entriesOf(form))) {
      var when = new Date(previous.saved).toLocaleString(document.documentElement.lang || undefined,
        { dateStyle: "medium", timeStyle: "short" });
      say(form.dataset.draftFound.replace("{when}", when), [
        { label: form.dataset.draftRestore, action: "restore", run: function () { restore(form, previous.entries); keep(); hide(); } },
        { label: form.dataset.draftDiscard, action: "discard", secondary: true, run: function () { forget(); hide(); } },
      ]);
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { if (!sending) { keep(); } }, 300);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { keep(); return; }
      event.preventDefault();
      lastSubmitter = event.submitter || null;
      send(lastSubmitter);
    });
  }

  function boot() { document.querySelectorAll("form[data-draft]").forEach(start); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
})();
