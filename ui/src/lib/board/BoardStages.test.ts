import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandError } from "../api/commands";
import { i18n } from "../i18n/index.svelte";
import type { StageColumn } from "../ipc/StageColumn";
import { testIds } from "../testids";
import Notices from "../notice/Notices.svelte";
import { notices } from "../notice/notices.svelte";
import Board from "./Board.svelte";
import { installPointerEvents, lead } from "./fixtures";
import type { BoardApi } from "./stages";

function column(key: string, ids: number[], name: string | null = null): StageColumn {
  return {
    key,
    system: key.startsWith("system:") ? (key.slice(7) as StageColumn["system"]) : null,
    name,
    leadCount: ids.length,
    leads: ids.map((id) => lead({ id, name: `200000${id}`, stageKey: key })),
    nextCursor: null,
  };
}

const columns = () => [
  column("system:payment_required", [1]),
  column("system:paid", [10, 11]),
  column("custom:7", [], "Packed"),
  column("custom:8", [30], "Invoiced"),
  column("system:canceled", []),
];

function api(overrides: Partial<BoardApi> = {}): BoardApi {
  return {
    moveLead: vi.fn(async () => undefined),
    archiveLead: vi.fn(async () => undefined),
    unarchiveLead: vi.fn(async () => undefined),
    addStage: vi.fn(async () => "custom:9"),
    renameStage: vi.fn(async () => undefined),
    reorderStages: vi.fn(async () => undefined),
    deleteStage: vi.fn(async () => 0),
    ...overrides,
  };
}

const columnOf = (key: string) =>
  screen.getAllByTestId(testIds.boardColumn).find((c) => c.dataset.stage === key)!;
const cardIds = (key: string) =>
  within(columnOf(key))
    .queryAllByTestId(testIds.leadCard)
    .map((c) => Number(c.dataset.leadId));
const count = (key: string) => within(columnOf(key)).getByTestId(testIds.columnCount).textContent;

/** Presses a card, carries it past the threshold over `target`'s column and lets go. */
async function dragTo(card: HTMLElement, target: string) {
  // jsdom does no layout: the column under the pointer is the one the test names.
  document.elementFromPoint = () => columnOf(target);
  await fireEvent.pointerDown(card, { button: 0, clientX: 10, clientY: 10, pointerId: 1 });
  await fireEvent.pointerMove(window, { clientX: 60, clientY: 20, pointerId: 1 });
  await fireEvent.pointerMove(window, { clientX: 400, clientY: 40, pointerId: 1 });
  expect(columnOf(target)).toHaveClass("droptarget");
  await fireEvent.pointerUp(window, { clientX: 400, clientY: 40, pointerId: 1 });
}

beforeAll(installPointerEvents);


describe("Board: moving leads", () => {
  beforeEach(() => {
    i18n.locale = "en";
    // The notice shows above the views, in the window's own area.
    notices.dismiss();
    render(Notices);
  });
  afterEach(() => {
    // @ts-expect-error jsdom has none; the tests add one per drag.
    delete document.elementFromPoint;
  });

  it("drops a dragged paid lead into a custom stage, and the counts follow at once", async () => {
    const board = api();
    const onchanged = vi.fn();
    const onopen = vi.fn();
    render(Board, { columns: columns(), now: new Date(), api: board, onchanged, onopen });
    const card = within(columnOf("system:paid")).getAllByTestId(testIds.leadCard)[0]!;
    await dragTo(card, "custom:7");
    expect(board.moveLead).toHaveBeenCalledWith(10, "custom:7");
    await vi.waitFor(() => expect(cardIds("custom:7")).toEqual([10]));
    expect(cardIds("system:paid")).toEqual([11]);
    expect(count("custom:7")).toBe("1");
    expect(count("system:paid")).toBe("1");
    expect(onchanged).toHaveBeenCalled();
    expect(screen.getByTestId(testIds.boardNotice)).toHaveTextContent("#20000010 moved to Packed.");
    expect(onopen).not.toHaveBeenCalled();
  });

  it("snaps a refused move back and says why, in the seller's language", async () => {
    i18n.locale = "es";
    const board = api({
      moveLead: vi.fn(async () => {
        throw new CommandError({ code: "not_paid", message: "only paid leads…", details: { stage: "payment_required" } });
      }),
    });
    const onchanged = vi.fn();
    render(Board, { columns: columns(), now: new Date(), api: board, onchanged });
    const card = within(columnOf("system:payment_required")).getByTestId(testIds.leadCard);
    await dragTo(card, "custom:7");
    const notice = await screen.findByTestId(testIds.boardNotice);
    expect(notice).toHaveAttribute("data-tone", "error");
    expect(notice).toHaveTextContent("Solo los leads pagados van a tus propias etapas: este está en Pago requerido.");
    expect(cardIds("system:payment_required")).toEqual([1]);
    expect(cardIds("custom:7")).toEqual([]);
    expect(count("custom:7")).toBe("0");
    expect(onchanged).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(screen.queryByTestId(testIds.dragGhost)).toBeNull());
  });

  it("opens the lead on a plain click", async () => {
    const onopen = vi.fn();
    render(Board, { columns: columns(), now: new Date(), api: api(), onopen });
    const card = within(columnOf("system:paid")).getAllByTestId(testIds.leadCard)[0]!;
    await fireEvent.pointerDown(card, { button: 0, clientX: 10, clientY: 10, pointerId: 1 });
    await fireEvent.pointerUp(window, { clientX: 11, clientY: 10, pointerId: 1 });
    await fireEvent.click(card);
    expect(onopen).toHaveBeenCalledWith(10);
  });

  it("moves a lead from the keyboard through its Move to… menu", async () => {
    const board = api();
    render(Board, { columns: columns(), now: new Date(), api: board });
    const card = within(columnOf("system:paid")).getAllByTestId(testIds.leadCard)[0]!;
    card.focus();
    await fireEvent.keyDown(card, { key: "m" });
    const menu = await screen.findByRole("menu", { name: "Move #20000010 to" });
    const items = within(menu).getAllByRole("menuitem");
    expect(items.map((i) => i.textContent?.trim())).toEqual([
      "Payment Required",
      "Packed",
      "Invoiced",
      "Canceled",
      // and, after the stages, the lead's archive
      "Archive",
    ]);
    await vi.waitFor(() => expect(document.activeElement).toBe(items[0]));
    await fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(document.activeElement).toBe(items[1]);
    await fireEvent.keyDown(menu, { key: "ArrowDown" });
    await fireEvent.click(document.activeElement!);
    expect(board.moveLead).toHaveBeenCalledWith(10, "custom:8");
    await vi.waitFor(() => expect(cardIds("custom:8")).toEqual([10, 30]));
    expect(screen.queryByRole("menu")).toBeNull();
    // Focus follows the card to its new column.
    await vi.waitFor(() => expect(document.activeElement).toHaveAttribute("data-lead-id", "10"));
    expect(document.activeElement!.closest("[data-stage]")).toBe(columnOf("custom:8"));
  });

  it("closes the menu with Escape and gives focus back to the card", async () => {
    render(Board, { columns: columns(), now: new Date(), api: api() });
    const card = within(columnOf("system:paid")).getAllByTestId(testIds.leadCard)[0]!;
    card.focus();
    await fireEvent.keyDown(card, { key: "m" });
    const menu = await screen.findByRole("menu");
    await fireEvent.keyDown(menu, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(card);
  });
});

describe("Board: the seller's stages", () => {
  beforeEach(() => {
    i18n.locale = "en";
    // The notice shows above the views, in the window's own area.
    notices.dismiss();
    render(Notices);
  });

  it("adds a stage where new stages appear, and shows the core's refusal in place", async () => {
    const addStage = vi
      .fn<BoardApi["addStage"]>()
      .mockRejectedValueOnce(new CommandError({ code: "duplicate_name", message: "…", details: { name: "Packed" } }))
      .mockResolvedValueOnce("custom:9");
    const onchanged = vi.fn();
    render(Board, { columns: columns(), now: new Date(), api: api({ addStage }), onchanged });
    const add = screen.getByTestId(testIds.stageAdd);
    // After the last custom stage, before Canceled.
    expect(add.closest(".add")!.previousElementSibling).toBe(columnOf("custom:8"));
    await fireEvent.click(add);
    const input = screen.getByRole("textbox", { name: "Name of the new stage" });
    expect(document.activeElement).toBe(input);
    await fireEvent.input(input, { target: { value: "packed" } });
    await fireEvent.submit(input.closest("form")!);
    expect(await screen.findByRole("alert")).toHaveTextContent("There is already a stage named “Packed”.");
    expect(onchanged).not.toHaveBeenCalled();
    await fireEvent.input(input, { target: { value: "Shipped" } });
    await fireEvent.submit(input.closest("form")!);
    expect(addStage).toHaveBeenLastCalledWith("Shipped");
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole("textbox")).toBeNull();
  });

  it("renames a stage in place from its menu; Escape leaves the name as it was", async () => {
    const board = api();
    render(Board, { columns: columns(), now: new Date(), api: board });
    await fireEvent.click(within(columnOf("custom:7")).getByRole("button", { name: "Actions for the stage Packed" }));
    await fireEvent.click(screen.getByRole("menuitem", { name: "Rename" }));
    const input = within(columnOf("custom:7")).getByRole("textbox", { name: "New name for Packed" });
    await vi.waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.keyDown(input, { key: "Escape" });
    expect(within(columnOf("custom:7")).queryByRole("textbox")).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(within(columnOf("custom:7")).getByTestId(testIds.stageMenu)));
    expect(board.renameStage).not.toHaveBeenCalled();

    await fireEvent.click(within(columnOf("custom:7")).getByTestId(testIds.stageMenu));
    await fireEvent.click(screen.getByRole("menuitem", { name: "Rename" }));
    const again = within(columnOf("custom:7")).getByTestId(testIds.stageNameInput);
    await fireEvent.input(again, { target: { value: "Boxed" } });
    await fireEvent.submit(again.closest("form")!);
    expect(board.renameStage).toHaveBeenCalledWith("custom:7", "Boxed");
    await vi.waitFor(() => expect(within(columnOf("custom:7")).queryByRole("textbox")).toBeNull());
  });

  it("moves a stage among the custom ones only", async () => {
    const board = api();
    render(Board, { columns: columns(), now: new Date(), api: board });
    await fireEvent.click(within(columnOf("custom:7")).getByTestId(testIds.stageMenu));
    expect(screen.getByRole("menuitem", { name: "Move left" })).toBeDisabled();
    await fireEvent.click(screen.getByRole("menuitem", { name: "Move right" }));
    expect(board.reorderStages).toHaveBeenCalledWith(["custom:8", "custom:7"]);
    await fireEvent.click(within(columnOf("custom:8")).getByTestId(testIds.stageMenu));
    expect(screen.getByRole("menuitem", { name: "Move right" })).toBeDisabled();
  });

  it("deletes a stage after saying its leads go back to Paid", async () => {
    const board = api({ deleteStage: vi.fn(async () => 1) });
    const onchanged = vi.fn();
    render(Board, { columns: columns(), now: new Date(), api: board, onchanged });
    await fireEvent.click(within(columnOf("custom:8")).getByTestId(testIds.stageMenu));
    await fireEvent.click(screen.getByRole("menuitem", { name: "Delete stage" }));
    const dialog = within(columnOf("custom:8")).getByRole("alertdialog");
    expect(dialog).toHaveTextContent("Delete “Invoiced”? Its leads (1) go back to Paid.");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(board.deleteStage).not.toHaveBeenCalled();

    await fireEvent.click(within(columnOf("custom:8")).getByTestId(testIds.stageMenu));
    await fireEvent.click(screen.getByRole("menuitem", { name: "Delete stage" }));
    await fireEvent.click(within(columnOf("custom:8")).getByTestId(testIds.stageDeleteConfirm));
    expect(board.deleteStage).toHaveBeenCalledWith("custom:8");
    expect(await screen.findByTestId(testIds.boardNotice)).toHaveTextContent(
      "“Invoiced” deleted: its leads (1) are back in Paid.",
    );
    expect(onchanged).toHaveBeenCalled();
  });

  it("reorders custom stages by dragging a column's header onto another", async () => {
    const board = api();
    render(Board, { columns: columns(), now: new Date(), api: board });
    const header = columnOf("custom:7").querySelector("header")!;
    document.elementFromPoint = () => columnOf("custom:8");
    await fireEvent.pointerDown(header, { button: 0, clientX: 10, clientY: 10, pointerId: 1 });
    await fireEvent.pointerMove(window, { clientX: 300, clientY: 10, pointerId: 1 });
    expect(columnOf("custom:7")).toHaveClass("moving");
    expect(columnOf("custom:8")).toHaveClass("droptarget");
    await fireEvent.pointerUp(window, { clientX: 300, clientY: 10, pointerId: 1 });
    expect(board.reorderStages).toHaveBeenCalledWith(["custom:8", "custom:7"]);

    // Mercado Libre's columns are not places for a custom stage.
    document.elementFromPoint = () => columnOf("system:canceled");
    await fireEvent.pointerDown(header, { button: 0, clientX: 10, clientY: 10, pointerId: 1 });
    await fireEvent.pointerMove(window, { clientX: 600, clientY: 10, pointerId: 1 });
    expect(columnOf("system:canceled")).not.toHaveClass("droptarget");
    await fireEvent.pointerUp(window, { clientX: 600, clientY: 10, pointerId: 1 });
    expect(board.reorderStages).toHaveBeenCalledTimes(1);
    // @ts-expect-error jsdom has none; this test added one.
    delete document.elementFromPoint;
  });

  it("keeps the header's menu button a button, not a drag handle", async () => {
    render(Board, { columns: columns(), now: new Date(), api: api() });
    const button = within(columnOf("custom:7")).getByTestId(testIds.stageMenu);
    await fireEvent.pointerDown(button, { button: 0, clientX: 10, clientY: 10, pointerId: 1 });
    await fireEvent.pointerMove(window, { clientX: 300, clientY: 10, pointerId: 1 });
    expect(columnOf("custom:7")).not.toHaveClass("moving");
    await fireEvent.pointerUp(window, { clientX: 300, clientY: 10, pointerId: 1 });
  });

  it("offers no stage actions on Mercado Libre's stages", () => {
    render(Board, { columns: columns(), now: new Date(), api: api() });
    expect(within(columnOf("system:paid")).queryByTestId(testIds.stageMenu)).toBeNull();
    expect(screen.getAllByTestId(testIds.stageMenu)).toHaveLength(2);
  });
});
