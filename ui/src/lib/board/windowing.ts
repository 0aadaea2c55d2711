// Windowing for long columns: only the rows in (and just around) the viewport are rendered.
// Rows have one fixed height, so positions are arithmetic and 20,000 leads cost a few dozen nodes.

export interface RowRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 4,
): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  return { start, end: Math.max(start, Math.min(count, last + overscan)) };
}

/** The scroll position that brings row `index` fully into view, moving as little as possible. */
export function revealRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** The row a navigation key leads to from `index`, or `null` for other keys. */
export function nextRow(key: string, index: number, count: number, pageRows: number): number | null {
  const clamp = (value: number) => Math.min(count - 1, Math.max(0, value));
  switch (key) {
    case "j":
    case "ArrowDown":
      return clamp(index + 1);
    case "k":
    case "ArrowUp":
      return clamp(index - 1);
    case "PageDown":
      return clamp(index + pageRows);
    case "PageUp":
      return clamp(index - pageRows);
    case "Home":
      return 0;
    case "End":
      return clamp(count - 1);
    default:
      return null;
  }
}
