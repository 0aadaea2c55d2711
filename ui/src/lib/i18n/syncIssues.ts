// Strings for what the sync could not do with Mercado Libre (a chat it could not read),
// merged into each locale's catalog.

export const syncIssuesEn = {
  "lead.read_failed": "This chat could not be read from Mercado Libre: {reason}. Next try {time}",
  "lead.read_failed_mark": "This chat could not be read from Mercado Libre",
  "read_failure.server": "Mercado Libre answered with an error ({status})",
  "read_failure.decode": "its answer could not be understood",
  "read_failure.buyer_unavailable": "the buyer's account is no longer available",
  "read_failure.refused": "Mercado Libre refused it ({status})",
  "read_failure.other": "an unexpected answer",
  "sync.messages_refused": "{account}: messages refused",
  "messages_refused.banner": "Mercado Libre does not let this application read messages. In the developer center, give it the Messages permission, then press Retry.",
  "messages_refused.retry": "Retry",
};

export const syncIssuesEs = {
  "lead.read_failed": "No se pudo leer este chat desde Mercado Libre: {reason}. Próximo intento {time}",
  "lead.read_failed_mark": "No se pudo leer este chat desde Mercado Libre",
  "read_failure.server": "Mercado Libre respondió con un error ({status})",
  "read_failure.decode": "no se pudo entender su respuesta",
  "read_failure.buyer_unavailable": "la cuenta del comprador ya no está disponible",
  "read_failure.refused": "Mercado Libre lo rechazó ({status})",
  "read_failure.other": "una respuesta inesperada",
  "sync.messages_refused": "{account}: mensajes rechazados",
  "messages_refused.banner": "Mercado Libre no deja que esta aplicación lea los mensajes. En el centro de desarrolladores, dale el permiso de Mensajes y luego presiona Reintentar.",
  "messages_refused.retry": "Reintentar",
};

export const syncIssuesPt = {
  "lead.read_failed": "Não foi possível ler este chat no Mercado Livre: {reason}. Próxima tentativa {time}",
  "lead.read_failed_mark": "Não foi possível ler este chat no Mercado Livre",
  "read_failure.server": "o Mercado Livre respondeu com um erro ({status})",
  "read_failure.decode": "não foi possível entender a resposta",
  "read_failure.buyer_unavailable": "a conta do comprador não está mais disponível",
  "read_failure.refused": "o Mercado Livre recusou ({status})",
  "read_failure.other": "uma resposta inesperada",
  "sync.messages_refused": "{account}: mensagens recusadas",
  "messages_refused.banner": "O Mercado Livre não permite que este aplicativo leia as mensagens. No centro de desenvolvedores, dê a ele a permissão de Mensagens e depois clique em Tentar novamente.",
  "messages_refused.retry": "Tentar novamente",
};
