import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import { lead } from "./fixtures";
import LeadCard from "./LeadCard.svelte";

const now = new Date("2025-03-03T12:05:00Z");

describe("LeadCard", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("shows the lead's number, buyer, total, excerpt and time since the last message", () => {
    render(LeadCard, { lead: lead(), now });
    const card = screen.getByTestId(testIds.leadCard);
    expect(card).toHaveTextContent("#2000004567891");
    expect(card).toHaveTextContent("Ana Pérez");
    expect(card).toHaveTextContent("Hola, ¿cuándo llega?");
    expect(card).toHaveTextContent("5 min. ago");
    expect(screen.getByTestId(testIds.leadTotal)).toHaveTextContent("ARS 15,999.50");
  });

  it("isolates the buyer's name and excerpt, so right-to-left text cannot reorder the card", () => {
    render(LeadCard, { lead: lead({ buyer: "\u202Eanamor", lastMessage: "مرحبا 123" }), now });
    const name = screen.getByText("\u202Eanamor");
    expect(name.tagName).toBe("BDI");
    expect(screen.getByText("مرحبا 123")).toHaveAttribute("dir", "auto");
  });

  it("says what was bought: the first item, and how many more in Spanish", () => {
    i18n.locale = "es";
    render(LeadCard, { lead: lead({ firstItem: "Mate imperial de calabaza", moreItems: 2 }), now });
    expect(screen.getByTestId(testIds.leadItem)).toHaveTextContent("Mate imperial de calabaza+2 más");
  });

  describe("the first item's picture", () => {
    // What Tauri's runtime does on Linux: a cache path becomes an asset-protocol address.
    const internals = { convertFileSrc: (path: string, protocol: string) => `${protocol}://localhost/${encodeURIComponent(path)}` };
    beforeEach(() => {
      (window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = internals;
    });
    afterEach(() => {
      delete (window as unknown as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    });

    it("shows the cached picture beside the item, through the asset protocol", () => {
      render(LeadCard, { lead: lead({ firstItem: "Termo", picture: "/data/cache/pic-ab12.jpg" }), now });
      const img = screen.getByTestId(testIds.listingPicture);
      expect(img).toHaveAttribute("src", "asset://localhost/%2Fdata%2Fcache%2Fpic-ab12.jpg");
      expect(img).toHaveAttribute("alt", "");
      expect(screen.getByTestId(testIds.leadItem)).toContainElement(img);
      expect(screen.queryByTestId(testIds.listingPicturePlaceholder)).toBeNull();
    });

    it("shows a neutral placeholder, named in the seller's language, while there is no picture", () => {
      i18n.locale = "pt-BR";
      render(LeadCard, { lead: lead({ firstItem: "Garrafa térmica", picture: null }), now });
      expect(screen.queryByTestId(testIds.listingPicture)).toBeNull();
      const placeholder = screen.getByTestId(testIds.listingPicturePlaceholder);
      expect(placeholder).toHaveAttribute("aria-label", "Sem foto");
      expect(screen.getByTestId(testIds.leadItem)).toHaveTextContent("Garrafa térmica");
    });

    it("falls back to the placeholder when the file cannot be shown", async () => {
      render(LeadCard, { lead: lead({ firstItem: "Termo", picture: "/data/cache/pic-gone.jpg" }), now });
      await fireEvent.error(screen.getByTestId(testIds.listingPicture));
      expect(screen.queryByTestId(testIds.listingPicture)).toBeNull();
      expect(screen.getByTestId(testIds.listingPicturePlaceholder)).toBeInTheDocument();
    });

    it("never loads a remote address, whatever the card holds", () => {
      for (const remote of ["https://http2.mlstatic.com/D_1-I.jpg", "http://127.0.0.1:4000/x.png", "data:image/png;base64,AA"]) {
        const { unmount } = render(LeadCard, { lead: lead({ firstItem: "Termo", picture: remote }), now });
        expect(screen.queryByTestId(testIds.listingPicture)).toBeNull();
        expect(screen.getByTestId(testIds.listingPicturePlaceholder)).toBeInTheDocument();
        unmount();
      }
    });
  });

  it("formats money and time in the chosen language", () => {
    i18n.locale = "pt-BR";
    render(LeadCard, { lead: lead({ total: { currency: "BRL", amount: "1234.5" } }), now });
    expect(screen.getByTestId(testIds.leadTotal)).toHaveTextContent("R$ 1.234,50");
    expect(screen.getByTestId(testIds.leadCard)).toHaveTextContent("há 5 min.");
    expect(screen.getByText("Não entregue")).toBeInTheDocument();
  });

  it("translates known tags and keeps unknown ones as they came", () => {
    i18n.locale = "es";
    render(LeadCard, { lead: lead({ tags: ["paid", "not_delivered", "brand_new_tag"] }), now });
    expect(screen.getByText("Pagado")).toBeInTheDocument();
    expect(screen.getByText("No entregado")).toBeInTheDocument();
    expect(screen.getByText("brand_new_tag")).toBeInTheDocument();
  });

  it("shows unread count and waiting-for-you only when they apply", () => {
    const { unmount } = render(LeadCard, { lead: lead(), now });
    expect(screen.queryByTestId(testIds.leadUnread)).toBeNull();
    expect(screen.queryByTestId(testIds.leadWaiting)).toBeNull();
    unmount();
    render(LeadCard, { lead: lead({ unreadCount: 3, waitingForYou: true }), now });
    expect(screen.getByTestId(testIds.leadUnread)).toHaveTextContent("3 unread");
    expect(screen.getByTestId(testIds.leadWaiting)).toHaveTextContent("Waiting for you");
  });

  it("carries a small mark when its chat could not be read", () => {
    const { unmount } = render(LeadCard, { lead: lead(), now });
    expect(screen.queryByTestId(testIds.leadReadFailed)).toBeNull();
    unmount();
    i18n.locale = "es";
    render(LeadCard, { lead: lead({ readFailed: true }), now });
    expect(screen.getByTestId(testIds.leadReadFailed)).toHaveAttribute(
      "title",
      "No se pudo leer este chat desde Mercado Libre",
    );
  });

  it("falls back to the nickname, then to a placeholder, and says when there are no messages", () => {
    render(LeadCard, { lead: lead({ buyer: null, lastMessage: null, lastMessageAt: null }), now });
    expect(screen.getByTestId(testIds.leadCard)).toHaveTextContent("ANAPEREZ77");
    expect(screen.getByTestId(testIds.leadCard)).toHaveTextContent("No messages yet");
  });

  it("renders buyer text as text", () => {
    render(LeadCard, { lead: lead({ buyer: "<b>x</b>", lastMessage: "<img src=x onerror=alert(1)>" }), now });
    const card = screen.getByTestId(testIds.leadCard);
    expect(card.querySelector("img, b")).toBeNull();
    expect(card).toHaveTextContent("<img src=x onerror=alert(1)>");
  });

  it("opens the lead on click", async () => {
    const onopen = vi.fn();
    render(LeadCard, { lead: lead({ id: 42 }), now, onopen });
    await fireEvent.click(screen.getByTestId(testIds.leadCard));
    expect(onopen).toHaveBeenCalledWith(42);
  });
});
