import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { CommandError } from "../api/commands";
import { i18n } from "../i18n/index.svelte";
import type { QuickReplyDto } from "../ipc/QuickReplyDto";
import type { QuickReplyInput } from "../ipc/QuickReplyInput";
import { testIds } from "../testids";
import QuickReplies from "./QuickReplies.svelte";

/** An in-memory store that behaves as the core does. */
function fakeApi(initial: QuickReplyDto[]) {
  let list = [...initial];
  let next = 100;
  return {
    list: () => list,
    quickReplies: vi.fn(async () => list.map((r) => ({ ...r }))),
    saveQuickReply: vi.fn(async (input: QuickReplyInput) => {
      if (!input.title.trim()) throw new CommandError({ code: "invalid_input", message: "title", details: null });
      if (input.id === null) {
        const id = next++;
        list = [...list, { ...input, id }];
        return id;
      }
      list = list.map((r) => (r.id === input.id ? { ...input, id: r.id } : r));
      return input.id;
    }),
    deleteQuickReply: vi.fn(async (id: number) => void (list = list.filter((r) => r.id !== id))),
    reorderQuickReplies: vi.fn(async (ids: number[]) => void (list = ids.map((id) => list.find((r) => r.id === id)!))),
    exportQuickReplies: vi.fn(async () => list.length),
    importQuickReplies: vi.fn(async () => 2),
  };
}

const shipped: QuickReplyDto[] = [
  { id: 1, accountId: null, language: "es", title: "Gracias", body: "¡Gracias {buyer_first_name}!" },
  { id: 2, accountId: null, language: "pt", title: "Obrigado", body: "Obrigado!" },
];

const titles = () => screen.queryAllByTestId(testIds.quickReplyRow).map((r) => r.querySelector("strong")?.textContent);

// Each test walks several screens: give a busy machine room.
describe("QuickReplies settings", { timeout: 30_000 }, () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("adds, edits, reorders and deletes (after a second click)", async () => {
    const api = fakeApi(shipped);
    render(QuickReplies, { api });
    await vi.waitFor(() => expect(titles()).toEqual(["Gracias", "Obrigado"]));

    await fireEvent.click(screen.getByTestId(testIds.quickReplyAdd));
    const form = screen.getByTestId(testIds.quickReplyForm);
    await fireEvent.input(within(form).getByLabelText("Title"), { target: { value: "Envío" } });
    await fireEvent.input(within(form).getByLabelText("Text"), { target: { value: "Sale mañana, {buyer_first_name}" } });
    await fireEvent.submit(form);
    await vi.waitFor(() => expect(titles()).toEqual(["Gracias", "Obrigado", "Envío"]));
    expect(api.saveQuickReply).toHaveBeenCalledWith({ id: null, accountId: null, language: "es", title: "Envío", body: "Sale mañana, {buyer_first_name}" });

    const third = screen.getAllByTestId(testIds.quickReplyRow)[2]!;
    await fireEvent.click(within(third).getByRole("button", { name: "Move Envío up" }));
    await vi.waitFor(() => expect(titles()).toEqual(["Gracias", "Envío", "Obrigado"]));

    await fireEvent.click(within(screen.getAllByTestId(testIds.quickReplyRow)[1]!).getByRole("button", { name: "Edit" }));
    await fireEvent.input(within(screen.getByTestId(testIds.quickReplyForm)).getByLabelText("Title"), { target: { value: "Envío rápido" } });
    await fireEvent.submit(screen.getByTestId(testIds.quickReplyForm));
    await vi.waitFor(() => expect(titles()).toEqual(["Gracias", "Envío rápido", "Obrigado"]));

    const first = screen.getAllByTestId(testIds.quickReplyRow)[0]!;
    await fireEvent.click(within(first).getByRole("button", { name: "Delete" }));
    expect(api.deleteQuickReply).not.toHaveBeenCalled();
    await fireEvent.click(within(first).getByRole("button", { name: "Delete for good?" }));
    await vi.waitFor(() => expect(titles()).toEqual(["Envío rápido", "Obrigado"]));
  });

  it("imports and exports through the chosen file, and says how many", async () => {
    const api = fakeApi(shipped);
    render(QuickReplies, { api, pickImport: async () => "/tmp/in.json", pickExport: async () => "/tmp/out.json" });
    await fireEvent.click(screen.getByRole("button", { name: "Export…" }));
    await vi.waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("2 quick replies exported."));
    expect(api.exportQuickReplies).toHaveBeenCalledWith("/tmp/out.json");
    await fireEvent.click(screen.getByRole("button", { name: "Import…" }));
    await vi.waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("2 quick replies added."));
    expect(api.importQuickReplies).toHaveBeenCalledWith("/tmp/in.json");
  });

  it("a refused file is explained in the seller's language", async () => {
    i18n.locale = "pt-BR";
    const api = fakeApi(shipped);
    api.importQuickReplies.mockRejectedValueOnce(new CommandError({ code: "invalid_input", message: "x", details: null }));
    render(QuickReplies, { api, pickImport: async () => "/tmp/bad.json" });
    await fireEvent.click(screen.getByRole("button", { name: "Importar…" }));
    await vi.waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("um exportado pelo Mostrador"));
  });
});
