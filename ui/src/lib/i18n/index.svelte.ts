import { en, type MessageKey, type Messages } from "./en";
import { es } from "./es";
import { pt } from "./pt";
import { dateTimeFormat, pluralRules } from "./intl";

export type Locale = "es" | "pt-BR" | "en";
export type { MessageKey };

const catalogs: Record<Locale, Messages> = { es, "pt-BR": pt, en };

/** Maps a BCP 47 tag (the OS language as the webview reports it) to a locale we speak. */
export function pickLocale(tags: readonly string[]): Locale {
  for (const tag of tags) {
    const lang = tag.toLowerCase().split(/[-_]/)[0];
    if (lang === "es") return "es";
    if (lang === "pt") return "pt-BR";
    if (lang === "en") return "en";
  }
  return "en";
}

function systemLocale(): Locale {
  if (typeof navigator === "undefined") return "en";
  return pickLocale(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

const state = $state<{ locale: Locale }>({ locale: systemLocale() });

export const i18n = {
  get locale(): Locale {
    return state.locale;
  },
  set locale(value: Locale) {
    state.locale = value;
    if (typeof document !== "undefined") document.documentElement.lang = value;
  },
};

/** A message with two forms, "{count} lead|{count} leads", picks one by `count` and the
 * locale's plural rules (one / other, which is all es, pt-BR and en need). `count` may come
 * already formatted ("1.234"): its digits are what counts. */
function pluralForm(text: string, count: string | number | undefined): string {
  const forms = text.split("|");
  if (forms.length !== 2 || count === undefined) return text;
  const n = typeof count === "number" ? count : Number(String(count).replace(/\D/g, ""));
  if (!Number.isFinite(n)) return forms[1]!;
  return pluralRules(state.locale).select(n) === "one" ? forms[0]! : forms[1]!;
}

/** Translates `key`, filling `{name}` placeholders from `vars`. Reactive on the locale. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = pluralForm(catalogs[state.locale][key], vars.count);
  return text.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in vars ? String(vars[name]) : match,
  );
}

/** Translates `key` when the catalog has it (tags, option ids and substatus from Mercado
 * Libre may be new to us), else returns `fallback` as is. */
export function tOr(key: string, fallback: string, vars: Record<string, string | number> = {}): string {
  return key in en ? t(key as MessageKey, vars) : fallback;
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(state.locale, { hour: "2-digit", minute: "2-digit" }).format(date);
}
