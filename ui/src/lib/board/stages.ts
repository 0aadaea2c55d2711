// Columns as the seller reads them, and the core's refusals in the seller's language.
import { CommandError, commands } from "../api/commands";
import { t, tOr } from "../i18n/index.svelte";
import type { StageColumn } from "../ipc/StageColumn";

/** What the board asks of the core: moves and changes to the custom stages. */
export type BoardApi = Pick<
  typeof commands,
  "moveLead" | "addStage" | "renameStage" | "reorderStages" | "deleteStage" | "archiveLead" | "unarchiveLead"
>;

export const isCustom = (key: string) => key.startsWith("custom:");

/** The translated name of a system stage (`paid`), or the key itself when it is new to us. */
export function systemStageName(stage: string): string {
  return tOr(`stage.${stage}`, stage);
}

export function columnTitle(column: Pick<StageColumn, "system" | "name">): string {
  return column.system ? systemStageName(column.system) : (column.name ?? "");
}

/** The custom stages' keys in board order. */
export function customKeys(columns: Pick<StageColumn, "key">[]): string[] {
  return columns.map((c) => c.key).filter(isCustom);
}

/** The custom stages' order after moving `key` one place left (-1) or right (1); null when it
 * is already at that end (custom stages never pass Paid or Canceled). */
export function shifted(keys: string[], key: string, step: -1 | 1): string[] | null {
  const from = keys.indexOf(key);
  const to = from + step;
  if (from < 0 || to < 0 || to >= keys.length) return null;
  const next = [...keys];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
}

/** The custom stages' order after dropping `key` onto the column `target`: it takes the
 * target's place. Null when nothing changes or `target` is not a custom stage. */
export function placed(keys: string[], key: string, target: string): string[] | null {
  const from = keys.indexOf(key);
  const to = keys.indexOf(target);
  if (from < 0 || to < 0 || from === to) return null;
  const next = keys.filter((k) => k !== key);
  next.splice(to, 0, key);
  return next;
}

/** Why the core refused a move or a change to the stages, as one sentence. */
export function reasonOf(err: unknown): string {
  if (!(err instanceof CommandError)) return t("error.generic", { message: String(err) });
  const d = err.details ?? {};
  switch (err.code) {
    case "not_paid":
      return t("move.refusal.not_paid", { stage: systemStageName(d.stage ?? "") });
    case "contradicts_mercado_libre":
      return t("move.refusal.contradicts_mercado_libre", {
        actual: systemStageName(d.actual ?? ""),
        target: systemStageName(d.target ?? ""),
      });
    case "empty_name":
    case "system_stage_locked":
    case "not_a_permutation":
      return t(`stage.refusal.${err.code}`);
    case "name_too_long":
      return t("stage.refusal.name_too_long", { max: d.max ?? "" });
    case "duplicate_name":
      return t("stage.refusal.duplicate_name", { name: d.name ?? "" });
    default:
      return t("error.generic", { message: err.message });
  }
}
