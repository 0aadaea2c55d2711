// Typed wrappers over the shell's commands. The payload types are generated from Rust (ts-rs).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "../ipc/AppInfo";
import type { ErrorPayload } from "../ipc/ErrorPayload";
import type { StageColumn } from "../ipc/StageColumn";
import type { SyncStatus } from "../ipc/SyncStatus";

/** A command failure as the shell reports it, with its stable code. */
export class CommandError extends Error {
  readonly code: string;
  readonly details: ErrorPayload["details"];

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
    this.details = payload.details;
  }
}

function isErrorPayload(value: unknown): value is ErrorPayload {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    if (isErrorPayload(err)) throw new CommandError(err);
    throw new CommandError({ code: "ipc", message: String(err), details: null });
  }
}

export const commands = {
  appInfo: () => call<AppInfo>("app_info"),
  boardColumns: () => call<StageColumn[]>("board_columns"),
  syncStatus: () => call<SyncStatus>("sync_status"),
};
