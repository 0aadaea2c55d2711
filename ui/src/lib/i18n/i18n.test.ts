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

  it("picks the singular or plural form by count, formatted or not", () => {
    i18n.locale = "en";
    expect(t("accounts.count", { count: 1 })).toBe("1 account");
    expect(t("accounts.count", { count: 2 })).toBe("2 accounts");
    expect(t("board.column.count", { count: "1,204" })).toBe("1,204 leads");
    i18n.locale = "es";
    expect(t("accounts.count", { count: 1 })).toBe("1 cuenta");
    expect(t("guide.caps_left", { count: 1 })).toBe("Queda 1");
    expect(t("guide.caps_left", { count: 0 })).toBe("Quedan 0");
    i18n.locale = "pt-BR";
    expect(t("accounts.count", { count: 3 })).toBe("3 contas");
    expect(t("guide.caps_left", { count: 1 })).toBe("Resta 1");
    i18n.locale = "en";
  });

  it("every catalog has the same keys and no empty text", () => {
    const keys = Object.keys(en).sort();
    for (const catalog of [es, pt]) {
      expect(Object.keys(catalog).sort()).toEqual(keys);
      for (const value of Object.values(catalog)) expect(value.trim()).not.toBe("");
    }
  });
});
