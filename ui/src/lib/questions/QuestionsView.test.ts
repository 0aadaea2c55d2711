import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { QuestionDto } from "../ipc/QuestionDto";
import type { QuestionsPage } from "../ipc/QuestionsPage";
import { testIds } from "../testids";

const api = vi.hoisted(() => ({
  questions: vi.fn(),
  openQuestion: vi.fn(),
  checkAnswer: vi.fn(),
  answerQuestion: vi.fn(),
  blockedAskers: vi.fn(),
  blockAsker: vi.fn(),
  unblockAsker: vi.fn(),
  quickReplies: vi.fn(),
}));

vi.mock("../api/commands", async (original) => {
  const real = await original<typeof import("../api/commands")>();
  return { ...real, commands: api };
});

import QuestionsView from "./QuestionsView.svelte";

const question = (id: number, text: string): QuestionDto => ({
  id,
  accountId: 1,
  itemId: "MLA1054990600",
  buyerId: 77,
  buyer: "ANAGOMEZ",
  buyerFirstName: null,
  status: "unanswered",
  text,
  askedAt: new Date(Date.now() - 90 * 60_000).toISOString(),
  hold: false,
  answerable: true,
  answer: null,
  leadId: null,
  seen: false,
  outbox: null,
});

const listing = { itemId: "MLA1054990600", title: "Termo acero 1 litro", picture: null, permalink: null, status: "active" };

const page = (): QuestionsPage => ({
  groups: [{ listing, questions: [question(1, "¿Hay stock?"), question(2, "¿Hacen factura A?")] }],
  unanswered: 2,
  unread: 2,
  listings: [listing],
});

describe("QuestionsView", () => {
  beforeEach(() => {
    i18n.locale = "en";
    for (const fn of Object.values(api)) fn.mockReset();
    api.questions.mockResolvedValue(page());
    api.openQuestion.mockImplementation(async (id: number) => ({
      question: page().groups[0]!.questions.find((q) => q.id === id),
      listing,
      sameBuyer: [],
      earlierAnswered: [],
    }));
    api.checkAnswer.mockResolvedValue(undefined);
    api.answerQuestion.mockResolvedValue(question(2, "¿Hacen factura A?"));
    api.blockedAskers.mockResolvedValue([]);
    api.blockAsker.mockResolvedValue(undefined);
    api.quickReplies.mockResolvedValue([]);
  });

  it("lists the questions under their listing with how long they waited", async () => {
    render(QuestionsView, {});
    const items = await screen.findAllByTestId(testIds.questionItem);
    expect(items).toHaveLength(2);
    expect(screen.getAllByTestId(testIds.questionsGroup)[0]!.textContent).toContain("Termo acero 1 litro");
    expect(screen.getAllByTestId(testIds.questionWaiting)[0]!.textContent).toMatch(/^waiting 1 h/);
    expect(screen.getByText("2 waiting for your answer")).toBeInTheDocument();
  });

  it("shows each listing's cached picture, and a placeholder for one without", async () => {
    (window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = {
      convertFileSrc: (path: string, protocol: string) => `${protocol}://localhost/${encodeURIComponent(path)}`,
    };
    try {
      const pictured = { ...listing, picture: "/data/cache/pic-77.png" };
      const bare = { ...listing, itemId: "MLA1054990601", title: "Mate de calabaza", picture: null };
      api.questions.mockResolvedValue({
        ...page(),
        groups: [
          { listing: pictured, questions: [question(1, "¿Hay stock?")] },
          { listing: bare, questions: [{ ...question(2, "¿Es de calabaza?"), itemId: bare.itemId }] },
        ],
        listings: [pictured, bare],
      });
      api.openQuestion.mockImplementation(async (id: number) => ({
        question: question(id, "¿Hay stock?"),
        listing: pictured,
        sameBuyer: [],
        earlierAnswered: [],
      }));
      render(QuestionsView, {});
      const groups = await screen.findAllByTestId(testIds.questionsGroup);
      const first = within(groups[0]!).getByTestId(testIds.listingPicture);
      expect(first).toHaveAttribute("src", "asset://localhost/%2Fdata%2Fcache%2Fpic-77.png");
      expect(within(groups[1]!).queryByTestId(testIds.listingPicture)).toBeNull();
      expect(within(groups[1]!).getByTestId(testIds.listingPicturePlaceholder)).toHaveAttribute("aria-label", "No picture");
      // The opened question's header shows it larger.
      await waitFor(() => expect(screen.getAllByTestId(testIds.listingPicture)).toHaveLength(2));
    } finally {
      delete (window as unknown as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    }
  });

  it("names the asker by nickname and fills {buyer_first_name} with the first name when known", async () => {
    const named = { ...question(1, "¿Hay stock?"), buyer: "ANAGOMEZ", buyerFirstName: "Ana" };
    api.questions.mockResolvedValue({ ...page(), groups: [{ listing, questions: [named] }] });
    api.openQuestion.mockResolvedValue({ question: named, listing, sameBuyer: [], earlierAnswered: [] });
    const replies = [{ id: 5, title: "Stock", body: "¡Hola {buyer_first_name}!", accountId: null, language: "es" }];
    render(QuestionsView, { loadQuickReplies: async () => replies });
    const [item] = await screen.findAllByTestId(testIds.questionItem);
    expect(item).toHaveTextContent("ANAGOMEZ");
    const composer = (await screen.findByTestId(testIds.answerText)) as HTMLTextAreaElement;
    composer.focus();
    composer.value = "/sto";
    composer.setSelectionRange(4, 4);
    await fireEvent.input(composer);
    await screen.findAllByTestId(testIds.quickReplyOption);
    await fireEvent.keyDown(composer, { key: "Enter" });
    await waitFor(() => expect(composer.value).toBe("¡Hola Ana!"));
  });

  it("walks with j/k, answers with Enter and Ctrl+Enter, and leaves with Esc", async () => {
    render(QuestionsView, {});
    const items = await screen.findAllByTestId(testIds.questionItem);
    await waitFor(() => expect(items[0]!.getAttribute("aria-selected")).toBe("true"));
    const list = screen.getByRole("listbox");
    await fireEvent.keyDown(list, { key: "j" });
    await waitFor(() => expect(items[1]!.getAttribute("aria-selected")).toBe("true"));
    await waitFor(() => expect(api.openQuestion).toHaveBeenLastCalledWith(2));
    await fireEvent.keyDown(list, { key: "Enter" });
    const composer = await screen.findByTestId(testIds.answerText);
    await waitFor(() => expect(document.activeElement).toBe(composer));
    expect(screen.getByText("Answers are public and cannot be edited once sent.")).toBeInTheDocument();
    await fireEvent.input(composer, { target: { value: "Sí, hacemos factura A." } });
    await fireEvent.keyDown(composer, { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(api.answerQuestion).toHaveBeenCalledWith(2, "Sí, hacemos factura A."));
    composer.focus();
    await fireEvent.keyDown(composer, { key: "Escape" });
    await waitFor(() => expect(document.activeElement).toBe(list));
    await fireEvent.keyDown(list, { key: "k" });
    await waitFor(() => expect(items[0]!.getAttribute("aria-selected")).toBe("true"));
  });

  it("shows the rules' refusal and keeps Send off", async () => {
    const { CommandError } = await import("../api/commands");
    api.checkAnswer.mockRejectedValue(
      new CommandError({ code: "answer_too_long", message: "too long", details: { chars: "2001", max: "2000" } }),
    );
    render(QuestionsView, {});
    await screen.findAllByTestId(testIds.questionItem);
    const composer = await screen.findByTestId(testIds.answerText);
    await fireEvent.input(composer, { target: { value: "a".repeat(2001) } });
    const refusal = await screen.findByTestId(testIds.answerRefusal);
    expect(refusal.textContent).toBe("Answers take 2000 characters at most; this one has 2001.");
    expect(screen.getByTestId(testIds.answerSend)).toBeDisabled();
    expect(screen.getByTestId(testIds.answerCounter).textContent).toBe("2001 of 2,000");
  });

  it("fills a quick reply for the asker and the listing from a slash in the answer", async () => {
    const replies = [
      { id: 5, title: "Stock", body: "¡Hola {buyer_first_name}! Sí, hay stock de {item_title}.", accountId: null, language: "es" },
      { id: 6, title: "Envío", body: "Enviamos en el día.", accountId: null, language: "es" },
    ];
    render(QuestionsView, { loadQuickReplies: async () => replies });
    await screen.findAllByTestId(testIds.questionItem);
    const composer = (await screen.findByTestId(testIds.answerText)) as HTMLTextAreaElement;
    composer.focus();
    composer.value = "/sto";
    composer.setSelectionRange(4, 4);
    await fireEvent.input(composer);
    const options = await screen.findAllByTestId(testIds.quickReplyOption);
    expect(options).toHaveLength(1);
    await fireEvent.keyDown(composer, { key: "Enter" });
    // The nickname is no first name: that variable stays for the seller to complete.
    await waitFor(() => expect(composer.value).toBe("¡Hola {buyer_first_name}! Sí, hay stock de Termo acero 1 litro."));
    expect(screen.queryByTestId(testIds.quickReplyPicker)).toBeNull();
    expect(api.answerQuestion).not.toHaveBeenCalled();
  });

  it("blocks a buyer only after the in-app confirmation", async () => {
    const confirm = vi.spyOn(window, "confirm");
    render(QuestionsView, {});
    await screen.findAllByTestId(testIds.questionItem);
    await fireEvent.click(await screen.findByTestId(testIds.questionBlock));
    const dialog = await screen.findByTestId(testIds.confirmDialog);
    expect(dialog.textContent).toContain("Block ANAGOMEZ from asking");
    expect(api.blockAsker).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId(testIds.confirmOk));
    await waitFor(() => expect(api.blockAsker).toHaveBeenCalledWith(1, 77));
    expect(confirm).not.toHaveBeenCalled();
  });
});
