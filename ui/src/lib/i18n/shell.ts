// Strings of the app's frame (navigation, accounts), merged into each locale's catalog.

export const shellEn = {
  "nav.label": "Views",
  "nav.board": "Board",
  "nav.stats": "Stats",
  "nav.settings": "Settings",
  "accounts.all": "All accounts",
  "accounts.count": "{count} account|{count} accounts",
  "accounts.connect_another": "Connect another account",
  "accounts.disconnect": "Disconnect",
  "accounts.disconnect_confirm": "Disconnect {name}? Its leads and chats stay readable here.",
  "accounts.disconnect_keep": "Keep connected",
  "accounts.disabled": "Lead source disabled",
  "accounts.back": "Back to the board",
} as const;

type ShellMessages = Record<keyof typeof shellEn, string>;

export const shellEs = {
  "nav.label": "Vistas",
  "nav.board": "Tablero",
  "nav.stats": "Estadísticas",
  "nav.settings": "Configuración",
  "accounts.all": "Todas las cuentas",
  "accounts.count": "{count} cuenta|{count} cuentas",
  "accounts.connect_another": "Conectar otra cuenta",
  "accounts.disconnect": "Desconectar",
  "accounts.disconnect_confirm": "¿Desconectar {name}? Sus leads y chats siguen disponibles aquí.",
  "accounts.disconnect_keep": "Mantener conectada",
  "accounts.disabled": "Fuente del lead desactivada",
  "accounts.back": "Volver al tablero",
} satisfies ShellMessages;

export const shellPt = {
  "nav.label": "Visões",
  "nav.board": "Quadro",
  "nav.stats": "Estatísticas",
  "nav.settings": "Configurações",
  "accounts.all": "Todas as contas",
  "accounts.count": "{count} conta|{count} contas",
  "accounts.connect_another": "Conectar outra conta",
  "accounts.disconnect": "Desconectar",
  "accounts.disconnect_confirm": "Desconectar {name}? Os leads e as conversas continuam disponíveis aqui.",
  "accounts.disconnect_keep": "Manter conectada",
  "accounts.disabled": "Fonte do lead desativada",
  "accounts.back": "Voltar ao quadro",
} satisfies ShellMessages;
