import { collator as collatorFor, displayNames } from "../i18n/intl";
import type { SiteOption } from "./types";

/** The site's country in the seller's language (Intl knows every country's name). */
export function siteName(site: SiteOption, locale: string): string {
  if (!site.country) return "Global Selling";
  try {
    return displayNames(locale, { type: "region" }).of(site.country) ?? site.id;
  } catch {
    return site.id;
  }
}

/** Sites sorted by their name in `locale`, so the picker reads alphabetically in any language. */
export function sortedSites(sites: readonly SiteOption[], locale: string): SiteOption[] {
  const collator = collatorFor(locale);
  return [...sites].sort((a, b) => collator.compare(siteName(a, locale), siteName(b, locale)));
}
