"use strict";
(function () {
  function key(body, i) {
    var cell = body.rows[0] && body.rows[0].cells[i];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  // A sortable table is cut into parts (tables of the same columns); the first has the header.
  document.querySelectorAll("div.sortable").forEach(function (group) {
    var tables = Array.prototype.slice.call(group.querySelectorAll("table"));
    var sizes = tables.map(function (t) { return t.tBodies.length; });
    if (tables.length === 0) return;
    var heads = tables[0].querySelectorAll("thead th");
    heads.forEach(function (th, i) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var bodies = Array.prototype.slice.call(group.querySelectorAll("tbody"));
        bodies.sort(function (a, b) {
          var order = collator.compare(key(a, i), key(b, i));
          return ascending ? order : -order;
        });
        var next = 0;
        tables.forEach(function (table, n) {
          for (var k = 0; k < sizes[n]; k++) table.appendChild(bodies[next++]);
        });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var group = document.getElementById(input.getAttribute("data-filter"));
    if (!group) return;
    var texts = new Map();
    input.addEventListener("input", function () {
      var term = input.value.trim().toLowerCase();
      group.querySelectorAll("tbody").forEach(function (body) {
        var text = texts.get(body);
        if (text === undefined) {
          text = body.textContent.toLowerCase();
          texts.set(body, text);
        }
        body.hidden = term !== "" && text.indexOf(term) < 0;
      });
    });
  });
})();
