/* policycmp report tables: click a header to sort, type in a header filter or the search box to
   filter rows. Plain DOM, no dependency, no network: inlined into every report page. */
(function () {
  "use strict";

  function cellKey(td) {
    if (!td) { return ""; }
    var key = td.getAttribute("data-sort");
    return key !== null ? key : td.textContent.trim();
  }

  function asNumber(text) {
    if (text === "") { return NaN; }
    var n = Number(String(text).replace(/,/g, ""));
    return isFinite(n) ? n : NaN;
  }

  function compare(a, b) {
    if (a === "" && b === "") { return 0; }
    if (a === "") { return 1; }   /* empty cells last, whatever the direction */
    if (b === "") { return -1; }
    var x = asNumber(a), y = asNumber(b);
    if (!isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, "zh-Hans-CN");
  }

  function searchText(row) {
    var parts = [row.textContent];
    row.querySelectorAll("[title]").forEach(function (el) { parts.push(el.getAttribute("title")); });
    if (row.hasAttribute("title")) { parts.push(row.getAttribute("title")); }
    return parts.join(" ").toLowerCase();
  }

  function init(table) {
    if (table.getAttribute("data-pc-ready")) { return; }
    table.setAttribute("data-pc-ready", "1");
    var wrap = table.closest(".pc-table-wrap") || table.parentNode;
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var texts = rows.map(searchText);
    var headRow = table.tHead.rows[0];
    var columns = headRow.cells.length;
    var filters = [];
    var sortState = { column: -1, direction: 0 };

    var bar = document.createElement("div");
    bar.className = "pc-controls";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "pc-search";
    search.placeholder = "Search all columns…";
    search.setAttribute("aria-label", "Search this table");
    var count = document.createElement("span");
    count.className = "pc-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(search);
    bar.appendChild(count);
    wrap.insertBefore(bar, wrap.firstChild);

    var filterRow = document.createElement("tr");
    filterRow.className = "pc-filters";
    Array.prototype.forEach.call(headRow.cells, function (th, index) {
      var label = th.textContent;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pc-sort";
      button.textContent = label;
      button.title = "Sort by " + label;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortBy(index); });
      var cell = document.createElement("td");
      var input = document.createElement("input");
      input.type = "search";
      input.className = "pc-filter";
      input.placeholder = "filter";
      input.setAttribute("aria-label", "Filter " + label);
      input.addEventListener("input", apply);
      cell.appendChild(input);
      filterRow.appendChild(cell);
      filters.push(input);
    });
    table.tHead.appendChild(filterRow);
    search.addEventListener("input", apply);

    function apply() {
      var query = search.value.trim().toLowerCase();
      var wanted = filters.map(function (f) { return f.value.trim().toLowerCase(); });
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = query === "" || texts[i].indexOf(query) !== -1;
        for (var c = 0; ok && c < columns; c++) {
          if (wanted[c] === "") { continue; }
          var td = row.cells[c];
          var text = td ? (td.textContent + " " + (td.getAttribute("title") || "")).toLowerCase() : "";
          ok = text.indexOf(wanted[c]) !== -1;
        }
        row.hidden = !ok;
        if (ok) { shown++; }
      });
      count.textContent = shown === rows.length ? rows.length + " rows" : shown + " of " + rows.length + " rows";
    }

    function sortBy(column) {
      var direction = sortState.column === column ? -sortState.direction || 1 : 1;
      if (sortState.column === column && sortState.direction === -1) { direction = 0; }
      sortState = { column: column, direction: direction };
      var order = rows.map(function (row, i) { return i; });
      if (direction !== 0) {
        var keys = rows.map(function (row) { return cellKey(row.cells[column]); });
        order.sort(function (i, j) {
          var a = keys[i], b = keys[j];
          if (a === "" || b === "") { return compare(a, b) || i - j; }
          return direction * compare(a, b) || i - j;
        });
      }
      order.forEach(function (i) { tbody.appendChild(rows[i]); });
      Array.prototype.forEach.call(headRow.cells, function (th, index) {
        var state = index !== column || direction === 0 ? "none" : direction > 0 ? "ascending" : "descending";
        th.setAttribute("aria-sort", state);
      });
    }

    apply();
  }

  function initAll() {
    document.querySelectorAll("table.pc-table[data-pc-interactive]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
}());
