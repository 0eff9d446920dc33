// refjournal: open an encrypted page. The page's bytes are AES-256-GCM encrypted under a
// key derived from the password with PBKDF2-HMAC-SHA256 (see refjournal/encrypt.py). The
// derived key, never the password, is kept in sessionStorage for this tab, and in
// localStorage only when "Remember on this device" is ticked.
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("payload").textContent);
  // The file's own name is bound to its bytes. Hosts may serve `x.html` as `x` (Cloudflare
  // Pages) and `index.html` as `/`.
  var name = decodeURIComponent(location.pathname.split("/").pop()) || "index.html";
  if (!/\.html$/.test(name)) { name += ".html"; }
  var store = "refjournal-key-" + payload.salt;
  var form = document.getElementById("unlock");
  var message = document.getElementById("unlock-message");

  function bytes(b64) {
    return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  }

  function text(data) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(data)));
  }

  function derive(password) {
    return crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2",
                                   false, ["deriveBits"])
      .then(function (base) {
        return crypto.subtle.deriveBits({name: "PBKDF2", hash: "SHA-256",
                                         salt: bytes(payload.salt),
                                         iterations: payload.iterations}, base, 512);
      })
      .then(function (bits) { return new Uint8Array(bits).slice(0, 32); });
  }

  // A data file of the site (the search index, a CSV): its 12-byte nonce, then the
  // ciphertext, bound to its own name. The theme's script calls this once the page is
  // open; it resolves to an ArrayBuffer.
  function opener(key) {
    return function (url) {
      var file = decodeURIComponent(url.split("#")[0].split("?")[0].split("/").pop());
      return fetch(url).then(function (response) {
        if (!response.ok) { throw new Error("cannot fetch " + url); }
        return response.arrayBuffer();
      }).then(function (sealed) {
        return crypto.subtle.decrypt({name: "AES-GCM", iv: new Uint8Array(sealed, 0, 12),
                                      additionalData: new TextEncoder().encode(file)},
                                     key, new Uint8Array(sealed, 12));
      });  // the bytes, as they were before encryption (a CSV keeps its BOM)
    };
  }

  function open(raw) {
    return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"])
      .then(function (key) {
        window.refjournalOpenFile = opener(key);
        return crypto.subtle.decrypt({name: "AES-GCM", iv: bytes(payload.nonce),
                                      additionalData: new TextEncoder().encode(name)},
                                     key, bytes(payload.data));
      })
      .then(function (page) {
        return loaded.then(function () {  // replace the shell only once it is fully parsed
          var html = new TextDecoder().decode(page);
          document.open();
          document.write(html);
          document.close();
        });
      });
  }

  var loaded = new Promise(function (resolve) {
    if (document.readyState === "complete") { resolve(); }
    else { window.addEventListener("load", function () { resolve(); }); }
  });

  // Keys of earlier builds (another salt) open nothing any more: forget them.
  [sessionStorage, localStorage].forEach(function (storage) {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf("refjournal-key-") === 0 && key !== store) { storage.removeItem(key); }
    });
  });

  if (!window.crypto || !crypto.subtle) {
    message.textContent = "This page can only be opened over HTTPS (or from this computer).";
    return;
  }

  var kept = sessionStorage.getItem(store) || localStorage.getItem(store);
  if (kept) {
    try {
      open(bytes(kept)).catch(function () {
        sessionStorage.removeItem(store);
        localStorage.removeItem(store);
      });
    } catch (error) {  // a damaged stored value: ask for the password instead
      sessionStorage.removeItem(store);
      localStorage.removeItem(store);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    message.textContent = "Opening…";
    var password = document.getElementById("password").value;
    var remember = document.getElementById("remember").checked;  // gone once the page opens
    derive(password).then(function (raw) {
      return open(raw).then(function () {
        sessionStorage.setItem(store, text(raw));
        if (remember) { localStorage.setItem(store, text(raw)); }
      });
    }).catch(function () {
      message.textContent = "Wrong password: this page could not be opened with it.";
    });
  });
}());
