// A listing's picture as the webview loads it: a file of the local cache, through the asset
// protocol (whose scope is the cache dir). Never a remote address: the core downloads the
// picture once, checks it is an image, and hands over only the file's path.
import { convertFileSrc } from "@tauri-apps/api/core";

/**
 * Anything with a scheme (`https://…`, `data:…`, `javascript:…`) is not a cache path. A
 * Windows drive (`C:\…`) has one letter before its colon; every scheme here has more.
 */
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/** The address to show a cached picture at, or `null` when there is none to show. */
export function pictureSrc(path: string | null | undefined): string | null {
  if (!path || SCHEME.test(path)) return null;
  try {
    return convertFileSrc(path);
  } catch {
    // Outside the app (no asset protocol): the placeholder shows.
    return null;
  }
}
