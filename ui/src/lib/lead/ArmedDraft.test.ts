// Armed drafts in the lead pane and on the card: kept while the buyer has yet to answer,
// restored when the lead opens again, never sent by themselves.
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import LeadCardView from "../board/LeadCard.svelte";
import { lead } from "../board/fixtures";
import { draft, message } from "../chat/fixtures";
import { i18n } from "../i18n/index.svelte";
import type { DraftDto } from "../ipc/DraftDto";
import type { LeadCard } from "../ipc/LeadCard";
import type { SendCheck } from "../ipc/SendCheck";
import { testIds } from "../testids";
import LeadPane from "./LeadPane.svelte";

function card(armedDraft: string | null): LeadCard {
  return {
    summary: lead({ id: 5, name: "2000005", armedDraft }),
    systemStage: "paid",
    buyerId: "1",
    orders: [],
    totals: [],
    shipments: [],
    createdAt: null,
    closedAt: null,
    updatedAt: null,
    conversationStatus: null,
    conversationSubstatus: null,
    sourceDisabled: false,
    saleUrl: null,
    readFailure: null,
  };
}

function fakeApi(armed: string | null, waiting: boolean) {
  return {
    leadCard: vi.fn(async () => card(armed)),
    conversation: vi.fn(async () => ({ messages: [message({ id: "a", text: "Hola" })], olderCursor: null, outbox: [] })),
    openChat: vi.fn(async () => undefined),
    checkSend: vi.fn(
      async (_id: number, d: DraftDto): Promise<SendCheck> => ({
        refusal: waiting ? { code: "awaiting_buyer_reply" } : d.text.trim() ? null : { code: "text_empty" },
        heldBack: null,
        findings: [],
      }),
    ),
    sendDraft: vi.fn(async (id: number, d: DraftDto) => ({ item: draft({ id: 1, leadId: id, text: d.text, state: "pending" }), heldBack: null })),
  };
}

const common = { watchDrops: async () => () => undefined, loadGuide: async () => null, loadQuickReplies: async () => [] };

describe("Armed drafts", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("keeps what the seller writes while waiting for the buyer, and says so", async () => {
    const armDraft = vi.fn(async () => undefined);
    render(LeadPane, { leadId: 5, api: fakeApi(null, true), armDraft, ...common });
    const box = await screen.findByTestId(testIds.composerText);
    await waitFor(() => expect(screen.getByTestId(testIds.composerReason)).toHaveAttribute("data-code", "awaiting_buyer_reply"));
    await fireEvent.input(box, { target: { value: "Te lo mando mañana" } });
    await waitFor(() => expect(armDraft).toHaveBeenCalledWith(5, "Te lo mando mañana"));
    expect(await screen.findByTestId(testIds.composerArmed)).toHaveTextContent("never sent by itself");
  });

  it("comes back when the lead opens; once the buyer answered it can go, and only the seller sends it", async () => {
    const api = fakeApi("Te lo mando mañana", false);
    const armDraft = vi.fn(async () => undefined);
    render(LeadPane, { leadId: 5, api, armDraft, ...common });
    const box = (await screen.findByTestId(testIds.composerText)) as HTMLTextAreaElement;
    await waitFor(() => expect(box.value).toBe("Te lo mando mañana"));
    expect(await screen.findByTestId(testIds.composerArmed)).toHaveAttribute("data-ready", "true");
    expect(api.sendDraft).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByTestId(testIds.composerSend)).toBeEnabled());
    await fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(api.sendDraft).toHaveBeenCalledTimes(1));
    expect(api.sendDraft.mock.calls[0]![1].text).toBe("Te lo mando mañana");
  });

  it("the card shows a kept answer, and that it is ready once the buyer wrote", async () => {
    const { rerender } = render(LeadCardView, { lead: lead({ armedDraft: "Te lo mando mañana" }), now: new Date() });
    expect(screen.getByTestId(testIds.leadArmed)).toHaveTextContent("Answer kept");
    i18n.locale = "pt-BR";
    await rerender({ lead: lead({ armedDraft: "Te lo mando mañana", waitingForYou: true }), now: new Date() });
    expect(screen.getByTestId(testIds.leadArmed)).toHaveTextContent("Resposta pronta para ir");
  });
});
