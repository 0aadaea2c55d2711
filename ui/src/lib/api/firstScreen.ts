// The first board's data, asked for as soon as the page runs, beside the start-up report:
// the window then waits for one round trip to the shell before its board, not two in a row.
import type { FirstScreen } from "../ipc/FirstScreen";
import { commands } from "./commands";

let early: Promise<FirstScreen> | null = null;

/** Asks for the first screen now; the answer waits for [`takeFirstScreen`]. */
export function prefetchFirstScreen(): void {
  early = commands.firstScreen();
  // A start that stops on a problem never takes it: its failure is not the seller's concern.
  early.catch(() => undefined);
}

/** Drops an early answer: the start stopped on a problem, and what it read is not the cache
 * the app will start on. */
export function discardFirstScreen(): void {
  early = null;
}

/** The early answer once, else a fresh call. */
export function takeFirstScreen(): Promise<FirstScreen> {
  const answer = early ?? commands.firstScreen();
  early = null;
  return answer;
}
