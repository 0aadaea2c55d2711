import { describe, expect, it } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { LeadCard } from "../ipc/LeadCard";
import type { QuickReplyDto } from "../ipc/QuickReplyDto";
import { fillVariables, leadVars, matchReplies, slashQuery } from "./quickReplies";

const reply = (id: number, title: string, body: string, language = "es", accountId: number | null = null): QuickReplyDto => ({
  id,
  title,
  body,
  language,
  accountId,
});

describe("fillVariables", () => {
  it("fills what is known and leaves the rest visible", () => {
    expect(fillVariables("Hola {buyer_first_name}, pedido #{order_number}. Seguimiento: {tracking_number}", {
      buyer_first_name: "Ana",
      order_number: "2000009012345678",
      tracking_number: "",
    })).toBe("Hola Ana, pedido #2000009012345678. Seguimiento: {tracking_number}");
  });

  it("leaves braces that are not variables alone", () => {
    expect(fillVariables("{ok} {}", {})).toBe("{ok} {}");
  });
});

describe("leadVars", () => {
  it("reads the buyer's first name, the number, the first item and the total", () => {
    i18n.locale = "es";
    const card = {
      summary: { name: "2000009012345678", buyer: "Ana María Gómez", buyerNickname: "ANAG", total: { currency: "ARS", amount: "15000.00" } },
      orders: [{ items: [{ title: "Mate de calabaza" }, { title: "Bombilla" }] }],
    } as unknown as LeadCard;
    const vars = leadVars(card, "TIENDA_SUR");
    expect(vars.buyer_first_name).toBe("Ana");
    expect(vars.order_number).toBe("2000009012345678");
    expect(vars.item_title).toBe("Mate de calabaza");
    expect(vars.total).toMatch(/15\.000/);
    expect(vars.seller_nickname).toBe("TIENDA_SUR");
  });
});

describe("matchReplies", () => {
  const all = [
    reply(1, "Gracias por tu compra", "¡Gracias!"),
    reply(2, "Obrigado pela compra", "Obrigado!", "pt"),
    reply(3, "Envío", "Sale mañana", "es", 7),
    reply(4, "Factura", "Tu factura está lista"),
  ];

  it("matches every word, accents ignored, in title or text", () => {
    expect(matchReplies(all, "envio").map((r) => r.id)).toEqual([3]);
    expect(matchReplies(all, "manana").map((r) => r.id)).toEqual([3]);
    expect(matchReplies(all, "compra gracias").map((r) => r.id)).toEqual([1]);
    expect(matchReplies(all, "").map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it("offers another account's replies only to it, and the seller's language first", () => {
    expect(matchReplies(all, "", { accountId: 8 }).map((r) => r.id)).toEqual([1, 2, 4]);
    expect(matchReplies(all, "", { accountId: 7, language: "pt" }).map((r) => r.id)).toEqual([2, 1, 3, 4]);
  });
});

describe("slashQuery", () => {
  it("finds a slash at the start or after a space, up to the caret", () => {
    expect(slashQuery("/gra", 4)).toEqual({ start: 0, query: "gra" });
    expect(slashQuery("Hola /fac", 9)).toEqual({ start: 5, query: "fac" });
    expect(slashQuery("/", 1)).toEqual({ start: 0, query: "" });
  });

  it("ignores slashes inside words, links and dates", () => {
    expect(slashQuery("12/05", 5)).toBeNull();
    expect(slashQuery("bit.ly/abc", 10)).toBeNull();
    expect(slashQuery("/gracias por", 12)).toBeNull();
  });
});
