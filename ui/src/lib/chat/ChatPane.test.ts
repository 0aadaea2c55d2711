import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import ChatPane from "./ChatPane.svelte";
import { attachment, draft, message } from "./fixtures";

describe("ChatPane", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("puts the buyer on the left and the seller on the right, with day separators", () => {
    render(ChatPane, {
      messages: [
        message({ id: "a", createdAt: "2025-03-03T15:00:00Z" }),
        message({ id: "b", fromBuyer: false, text: "Gracias", createdAt: "2025-03-03T16:00:00Z" }),
        message({ id: "c", createdAt: "2025-03-05T15:00:00Z" }),
      ],
    });
    const bubbles = screen.getAllByTestId(testIds.chatMessage);
    expect(bubbles.map((b) => b.dataset.side)).toEqual(["buyer", "seller", "buyer"]);
    const days = screen.getAllByTestId(testIds.chatDay);
    expect(days).toHaveLength(2);
    expect(days[0]).toHaveTextContent("Monday, March 3, 2025");
  });

  it("writes day separators in the chosen language", () => {
    i18n.locale = "es";
    render(ChatPane, { messages: [message({ createdAt: "2025-03-03T15:00:00Z" })] });
    expect(screen.getByTestId(testIds.chatDay)).toHaveTextContent("Lunes, 3 de marzo de 2025");
  });

  it("says whether the buyer read the seller's message", () => {
    render(ChatPane, {
      messages: [message({ id: "r", fromBuyer: false, read: true }), message({ id: "u", fromBuyer: false, read: false })],
    });
    const [read, unread] = screen.getAllByTestId(testIds.chatMessage);
    expect(read).toHaveTextContent("Read");
    expect(unread).toHaveTextContent("Sent");
    expect(unread).not.toHaveTextContent("Read");
  });

  it("shows moderation status and reason on a moderated message only", () => {
    render(ChatPane, {
      messages: [
        message({ id: "ok", moderation: { status: "clean", reason: null } }),
        message({
          id: "mod",
          fromBuyer: false,
          status: "moderated",
          moderation: { status: "rejected", reason: "PERSONAL_DATA" },
        }),
      ],
    });
    const notes = screen.getAllByTestId(testIds.chatModeration);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toHaveTextContent("Rejected by Mercado Libre · Reason: personal contact details");
  });

  it("lists attachments with name, size and a kind, and opens downloaded ones", async () => {
    const onopenattachment = vi.fn();
    render(ChatPane, {
      messages: [
        message({
          attachments: [
            attachment({ id: 1 }),
            attachment({ id: 2, originalName: "foto.jpg", mime: "image/jpeg", size: 2048 }),
            attachment({ id: 3, originalName: "notas.txt", mime: "text/plain", size: 10, downloaded: false }),
          ],
        }),
      ],
      thumbnail: (a) => (a.id === 2 ? "asset://foto.jpg" : null),
      onopenattachment,
    });
    const [pdf, image, txt] = screen.getAllByTestId(testIds.chatAttachment);
    expect(pdf).toHaveAttribute("data-kind", "pdf");
    expect(pdf).toHaveTextContent("factura.pdf");
    expect(pdf).toHaveTextContent("2.5 MB");
    expect(image!.querySelector("img")).toHaveAttribute("src", "asset://foto.jpg");
    expect(txt).toHaveAttribute("data-kind", "txt");
    expect(pdf!.querySelector(".icon")).toHaveTextContent("PDF");
    expect(txt!.querySelector(".icon")).toHaveTextContent("TXT");
    // Not in the cache yet: it still opens (the shell downloads it first), and says so.
    expect(txt).toBeEnabled();
    expect(txt).toHaveTextContent("Not downloaded yet");
    await fireEvent.click(screen.getByRole("button", { name: "Open factura.pdf" }));
    expect(onopenattachment).toHaveBeenCalledWith(1);
    await fireEvent.click(txt!);
    expect(onopenattachment).toHaveBeenCalledTimes(2);
  });

  it("marks drafts in the outbox as pending, and says why one failed", () => {
    i18n.locale = "pt-BR";
    render(ChatPane, {
      messages: [message()],
      outbox: [draft({ id: 1 }), draft({ id: 2, state: "failed", reason: "awaiting_buyer_reply" })],
    });
    const [pending, failed] = screen.getAllByTestId(testIds.chatOutbox);
    expect(pending).toHaveTextContent("Pendente");
    expect(pending).toHaveTextContent("Ya sale el envío");
    expect(failed).toHaveTextContent("Não enviada");
    expect(failed).toHaveTextContent("Aguarde a resposta do comprador");
  });

  it("offers to send again or discard a draft Mercado Libre did not confirm", async () => {
    i18n.locale = "es";
    const onresend = vi.fn();
    const ondiscard = vi.fn();
    render(ChatPane, {
      messages: [message()],
      outbox: [draft({ id: 1 }), draft({ id: 7, state: "not_confirmed" })],
      onresend,
      ondiscard,
    });
    const [pending, unconfirmed] = screen.getAllByTestId(testIds.chatOutbox);
    expect(within(pending!).queryByRole("button")).toBeNull();
    expect(unconfirmed).toHaveTextContent("Sin confirmar");
    expect(within(unconfirmed!).getByRole("alert")).toHaveTextContent(
      "Mercado Libre no confirmó este mensaje. Revisá el chat en Mercado Libre",
    );
    await fireEvent.click(within(unconfirmed!).getByRole("button", { name: "Enviar de nuevo" }));
    expect(onresend).toHaveBeenCalledWith(7);
    expect(ondiscard).not.toHaveBeenCalled();
    await fireEvent.click(within(unconfirmed!).getByRole("button", { name: "Descartar" }));
    expect(ondiscard).toHaveBeenCalledWith(7);
  });

  it("shows hostile buyer text literally, and links only Mercado Libre's own addresses", async () => {
    const onopenlink = vi.fn();
    const hostile =
      '<img src=x onerror="alert(1)"> <script>alert(2)</script> javascript:alert(3) ' +
      "https://mercadolibre.com.evil.io/login https://www.mercadolibre.com.ar/ayuda";
    render(ChatPane, { messages: [message({ text: hostile })], onopenlink });
    const bubble = screen.getByTestId(testIds.chatMessage);
    expect(bubble.querySelector("img, script")).toBeNull();
    expect(bubble).toHaveTextContent('<img src=x onerror="alert(1)">');
    const links = within(bubble).getAllByRole("link");
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute("href", "https://www.mercadolibre.com.ar/ayuda");
    expect(links[0]).toHaveAttribute("rel", "noopener noreferrer");
    await fireEvent.click(links[0]!);
    expect(onopenlink).toHaveBeenCalledWith("https://www.mercadolibre.com.ar/ayuda");
  });

  it("renders a hostile file name as text", () => {
    render(ChatPane, {
      messages: [message({ attachments: [attachment({ originalName: "<img src=x onerror=alert(1)>.pdf" })] })],
    });
    const file = screen.getByTestId(testIds.chatAttachment);
    expect(file.querySelector("img")).toBeNull();
    expect(file).toHaveTextContent("<img src=x onerror=alert(1)>.pdf");
  });

  it("brings the message opened from search into view and marks it, scrolling only the chat", () => {
    const rect = (top: number) => ({ top, bottom: top + 40, left: 0, right: 0, width: 0, height: 40, x: 0, y: top, toJSON: () => ({}) });
    const original = {
      rect: Element.prototype.getBoundingClientRect,
      into: Element.prototype.scrollIntoView,
      height: Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight"),
    };
    const ancestors: string[] = [];
    Element.prototype.scrollIntoView = () => ancestors.push("scrollIntoView");
    Element.prototype.getBoundingClientRect = function (this: Element) {
      const el = this as HTMLElement;
      return el.dataset.messageId === "x2" ? rect(900) : rect(100);
    };
    Object.defineProperty(HTMLElement.prototype, "clientHeight", {
      configurable: true,
      get(this: HTMLElement) {
        return this.getAttribute("role") === "log" ? 400 : 40;
      },
    });
    try {
      render(ChatPane, { messages: [message({ id: "x1" }), message({ id: "x2" }), message({ id: "x3" })], highlight: "x2" });
      const marked = screen.getAllByTestId(testIds.chatMessage).filter((m) => m.dataset.highlighted);
      expect(marked.map((m) => m.dataset.messageId)).toEqual(["x2"]);
      // 800 px below the top of the chat, centred in its 400 px: 800 - (400 - 40) / 2.
      expect(screen.getByRole("log").scrollTop).toBe(620);
      expect(ancestors).toEqual([]);
    } finally {
      Element.prototype.getBoundingClientRect = original.rect;
      Element.prototype.scrollIntoView = original.into;
      if (original.height) Object.defineProperty(HTMLElement.prototype, "clientHeight", original.height);
    }
  });

  it("offers earlier messages when there are more", async () => {
    const onloadolder = vi.fn();
    render(ChatPane, { messages: [message()], hasOlder: true, onloadolder });
    await fireEvent.click(screen.getByRole("button", { name: "Show earlier messages" }));
    expect(onloadolder).toHaveBeenCalled();
  });
});
