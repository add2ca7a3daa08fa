// The round page's batches: poll each unfinished batch's status and update its row.
(function () {
  "use strict";
  function update(row, data) {
    row.querySelector(".b-status").textContent = data.status_label;
    var bar = row.querySelector(".b-progress");
    bar.value = data.percent;
    bar.textContent = data.percent + " %";
    row.querySelector(".b-count").textContent = data.done + " / " + data.total;
    var failed = row.querySelector(".b-failed");
    failed.textContent = String(data.failed);
    if (data.errors && data.errors.length) {
      var list = document.createElement("ul");
      list.className = "b-errors";
      data.errors.forEach(function (e) {
        var item = document.createElement("li");
        item.textContent = e.code + ": " + e.error;
        list.appendChild(item);
      });
      failed.appendChild(list);
    }
    if (data.error) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = data.error;
      failed.appendChild(p);
    }
    if (data.download && !row.querySelector(".b-download a")) {
      // The page's own link text (translated) is on any finished row; reload to get it.
      window.location.reload();
    }
  }
  function poll(row) {
    fetch(row.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        update(row, data);
        if (!data.finished) { window.setTimeout(function () { poll(row); }, 1500); }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 5000); });
  }
  document.querySelectorAll("tr.batch[data-finished='0']").forEach(poll);
})();
