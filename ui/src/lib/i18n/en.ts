// The source of truth for message keys: es and pt must provide every one of them.
export const en = {
  "app.name": "Mostrador",
  "header.account.none": "No account connected",
  "header.account.connect": "Connect an account",
  "header.account.label": "Mercado Libre account",
  "sync.no_account": "Not connected",
  "sync.online": "Up to date · {time}",
  "sync.syncing": "Syncing {done} of {total}",
  "sync.offline": "Offline since {time}",
  "sync.auth_expired": "Reconnect {account}",
  "stage.payment_required": "Payment Required",
  "stage.payment_in_process": "Payment in Process",
  "stage.paid": "Paid",
  "stage.canceled": "Canceled",
  "stage.invalid": "Invalid",
  "board.label": "Leads by stage",
  "board.column.empty": "No leads here yet",
  "board.column.count": "{count} leads",
  "pane.label": "Lead",
  "pane.empty.title": "No lead selected",
  "pane.empty.body": "Pick a lead on the board to see its order and chat with the buyer.",
  "demo.badge": "Demo",
  "error.generic": "Something went wrong: {message}",
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
