// refjournal default theme: reading offline. Registers the service worker that the build
// writes at the site's top (sw.js: network first, the last visited pages kept for when the
// network is gone). With `offline: false` in refjournal.yaml (data-offline="off"), removes
// the worker an earlier build left, and what it kept. Nothing on a site opened from disk.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !("serviceWorker" in navigator) || location.protocol === "file:") return;
  // This file sits in assets/, one folder below the site's top, wherever the page is (the
  // pages of an encrypted site all sit at the top).
  var scope = new URL("../", me.src).href;
  var worker = new URL("../sw.js", me.src).href;

  function register() {
    navigator.serviceWorker.register(worker, {scope: scope, updateViaCache: "none"})
      .catch(function () {});  // not over HTTPS, or the worker is missing: online only
  }

  function remove() {
    navigator.serviceWorker.getRegistration(scope).then(function (found) {
      if (found && found.scope === scope) return found.unregister();  // not a parent's
    }).then(function () {
      return window.caches ? caches.keys() : [];
    }).then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("refjournal " + scope + " ") === 0;  // named as sw.js names them
      }).map(function (name) { return caches.delete(name); }));
    }).catch(function () {});
  }

  var go = me.getAttribute("data-offline") === "off" ? remove : register;
  // After the page's own files: the worker's first fetches wait their turn.
  if (document.readyState === "complete") { go(); }
  else { window.addEventListener("load", go); }
}());
