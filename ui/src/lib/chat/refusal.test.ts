import { beforeEach, describe, expect, it } from "vitest";
import { en } from "../i18n/en";
import { i18n } from "../i18n/index.svelte";
import type { Refusal } from "../ipc/Refusal";
import { charCount, describeRefusal } from "./refusal";

describe("describeRefusal", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("keeps the seed's sentences word for word", () => {
    expect(describeRefusal({ code: "payment_not_confirmed", stage: "payment_in_process" })).toBe(
      "Lead payment is not confirmed",
    );
    expect(describeRefusal({ code: "source_disabled" })).toBe("Lead source disabled");
    expect(describeRefusal({ code: "awaiting_buyer_reply" })).toBe("Wait for the buyer's reply");
  });

  it("speaks the seller's language", () => {
    i18n.locale = "es";
    expect(describeRefusal({ code: "payment_not_confirmed", stage: "payment_required" })).toBe(
      "El pago del lead no está confirmado",
    );
    i18n.locale = "pt-BR";
    expect(describeRefusal({ code: "text_too_long", chars: 351, max: 350 })).toBe(
      "A mensagem é longa demais: 351 caracteres, no máximo 350",
    );
    expect(describeRefusal({ code: "variable_unfilled", variable: "tracking_number" })).toBe(
      "Substitua {tracking_number} pelo valor antes de enviar",
    );
  });

  it("fills in the file, its limit and the blocking reason", () => {
    expect(describeRefusal({ code: "file_too_large", file: "video.pdf", size: 31457280, max: 26214400 })).toBe(
      "video.pdf is larger than 25 MB",
    );
    expect(describeRefusal({ code: "file_type", file: "setup.png" })).toBe(
      "setup.png: only .jpg, .png, .pdf and .txt files can be sent",
    );
    expect(describeRefusal({ code: "conversation_blocked", substatus: "blocked_by_mediation" })).toBe(
      "Mercado Libre has blocked this conversation: a mediation is open",
    );
    expect(describeRefusal({ code: "conversation_blocked", substatus: "blocked_by_something_new" })).toBe(
      "Mercado Libre has blocked this conversation",
    );
  });

  it("has a sentence for every code the core can return", () => {
    const codes: Refusal["code"][] = [
      "source_disabled", "payment_not_confirmed", "order_cancelled", "conversation_blocked",
      "awaiting_buyer_reply", "action_guide_required", "action_guide_not_allowed", "option_unavailable",
      "cap_exhausted", "template_required", "template_text_fixed", "text_empty", "text_too_long",
      "text_charset", "file_only_first_message", "file_type", "file_too_large", "file_name", "too_many_files",
    ];
    for (const code of codes) expect(`refusal.${code}` in en, code).toBe(true);
  });
});

describe("charCount", () => {
  it("counts an emoji as one character, as Mercado Libre does", () => {
    expect(charCount("hola 👋")).toBe(6);
    expect("hola 👋".length).toBe(7);
  });
});
