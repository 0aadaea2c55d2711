// Which desktop the window runs on, marked on the root element before the first paint so the
// stylesheet can pick what each platform's engine draws best and resolves fastest.

export type Platform = "linux" | "mac" | "windows" | "other";

/** From `navigator.platform` ("Linux x86_64", "MacIntel", "Win32"). */
export function platformOf(platform: string): Platform {
  if (/^Mac/i.test(platform)) return "mac";
  if (/^Win/i.test(platform)) return "windows";
  if (/Linux|X11|BSD/i.test(platform)) return "linux";
  return "other";
}

export function markPlatform(root: HTMLElement = document.documentElement): void {
  root.dataset.platform = platformOf(typeof navigator === "undefined" ? "" : navigator.platform);
}
