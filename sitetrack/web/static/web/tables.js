/* List tables: sort by a column (a button in each header, aria-sort on the sorted one) and
   download what is shown as CSV or XLSX, written in the browser from the table itself, so
   the file holds the rows, order and figures on the screen. A table opts out with
   data-nosort / data-noexport; tables with form controls or spanning cells are left alone.
   Server exports (the weekly report, a cleaning log, 3W) stay the reference files and are
   linked on their pages. Texts come from Django's JavaScript catalogue (web's djangojs.po). */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (m, k) { return String(obj[k]); });
  };

  function textOf(node) { return node ? node.textContent.replace(/\s+/g, " ").trim() : ""; }

  // "1,250" (en) / "1 250" or "1 250,5" (fr) / "−35" / "12 %" → a number; anything else → null.
  function numberOf(text) {
    var t = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(/\u2212/g, "-").replace(/%$/, "");
    if ((document.documentElement.lang || "en").slice(0, 2) === "fr") {
      t = t.replace(/\./g, "").replace(",", ".");
    } else {
      t = t.replace(/,/g, "");
    }
    return /^[-+]?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  }

  function usable(table) {
    if (table.querySelector("input, select, textarea")) { return false; }
    var head = table.tHead;
    if (!head || head.rows.length !== 1 || !table.tBodies.length) { return false; }
    var width = head.rows[0].cells.length;
    if (Array.prototype.some.call(head.rows[0].cells, function (c) { return c.colSpan > 1; })) { return false; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    return rows.length > 0 && rows.every(function (r) {
      return r.cells.length === width && !Array.prototype.some.call(r.cells, function (c) { return c.colSpan > 1 || c.rowSpan > 1; });
    });
  }

  function cellKey(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : textOf(cell);
    var n = numberOf(raw);
    return { empty: raw === "" || raw === "—" || raw === "–", num: n, text: raw.toLocaleLowerCase() };
  }

  function compare(a, b) {
    if (a.empty || b.empty) { return a.empty === b.empty ? 0 : (a.empty ? 1 : -1); }
    if (a.num !== null && b.num !== null) { return a.num - b.num; }
    return a.text.localeCompare(b.text, document.documentElement.lang || undefined, { numeric: true });
  }

  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(body.rows, function (row, i) { row.dataset.order = String(i); });
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!textOf(th) || th.querySelector("button, a")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sortbtn";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.title = gettext("Sort by this column");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).map(function (row) {
          return { row: row, key: cellKey(row.cells[index]), order: Number(row.dataset.order) };
        });
        rows.sort(function (a, b) {
          var c = compare(a.key, b.key);
          if (c === 0) { return a.order - b.order; }
          // Empty cells stay last whichever the direction.
          if (a.key.empty || b.key.empty) { return c; }
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      });
    });
  }

  // What the table shows: its header and its rows in their current order, as text.
  function shown(table) {
    var rows = [Array.prototype.map.call(table.tHead.rows[0].cells, textOf)];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      if (row.hidden) { return; }
      rows.push(Array.prototype.map.call(row.cells, textOf));
    });
    return rows;
  }

  function csvOf(rows) {
    return "\ufeff" + rows.map(function (row) {
      return row.map(function (v) { return /[",\r\n;]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }).join(",");
    }).join("\r\n") + "\r\n";
  }

  // A minimal XLSX (one sheet, inline strings, numbers as numbers) in a stored ZIP.
  var CRC = (function () {
    var t = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
      t[n] = c >>> 0;
    }
    return t;
  })();
  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) { c = CRC[(c ^ bytes[i]) & 0xff] ^ (c >>> 8); }
    return (c ^ 0xffffffff) >>> 0;
  }
  function zip(files) {
    var parts = [], central = [], offset = 0;
    var enc = new TextEncoder();
    function header(size) { return new DataView(new ArrayBuffer(size)); }
    files.forEach(function (f) {
      var name = enc.encode(f.name), data = enc.encode(f.text), crc = crc32(data);
      var h = header(30);
      h.setUint32(0, 0x04034b50, true); h.setUint16(4, 20, true); h.setUint16(6, 0x0800, true);
      h.setUint16(8, 0, true); h.setUint16(10, 0, true); h.setUint16(12, 0x21, true);
      h.setUint32(14, crc, true); h.setUint32(18, data.length, true); h.setUint32(22, data.length, true);
      h.setUint16(26, name.length, true); h.setUint16(28, 0, true);
      parts.push(new Uint8Array(h.buffer), name, data);
      var c = header(46);
      c.setUint32(0, 0x02014b50, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true);
      c.setUint16(8, 0x0800, true); c.setUint16(10, 0, true); c.setUint16(12, 0, true); c.setUint16(14, 0x21, true);
      c.setUint32(16, crc, true); c.setUint32(20, data.length, true); c.setUint32(24, data.length, true);
      c.setUint16(28, name.length, true); c.setUint32(42, offset, true);
      central.push(new Uint8Array(c.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var size = central.reduce(function (s, p) { return s + p.length; }, 0);
    var e = header(22);
    e.setUint32(0, 0x06054b50, true); e.setUint16(8, files.length, true); e.setUint16(10, files.length, true);
    e.setUint32(12, size, true); e.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [new Uint8Array(e.buffer)]),
      { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  }
  function xml(s) {
    return String(s).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function column(i) { var s = ""; i += 1; while (i > 0) { var m = (i - 1) % 26; s = String.fromCharCode(65 + m) + s; i = Math.floor((i - 1) / 26); } return s; }
  function xlsxOf(rows, sheet) {
    var NS = "http://schemas.openxmlformats.org/";
    var data = rows.map(function (row, r) {
      return '<row r="' + (r + 1) + '">' + row.map(function (v, c) {
        var ref = column(c) + (r + 1), n = r > 0 ? numberOf(v) : null;
        if (v === "") { return ""; }
        return n !== null ? '<c r="' + ref + '"><v>' + n + "</v></c>"
          : '<c r="' + ref + '" t="inlineStr"><is><t xml:space="preserve">' + xml(v) + "</t></is></c>";
      }).join("") + "</row>";
    }).join("");
    var head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
    return zip([
      { name: "[Content_Types].xml", text: head + '<Types xmlns="' + NS + 'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>' },
      { name: "_rels/.rels", text: head + '<Relationships xmlns="' + NS + 'package/2006/relationships"><Relationship Id="rId1" Type="' + NS + 'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>' },
      { name: "xl/workbook.xml", text: head + '<workbook xmlns="' + NS + 'spreadsheetml/2006/main" xmlns:r="' + NS + 'officeDocument/2006/relationships"><sheets><sheet name="' + xml(sheet) + '" sheetId="1" r:id="rId1"/></sheets></workbook>' },
      { name: "xl/_rels/workbook.xml.rels", text: head + '<Relationships xmlns="' + NS + 'package/2006/relationships"><Relationship Id="rId1" Type="' + NS + 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
      { name: "xl/worksheets/sheet1.xml", text: head + '<worksheet xmlns="' + NS + 'spreadsheetml/2006/main"><sheetData>' + data + "</sheetData></worksheet>" },
    ]);
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function nameOf(table) {
    var section = table.closest("section, .card");
    var heading = section && section.querySelector("h2, h3");
    var title = table.dataset.exportName || textOf(table.caption) || textOf(heading) || textOf(document.querySelector("h1")) || "table";
    return title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase().slice(0, 60) || "table";
  }

  function addTools(table) {
    var bar = document.createElement("div");
    bar.className = "tabletools";
    var label = document.createElement("span");
    label.className = "muted";
    label.textContent = gettext("Download what is shown:");
    bar.appendChild(label);
    [["csv", "CSV"], ["xlsx", "XLSX"]].forEach(function (kind) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "linkbtn";
      button.dataset.export = kind[0];
      button.textContent = kind[1];
      button.setAttribute("aria-label", interpolate(gettext("Download what is shown as %(format)s"), { format: kind[1] }, true));
      button.addEventListener("click", function () {
        var rows = shown(table), name = nameOf(table);
        if (kind[0] === "csv") { save(new Blob([csvOf(rows)], { type: "text/csv;charset=utf-8" }), name + ".csv"); }
        else { save(xlsxOf(rows, name.slice(0, 31)), name + ".xlsx"); }
      });
      bar.appendChild(document.createTextNode(" "));
      bar.appendChild(button);
    });
    var frame = table.closest(".tablewrap, .scroll") || table;
    frame.parentNode.insertBefore(bar, frame);
  }

  function start(root) {
    (root || document).querySelectorAll("table.data").forEach(function (table) {
      if (table.dataset.tableReady || !usable(table)) { return; }
      table.dataset.tableReady = "1";
      if (!table.hasAttribute("data-nosort") && table.tBodies[0].rows.length > 1) { makeSortable(table); }
      if (!table.hasAttribute("data-noexport")) { addTools(table); }
    });
  }

  function boot() {
    start(document);
    // Parts of a page swapped in by htmx get their tools too.
    document.body.addEventListener("htmx:afterSettle", function (event) { start(event.target); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
})();
