// Opens a Mercado Libre link in the seller's browser (tauri-plugin-opener, whose scope in
// capabilities/default.json allows Mercado Libre's own hosts only).
import { openUrl } from "@tauri-apps/plugin-opener";
import { browser } from "../api/browser";
import { meliHref } from "./links";

const inBrowser = (url: string) => openUrl(url, browser());

/** Checks the address again (only Mercado Libre's own) before handing it to the browser. */
export async function openMeliLink(href: string, open: (url: string) => Promise<void> = inBrowser): Promise<boolean> {
  const safe = meliHref(href);
  if (!safe) return false;
  await open(safe);
  return true;
}
