// Pure helpers of the Questions view: the order j/k walk, and how long a question has waited.
import type { QuestionGroup } from "../ipc/QuestionGroup";
import type { QuestionDto } from "../ipc/QuestionDto";

/** Every question of the page in the order shown (groups, then their questions). */
export function flatten(groups: QuestionGroup[]): QuestionDto[] {
  return groups.flatMap((g) => g.questions);
}

/** The id `step` places from `current` (j: +1, k: -1), staying within the list; the first
 * question when nothing is selected. */
export function move(ids: number[], current: number | null, step: 1 | -1): number | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at < 0) return ids[0]!;
  return ids[Math.min(ids.length - 1, Math.max(0, at + step))]!;
}

/** Seconds between `iso` and `now` (0 when unknown or in the future). */
export function waitedSeconds(iso: string | null, now: Date): number {
  if (!iso) return 0;
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return 0;
  return Math.max(0, Math.round((now.getTime() - then) / 1000));
}
