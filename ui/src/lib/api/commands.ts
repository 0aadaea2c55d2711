// Typed wrappers over the shell's commands. The payload types are generated from Rust (ts-rs).
import { invoke } from "@tauri-apps/api/core";
import type { AccountDto } from "../ipc/AccountDto";
import type { AppInfo } from "../ipc/AppInfo";
import type { BoardFilter } from "../ipc/BoardFilter";
import type { ConnectForm } from "../ipc/ConnectForm";
import type { SiteOption } from "../ipc/SiteOption";
import type { StartupReport } from "../ipc/StartupReport";
import type { FirstScreen } from "../ipc/FirstScreen";
import type { ColumnPage } from "../ipc/ColumnPage";
import type { ConversationPage } from "../ipc/ConversationPage";
import type { DraftDto } from "../ipc/DraftDto";
import type { ErrorPayload } from "../ipc/ErrorPayload";
import type { GuideOptionDto } from "../ipc/GuideOptionDto";
import type { LeadCard } from "../ipc/LeadCard";
import type { OutboxItem } from "../ipc/OutboxItem";
import type { PageMarks } from "../ipc/PageMarks";
import type { QuestionDetail } from "../ipc/QuestionDetail";
import type { QuestionDto } from "../ipc/QuestionDto";
import type { QuestionFilter } from "../ipc/QuestionFilter";
import type { QuestionStats } from "../ipc/QuestionStats";
import type { QuestionsPage } from "../ipc/QuestionsPage";
import type { Queued } from "../ipc/Queued";
import type { QuickReplyDto } from "../ipc/QuickReplyDto";
import type { QuickReplyInput } from "../ipc/QuickReplyInput";
import type { SearchResults } from "../ipc/SearchResults";
import type { SendCheck } from "../ipc/SendCheck";
import type { Settings } from "../ipc/Settings";
import type { StageColumn } from "../ipc/StageColumn";
import type { Stats } from "../ipc/Stats";
import type { SyncHealth } from "../ipc/SyncHealth";
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

/** An account filter: one account's id, or null for every account. */
type Account = number | null;

export const commands = {
  /** Whether the app could open its data; when not, why (the window offers the way out). */
  startupReport: () => call<StartupReport>("startup_report"),
  /** Everything the first board needs, in one call. */
  firstScreen: () => call<FirstScreen>("first_screen"),
  /** Sets the unusable cache aside and starts on a new one, salvaging the seller's own work. */
  rebuildCache: () => call<void>("rebuild_cache"),
  quitApp: () => call<void>("quit_app"),
  appInfo: () => call<AppInfo>("app_info"),
  syncStatus: () => call<SyncStatus>("sync_status"),
  /** The sync health panel: each account's engine, token times, budget, failing and blocked chats. */
  syncHealth: (account: Account = null) => call<SyncHealth[]>("sync_health", { account }),
  /** Every column; `filter` narrows the leads and the counts (null: none). */
  board: (account: Account = null, filter: BoardFilter | null = null) =>
    call<StageColumn[]>("board", { account, filter }),
  /** A column's next page: pass the filter its board was fetched with. */
  columnPage: (key: string, account: Account, cursor: string | null, filter: BoardFilter | null = null) =>
    call<ColumnPage>("column_page", { key, account, cursor, filter }),
  leadCard: (leadId: number) => call<LeadCard>("lead_card", { leadId }),
  conversation: (leadId: number, olderThan: string | null = null) =>
    call<ConversationPage>("conversation", { leadId, olderThan }),
  /** The seller opened the chat: refreshed first in line, marked read on Mercado Libre and here. */
  openChat: (leadId: number) => call<void>("open_chat", { leadId }),
  search: (query: string, account: Account = null, cursor: string | null = null) =>
    call<SearchResults>("search", { query, account, cursor }),
  stats: (account: Account = null) => call<Stats>("stats", { account }),
  moveLead: (leadId: number, key: string) => call<void>("move_lead", { leadId, key }),
  archiveLead: (leadId: number) => call<void>("archive_lead", { leadId }),
  unarchiveLead: (leadId: number) => call<void>("unarchive_lead", { leadId }),
  addStage: (name: string) => call<string>("add_stage", { name }),
  renameStage: (key: string, name: string) => call<void>("rename_stage", { key, name }),
  reorderStages: (keys: string[]) => call<void>("reorder_stages", { keys }),
  deleteStage: (key: string) => call<number>("delete_stage", { key }),
  checkSend: (leadId: number, draft: DraftDto) => call<SendCheck>("check_send", { leadId, draft }),
  /** The file dialog; the shell remembers the chosen paths as the ones a draft may carry. */
  pickFiles: (filterName: string) => call<string[]>("pick_files", { filterName }),
  /** Checks and queues the draft, then asks for a pass so it goes out at once. */
  sendDraft: (leadId: number, draft: DraftDto) => call<Queued>("send_draft", { leadId, draft }),
  outbox: (leadId: number) => call<OutboxItem[]>("outbox", { leadId }),
  resendDraft: (outboxId: number) => call<OutboxItem>("resend_draft", { outboxId }),
  discardDraft: (outboxId: number) => call<void>("discard_draft", { outboxId }),
  getSettings: () => call<Settings>("get_settings"),
  saveSettings: (settings: Settings) => call<Settings>("save_settings", { settings }),
  /** Opens the folder of the app's log files in the system's file manager. */
  openLogsFolder: () => call<void>("open_logs_folder"),
  /** The first board is on screen (start-up figure). */
  uiReady: (marks: PageMarks) => call<void>("ui_ready", { marks }),
  sites: () => call<SiteOption[]>("sites"),
  accounts: () => call<AccountDto[]>("accounts"),
  /** Resolves once the account is connected; `connect-progress` events report the wait. */
  connectAccount: (form: ConnectForm) => call<number>("connect_account", { form }),
  cancelConnect: () => call<void>("cancel_connect"),
  /** The paste fallback: the code or the relay's whole address, for the connection under way. */
  pasteAuthorization: (text: string) => call<void>("paste_authorization", { text }),
  /** Opens the authorization page of the connection under way again. */
  openAuthorizationPage: () => call<void>("open_authorization_page"),
  connectDemo: () => call<number[]>("connect_demo"),
  disconnectAccount: (accountId: number) => call<void>("disconnect_account", { accountId }),
  syncNow: (accountId: number | null = null) => call<void>("sync_now", { accountId }),
  /** Downloads the attachment once and opens it with the system's viewer. */
  openAttachment: (attachmentId: number) => call<void>("open_attachment", { attachmentId }),
  /** Fetches an attachment into the cache (once); its path. */
  downloadAttachment: (attachmentId: number) => call<string>("download_attachment", { attachmentId }),
  /** The reasons to communicate this chat must start with; null: the seller writes freely. */
  actionGuide: (leadId: number) => call<GuideOptionDto[] | null>("action_guide", { leadId }),
  quickReplies: () => call<QuickReplyDto[]>("quick_replies"),
  /** Adds (no id) or changes a quick reply; its id. */
  saveQuickReply: (reply: QuickReplyInput) => call<number>("save_quick_reply", { reply }),
  deleteQuickReply: (id: number) => call<void>("delete_quick_reply", { id }),
  reorderQuickReplies: (ids: number[]) => call<void>("reorder_quick_replies", { ids }),
  /** Writes every reply to the file the seller chose; how many. */
  exportQuickReplies: (path: string) => call<number>("export_quick_replies", { path }),
  /** Adds the file's replies not already kept; how many. */
  importQuickReplies: (path: string) => call<number>("import_quick_replies", { path }),
  /** Keeps the draft on the lead until it is sent; blank text disarms it. */
  armDraft: (leadId: number, text: string) => call<void>("arm_draft", { leadId, text }),
  /** The Questions view: questions in the filter grouped by listing, the longest-waiting first. */
  questions: (filter: QuestionFilter) => call<QuestionsPage>("questions", { filter }),
  /** Unanswered questions the seller has not opened (the header's count). */
  unreadQuestions: () => call<number>("unread_questions"),
  /** Opens a question (read from now on) with the buyer's other questions and earlier answers. */
  openQuestion: (questionId: number) => call<QuestionDetail>("open_question", { questionId }),
  leadQuestions: (leadId: number) => call<QuestionDto[]>("lead_questions", { leadId }),
  /** Resolves when the answer may go; rejects with the refusal's code otherwise. */
  checkAnswer: (questionId: number, text: string) => call<void>("check_answer", { questionId, text }),
  answerQuestion: (questionId: number, text: string) => call<QuestionDto>("answer_question", { questionId, text }),
  blockAsker: (accountId: number, buyerId: number) => call<void>("block_asker", { accountId, buyerId }),
  unblockAsker: (accountId: number, buyerId: number) => call<void>("unblock_asker", { accountId, buyerId }),
  blockedAskers: (accountId: number) => call<number[]>("blocked_askers", { accountId }),
  questionStats: (account: Account = null) => call<QuestionStats>("question_stats", { account }),
};
