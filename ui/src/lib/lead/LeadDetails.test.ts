import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { lead } from "../board/fixtures";
import { formatTime, i18n } from "../i18n/index.svelte";
import type { LeadCard } from "../ipc/LeadCard";
import { testIds } from "../testids";
import LeadDetails from "./LeadDetails.svelte";

function card(overrides: Partial<LeadCard> = {}): LeadCard {
  return {
    summary: lead({ name: "2000004567", buyer: "Ana Pérez", buyerNickname: "ANAP", tags: ["paid", "not_delivered"] }),
    systemStage: "paid",
    buyerId: "123",
    orders: [
      {
        id: "4000001",
        status: "paid",
        items: [
          { itemId: "MLA1", title: "Zapatillas <b>Runner</b>", quantity: 2, unitPrice: { currency: "ARS", amount: "7999.75" } },
        ],
        total: { currency: "ARS", amount: "15999.50" },
      },
    ],
    totals: [{ currency: "ARS", amount: "15999.50" }],
    shipments: [{ id: "9001", status: "ready_to_ship" }],
    createdAt: "2025-03-01T10:00:00Z",
    closedAt: null,
    updatedAt: "2025-03-02T10:00:00Z",
    conversationStatus: "active",
    conversationSubstatus: null,
    sourceDisabled: false,
    saleUrl: null,
    readFailure: null,
    ...overrides,
  };
}

describe("LeadDetails", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("shows the order with items, quantities, prices, total, shipping and dates", () => {
    render(LeadDetails, { card: card() });
    const details = screen.getByTestId(testIds.leadDetails);
    expect(details).toHaveTextContent("#2000004567");
    expect(details).toHaveTextContent("Paid");
    expect(details).toHaveTextContent("Ana Pérez (ANAP)");
    expect(details).toHaveTextContent("Order 4000001 · Paid");
    expect(details).toHaveTextContent("2 × ARS 7,999.75");
    expect(details).toHaveTextContent("Total ARS 15,999.50");
    expect(details).toHaveTextContent("Shipment 9001 · Ready to ship");
    expect(details).toHaveTextContent("Not delivered");
    expect(details).toHaveTextContent("Mar 1, 2025");
    expect(details).not.toHaveTextContent("Closed");
  });

  it("speaks Portuguese with Brazilian formats", () => {
    i18n.locale = "pt-BR";
    render(LeadDetails, { card: card() });
    const details = screen.getByTestId(testIds.leadDetails);
    expect(details).toHaveTextContent("Pedido 4000001 · Pago");
    expect(details).toHaveTextContent("Pronto para envio");
    expect(details).toHaveTextContent("15.999,50");
  });

  it("renders item titles as text", () => {
    render(LeadDetails, { card: card() });
    expect(screen.getByTestId(testIds.leadDetails).querySelector("b")).toBeNull();
    expect(screen.getByText("Zapatillas <b>Runner</b>")).toBeInTheDocument();
  });

  it("links to Mercado Libre only with a Mercado Libre address", async () => {
    const onopenlink = vi.fn();
    const { unmount } = render(LeadDetails, { card: card(), meliUrl: "https://evil.io/x", onopenlink });
    expect(screen.queryByTestId(testIds.leadOpenMeli)).toBeNull();
    unmount();
    render(LeadDetails, { card: card(), meliUrl: "https://www.mercadolibre.com.ar/ventas/4000001/detalle", onopenlink });
    await fireEvent.click(screen.getByTestId(testIds.leadOpenMeli));
    expect(onopenlink).toHaveBeenCalledWith("https://www.mercadolibre.com.ar/ventas/4000001/detalle");
  });

  it("opens the sale's page the core names for the account's site", async () => {
    const onopenlink = vi.fn();
    render(LeadDetails, { card: card({ saleUrl: "https://www.mercadolivre.com.br/vendas/2000006100000040/detalhe" }), onopenlink });
    await fireEvent.click(screen.getByTestId(testIds.leadOpenMeli));
    expect(onopenlink).toHaveBeenCalledWith("https://www.mercadolivre.com.br/vendas/2000006100000040/detalhe");
  });

  it("says when the lead's account is disconnected", () => {
    render(LeadDetails, { card: card({ sourceDisabled: true }) });
    expect(screen.getByRole("note")).toHaveTextContent("This lead's account is disconnected");
  });

  it("says when its chat could not be read, why and when it is tried again, in each language", () => {
    const readFailure = {
      leadId: 1,
      accountId: 1,
      name: "2000004567",
      code: "server",
      status: 503,
      detail: "Mercado Libre answered with a server error (503)",
      failures: 2,
      firstFailedAt: "2025-03-03T16:00:00Z",
      lastFailedAt: "2025-03-03T16:20:00Z",
      nextTryAt: "2025-03-03T16:40:00Z",
    };
    const next = formatTime(readFailure.nextTryAt);
    const { unmount } = render(LeadDetails, { card: card({ readFailure }) });
    expect(screen.getByTestId(testIds.leadReadFailure)).toHaveTextContent(
      `This chat could not be read from Mercado Libre: Mercado Libre answered with an error (503). Next try ${next}`,
    );
    unmount();
    i18n.locale = "es";
    const second = render(LeadDetails, { card: card({ readFailure: { ...readFailure, code: "decode", status: null } }) });
    expect(screen.getByTestId(testIds.leadReadFailure)).toHaveTextContent(
      "No se pudo leer este chat desde Mercado Libre: no se pudo entender su respuesta. Próximo intento",
    );
    second.unmount();
    i18n.locale = "pt-BR";
    render(LeadDetails, { card: card({ readFailure: { ...readFailure, code: "http", status: 410 } }) });
    expect(screen.getByTestId(testIds.leadReadFailure)).toHaveTextContent(
      "Não foi possível ler este chat no Mercado Livre: o Mercado Livre recusou (410). Próxima tentativa",
    );
  });

  it("shows no read failure for a healthy chat", () => {
    render(LeadDetails, { card: card() });
    expect(screen.queryByTestId(testIds.leadReadFailure)).toBeNull();
  });
});
