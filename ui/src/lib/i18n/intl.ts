// Intl's formatters, made once per locale and options. Constructing one resolves the locale
// against ICU's data, which costs far more than formatting with it: a board's first paint
// formats a price, a time and a count on every card, and each used to build its own.

const cache = new Map<string, unknown>();
/** Locales × option sets actually used stay in the dozens; the cap only guards a leak. */
const CAP = 256;

function memo<T>(kind: string, locale: string | undefined, options: object | undefined, make: () => T): T {
  const key = `${kind}\u0000${locale ?? ""}\u0000${options ? JSON.stringify(options) : ""}`;
  const known = cache.get(key);
  if (known !== undefined) return known as T;
  // A constructor that throws (an unknown currency code) caches nothing: the caller falls back.
  const made = make();
  if (cache.size >= CAP) cache.clear();
  cache.set(key, made);
  return made;
}

export function numberFormat(locale: string | undefined, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return memo("number", locale, options, () => new Intl.NumberFormat(locale, options));
}

export function dateTimeFormat(locale: string | undefined, options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return memo("date", locale, options, () => new Intl.DateTimeFormat(locale, options));
}

export function relativeTimeFormat(
  locale: string | undefined,
  options?: Intl.RelativeTimeFormatOptions,
): Intl.RelativeTimeFormat {
  return memo("relative", locale, options, () => new Intl.RelativeTimeFormat(locale, options));
}

export function pluralRules(locale: string | undefined): Intl.PluralRules {
  return memo("plural", locale, undefined, () => new Intl.PluralRules(locale));
}

export function collator(locale: string | undefined): Intl.Collator {
  return memo("collator", locale, undefined, () => new Intl.Collator(locale));
}

export function displayNames(locale: string | undefined, options: Intl.DisplayNamesOptions): Intl.DisplayNames {
  return memo("names", locale, options, () => new Intl.DisplayNames(locale, options));
}
