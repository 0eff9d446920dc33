// refjournal serve: reload when a newer build is ready, and show the journal's problems.
// Injected by `refjournal serve` only; never part of a built site.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = Number(me.getAttribute("data-version"));
  var run = me.getAttribute("data-run");
  var url = me.getAttribute("data-events");
  var source = null;
  var box = null;

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function show(problems) {
    hide();
    box = document.createElement("div");
    box.id = "refjournal-problems";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
      "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#2b0b0e;color:#ffe9e9;" +
      "border-top:4px solid #e5484d;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;" +
      "box-shadow:0 -8px 24px rgba(0,0,0,.35)";
    var title = document.createElement("strong");
    title.textContent = "The journal has " + problems.length + " problem" +
      (problems.length === 1 ? "" : "s") + ": this is the last good build. " +
      "Save a fix and the page reloads.";
    box.appendChild(title);
    problems.forEach(function (text) {
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:.6rem 0 0;white-space:pre-wrap;font:inherit";
      pre.textContent = text;  // text, never HTML: problems quote the notes
      box.appendChild(pre);
    });
    document.body.appendChild(box);
  }

  function connect() {
    if (source) { return; }
    source = new EventSource(url);
    source.addEventListener("state", function (event) {
      var state = JSON.parse(event.data);
      // A newer build, or another run of serve (a tab left open across a restart).
      if (state.version > version || state.run !== run) { location.reload(); return; }
      if (state.problems.length) { show(state.problems); } else { hide(); }
    });
  }

  function disconnect() {
    // Browsers allow about six connections per host: a hidden tab gives its stream back.
    if (source) { source.close(); source = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { disconnect(); } else { connect(); }
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function () {  // back from the page cache
    if (!document.hidden) { connect(); }
  });
  if (!document.hidden) { connect(); }
}());
