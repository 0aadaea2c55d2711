import { describe, expect, it, vi } from "vitest";
import { openMeliLink } from "./openLink";

describe("openMeliLink", () => {
  it("opens Mercado Libre addresses and nothing else", async () => {
    const open = vi.fn(async () => undefined);
    expect(await openMeliLink("https://www.mercadolivre.com.br/x", open)).toBe(true);
    expect(await openMeliLink("https://mercadolibre.com.evil.io/x", open)).toBe(false);
    expect(await openMeliLink("javascript:alert(1)", open)).toBe(false);
    expect(open.mock.calls).toEqual([["https://www.mercadolivre.com.br/x"]]);
  });
});
