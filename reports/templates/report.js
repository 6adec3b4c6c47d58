// Filtering and sorting of the findings tables. Works offline, needs nothing
// else, and keeps the filter in the address as "#filter?level=error&q=visa"
// so a filtered view can be bookmarked, shared or opened by a test.
(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("error", function (e) {
    root.setAttribute("data-js-error", String(e.message));
  });
  var form = document.getElementById("filter");
  var PREFIX = "#filter?";
  var fields = ["q", "level", "cat", "rule", "host"];
  var controls = {};
  fields.forEach(function (name) {
    controls[name] = document.getElementById(name);
  });
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.cat"));
  var texts = new Map();

  function rowText(row) {
    var t = texts.get(row);
    if (t === undefined) {
      t = row.textContent.toLowerCase();
      texts.set(row, t);
    }
    return t;
  }

  function readHash() {
    if (location.hash.indexOf(PREFIX) !== 0) return false;
    var params = new URLSearchParams(location.hash.slice(PREFIX.length));
    fields.forEach(function (name) {
      if (controls[name]) controls[name].value = params.get(name) || "";
    });
    return true;
  }

  function writeHash() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      if (controls[name] && controls[name].value) params.set(name, controls[name].value);
    });
    var text = params.toString();
    history.replaceState(null, "", text ? PREFIX + text : location.pathname + location.search);
  }

  function value(name) {
    return controls[name] ? controls[name].value : "";
  }

  function apply() {
    var query = value("q").trim().toLowerCase();
    var level = value("level"), cat = value("cat"), rule = value("rule"), host = value("host");
    var shown = 0;
    sections.forEach(function (section) {
      var inCat = !cat || section.getAttribute("data-cat") === cat;
      var sectionShown = 0;
      section.querySelectorAll("table.ft").forEach(function (table) {
        var inHost = !host || table.getAttribute("data-host") === host;
        var tableShown = 0;
        table.querySelectorAll("tbody.g").forEach(function (group) {
          var groupShown = 0;
          var rows = group.rows;
          for (var i = 1; i < rows.length; i++) {
            var row = rows[i];
            var ok = inCat && inHost &&
              (!level || row.getAttribute("data-level") === level) &&
              (!rule || row.getAttribute("data-rule") === rule) &&
              (!query || rowText(row).indexOf(query) !== -1 ||
                group.rows[0].textContent.toLowerCase().indexOf(query) !== -1);
            row.hidden = !ok;
            if (ok) groupShown++;
          }
          group.hidden = groupShown === 0;
          tableShown += groupShown;
        });
        table.hidden = tableShown === 0;
        var heading = table.previousElementSibling;
        if (heading && heading.classList.contains("host")) heading.hidden = tableShown === 0;
        sectionShown += tableShown;
      });
      section.hidden = !inCat;
      shown += sectionShown;
    });
    var out = document.getElementById("shown");
    if (out) out.textContent = String(shown);
    root.setAttribute("data-shown", String(shown));
  }

  function sortBy(th) {
    var table = th.closest("table");
    var column = th.cellIndex;
    var numeric = th.hasAttribute("data-num");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var key = function (row) {
      var cell = row.cells[column];
      var raw = cell.getAttribute("data-v") || cell.textContent.trim();
      return numeric ? parseFloat(raw) || 0 : raw.toLowerCase();
    };
    table.querySelectorAll("tbody.g").forEach(function (group) {
      var rows = Array.prototype.slice.call(group.rows, 1);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? c : -c;
      });
      rows.forEach(function (row) {
        group.appendChild(row);
      });
    });
  }

  document.addEventListener("click", function (e) {
    var th = e.target.closest("table.ft thead th");
    if (th) {
      sortBy(th);
      return;
    }
    var header = e.target.closest("tr.gh");
    if (header) header.parentElement.classList.toggle("collapsed");
  });

  if (form) {
    form.addEventListener("input", function () {
      writeHash();
      apply();
    });
    window.addEventListener("hashchange", function () {
      if (readHash()) apply();
    });
    if (readHash()) apply();
  }
  // Time from navigation start until the page is parsed and interactive, for measuring big reports.
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  root.setAttribute("data-ready", "1");
})();
