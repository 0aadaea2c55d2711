// Settings that take effect in the window itself: the language and the theme.
import { i18n, pickLocale } from "../i18n/index.svelte";
import type { LanguageChoice } from "../ipc/LanguageChoice";
import type { Settings } from "../ipc/Settings";
import type { ThemeChoice } from "../ipc/ThemeChoice";

export type { LanguageChoice, ThemeChoice };
/** The shell's settings (`get_settings` / `save_settings`), generated from Rust. */
export type AppSettings = Settings;

export const DEFAULT_SETTINGS: AppSettings = {
  language: "system",
  theme: "system",
  // The same defaults as the Rust side (inbox::ipc::Settings).
  pollSeconds: 30,
  historyDays: 90,
  notifications: true,
  leadPanePermille: 500,
};

export const POLL_CHOICES = [30, 60, 120, 300, 900] as const;
export const HISTORY_CHOICES = [30, 90, 180, 365] as const;

export function applyLanguage(choice: LanguageChoice, systemTags: readonly string[] = navigatorTags()): void {
  i18n.locale = choice === "system" ? pickLocale(systemTags) : choice;
}

/** `system` leaves the choice to `prefers-color-scheme` (see app.css). */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

function navigatorTags(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/** Applies what takes effect in the window (language and theme), e.g. at start. */
export function applySettings(settings: Pick<AppSettings, "language" | "theme">): void {
  applyLanguage(settings.language);
  applyTheme(settings.theme);
}
