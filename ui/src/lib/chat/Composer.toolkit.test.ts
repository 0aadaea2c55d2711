// The composer's toolkit: the linter's warnings with "Send anyway", and the quick-reply picker.
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { QuickReplyDto } from "../ipc/QuickReplyDto";
import { testIds } from "../testids";
import Composer from "./Composer.svelte";

const text = "Llamame al 11 2345-6789 o mirá bit.ly/xyz";
const warned = {
  refusal: null,
  heldBack: null,
  findings: [
    { code: "PERSONAL_DATA", span: { start: 11, end: 23 } },
    { code: "LINK_SHORT_URL", span: { start: 31, end: 41 } },
  ],
};

describe("Composer warnings", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("underlines each finding and says why, in the seller's language", async () => {
    const { container, rerender } = render(Composer, { verdict: warned, text });
    const marks = [...container.querySelectorAll("mark")];
    expect(marks.map((m) => [m.textContent, m.dataset.code])).toEqual([
      ["11 2345-6789", "PERSONAL_DATA"],
      ["bit.ly/xyz", "LINK_SHORT_URL"],
    ]);
    const reasons = screen.getAllByTestId(testIds.composerLintReason);
    expect(reasons.map((r) => r.dataset.code)).toEqual(["PERSONAL_DATA", "LINK_SHORT_URL"]);
    expect(reasons[0]).toHaveTextContent("a phone number, an e-mail");
    expect(reasons[0]).toHaveTextContent("«11 2345-6789»");
    i18n.locale = "es";
    await rerender({ verdict: { ...warned }, text });
    expect(screen.getByTestId(testIds.composerLint)).toHaveTextContent("Mercado Libre puede retener este mensaje");
    expect(screen.getByTestId(testIds.composerSendAnyway)).toHaveTextContent("Enviar igual");
    i18n.locale = "pt-BR";
    await rerender({ verdict: { ...warned }, text });
    expect(screen.getAllByTestId(testIds.composerLintReason)[1]).toHaveTextContent("um link encurtado");
  });

  it("draws no underline on text newer than the check, and quotes what was checked", async () => {
    // The check of "…bit.ly/xyz" arrives after the seller typed more in front of it.
    const typed = `Hola! ${text}`;
    const { container, rerender } = render(Composer, { verdict: warned, text: typed, checkedText: text });
    expect(container.querySelectorAll("mark")).toHaveLength(0);
    expect(screen.getAllByTestId(testIds.composerLintReason)[0]).toHaveTextContent("«11 2345-6789»");
    await rerender({ verdict: { ...warned }, text, checkedText: text });
    expect([...container.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["11 2345-6789", "bit.ly/xyz"]);
  });

  it("sends only through Send anyway, one keystroke away", async () => {
    const onsend = vi.fn();
    render(Composer, { verdict: warned, text, onsend });
    const box = screen.getByTestId(testIds.composerText);
    expect(screen.getByTestId(testIds.composerSend)).toBeDisabled();
    await fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    expect(onsend).not.toHaveBeenCalled();
    // Ctrl+Enter brought the seller to "Send anyway": Enter (a click) sends.
    expect(screen.getByTestId(testIds.composerSendAnyway)).toHaveFocus();
    await fireEvent.click(screen.getByTestId(testIds.composerSendAnyway));
    expect(onsend).toHaveBeenLastCalledWith({ anyway: true });
    await fireEvent.keyDown(box, { key: "Enter", ctrlKey: true, shiftKey: true });
    expect(onsend).toHaveBeenCalledTimes(2);
  });

  it("a clean draft sends as before, and a refusal still wins over a warning", async () => {
    const onsend = vi.fn();
    const { rerender } = render(Composer, { verdict: { refusal: null, heldBack: null, findings: [] }, text: "Hola", onsend });
    expect(screen.queryByTestId(testIds.composerLint)).toBeNull();
    await fireEvent.click(screen.getByTestId(testIds.composerSend));
    expect(onsend).toHaveBeenCalledWith({ anyway: false });
    await rerender({ verdict: { ...warned, refusal: { code: "awaiting_buyer_reply" } }, text, onsend });
    expect(screen.queryByTestId(testIds.composerSendAnyway)).toBeNull();
    expect(screen.getByTestId(testIds.composerReason)).toBeInTheDocument();
  });

  it("a public answer gets the stronger wording", () => {
    render(Composer, { verdict: warned, text, strong: true });
    expect(screen.getByTestId(testIds.composerLint)).toHaveTextContent("This answer is public");
  });

  it("renders the seller's flagged text as text", () => {
    const hostile = "<img src=x onerror=alert(1)> 11 2345-6789";
    const { container } = render(Composer, {
      verdict: { refusal: null, heldBack: null, findings: [{ code: "PERSONAL_DATA", span: { start: 29, end: 41 } }] },
      text: hostile,
    });
    expect(container.querySelector("img")).toBeNull();
  });
});

const replies: QuickReplyDto[] = [
  { id: 1, accountId: null, language: "es", title: "Gracias por tu compra", body: "¡Gracias {buyer_first_name}! Pedido #{order_number}" },
  { id: 2, accountId: null, language: "pt", title: "Obrigado pela compra", body: "Obrigado, {buyer_first_name}!" },
  { id: 3, accountId: null, language: "es", title: "Factura", body: "Tu factura de {total} está lista" },
];

describe("Composer quick replies", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  async function type(box: HTMLElement, value: string) {
    await fireEvent.input(box, { target: { value } });
  }

  it("'/' opens the picker, words filter it, Enter inserts the filled reply", async () => {
    const vars = { buyer_first_name: "Ana", order_number: "2000009012345678" };
    render(Composer, { verdict: null, replies, vars, replyLanguage: "es" });
    const box = screen.getByTestId(testIds.composerText) as HTMLTextAreaElement;
    await type(box, "/");
    expect(screen.getAllByTestId(testIds.quickReplyOption)).toHaveLength(3);
    await type(box, "/grac");
    const options = screen.getAllByTestId(testIds.quickReplyOption);
    expect(options).toHaveLength(1);
    expect(options[0]).toHaveTextContent("¡Gracias Ana! Pedido #2000009012345678");
    await fireEvent.keyDown(box, { key: "Enter" });
    await waitFor(() => expect(box.value).toBe("¡Gracias Ana! Pedido #2000009012345678"));
    expect(screen.queryByTestId(testIds.quickReplyPicker)).toBeNull();
  });

  it("inserts after what was written, moves with the arrows and closes with Escape", async () => {
    render(Composer, { verdict: null, replies, vars: {}, replyLanguage: "pt" });
    const box = screen.getByTestId(testIds.composerText) as HTMLTextAreaElement;
    await type(box, "Hola /");
    // The buyer's language first: the Portuguese reply leads.
    expect(screen.getAllByTestId(testIds.quickReplyOption)[0]).toHaveTextContent("Obrigado pela compra");
    await fireEvent.keyDown(box, { key: "ArrowDown" });
    await fireEvent.keyDown(box, { key: "ArrowDown" });
    await fireEvent.keyDown(box, { key: "Enter" });
    // An unknown variable stays visible for the seller to complete.
    await waitFor(() => expect(box.value).toBe("Hola Tu factura de {total} está lista"));
    await type(box, "Hola /x");
    const escape = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    box.dispatchEvent(escape);
    await waitFor(() => expect(screen.queryByTestId(testIds.quickReplyPicker)).toBeNull());
    expect(escape.defaultPrevented).toBe(true);
  });

  it("the button opens the picker too, and no replies says where to add them", async () => {
    const { rerender } = render(Composer, { verdict: null, replies, vars: {} });
    await fireEvent.click(screen.getByTestId(testIds.quickReplyButton));
    expect(screen.getAllByTestId(testIds.quickReplyOption)).toHaveLength(3);
    await fireEvent.click(screen.getAllByTestId(testIds.quickReplyOption)[2]!);
    expect((screen.getByTestId(testIds.composerText) as HTMLTextAreaElement).value).toBe("Tu factura de {total} está lista");
    await rerender({ replies: [] });
    await fireEvent.click(screen.getByTestId(testIds.quickReplyButton));
    expect(screen.getByTestId(testIds.quickReplyPicker)).toHaveTextContent("add them in Settings");
  });

  it("has no picker where no replies are given", () => {
    render(Composer, { verdict: null });
    expect(screen.queryByTestId(testIds.quickReplyButton)).toBeNull();
  });
});
