// Moves the board shows before the core's next board arrives: the card leaves its column at
// once and heads the target's, and both counts follow. A refused move is simply forgotten.
import type { LeadSummary } from "./types";

export interface ShownMove {
  lead: LeadSummary;
  from: string;
  to: string;
  /** The core accepted it: the next board from the core shows it by itself. */
  settled: boolean;
}

/** A column's leads and count with the moves in flight applied. */
export function withMoves(
  key: string,
  leads: LeadSummary[],
  count: number,
  moves: readonly ShownMove[],
): { leads: LeadSummary[]; count: number } {
  if (moves.length === 0) return { leads, count };
  const movedAway = new Set(moves.filter((m) => m.to !== key).map((m) => m.lead.id));
  const kept = leads.filter((l) => !movedAway.has(l.id));
  const present = new Set(kept.map((l) => l.id));
  const arriving = moves.filter((m) => m.to === key && !present.has(m.lead.id)).map((m) => ({ ...m.lead, stageKey: key }));
  const left = moves.filter((m) => m.from === key && m.to !== key).length;
  const came = moves.filter((m) => m.to === key && m.from !== key).length;
  return { leads: [...arriving, ...kept], count: Math.max(0, count - left + came) };
}
