// The quick-reply picker's state in a text box: open from a "/" the seller types (or a button),
// narrowed by the words typed after it, and replaced by the chosen reply. Shared by the chat's
// composer and a question's answer composer; the host renders `QuickReplyPicker` while `open`.
import { tick } from "svelte";
import { slashQuery } from "./quickReplies";

interface Picking {
  start: number;
  end: number;
  query: string;
  /** Opened by the button: everything typed after the caret is the query. */
  manual: boolean;
}

export class SlashPicker {
  picking = $state<Picking | null>(null);

  /** `box` is the host's text box; `text`/`setText` its bound value. */
  constructor(
    private readonly box: () => HTMLTextAreaElement | undefined,
    private readonly text: () => string,
    private readonly setText: (text: string) => void,
  ) {}

  get open(): boolean {
    return this.picking !== null;
  }

  get query(): string {
    return this.picking?.query ?? "";
  }

  /** The host's `oninput`. */
  input(): void {
    const box = this.box();
    if (!box) return;
    const text = this.text();
    const caret = box.selectionStart ?? text.length;
    const slash = slashQuery(text, caret);
    const picking = this.picking;
    if (slash) this.picking = { start: slash.start, end: caret, query: slash.query, manual: false };
    else if (picking?.manual && caret >= picking.start) this.picking = { ...picking, end: caret, query: text.slice(picking.start, caret) };
    else this.picking = null;
  }

  /** The button: the picker opens at the caret (at the end when the box is not focused). */
  openAtCaret(): void {
    const box = this.box();
    const caret = box && document.activeElement === box ? box.selectionStart : this.text().length;
    this.picking = { start: caret, end: caret, query: "", manual: true };
    box?.focus();
  }

  close(): void {
    this.picking = null;
  }

  /** Puts the filled reply where the "/" and its words were; the text stays editable. */
  async insert(filled: string): Promise<void> {
    if (!this.picking) return;
    const { start, end } = this.picking;
    const text = this.text();
    this.setText(text.slice(0, start) + filled + text.slice(end));
    this.picking = null;
    await tick();
    const box = this.box();
    box?.focus();
    box?.setSelectionRange(start + filled.length, start + filled.length);
  }
}
