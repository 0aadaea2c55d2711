// When the page reached each step of its first paint, for the shell's start-up log and
// `cargo xtask bench` (see the shell's `ui_ready`).
import type { PageMarks } from "./ipc/PageMarks";

const now = () => performance.timeOrigin + performance.now();
let scriptAt: number | null = null;

/** The first thing the UI's script does. */
export function markScriptStart(): void {
  scriptAt ??= now();
}

/** The marks once the first board's data has arrived (`dataAt` is now). */
export function pageMarks(): PageMarks {
  const dataAt = now();
  return { pageAt: performance.timeOrigin, scriptAt: scriptAt ?? dataAt, dataAt };
}
