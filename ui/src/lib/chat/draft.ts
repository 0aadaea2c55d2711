// The composer's files as the core sees them (paths) and as the seller sees them (chips).
import type { DraftFileDto } from "../ipc/DraftFileDto";
import type { Refusal } from "../ipc/Refusal";
import type { ComposerFile } from "./types";

/** The name a path's file goes by: its last segment, on any platform. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export function draftFile(path: string): DraftFileDto {
  return { path, name: fileName(path) };
}

/** Chips for the draft's files, the one the core refused marked with why. */
export function composerFiles(files: DraftFileDto[], refusal: Refusal | null): ComposerFile[] {
  return files.map((file) => ({
    id: file.path,
    name: file.name,
    size: refusal?.code === "file_too_large" && refusal.file === file.name ? refusal.size : null,
    rejected:
      refusal?.code === "file_type" && refusal.file === file.name
        ? "type"
        : refusal?.code === "file_too_large" && refusal.file === file.name
          ? "size"
          : null,
  }));
}

/** Adds paths not already in the draft. */
export function addFiles(files: DraftFileDto[], paths: string[]): DraftFileDto[] {
  const known = new Set(files.map((f) => f.path));
  return [...files, ...paths.filter((p) => !known.has(p)).map(draftFile)];
}
