// Settings that take effect in the window itself: the language and the theme.
import { i18n, pickLocale, type Locale } from "../i18n/index.svelte";

export type LanguageChoice = "system" | Locale;
export type ThemeChoice = "system" | "light" | "dark";

export interface AppSettings {
  language: LanguageChoice;
  theme: ThemeChoice;
  /** How often the sync engine polls Mercado Libre, in seconds. */
  pollSeconds: number;
  /** How far back the first import reads, in days. */
  historyDays: number;
  /** Desktop notifications for new buyer messages while the window is in the background. */
  notifications: boolean;
}

export const DEFAULT_SETTINGS: AppSettings = {
  language: "system",
  theme: "system",
  pollSeconds: 60,
  historyDays: 90,
  notifications: true,
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
