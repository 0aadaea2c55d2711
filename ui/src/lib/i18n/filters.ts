// Strings of the board's filter bar, merged into each locale's catalog.

export const filtersEn = {
  "filter.label": "Filter the board",
  "filter.text.label": "Filter by name, order, buyer or item",
  "filter.text.placeholder": "Filter leads…",
  "filter.text.clear": "Clear the text",
  "filter.tags": "Tags",
  "filter.unread": "Unread only",
  "filter.waiting": "Waiting for you",
  "filter.clear": "Clear filters",
  "filter.shown": "{count} leads match",
  "filter.empty.title": "No leads match these filters",
  "filter.empty.body": "Try fewer tags or other words, or clear the filters to see the whole board.",
};

export const filtersEs = {
  "filter.label": "Filtrar el tablero",
  "filter.text.label": "Filtrar por nombre, pedido, comprador o producto",
  "filter.text.placeholder": "Filtrar leads…",
  "filter.text.clear": "Borrar el texto",
  "filter.tags": "Etiquetas",
  "filter.unread": "Solo no leídos",
  "filter.waiting": "Esperan tu respuesta",
  "filter.clear": "Quitar filtros",
  "filter.shown": "{count} leads coinciden",
  "filter.empty.title": "Ningún lead coincide con estos filtros",
  "filter.empty.body": "Prueba con menos etiquetas u otras palabras, o quita los filtros para ver todo el tablero.",
};

export const filtersPt = {
  "filter.label": "Filtrar o quadro",
  "filter.text.label": "Filtrar por nome, pedido, comprador ou produto",
  "filter.text.placeholder": "Filtrar leads…",
  "filter.text.clear": "Apagar o texto",
  "filter.tags": "Etiquetas",
  "filter.unread": "Só não lidas",
  "filter.waiting": "Aguardando você",
  "filter.clear": "Limpar filtros",
  "filter.shown": "{count} leads correspondem",
  "filter.empty.title": "Nenhum lead corresponde a estes filtros",
  "filter.empty.body": "Tente menos etiquetas ou outras palavras, ou limpe os filtros para ver o quadro inteiro.",
};
