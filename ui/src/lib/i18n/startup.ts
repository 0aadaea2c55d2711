// Strings of the screen shown when the app cannot open its data, merged into each locale's
// catalog.

export const startupEn = {
  "startup.already_open.title": "Mostrador is already open",
  "startup.already_open.body":
    "Another Mostrador window is using this data folder ({dir}). Switch to that window: two at once would both sync and send.",
  "startup.damaged.title": "The local copy of your inbox is damaged",
  "startup.damaged.body":
    "Mostrador cannot read its local copy (a crash while writing, a failing disk or a copy cut short). Rebuild it from Mercado Libre: your stages, the leads placed in them and unsent drafts are kept, and the damaged file stays beside it.",
  "startup.newer.title": "This data was saved by a newer Mostrador",
  "startup.newer.body":
    "Update Mostrador to open it as it is. Or rebuild it from Mercado Libre with this version: the newer file is kept beside it, untouched.",
  "startup.details": "Technical details",
  "startup.rebuild": "Rebuild from Mercado Libre",
  "startup.rebuilding": "Rebuilding…",
  "startup.quit": "Quit",
  "startup.failed": "The rebuild did not work: {message}",
} as const;

type StartupMessages = Record<keyof typeof startupEn, string>;

export const startupEs = {
  "startup.already_open.title": "Mostrador ya está abierto",
  "startup.already_open.body":
    "Otra ventana de Mostrador usa esta carpeta de datos ({dir}). Cambiá a esa ventana: dos a la vez sincronizarían y enviarían las dos.",
  "startup.damaged.title": "La copia local de tu bandeja está dañada",
  "startup.damaged.body":
    "Mostrador no puede leer su copia local (un corte mientras escribía, un disco que falla o una copia incompleta). Reconstruila desde Mercado Libre: tus etapas, los leads ubicados en ellas y los borradores sin enviar se conservan, y el archivo dañado queda al lado.",
  "startup.newer.title": "Estos datos los guardó un Mostrador más nuevo",
  "startup.newer.body":
    "Actualizá Mostrador para abrirlos tal como están. O reconstruilos desde Mercado Libre con esta versión: el archivo más nuevo queda al lado, sin tocar.",
  "startup.details": "Detalles técnicos",
  "startup.rebuild": "Reconstruir desde Mercado Libre",
  "startup.rebuilding": "Reconstruyendo…",
  "startup.quit": "Salir",
  "startup.failed": "No se pudo reconstruir: {message}",
} satisfies StartupMessages;

export const startupPt = {
  "startup.already_open.title": "O Mostrador já está aberto",
  "startup.already_open.body":
    "Outra janela do Mostrador está usando esta pasta de dados ({dir}). Vá para essa janela: duas ao mesmo tempo sincronizariam e enviariam em dobro.",
  "startup.damaged.title": "A cópia local da sua caixa de entrada está danificada",
  "startup.damaged.body":
    "O Mostrador não consegue ler sua cópia local (uma queda durante a gravação, um disco com defeito ou uma cópia incompleta). Reconstrua a partir do Mercado Livre: suas etapas, os leads colocados nelas e os rascunhos não enviados são mantidos, e o arquivo danificado fica ao lado.",
  "startup.newer.title": "Estes dados foram salvos por um Mostrador mais novo",
  "startup.newer.body":
    "Atualize o Mostrador para abri-los como estão. Ou reconstrua a partir do Mercado Livre com esta versão: o arquivo mais novo fica ao lado, intacto.",
  "startup.details": "Detalhes técnicos",
  "startup.rebuild": "Reconstruir a partir do Mercado Livre",
  "startup.rebuilding": "Reconstruindo…",
  "startup.quit": "Sair",
  "startup.failed": "Não foi possível reconstruir: {message}",
} satisfies StartupMessages;
