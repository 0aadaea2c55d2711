// The shell's refusals of a draft's file paths (src-tauri/src/chosen_files.rs) as sentences.
import { t, type MessageKey } from "../i18n/index.svelte";
import type { FilePathRefusal } from "../ipc/FilePathRefusal";

/** Every code (generated from Rust): a new one fails `svelte-check` until it has a sentence. */
const SENTENCES: Record<FilePathRefusal, MessageKey> = {
  file_not_chosen: "composer.file.not_chosen",
  file_network_path: "composer.file.network_path",
};

/** The sentence for a refusal of a file's path, or null when `code` is not one. */
export function describeFilePathRefusal(code: string): string | null {
  return Object.prototype.hasOwnProperty.call(SENTENCES, code) ? t(SENTENCES[code as FilePathRefusal]) : null;
}
