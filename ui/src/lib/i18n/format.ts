// Dates, numbers and money through Intl, in the seller's chosen locale. Each helper reads
// `i18n.locale`, so calling it from markup or `$derived` re-runs when the language changes.
import { i18n } from "./index.svelte";
import { dateTimeFormat, numberFormat, relativeTimeFormat } from "./intl";

export interface Money {
  currency: string;
  /** A decimal string, as the core sends it (`"129.95"`). */
  amount: string;
}

export function formatMoney(money: Money): string {
  const value = Number(money.amount);
  if (!Number.isFinite(value)) return `${money.amount} ${money.currency}`;
  try {
    return numberFormat(i18n.locale, { style: "currency", currency: money.currency }).format(value);
  } catch {
    // An unknown currency code: keep the number readable.
    return `${numberFormat(i18n.locale).format(value)} ${money.currency}`;
  }
}

export function formatNumber(value: number): string {
  return numberFormat(i18n.locale).format(value);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "5 minutes ago", "hace 2 días": the time since `iso`, measured at `now`. */
export function formatRelative(iso: string, now: Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const format = relativeTimeFormat(i18n.locale, { numeric: "auto", style: "short" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, "minute");
}

/** A day separator in the chat: "Monday, 3 March 2025" in the seller's language. */
export function formatDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = dateTimeFormat(i18n.locale, { dateStyle: "full" }).format(date);
  // "lunes, 3 de marzo…" starts a line here: only its first letter is raised.
  return text.charAt(0).toLocaleUpperCase(i18n.locale) + text.slice(1);
}

/** The local calendar day of `iso`, to group messages: `2025-03-03`. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** A file size in B, kB or MB, with the locale's decimal separator. */
export function formatBytes(bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = bytes;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return numberFormat(i18n.locale, {
    style: "unit",
    unit: units[index],
    unitDisplay: "short",
    maximumFractionDigits: index === 0 ? 0 : 1,
  }).format(value);
}

/** A duration in seconds as "3 h 20 min" style units. */
export function formatDuration(seconds: number): string {
  const format = (value: number, unit: "day" | "hour" | "minute") =>
    numberFormat(i18n.locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 0 }).format(value);
  if (seconds >= 86400) return format(Math.round(seconds / 86400), "day");
  if (seconds >= 3600) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.round((seconds % 3600) / 60);
    return minutes ? `${format(hours, "hour")} ${format(minutes, "minute")}` : format(hours, "hour");
  }
  return format(Math.max(1, Math.round(seconds / 60)), "minute");
}

/** A short date: "3 Mar 2025" in the seller's language. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(i18n.locale, { dateStyle: "medium" }).format(date);
}

/** A share (0.25) as a percentage in the seller's locale: "25 %", "25%". */
export function formatPercent(share: number): string {
  return numberFormat(i18n.locale, { style: "percent", maximumFractionDigits: 0 }).format(share);
}
