import { beforeEach, describe, expect, it } from "vitest";
import { CommandError } from "../api/commands";
import { i18n } from "../i18n/index.svelte";
import { columnTitle, customKeys, placed, reasonOf, shifted } from "./stages";

describe("stage helpers", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("lists the custom stages in board order and shifts one within them", () => {
    const keys = customKeys([{ key: "system:paid" }, { key: "custom:4" }, { key: "custom:2" }, { key: "system:canceled" }]);
    expect(keys).toEqual(["custom:4", "custom:2"]);
    expect(shifted(keys, "custom:2", -1)).toEqual(["custom:2", "custom:4"]);
    expect(shifted(keys, "custom:4", 1)).toEqual(["custom:2", "custom:4"]);
    expect(shifted(keys, "custom:4", -1)).toBeNull();
    expect(shifted(keys, "custom:2", 1)).toBeNull();
    expect(shifted(keys, "system:paid", 1)).toBeNull();
  });

  it("puts a stage dropped on another in that one's place", () => {
    const keys = ["custom:1", "custom:2", "custom:3"];
    expect(placed(keys, "custom:1", "custom:3")).toEqual(["custom:2", "custom:3", "custom:1"]);
    expect(placed(keys, "custom:3", "custom:1")).toEqual(["custom:3", "custom:1", "custom:2"]);
    expect(placed(keys, "custom:2", "custom:2")).toBeNull();
    expect(placed(keys, "custom:2", "system:paid")).toBeNull();
  });

  it("names system stages in the seller's language and custom stages as the seller did", () => {
    i18n.locale = "es";
    expect(columnTitle({ system: "paid", name: null })).toBe("Pagado");
    expect(columnTitle({ system: null, name: "Embalado" })).toBe("Embalado");
  });

  it("turns the core's refusals into sentences in the seller's language", () => {
    const notPaid = new CommandError({ code: "not_paid", message: "only paid…", details: { stage: "payment_required" } });
    expect(reasonOf(notPaid)).toBe("Only paid leads go into your own stages: this one is in Payment Required.");
    i18n.locale = "pt-BR";
    expect(reasonOf(notPaid)).toBe("Só leads pagos vão para as suas próprias etapas: este está em Pagamento pendente.");
    i18n.locale = "es";
    const contradicts = new CommandError({
      code: "contradicts_mercado_libre",
      message: "…",
      details: { target: "canceled", actual: "paid" },
    });
    expect(reasonOf(contradicts)).toBe("Mercado Libre dice que este lead está en Pagado, no en Cancelado.");
    const duplicate = new CommandError({ code: "duplicate_name", message: "…", details: { name: "Embalado" } });
    expect(reasonOf(duplicate)).toBe("Ya hay una etapa llamada «Embalado».");
    i18n.locale = "en";
    const other = new CommandError({ code: "storage", message: "disk full", details: null });
    expect(reasonOf(other)).toBe("Something went wrong: disk full");
  });
});
