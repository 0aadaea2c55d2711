// Mostrador's OAuth relay. Mercado Libre only redirects to a fixed HTTPS address, so it sends the
// seller here; this page hands `code` and `state` to the app's listener on this computer. The
// port travels in `state` as `<random>.<port>`. Safety rule: the only place this page ever
// navigates to is http://127.0.0.1:<digits>/callback; with anything else it shows the code so the
// seller can paste it into the app.
(function () {
  "use strict";

  var TEXTS = {
    es: {
      forwarding: "Volviendo a Mostrador…",
      pasteTitle: "Copia este código en Mostrador",
      pasteHelp: "No pudimos abrir Mostrador automáticamente. Copia el código y pégalo en la pantalla de conexión.",
      copy: "Copiar código",
      copied: "Copiado",
      retry: "Intentar abrir Mostrador de nuevo",
      denied: "No se autorizó la conexión. Vuelve a Mostrador para intentarlo de nuevo.",
      missing: "Esta página no recibió ningún código de Mercado Libre."
    },
    pt: {
      forwarding: "Voltando ao Mostrador…",
      pasteTitle: "Copie este código no Mostrador",
      pasteHelp: "Não conseguimos abrir o Mostrador automaticamente. Copie o código e cole na tela de conexão.",
      copy: "Copiar código",
      copied: "Copiado",
      retry: "Tentar abrir o Mostrador de novo",
      denied: "A conexão não foi autorizada. Volte ao Mostrador para tentar de novo.",
      missing: "Esta página não recebeu nenhum código do Mercado Livre."
    },
    en: {
      forwarding: "Returning to Mostrador…",
      pasteTitle: "Copy this code into Mostrador",
      pasteHelp: "We could not open Mostrador automatically. Copy the code and paste it on the connect screen.",
      copy: "Copy code",
      copied: "Copied",
      retry: "Try opening Mostrador again",
      denied: "The connection was not authorized. Go back to Mostrador to try again.",
      missing: "This page did not receive a code from Mercado Libre."
    }
  };
  var PROBE_TIMEOUT_MS = 2500;

  function language() {
    var tag = String(navigator.language || "es").toLowerCase();
    if (tag.indexOf("pt") === 0) return "pt";
    if (tag.indexOf("en") === 0) return "en";
    return "es";
  }

  // `<random>.<port>` → port, or null. Digits only, 1–65535: no host, no scheme, no sign.
  function portFromState(state) {
    if (typeof state !== "string") return null;
    var dot = state.lastIndexOf(".");
    if (dot < 0) return null;
    var digits = state.slice(dot + 1);
    if (!/^[0-9]{1,5}$/.test(digits)) return null;
    var port = parseInt(digits, 10);
    return port >= 1 && port <= 65535 ? port : null;
  }

  function loopbackUrl(port, path, params) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== null) query.set(k, params[k]);
    });
    return "http://127.0.0.1:" + String(port) + path + "?" + query.toString();
  }

  // Asks the listener whether it is there, on a path it ignores, so the callback is delivered
  // only by the navigation that follows.
  function probe(port) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, PROBE_TIMEOUT_MS);
    return fetch("http://127.0.0.1:" + String(port) + "/probe", {
      mode: "no-cors",
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: controller ? controller.signal : undefined
    }).then(function () {
      clearTimeout(timer);
      return true;
    }, function () {
      clearTimeout(timer);
      return false;
    });
  }

  function byId(id) { return document.getElementById(id); }

  // `retryUrl` is offered (never followed by itself) when the probe failed for a valid port: some
  // browsers block a page's requests to this computer but still allow the seller's click.
  function showCode(t, code, retryUrl) {
    document.body.setAttribute("data-relay", "paste");
    byId("title").textContent = t.pasteTitle;
    byId("status").textContent = "";
    byId("paste-help").textContent = t.pasteHelp;
    byId("code").textContent = code;
    var button = byId("copy");
    button.textContent = t.copy;
    button.addEventListener("click", function () {
      if (navigator.clipboard) {
        navigator.clipboard.writeText(code).then(function () { button.textContent = t.copied; }, function () {});
      }
    });
    if (retryUrl) {
      var retry = byId("retry");
      retry.textContent = t.retry;
      retry.href = retryUrl;
      retry.hidden = false;
    }
    byId("paste").hidden = false;
  }

  function showMessage(t, kind, text) {
    document.body.setAttribute("data-relay", kind);
    byId("status").textContent = text;
  }

  function main() {
    var lang = language();
    var t = TEXTS[lang];
    document.documentElement.lang = lang === "pt" ? "pt-BR" : lang;
    var params = new URLSearchParams(window.location.search);
    var code = params.get("code");
    var state = params.get("state");
    var error = params.get("error");
    var port = portFromState(state);

    if (!code && !error) {
      showMessage(t, "missing", t.missing);
      return;
    }
    if (port === null) {
      if (code) showCode(t, code); else showMessage(t, "denied", t.denied);
      return;
    }
    showMessage(t, "forwarding", t.forwarding);
    var callback = loopbackUrl(port, "/callback", {
      code: code,
      state: state,
      error: error,
      error_description: params.get("error_description")
    });
    probe(port).then(function (listening) {
      if (listening) {
        window.location.replace(callback);
      } else if (code) {
        showCode(t, code, callback);
      } else {
        showMessage(t, "denied", t.denied);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", main);
  } else {
    main();
  }
})();
