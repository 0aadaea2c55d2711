import { describe, expect, it } from "vitest";
import { meliHref, segments } from "./links";

describe("meliHref", () => {
  it("accepts Mercado Libre's own sites", () => {
    expect(meliHref("https://www.mercadolibre.com.ar/ayuda")).toBe("https://www.mercadolibre.com.ar/ayuda");
    expect(meliHref("https://articulo.mercadolibre.com.mx/MLM-1")).not.toBeNull();
    expect(meliHref("https://www.mercadolivre.com.br/x")).not.toBeNull();
    expect(meliHref("http://mercadolibre.com/x")).toBe("https://mercadolibre.com/x");
    expect(meliHref("www.mercadolibre.com.co/x")).toBe("https://www.mercadolibre.com.co/x");
    // Chile's domain has no ".com".
    expect(meliHref("https://www.mercadolibre.cl/ventas/1/detalle")).not.toBeNull();
    expect(meliHref("https://produto.mercadolivre.com.br/MLB-1")).not.toBeNull();
  });

  it("links only the hosts the app's link scope allows", () => {
    // A subdomain nobody listed would be refused by the opener's scope: it stays text.
    expect(meliHref("https://evil.mercadolibre.com.ar/")).toBeNull();
  });

  it("refuses look-alike hosts and other schemes", () => {
    for (const hostile of [
      "https://mercadolibre.com.evil.io/login",
      "https://mercadolibre.com.ar.evil.io/",
      "https://evil-mercadolibre.com.ar/",
      "https://mercadolibre.co/",
      "https://mercadolivre.com.evil.br/",
      "https://mercadolibre.com.ar@evil.io/",
      "https://user:pw@mercadolibre.com.ar/",
      "https://mercadolibre.com.ar:8443/",
      "javascript:alert(1)//mercadolibre.com.ar",
      "data:text/html,mercadolibre.com.ar",
      "https://xn--mercadolbre-9db.com.ar/",
    ]) {
      expect(meliHref(hostile), hostile).toBeNull();
    }
  });
});

describe("segments", () => {
  it("links only Mercado Libre addresses and keeps every character of the text", () => {
    const text = "Mirá https://www.mercadolibre.com.ar/ayuda. o https://mercadolibre.com.evil.io/x y javascript:alert(1)";
    const parts = segments(text);
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(parts.filter((p) => p.href).map((p) => p.href)).toEqual(["https://www.mercadolibre.com.ar/ayuda"]);
  });

  it("leaves markup as plain text", () => {
    const text = '<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>';
    expect(segments(text)).toEqual([{ text }]);
  });
});
