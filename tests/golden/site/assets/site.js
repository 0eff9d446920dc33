// refjournal default theme: sortable tables, filter boxes, the search box, and due labels
// kept true after the build day. Every page reads fine without it.
(function () {
  "use strict";
  var html = document.documentElement;
  var encrypted = typeof window.refjournalOpenFile === "function";  // set by unlock.js
  // Pages of an encrypted site all sit at the top, whatever their path was.
  var root = encrypted ? "" : (html.getAttribute("data-root") || "");

  // --- sortable tables ----------------------------------------------------------------
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
  }
  var NUMBER = /^\s*-?\d+(\.\d+)?\s*$/;
  function compare(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) return parseFloat(a) - parseFloat(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length) return;
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", "Sort by this column");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });

  // --- filter boxes -------------------------------------------------------------------
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("input.filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-target"));
    if (!table) return;
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = fold(row.getAttribute("data-filter") || row.textContent);
        row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  });

  // --- due labels, against the reader's own date ------------------------------------------
  function dayNumber(iso) {  // days since 1970-01-01 of a YYYY-MM-DD, free of time zones
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000;
  }
  var now = new Date();
  var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86400000;
  var soonDays = parseInt(html.getAttribute("data-soon-days") || "7", 10);
  function days(n) { return n + (n === 1 ? " day" : " days"); }
  document.querySelectorAll(".due-label[data-due]").forEach(function (label) {
    var n = dayNumber(label.getAttribute("data-due")) - today;
    label.textContent = n < 0 ? days(-n) + " overdue" : n === 0 ? "due today" : "due in " + days(n);
  });
  document.querySelectorAll(".badge[data-due]").forEach(function (badge) {
    var n = dayNumber(badge.getAttribute("data-due")) - today;
    var state = n < 0 ? "overdue" : n === 0 ? "today" : n <= soonDays ? "soon" : "later";
    badge.className = badge.className.replace(/\bstate-\w+/, "state-" + state);
    badge.textContent = state;
  });

  // --- files of an encrypted site: opened with the page's key -----------------------------
  if (encrypted) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[download]");
      if (!link || !/\.bin$/.test(link.getAttribute("href"))) return;
      event.preventDefault();
      window.refjournalOpenFile(link.getAttribute("href")).then(function (bytes) {
        var url = URL.createObjectURL(new Blob([bytes], {type: "text/csv;charset=utf-8"}));
        var save = document.createElement("a");
        save.href = url;
        save.download = link.getAttribute("download");
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      });
    });
  }

  // Printing shows the numbers behind every chart.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  // --- search -------------------------------------------------------------------------
  var form = document.querySelector("form.search");
  var input = document.getElementById("site-search");
  var list = document.getElementById("search-results");
  if (!form || !input || !list) return;
  form.hidden = false;
  var loading = null;
  var index = null;
  var selected = -1;

  function load() {
    if (loading) return loading;
    var href = input.getAttribute("data-href");
    if (encrypted) {
      loading = window.refjournalOpenFile(href).then(function (bytes) {
        return JSON.parse(new TextDecoder().decode(bytes));
      });
    } else if (location.protocol === "file:") {  // browsers refuse fetch() on files
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = input.getAttribute("data-script");
        script.onload = function () { resolve(window.refjournalSearchIndex); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    } else {
      loading = fetch(href).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }
    loading = loading.then(function (data) {
      index = {
        contacts: data.contacts.map(function (c) { return {item: c, text: fold(c.slice(0, 5).join(" ")), name: fold(c[0])}; }),
        meetings: data.meetings.map(function (m) { return {item: m, text: fold(m.slice(0, 3).join(" ")), name: fold(m[0])}; })
      };
      return index;
    });
    loading.catch(function () {
      loading = null;
      show([], "Search could not load its index.");
    });
    return loading;
  }

  function matches(entries, words, limit) {
    var found = [];
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (words.every(function (w) { return entry.text.indexOf(w) !== -1; })) {
        var rank = entry.name.indexOf(words[0]) === 0 ? 0 : entry.name.indexOf(words[0]) !== -1 ? 1 : 2;
        found.push({entry: entry, rank: rank, order: i});
      }
    }
    found.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    return found.slice(0, limit).map(function (f) { return f.entry.item; });
  }

  function option(href, title, detail) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = "search-result-" + list.children.length;
    var a = document.createElement("a");
    a.href = href;
    a.tabIndex = -1;
    a.textContent = title;
    if (detail) {
      var small = document.createElement("small");
      small.textContent = detail;
      a.appendChild(small);
    }
    li.appendChild(a);
    return li;
  }

  function group(label) {
    var li = document.createElement("li");
    li.className = "group";
    li.setAttribute("role", "presentation");
    li.textContent = label;
    return li;
  }

  function show(results, message) {
    list.textContent = "";
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    if (message) {
      var note = document.createElement("li");
      note.className = "none";
      note.setAttribute("role", "presentation");
      note.textContent = message;
      list.appendChild(note);
    }
    results.forEach(function (node) { list.appendChild(node); });
    list.hidden = !list.children.length;
    input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
  }

  function link(url) {
    return encrypted ? url : root + url;
  }

  function search() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    if (!words.length) { show([]); return; }
    load().then(function (data) {
      if (fold(input.value).split(/\s+/).filter(Boolean).join(" ") !== words.join(" ")) return;
      var nodes = [];
      var people = matches(data.contacts, words, 8);
      var meetings = matches(data.meetings, words, 8);
      if (people.length) nodes.push(group("Contacts"));
      people.forEach(function (c) {
        nodes.push(option(link(c[5]), c[0], [c[2], c[1]].filter(Boolean).join(", ") || c[3]));
      });
      if (meetings.length) nodes.push(group("Meetings"));
      meetings.forEach(function (m) {
        nodes.push(option(link(m[3]), m[0], m[1] + (m[2] ? " · " + m[2] : "")));
      });
      show(nodes, nodes.length ? "" : "Nothing matches “" + input.value.trim() + "”.");
    });
  }

  function options() { return list.querySelectorAll('[role="option"]'); }

  function select(n) {
    var all = options();
    if (!all.length) return;
    selected = (n + all.length) % all.length;
    all.forEach(function (li, i) { li.setAttribute("aria-selected", i === selected ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", all[selected].id);
    all[selected].scrollIntoView({block: "nearest"});
  }

  input.addEventListener("focus", function () { load(); });
  input.addEventListener("input", search);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
    else if (event.key === "Escape") { input.value = ""; show([]); }
    else if (event.key === "Enter") {
      event.preventDefault();
      var all = options();
      var chosen = all[selected >= 0 ? selected : 0];
      if (chosen) location.href = chosen.querySelector("a").href;
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) show([]);
  });
})();
