import { describe, expect, it } from "vitest";
import { numberFormat, pluralRules } from "./intl";

describe("Intl formatters made once", () => {
  it("hands back the same formatter for the same locale and options", () => {
    const a = numberFormat("es", { style: "currency", currency: "ARS" });
    const b = numberFormat("es", { style: "currency", currency: "ARS" });
    expect(b).toBe(a);
    expect(pluralRules("en")).toBe(pluralRules("en"));
  });

  it("keeps formatters of other locales and options apart", () => {
    const ars = numberFormat("es", { style: "currency", currency: "ARS" });
    expect(numberFormat("pt-BR", { style: "currency", currency: "ARS" })).not.toBe(ars);
    expect(numberFormat("es", { style: "currency", currency: "BRL" })).not.toBe(ars);
    expect(numberFormat("en", { style: "currency", currency: "BRL" }).format(1.5)).toBe("R$1.50");
    expect(numberFormat("pt-BR", { style: "currency", currency: "BRL" }).format(1.5)).toMatch(/^R\$\s1,50$/);
  });

  it("remembers nothing from a constructor that throws", () => {
    expect(() => numberFormat("es", { style: "currency", currency: "NOT-A-CODE" })).toThrow(RangeError);
    expect(() => numberFormat("es", { style: "currency", currency: "NOT-A-CODE" })).toThrow(RangeError);
  });
});
