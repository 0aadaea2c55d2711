/** One bar of a chart. */
export interface Bar {
  key: string;
  label: string;
  value: number;
  /** The value as the seller reads it (a formatted count or amount). */
  display: string;
  /** A design token for the bar's colour, e.g. `--ok`. */
  tone?: string;
}
