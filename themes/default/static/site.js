// refjournal default theme: sortable tables, filter boxes, the search box, and due labels
// and new meeting notes kept true after the build day. Every page reads fine without it.
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
      // A button in each header: reachable by Tab, announced as something to press.
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "Sort by this column";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
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
      });
    });
  });

  // --- filter boxes -------------------------------------------------------------------
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("input.filter").forEach(function (input) {
    var tables = document.querySelectorAll(input.getAttribute("data-target"));
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(tables, function (table) {
        var shown = 0;
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var text = fold((row.getAttribute("data-filter") || "") + " " + row.textContent);
          row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
          if (!row.hidden) shown++;
        });
        // On a page of several tables (meetings by month), a section with nothing left goes.
        var section = tables.length > 1 && table.closest("section");
        if (section) section.hidden = shown === 0 && words.length > 0;  // an empty one stays
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
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var isoToday = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  var soonDays = parseInt(html.getAttribute("data-soon-days") || "7", 10);
  function days(n) { return n + (n === 1 ? " day" : " days"); }
  function stateOf(n) { return n < 0 ? "overdue" : n === 0 ? "today" : n <= soonDays ? "soon" : "later"; }
  document.querySelectorAll(".due-label[data-due]").forEach(function (label) {
    var n = dayNumber(label.getAttribute("data-due")) - today;
    label.textContent = n < 0 ? days(-n) + " overdue" : n === 0 ? "due today" : "due in " + days(n);
    var row = label.closest("tr");
    if (row && /\brow-\w+/.test(row.className)) row.className = row.className.replace(/\brow-\w+/, "row-" + stateOf(n));
  });
  document.querySelectorAll(".badge[data-due]").forEach(function (badge) {
    var state = stateOf(dayNumber(badge.getAttribute("data-due")) - today);
    badge.className = badge.className.replace(/\bstate-\w+/, "state-" + state);
    badge.textContent = state;
  });
  // Relationship health read from a keep-in-touch date (refjournal/health.py: light_of).
  var LIGHTS = {overdue: ["red", "overdue"], today: ["amber", "due today"],
                soon: ["amber", "due soon"], later: ["green", "on track"]};
  var RANK = {red: 0, amber: 1, green: 2, grey: 3};
  document.querySelectorAll(".health[data-due]").forEach(function (health) {
    var light = LIGHTS[stateOf(dayNumber(health.getAttribute("data-due")) - today)];
    health.className = "health health-" + light[0];
    health.querySelector(".word").textContent = light[1];
    var cell = health.closest("td.health-cell");
    if (cell) cell.setAttribute("data-sort", RANK[light[0]]);
  });
  document.querySelectorAll(".ago[data-date]").forEach(function (label) {
    var n = today - dayNumber(label.getAttribute("data-date"));
    label.textContent = n === 0 ? "today" : n === 1 ? "yesterday" : n === -1 ? "tomorrow"
      : n > 0 ? days(n) + " ago" : "in " + days(-n);
  });

  // The rows of due items now carry the reader's states (row-overdue, ...). A table kept
  // in sections by state (the follow-ups page: data-due-rows) gets each row in its state's
  // section; then every count of a state (data-due-count) is redone from the rows, and
  // what shows only with something due in given states (data-due-some) or with nothing
  // (data-due-none) is shown or hidden. The build wrote its own figures into all of them.
  function rowState(row) {
    var found = /\brow-(\w+)/.exec(row.className);
    return found ? found[1] : "";
  }
  // An item the days have closed since the build (a birthday gone by, a referral received
  // out of the loop's window: data-until) is due no more.
  document.querySelectorAll("table.due tr[data-until]").forEach(function (row) {
    if (dayNumber(row.getAttribute("data-until")) < today) row.remove();
  });
  var bodies = {};
  document.querySelectorAll("[data-due-rows]").forEach(function (box) {
    var body = box.querySelector("table.due tbody");
    if (body) bodies[box.getAttribute("data-due-rows")] = body;
  });
  var kept = Array.prototype.slice.call(document.querySelectorAll("[data-due-rows] table.due tbody tr"));
  if (kept.some(function (row) { return row.closest("[data-due-rows]").getAttribute("data-due-rows") !== rowState(row); })) {
    // The rows are in order of due date across the sections: appended in that order,
    // each section keeps it.
    kept.forEach(function (row) { if (bodies[rowState(row)]) bodies[rowState(row)].appendChild(row); });
  }
  var counts = {overdue: 0, today: 0, soon: 0, later: 0};
  document.querySelectorAll("table.due tbody tr").forEach(function (row) {
    if (counts.hasOwnProperty(rowState(row))) counts[rowState(row)]++;
  });
  function counted(element, name) {
    return element.getAttribute(name).split(/\s+/).reduce(function (sum, state) { return sum + (counts[state] || 0); }, 0);
  }
  document.querySelectorAll("[data-due-count]").forEach(function (element) {
    element.textContent = counted(element, "data-due-count");
  });
  document.querySelectorAll("[data-due-some]").forEach(function (element) {
    element.hidden = counted(element, "data-due-some") === 0;
  });
  document.querySelectorAll("[data-due-none]").forEach(function (element) {
    element.hidden = counted(element, "data-due-none") !== 0;
  });

  // The page's day. "as of" (data-as-of: the build's day, with a <time>) says the reader's
  // day, in the words of the date("long") filter, and shows what it holds for a day that is
  // not the build's (data-when-moved). In the footer only when the page follows the
  // reader's day; a page of the build's figures alone (insights) keeps the build's.
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function longDate(n) {
    var d = new Date(n * 86400000);
    return WEEKDAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  var follows = document.querySelector("main [data-due], main .ago[data-date], main [data-as-of]");
  document.querySelectorAll("[data-as-of]").forEach(function (element) {
    var built = dayNumber(element.getAttribute("data-as-of"));
    var time = element.querySelector("time");
    if (built === today || !time || !follows) return;
    time.textContent = longDate(today);
    time.setAttribute("datetime", isoToday);
    element.querySelectorAll("[data-when-moved]").forEach(function (part) { part.hidden = false; });
  });
  // Figures of the build's week or month (the goals): when the reader's is another, they
  // say which they are (data-then), or show (data-then-show) or hide (data-then-hide).
  function periodStart(n, period) {
    if (period === "week") return n - ((n + 3) % 7 + 7) % 7;  // its Monday: 1 Jan 1970 was a Thursday
    var d = new Date(n * 86400000);
    return period === "month" ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86400000 : n;
  }
  document.querySelectorAll("[data-period][data-built]").forEach(function (element) {
    var period = element.getAttribute("data-period");
    if (periodStart(dayNumber(element.getAttribute("data-built")), period) === periodStart(today, period)) return;
    if (element.hasAttribute("data-then")) element.textContent = element.getAttribute("data-then");
    if (element.hasAttribute("data-then-show")) element.hidden = false;
    if (element.hasAttribute("data-then-hide")) element.hidden = true;
  });

  // --- a new meeting note on the git host, dated the reader's day ----------------------------
  // The build dated it (and its folder, meetings/<year>) the build's day: both move to the
  // reader's, in the link's address and in the note shown to paste.
  function redate(text, day, folder) {
    var moved = folder.replace(/\d{4}$/, isoToday.slice(0, 4));
    var at = text.lastIndexOf(folder);
    if (at !== -1) text = text.slice(0, at) + moved + text.slice(at + folder.length);
    return text.split(day).join(isoToday);
  }
  document.querySelectorAll("[data-log-day]").forEach(function (element) {
    var day = element.getAttribute("data-log-day");
    var folder = element.getAttribute("data-log-folder") || "";
    if (day === isoToday) return;
    if (element.hasAttribute("href")) {
      element.setAttribute("href", redate(element.getAttribute("href"), day, folder));
    } else {
      element.querySelectorAll("code, pre").forEach(function (node) {
        node.textContent = redate(node.textContent, day, folder);
      });
    }
    element.setAttribute("data-log-day", isoToday);
    element.setAttribute("data-log-folder", folder.replace(/\d{4}$/, isoToday.slice(0, 4)));
  });

  // --- files of an encrypted site: opened with the page's key -----------------------------
  if (encrypted) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[download]");
      if (!link || !/\.bin$/.test(link.getAttribute("href"))) return;
      event.preventDefault();
      window.refjournalOpenFile(link.getAttribute("href")).then(function (bytes) {
        var name = link.getAttribute("download");
        var type = /\.json$/.test(name) ? "application/json" : /\.ics$/.test(name) ? "text/calendar" : "text/csv;charset=utf-8";
        var url = URL.createObjectURL(new Blob([bytes], {type: type}));
        var save = document.createElement("a");
        save.href = url;
        save.download = link.getAttribute("download");
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      }, function () {
        link.textContent = "Download from the site's web address: an encrypted site opened from disk cannot read its files";
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
  var popup = form && form.querySelector(".search-popup");
  var none = form && form.querySelector(".search-none");
  var status = document.getElementById("search-status");
  if (!form || !input || !list || !popup || !none) return;
  form.hidden = false;
  var loading = null;
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
      return {
        contacts: data.contacts.map(function (c) {
          return {item: c, text: fold(c.slice(0, -1).join(" ")), name: fold(c[0]), head: fold(c.slice(0, 4).join(" "))};
        }),
        meetings: data.meetings.map(function (m) {
          return {item: m, text: fold(m.slice(0, 5).join(" ")), name: fold(m[0]), head: fold(m.slice(0, 3).join(" "))};
        })
      };
    });
    loading.catch(function () { loading = null; });  // try again on the next key
    return loading;
  }

  function matches(entries, words, limit) {
    var found = [];
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (words.every(function (w) { return entry.text.indexOf(w) !== -1; })) {
        var at = entry.name.indexOf(words[0]);
        found.push({entry: entry, rank: at === 0 ? 0 : at !== -1 ? 1 : 2, order: i});
      }
    }
    found.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    return found.slice(0, limit).map(function (f) { return f.entry; });
  }

  // A meeting found by a prospect of its referrals or a text of its follow-ups, not by its
  // title, date or people alone, says which one: the line with most of the other words; a
  // contact found by what they need or offer, not by name, company, role or tags, says so.
  var HELD = [[3, "prospect: "], [4, "follow-up: "]];
  var SAID = [[4, "needs: "], [5, "offers: "]];
  function held(entry, words, fields) {
    var rest = words.filter(function (w) { return entry.head.indexOf(w) === -1; });
    var best = "", most = 0;
    fields.forEach(function (field) {
      (entry.item[field[0]] || "").split("\n").forEach(function (line) {
        var folded = fold(line);
        var hits = rest.filter(function (w) { return folded.indexOf(w) !== -1; }).length;
        if (hits > most) {
          most = hits;
          best = field[1] + (line.length > 90 ? line.slice(0, 89) + "…" : line);
        }
      });
    });
    return best;
  }

  // Each result is a link that is itself the listbox's option (an option may hold nothing
  // interactive): focus stays in the box, which points at the chosen one.
  var count = 0;
  function option(href, title, detail, why) {
    var a = document.createElement("a");
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.id = "search-result-" + (count++);
    a.href = href;
    a.tabIndex = -1;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = title;
    a.appendChild(name);
    [detail, why].forEach(function (line) {
      if (!line) return;
      var small = document.createElement("small");
      small.textContent = line;
      a.appendChild(small);
    });
    return a;
  }

  function group(label, options) {
    var box = document.createElement("div");
    box.setAttribute("role", "group");
    var head = document.createElement("div");
    head.className = "group";
    head.id = "search-group-" + (count++);
    head.textContent = label;
    box.setAttribute("aria-labelledby", head.id);
    box.appendChild(head);
    options.forEach(function (o) { box.appendChild(o); });
    return box;
  }

  function show(nodes, message) {
    list.textContent = "";
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    none.textContent = message || "";
    none.hidden = !message;
    nodes.forEach(function (node) { list.appendChild(node); });
    list.hidden = !nodes.length;
    popup.hidden = list.hidden && none.hidden;
    input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
  }

  function announce(text) {
    if (status) status.textContent = text;
  }

  function link(url) {
    return encrypted ? url : root + url;
  }

  function words() {
    return fold(input.value).split(/\s+/).filter(Boolean);
  }

  function search() {
    var asked = words();
    if (!asked.length) { show([]); announce(""); return; }
    load().then(function (data) {
      if (words().join(" ") !== asked.join(" ")) return;  // typed on meanwhile
      var people = matches(data.contacts, asked, 8).map(function (entry) {
        var c = entry.item, why = held(entry, asked, SAID);
        return option(link(c[c.length - 1]), c[0], [c[2], c[1]].filter(Boolean).join(", ") || c[3], why);
      });
      var meetings = matches(data.meetings, asked, 8).map(function (entry) {
        var m = entry.item, why = held(entry, asked, HELD);
        return option(link(m[5]), m[0], m[1] + (m[2] ? " · " + m[2] : ""), why);
      });
      var nodes = [];
      if (people.length) nodes.push(group("Contacts", people));
      if (meetings.length) nodes.push(group("Meetings", meetings));
      var total = people.length + meetings.length;
      show(nodes, total ? "" : "Nothing matches “" + input.value.trim() + "”.");
      announce(total ? total + (total === 1 ? " result" : " results") : "Nothing matches.");
    }, function () {
      var message = encrypted && location.protocol === "file:"
        ? "Search needs the site's web address: an encrypted site opened from disk cannot read its index."
        : "Search could not load its index.";
      show([], message);
      announce(message);
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
    if (event.isComposing) return;  // an input method is still composing a character
    if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
    else if (event.key === "Escape") {
      // The first Escape closes the list (a search field would clear itself), the second
      // clears the field.
      if (!popup.hidden) { event.preventDefault(); show([]); } else { input.value = ""; announce(""); }
    } else if (event.key === "Enter") {
      event.preventDefault();
      var chosen = options()[selected >= 0 ? selected : 0];
      if (chosen) location.href = chosen.href;
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("focusout", function () {
    setTimeout(function () { if (!form.contains(document.activeElement)) show([]); }, 150);
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) show([]);
  });
})();
