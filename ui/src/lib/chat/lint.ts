// The linter's findings (inbox::lint::check, through check_send) as pieces of the draft.
import type { Finding } from "../ipc/Finding";

export type Segment = { text: string; code: string | null };

/**
 * Splits `text` into plain and flagged pieces. Spans count characters as Rust's `chars()`
 * does, which is what `Array.from` yields (not UTF-16 units: an emoji counts once). Findings
 * computed for an older draft are clamped to the text as it is now.
 */
export function segments(text: string, findings: readonly Finding[]): Segment[] {
  const chars = Array.from(text);
  const out: Segment[] = [];
  let at = 0;
  const sorted = [...findings].sort((a, b) => a.span.start - b.span.start);
  for (const finding of sorted) {
    const start = Math.max(at, Math.min(finding.span.start, chars.length));
    const end = Math.min(finding.span.end, chars.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: chars.slice(at, start).join(""), code: null });
    out.push({ text: chars.slice(start, end).join(""), code: finding.code });
    at = end;
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join(""), code: null });
  return out;
}

/** Each code once, in the order it first appears. */
export function distinctCodes(findings: readonly Finding[]): string[] {
  return [...new Set([...findings].sort((a, b) => a.span.start - b.span.start).map((f) => f.code))];
}
