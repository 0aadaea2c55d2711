import { describe, expect, it } from "vitest";
import { en } from "./en";
import { es } from "./es";
import { i18n, pickLocale, t } from "./index.svelte";
import { pt } from "./pt";

describe("pickLocale", () => {
  it("follows the first language we speak", () => {
    expect(pickLocale(["es-AR", "en-US"])).toBe("es");
    expect(pickLocale(["pt-BR"])).toBe("pt-BR");
    expect(pickLocale(["pt_PT"])).toBe("pt-BR");
    expect(pickLocale(["fr-FR", "pt-BR"])).toBe("pt-BR");
    expect(pickLocale(["de-DE"])).toBe("en");
    expect(pickLocale([])).toBe("en");
  });
});

describe("t", () => {
  it("fills placeholders in the chosen language", () => {
    i18n.locale = "es";
    expect(t("sync.syncing", { done: 3, total: 10 })).toBe("Sincronizando 3 de 10");
    i18n.locale = "pt-BR";
    expect(t("stage.paid")).toBe("Pago");
    i18n.locale = "en";
    expect(t("stage.payment_in_process")).toBe("Payment in Process");
  });

  it("leaves unknown placeholders visible rather than blank", () => {
    i18n.locale = "en";
    expect(t("sync.syncing", { done: 1 })).toBe("Syncing 1 of {total}");
  });

  it("every catalog has the same keys and no empty text", () => {
    const keys = Object.keys(en).sort();
    for (const catalog of [es, pt]) {
      expect(Object.keys(catalog).sort()).toEqual(keys);
      for (const value of Object.values(catalog)) expect(value.trim()).not.toBe("");
    }
  });
});
