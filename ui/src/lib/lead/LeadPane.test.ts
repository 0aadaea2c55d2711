import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { lead } from "../board/fixtures";
import { attachment, draft, message } from "../chat/fixtures";
import { i18n } from "../i18n/index.svelte";
import type { ConversationPage } from "../ipc/ConversationPage";
import type { DraftDto } from "../ipc/DraftDto";
import type { LeadCard } from "../ipc/LeadCard";
import type { SendCheck } from "../ipc/SendCheck";
import { testIds } from "../testids";
import LeadPane from "./LeadPane.svelte";
import type { LeadApi } from "./types";
import type { DropHandlers } from "../chat/fileDrop";

function leadCard(id: number, stage: LeadCard["systemStage"] = "paid"): LeadCard {
  return {
    summary: lead({ id, name: `20000${id}` }),
    systemStage: stage,
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

/** A shell that answers like the core: unpaid leads are refused, empty text is refused. */
function fakeApi(pages: Record<number, ConversationPage>) {
  const api = {
    leadCard: vi.fn(async (id: number) => leadCard(id, id === 2 ? "payment_required" : "paid")),
    conversation: vi.fn(async (id: number, olderThan: string | null = null) =>
      olderThan ? { messages: [message({ id: "old", text: "Mensaje viejo" })], olderCursor: null, outbox: [] } : pages[id]!,
    ),
    openChat: vi.fn(async () => undefined),
    checkSend: vi.fn(async (id: number, d: DraftDto): Promise<SendCheck> => {
      if (id === 2) return { refusal: { code: "payment_not_confirmed", stage: "payment_required" }, heldBack: null, findings: [] };
      if (!d.text.trim() && d.files.length === 0) return { refusal: { code: "text_empty" }, heldBack: null, findings: [] };
      return { refusal: null, heldBack: null, findings: [] };
    }),
    sendDraft: vi.fn(async (id: number, d: DraftDto) => ({
      item: draft({ id: 77, leadId: id, text: d.text, state: "pending" }),
      heldBack: null,
    })),
  } satisfies LeadApi;
  return api;
}

const noDrops = async () => () => undefined;

const pages: Record<number, ConversationPage> = {
  1: { messages: [message({ id: "a", text: "¿Cuándo llega?" })], olderCursor: "c1", outbox: [] },
  2: { messages: [], olderCursor: null, outbox: [] },
};

describe("LeadPane", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("loads the lead's card and chat, and marks it read", async () => {
    const api = fakeApi(pages);
    render(LeadPane, { leadId: 1, api, watchDrops: noDrops });
    expect(await screen.findByText("¿Cuándo llega?")).toBeInTheDocument();
    expect(await screen.findByTestId(testIds.leadDetails)).toHaveTextContent("#200001");
    expect(api.openChat).toHaveBeenCalledWith(1);
  });

  it("enables Send once the core allows the draft, queues it and shows it pending", async () => {
    const api = fakeApi(pages);
    render(LeadPane, { leadId: 1, api, watchDrops: noDrops });
    const send = screen.getByTestId(testIds.composerSend);
    expect(await screen.findByText("Write a message")).toBeInTheDocument();
    expect(send).toBeDisabled();
    await fireEvent.input(screen.getByTestId(testIds.composerText), { target: { value: "Sale hoy" } });
    await waitFor(() => expect(send).toBeEnabled());
    await fireEvent.click(send);
    expect(api.sendDraft).toHaveBeenCalledWith(1, { text: "Sale hoy", files: [], guide: null });
    const pending = await screen.findByTestId(testIds.chatOutbox);
    expect(pending).toHaveTextContent("Sale hoy");
    expect(pending).toHaveTextContent("Pending");
    expect(screen.getByTestId(testIds.composerText)).toHaveValue("");
  });

  it("sends again or discards a draft Mercado Libre did not confirm, through the core", async () => {
    const api = fakeApi({
      ...pages,
      1: {
        ...pages[1]!,
        outbox: [
          draft({ id: 5, leadId: 1, text: "Sale hoy", state: "not_confirmed" }),
          draft({ id: 6, leadId: 1, text: "¿Algo más?", state: "not_confirmed" }),
        ],
      },
    });
    const outboxApi = {
      resendDraft: vi.fn(async (id: number) => draft({ id, leadId: 1, text: "Sale hoy", state: "pending" })),
      discardDraft: vi.fn(async () => undefined),
    };
    render(LeadPane, { leadId: 1, api, outboxApi, watchDrops: noDrops });
    await screen.findByText("Sale hoy");
    const [first, second] = screen.getAllByTestId(testIds.chatOutbox);
    expect(first).toHaveTextContent("Mercado Libre did not confirm this message");
    await fireEvent.click(screen.getAllByTestId(testIds.chatOutboxResend)[0]!);
    expect(outboxApi.resendDraft).toHaveBeenCalledWith(5);
    await waitFor(() => expect(first).toHaveTextContent("Pending"));
    expect(screen.getAllByTestId(testIds.chatOutboxResend)).toHaveLength(1);
    expect(second).toHaveTextContent("¿Algo más?");
    await fireEvent.click(screen.getByTestId(testIds.chatOutboxDiscard));
    expect(outboxApi.discardDraft).toHaveBeenCalledWith(6);
    await waitFor(() => expect(screen.queryByText("¿Algo más?")).toBeNull());
    expect(screen.getAllByTestId(testIds.chatOutbox)).toHaveLength(1);
  });

  it("shows why an unpaid lead cannot be messaged", async () => {
    render(LeadPane, { leadId: 2, api: fakeApi(pages) });
    expect(await screen.findByTestId(testIds.composerReason)).toHaveTextContent("Lead payment is not confirmed");
    expect(screen.getByTestId(testIds.composerSend)).toBeDisabled();
  });

  it("attaches picked files as chips and sends them with the draft", async () => {
    const api = fakeApi(pages);
    render(LeadPane, { leadId: 1, api, pickFiles: async () => ["/home/ana/factura.pdf"] });
    await fireEvent.click(screen.getByRole("button", { name: "Attach files" }));
    expect(await screen.findByTestId(testIds.composerFile)).toHaveTextContent("factura.pdf");
    await waitFor(() =>
      expect(api.checkSend).toHaveBeenLastCalledWith(1, {
        text: "",
        files: [{ path: "/home/ana/factura.pdf", name: "factura.pdf" }],
        guide: null,
      }),
    );
  });

  it("loads earlier messages on request", async () => {
    const api = fakeApi(pages);
    render(LeadPane, { leadId: 1, api, watchDrops: noDrops });
    await fireEvent.click(await screen.findByRole("button", { name: "Show earlier messages" }));
    expect(await screen.findByText("Mensaje viejo")).toBeInTheDocument();
    expect(api.conversation).toHaveBeenLastCalledWith(1, "c1");
    expect(screen.queryByRole("button", { name: "Show earlier messages" })).toBeNull();
  });

  it("opened at a search hit older than the first page, pages back until it is loaded", async () => {
    const api = fakeApi(pages);
    api.conversation.mockImplementation(async (id: number, olderThan: string | null = null) => {
      if (olderThan === null) return pages[id]!;
      if (olderThan === "c1") return { messages: [message({ id: "mid", text: "Segunda página" })], olderCursor: "c2", outbox: [] };
      return { messages: [message({ id: "hit", text: "¿Tienen factura A?" })], olderCursor: "c3", outbox: [] };
    });
    render(LeadPane, { leadId: 1, api, watchDrops: noDrops, atMessage: "hit" });
    expect(await screen.findByText("¿Tienen factura A?")).toBeInTheDocument();
    expect(screen.getByText("Segunda página")).toBeInTheDocument();
    expect(screen.getByText("¿Cuándo llega?")).toBeInTheDocument();
    // It stops once the hit is loaded; the rest stays behind "Show earlier messages".
    expect(api.conversation).not.toHaveBeenCalledWith(1, "c3");
    expect(screen.getByRole("button", { name: "Show earlier messages" })).toBeInTheDocument();
  });

  it("fetches the chat's pictures and shows them as thumbnails; other files wait to be opened", async () => {
    const api = fakeApi({
      1: {
        messages: [
          message({
            id: "p",
            text: "Así llegó",
            attachments: [
              attachment({ id: 5, originalName: "caja.jpg", mime: "image/jpeg", size: 80_000, downloaded: false, path: null }),
              attachment({ id: 6, originalName: "manual.pdf", mime: "application/pdf", size: 80_000, downloaded: false, path: null }),
              attachment({ id: 7, originalName: "enorme.png", mime: "image/png", size: 20_000_000, downloaded: false, path: null }),
            ],
          }),
        ],
        olderCursor: null,
        outbox: [],
      },
    });
    const fetchAttachment = vi.fn(async (id: number) => `/cache/att-${id}.jpg`);
    const props = { leadId: 1, api, watchDrops: noDrops, fetchAttachment, fileSrc: (p: string) => `asset://localhost${p}` };
    const { rerender } = render(LeadPane, props);
    await waitFor(() => expect(document.querySelector("img")).toHaveAttribute("src", "asset://localhost/cache/att-5.jpg"));
    expect(fetchAttachment).toHaveBeenCalledTimes(1);
    expect(fetchAttachment).toHaveBeenCalledWith(5);
    // A reload read before the download was recorded keeps the picture on screen.
    fetchAttachment.mockImplementation(() => new Promise(() => undefined));
    await rerender({ ...props, revision: 1 });
    await waitFor(() => expect(api.conversation).toHaveBeenCalledTimes(2));
    expect(document.querySelector("img")).toHaveAttribute("src", "asset://localhost/cache/att-5.jpg");
  });

  it("reloads the chat when the inbox reports new messages, and re-asks the rules", async () => {
    const api = fakeApi(pages);
    const { rerender } = render(LeadPane, { leadId: 1, api });
    await screen.findByText("¿Cuándo llega?");
    api.conversation.mockResolvedValueOnce({
      messages: [message({ id: "a", text: "¿Cuándo llega?" }), message({ id: "b", text: "¿Hola?" })],
      olderCursor: null,
      outbox: [],
    });
    const checks = api.checkSend.mock.calls.length;
    await rerender({ leadId: 1, api, revision: 1 });
    expect(await screen.findByText("¿Hola?")).toBeInTheDocument();
    await waitFor(() => expect(api.checkSend.mock.calls.length).toBeGreaterThan(checks));
  });

  it("shows the drop zone while files are dragged over the window and attaches the dropped ones", async () => {
    let handlers: DropHandlers | undefined;
    const unlisten = vi.fn();
    const watchDrops = vi.fn(async (h: DropHandlers) => {
      handlers = h;
      return unlisten;
    });
    const { unmount } = render(LeadPane, { leadId: 1, api: fakeApi(pages), watchDrops });
    await waitFor(() => expect(handlers).toBeDefined());
    handlers!.ondragging(true);
    expect(await screen.findByTestId(testIds.dropZone)).toBeInTheDocument();
    handlers!.ondragging(false);
    handlers!.ondrop(["/tmp/contrato.pdf", "/tmp/virus.exe"]);
    await waitFor(() => expect(screen.getAllByTestId(testIds.composerFile)).toHaveLength(2));
    expect(screen.queryByTestId(testIds.dropZone)).toBeNull();
    unmount();
    await waitFor(() => expect(unlisten).toHaveBeenCalled());
  });

  it("closes with Escape", async () => {
    const onclose = vi.fn();
    render(LeadPane, { leadId: 1, api: fakeApi(pages), onclose });
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(onclose).toHaveBeenCalled();
  });

  it("says when the shell fails", async () => {
    const api = fakeApi(pages);
    api.leadCard.mockRejectedValueOnce(new Error("database is locked"));
    render(LeadPane, { leadId: 1, api, watchDrops: noDrops });
    expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong: database is locked");
  });
});

describe("LeadPane with reasons to communicate", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  const guide = [
    { id: "REQUEST_BILLING_INFO", enabled: true, kind: "template" as const, capAvailable: 1, charLimit: null, templates: [{ id: "TEMPLATE___REQUEST_BILLING_INFO___1", text: "Para adjuntarte la factura necesito tus datos.", needsValues: false }] },
    { id: "OTHER", enabled: true, kind: "free_text" as const, capAvailable: 1, charLimit: 350, templates: [] },
  ];

  it("starts the conversation through the picker instead of the composer", async () => {
    const api = fakeApi({ 3: { messages: [], olderCursor: null, outbox: [] } });
    render(LeadPane, { leadId: 3, api, watchDrops: noDrops, loadGuide: async () => guide });
    await screen.findByTestId(testIds.actionGuide);
    expect(screen.queryByTestId(testIds.composerText)).toBeNull();
  });

  it("sends the chosen reason with its free text", async () => {
    const api = fakeApi({ 3: { messages: [], olderCursor: null, outbox: [] } });
    render(LeadPane, { leadId: 3, api, watchDrops: noDrops, loadGuide: async () => guide });
    await screen.findByTestId(testIds.actionGuide);
    const options = screen.getAllByTestId(testIds.actionGuideOption);
    await fireEvent.click(options[1]!);
    const textarea = await screen.findByRole("textbox");
    await fireEvent.input(textarea, { target: { value: "Hola, te escribo por tu compra." } });
    await fireEvent.click(screen.getByTestId(testIds.actionGuideSend));
    await waitFor(() =>
      expect(api.sendDraft).toHaveBeenCalledWith(3, {
        text: "Hola, te escribo por tu compra.",
        files: [],
        guide: { optionId: "OTHER", templateId: null },
      }),
    );
  });

  it("shows Mercado Libre's refusal of the reason sent, from the outbox, as a sentence", async () => {
    const refused = draft({ id: 5, leadId: 3, text: "", state: "failed", reason: "cap_exhausted", guideOptionId: "REQUEST_BILLING_INFO" });
    const api = fakeApi({ 3: { messages: [], olderCursor: null, outbox: [refused] } });
    render(LeadPane, { leadId: 3, api, watchDrops: noDrops, loadGuide: async () => guide });
    const error = await screen.findByTestId(testIds.actionGuideError);
    expect(error).toHaveTextContent("This reason was already used. Wait for the buyer's reply.");
    expect(screen.getByTestId(testIds.chatOutbox)).toHaveTextContent("Reason to communicate: Ask for billing details");
  });

  it("a reason sent and waiting for the buyer stops the picker and says why", async () => {
    const api = fakeApi({ 3: { messages: [], olderCursor: null, outbox: [] } });
    api.checkSend.mockImplementation(async () => ({ refusal: { code: "awaiting_buyer_reply" }, heldBack: null, findings: [] }));
    render(LeadPane, { leadId: 3, api, watchDrops: noDrops, loadGuide: async () => guide });
    const waiting = await screen.findByTestId(testIds.actionGuideWaiting);
    expect(waiting).toHaveTextContent("Mercado Libre lets you start this conversation once. Wait for the buyer's reply to write again.");
    expect(screen.queryByTestId(testIds.actionGuideError)).toBeNull();
  });

  it("stops waiting once Mercado Libre refused the reason that was on its way", async () => {
    const page: ConversationPage = {
      messages: [],
      olderCursor: null,
      outbox: [draft({ id: 5, leadId: 3, text: "", state: "sending", guideOptionId: "REQUEST_BILLING_INFO" })],
    };
    const api = fakeApi({ 3: page });
    // Like the core: a draft still on its way makes the seller wait.
    api.checkSend.mockImplementation(async () => ({
      refusal: page.outbox.some((item) => item.state !== "failed") ? { code: "awaiting_buyer_reply" } : { code: "action_guide_required" },
      heldBack: null,
      findings: [],
    }));
    const { rerender } = render(LeadPane, { leadId: 3, api, watchDrops: noDrops, loadGuide: async () => guide, revision: 0 });
    await screen.findByTestId(testIds.actionGuideWaiting);
    page.outbox = [{ ...page.outbox[0]!, state: "failed", reason: "cap_exhausted" }];
    await rerender({ revision: 1 });
    await screen.findByTestId(testIds.actionGuideError);
    await waitFor(() => expect(screen.queryByTestId(testIds.actionGuideWaiting)).toBeNull());
  });

  it("a conversation the seller may write freely keeps the composer", async () => {
    const api = fakeApi(pages);
    render(LeadPane, { leadId: 1, api, watchDrops: noDrops, loadGuide: async () => null });
    await screen.findByTestId(testIds.composerText);
    expect(screen.queryByTestId(testIds.actionGuide)).toBeNull();
  });
  it("shows the questions the buyer asked on the sold listing", async () => {
    const asked = {
      id: 9,
      accountId: 1,
      itemId: "MLA1",
      buyerId: 5,
      buyer: null,
      buyerFirstName: null,
      status: "answered",
      text: "¿Hacen factura A?",
      askedAt: null,
      hold: false,
      answerable: false,
      answer: { text: "Sí, hacemos.", status: "active", at: null },
      leadId: 1,
      seen: true,
      outbox: null,
    };
    const loadQuestions = vi.fn(async () => [asked]);
    render(LeadPane, { leadId: 1, api: fakeApi(pages), watchDrops: noDrops, loadQuestions });
    const section = await screen.findByTestId(testIds.leadQuestions);
    expect(section).toHaveTextContent("1 question asked before buying");
    expect(section).toHaveTextContent("¿Hacen factura A?");
    expect(loadQuestions).toHaveBeenCalledWith(1);
  });
});
