import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { en } from "../i18n/en";
import { i18n, t, type MessageKey } from "../i18n/index.svelte";
import { testIds } from "../testids";
import ActionGuide from "./ActionGuide.svelte";
import type { GuideOptionView } from "./types";

const options: GuideOptionView[] = [
  {
    id: "REQUEST_BILLING_INFO",
    enabled: true,
    kind: "template",
    capAvailable: 1,
    charLimit: null,
    templates: [{ id: "TEMPLATE___REQUEST_BILLING_INFO___1", text: "Hola. Necesito tus datos de facturación.", needsValues: false }],
  },
  { id: "OTHER", enabled: true, kind: "free_text", capAvailable: 1, charLimit: 350, templates: [] },
  { id: "SEND_INVOICE_LINK", enabled: true, kind: "free_text", capAvailable: 0, charLimit: 350, templates: [] },
  { id: "REQUEST_VARIANTS", enabled: false, kind: "template", capAvailable: 1, charLimit: null, templates: [] },
];

function option(id: string) {
  return screen.getAllByTestId(testIds.actionGuideOption).find((el) => el.dataset.optionId === id)!;
}

describe("ActionGuide", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("lists the reasons with the messages left, and disables the used-up and unavailable ones", () => {
    render(ActionGuide, { options });
    expect(option("REQUEST_BILLING_INFO")).toHaveTextContent("Ask for billing details");
    expect(option("REQUEST_BILLING_INFO")).toHaveTextContent("1 left");
    expect(option("SEND_INVOICE_LINK")).toHaveTextContent("0 left · wait for the buyer's reply");
    expect(within(option("SEND_INVOICE_LINK")).getByRole("radio")).toBeDisabled();
    expect(option("REQUEST_VARIANTS")).toHaveTextContent("Not available for this sale");
    expect(within(option("REQUEST_VARIANTS")).getByRole("radio")).toBeDisabled();
    expect(screen.getByTestId(testIds.actionGuideSend)).toBeDisabled();
  });

  it("shows a template's text read-only and sends the template", async () => {
    const onsend = vi.fn();
    render(ActionGuide, { options, onsend });
    await fireEvent.click(within(option("REQUEST_BILLING_INFO")).getByRole("radio"));
    expect(screen.getByText("Hola. Necesito tus datos de facturación.").tagName).toBe("BLOCKQUOTE");
    expect(screen.queryByRole("textbox")).toBeNull();
    await fireEvent.click(screen.getByTestId(testIds.actionGuideSend));
    expect(onsend).toHaveBeenCalledWith(
      { optionId: "REQUEST_BILLING_INFO", templateId: "TEMPLATE___REQUEST_BILLING_INFO___1" },
      null,
    );
  });

  it("says a used-up reason is at 0 even when Mercado Libre also switched it off", () => {
    render(ActionGuide, { options: [{ ...options[1]!, enabled: false, capAvailable: 0 }] });
    expect(option("OTHER")).toHaveTextContent("0 left · wait for the buyer's reply");
    expect(option("OTHER")).not.toHaveTextContent("Not available");
    expect(within(option("OTHER")).getByRole("radio")).toBeDisabled();
  });

  it("keeps a reason whose template takes values out of reach, and says where to send it", () => {
    const promise: GuideOptionView = {
      id: "DELIVERY_PROMISE",
      enabled: true,
      kind: "template",
      capAvailable: 1,
      charLimit: null,
      templates: [{ id: "TEMPLATE___DELIVERY_PROMISE___1", text: "Hola,Entregaremos tu compra %s entre las %d y las %d hs.", needsValues: true }],
    };
    render(ActionGuide, { options: [promise, options[0]!] });
    expect(option("DELIVERY_PROMISE")).toHaveTextContent("Send it on Mercado Libre");
    expect(within(option("DELIVERY_PROMISE")).getByRole("radio")).toBeDisabled();
    expect(within(option("REQUEST_BILLING_INFO")).getByRole("radio")).toBeEnabled();
  });

  it("says so when Mercado Libre did not share a template's text", async () => {
    render(ActionGuide, { options: [{ ...options[0]!, templates: [{ id: "T", text: null, needsValues: false }] }] });
    await fireEvent.click(screen.getByRole("radio"));
    expect(screen.getByTestId(testIds.actionGuideTemplate)).toHaveTextContent("Mercado Libre sends its own fixed text for this reason");
    expect(screen.getByTestId(testIds.actionGuideSend)).toBeEnabled();
  });

  it("cannot send while the buyer has to answer first, and says why", async () => {
    const onsend = vi.fn();
    render(ActionGuide, { options, onsend, waiting: "Wait for the buyer's reply" });
    await fireEvent.click(within(option("REQUEST_BILLING_INFO")).getByRole("radio"));
    expect(screen.getByTestId(testIds.actionGuideWaiting)).toHaveTextContent("Wait for the buyer's reply");
    expect(screen.getByTestId(testIds.actionGuideSend)).toBeDisabled();
  });

  it("counts free text to 350 and refuses 351 characters", async () => {
    const onsend = vi.fn();
    render(ActionGuide, { options, onsend });
    await fireEvent.click(within(option("OTHER")).getByRole("radio"));
    const box = screen.getByRole("textbox", { name: "Your message" });
    await fireEvent.input(box, { target: { value: "x".repeat(351) } });
    expect(screen.getByTestId(testIds.actionGuideCounter)).toHaveTextContent(
      "351 of 350 characters 1 character over the limit: Mercado Libre accepts at most 350.",
    );
    expect(screen.getByTestId(testIds.actionGuideSend)).toBeDisabled();
    await fireEvent.input(box, { target: { value: "x".repeat(360) } });
    expect(screen.getByTestId(testIds.actionGuideCounter)).toHaveTextContent("10 characters over the limit");
    await fireEvent.input(box, { target: { value: "x".repeat(350) } });
    expect(screen.getByTestId(testIds.actionGuideCounter)).not.toHaveTextContent("over the limit");
    expect(screen.getByTestId(testIds.actionGuideSend)).toBeEnabled();
    await fireEvent.click(screen.getByTestId(testIds.actionGuideSend));
    expect(onsend).toHaveBeenCalledWith({ optionId: "OTHER", templateId: null }, "x".repeat(350));
  });

  it("says each of Mercado Libre's refusals as a sentence", async () => {
    const cases: [string, string][] = [
      ["text_too_long", "The text is too long: at most 350 characters."],
      ["cap_exhausted", "This reason was already used. Wait for the buyer's reply."],
      ["conversation_blocked", "Mercado Libre has blocked this conversation."],
      ["open_conversation", "The buyer already wrote: reply with a normal message."],
      ["invalid_option", "This reason to communicate is not valid for this sale."],
      ["invalid_template", "This template is not valid. Choose another one."],
      ["conflict", "Another request is working on this sale. Try again in a moment."],
      ["excepted_case", "This sale is an exception: send a normal message instead."],
      ["buyer_unavailable", "The buyer deactivated their account: messages can no longer be sent."],
      ["forbidden", "Mercado Libre does not let this account see this sale."],
      ["server", "Mercado Libre had an internal error. Try again in a moment."],
      ["rate_limited", "Mercado Libre asks to wait. Try again in a moment."],
      ["awaiting_buyer_reply", "Wait for the buyer's reply"],
      ["something_unheard_of", "Mercado Libre did not accept the message. Try again later."],
    ];
    const { rerender } = render(ActionGuide, { options, error: null });
    expect(screen.queryByTestId(testIds.actionGuideError)).toBeNull();
    for (const [code, sentence] of cases) {
      await rerender({ options, error: { code } });
      expect(screen.getByTestId(testIds.actionGuideError)).toHaveTextContent(sentence);
    }
  });

  it("has every refusal sentence in Spanish and Portuguese too", async () => {
    const { rerender } = render(ActionGuide, { options, error: { code: "conflict" } });
    i18n.locale = "es";
    await rerender({ options, error: { code: "conflict" } });
    expect(screen.getByTestId(testIds.actionGuideError)).toHaveTextContent("Inténtalo de nuevo en un momento");
    i18n.locale = "pt-BR";
    await rerender({ options, error: { code: "buyer_unavailable" } });
    expect(screen.getByTestId(testIds.actionGuideError)).toHaveTextContent("O comprador desativou a conta");
    // Every row of Mercado Libre's published error table has its sentence in the three languages.
    const table = ["text_too_long", "cap_exhausted", "open_conversation", "invalid_option", "conflict",
      "conversation_blocked", "forbidden", "invalid_template", "server"];
    for (const locale of ["en", "es", "pt-BR"] as const) {
      i18n.locale = locale;
      for (const code of table) {
        await rerender({ options, error: { code } });
        const shown = screen.getByTestId(testIds.actionGuideError).textContent?.trim();
        expect(shown, `${locale} ${code}`).not.toBe(t("guide.error.generic"));
        expect(shown).toBe(t(`guide.error.${code}` as MessageKey));
      }
    }
  });

  it("lets the seller pick among several templates by their text", async () => {
    const onsend = vi.fn();
    const several: GuideOptionView[] = [
      { ...options[0]!, templates: [{ id: "T1", text: "Hola, ¿me pasás tus datos?", needsValues: false }, { id: "T2", text: "Necesito tu CUIT para la factura.", needsValues: false }] },
    ];
    render(ActionGuide, { options: several, onsend });
    await fireEvent.click(within(option("REQUEST_BILLING_INFO")).getByRole("radio"));
    expect(screen.getByTestId(testIds.actionGuideSend)).toBeDisabled();
    await fireEvent.click(screen.getByRole("radio", { name: "Necesito tu CUIT para la factura." }));
    expect(screen.getByText("Necesito tu CUIT para la factura.", { selector: "blockquote" })).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId(testIds.actionGuideSend));
    expect(onsend).toHaveBeenCalledWith({ optionId: "REQUEST_BILLING_INFO", templateId: "T2" }, null);
  });

  it("renders a template's text as text", async () => {
    const hostile: GuideOptionView[] = [
      { ...options[0]!, templates: [{ id: "T", text: "<img src=x onerror=alert(1)>", needsValues: false }] },
    ];
    render(ActionGuide, { options: hostile });
    await fireEvent.click(screen.getByRole("radio"));
    expect(screen.getByTestId(testIds.actionGuide).querySelector("img")).toBeNull();
    expect(screen.getByText("<img src=x onerror=alert(1)>")).toBeInTheDocument();
  });
});
