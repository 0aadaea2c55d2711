// Opens a Mercado Libre link from a chat in the system browser (tauri-plugin-opener).
import { openUrl } from "@tauri-apps/plugin-opener";
import { meliHref } from "./links";

/** Checks the address again (only Mercado Libre's own) before handing it to the browser. */
export async function openMeliLink(href: string, open: (url: string) => Promise<void> = openUrl): Promise<boolean> {
  const safe = meliHref(href);
  if (!safe) return false;
  await open(safe);
  return true;
}
