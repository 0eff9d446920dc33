// refjournal: the site's service worker, for reading offline (made by refjournal/site/offline.py).
//
// Network first: every request for a file of the site goes to the network, past the
// browser's HTTP cache, and what comes back is kept; only when the network fails does
// the kept copy answer. BUILD names this build: it changes whenever any file of the site
// does, so a new build installs a new worker, which deletes what older builds kept. Once
// a newer build is online, nothing of an older one is served. On an encrypted site the
// worker keeps what the server sent: the encrypted files.
"use strict";

var BUILD = "232be740b0d68c604f19";
var FIRST = ["./", "assets/favicon.svg", "assets/offline.js", "assets/site.js", "assets/style.css"];  // kept as soon as the worker installs: the dashboard and the theme
var KEEP = 300;  // responses kept, the last visited first
// This site's caches, not those of another site under another path of the same origin.
var PREFIX = "refjournal " + self.registration.scope + " ";
var CACHE = PREFIX + BUILD;

// This build's cache, opened once. When a newer worker deletes it, what this one still
// puts goes into the deleted cache, never into a new one of the same name.
var opened = null;

function cache() {
  if (!opened) {
    opened = caches.has(CACHE).then(function (has) { return has ? caches.open(CACHE) : null; });
  }
  return opened;
}

function keep(cache, request, response) {
  return cache.put(request, response).then(function () {
    return cache.keys();
  }).then(function (kept) {  // oldest first: a response kept again moves to the end
    return Promise.all(kept.slice(0, Math.max(0, kept.length - KEEP)).map(function (old) {
      return cache.delete(old);
    }));
  });
}

function fetched(request) {
  return fetch(request, {cache: "no-cache"});  // asks the server, even for a fresh copy
}

function keepable(response) {
  return response.ok && response.type === "basic";  // no error, no redirect
}

function fetchAndKeep(urls) {
  return cache().then(function (cache) {
    return cache && Promise.all(urls.map(function (url) {
      var request = new Request(url);
      return fetched(request).then(function (response) {
        return keepable(response) ? keep(cache, request, response) : null;
      }).catch(function () { return null; });  // offline now: kept when next visited
    }));
  });
}

self.addEventListener("install", function (event) {
  opened = caches.open(CACHE);
  event.waitUntil(fetchAndKeep(FIRST).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.clients.claim();
  }).then(function () {
    return self.clients.matchAll({type: "window"});
  }).then(function (windows) {  // the pages open now were loaded before this worker
    return fetchAndKeep(windows.map(function (client) { return client.url; }).filter(mine));
  }));
});

function mine(url) {
  return url.indexOf(self.registration.scope) === 0;
}

// A page by its other address: a folder and its index.html.
function other(url) {
  var path = url.split(/[?#]/)[0];
  if (/\/$/.test(path)) { return path + "index.html"; }
  if (/\/index\.html$/.test(path)) { return path.slice(0, -"index.html".length); }
  return null;
}

function fromCache(request) {
  return cache().then(function (cache) {
    return cache && cache.match(request).then(function (found) {
      var alias = other(request.url);
      return found || (alias && cache.match(alias));
    });
  }).then(function (found) { return found || Response.error(); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !mine(request.url) || request.headers.has("range") ||
      request.headers.get("accept") === "text/event-stream") {
    return;  // the browser's own way: not kept
  }
  event.respondWith(fetched(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      event.waitUntil(cache().then(function (cache) {
        return cache && keep(cache, request, copy);
      }));
    }
    return response;
  }, function () {
    return fromCache(request);
  }));
});
