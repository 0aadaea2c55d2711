// Search snippets come from the core with the matches between U+0002 and U+0003. They are split
// into runs here and rendered as text inside <mark> elements: never assembled into an HTML string.

export const MARK_START = "\u0002";
export const MARK_END = "\u0003";

export interface Run {
  text: string;
  mark: boolean;
}

/** Splits a snippet into plain and highlighted runs; unbalanced markers are tolerated. */
export function highlightRuns(snippet: string): Run[] {
  const runs: Run[] = [];
  let mark = false;
  let text = "";
  const flush = () => {
    if (text) runs.push({ text, mark });
    text = "";
  };
  for (const char of snippet) {
    if (char === MARK_START || char === MARK_END) {
      flush();
      mark = char === MARK_START;
    } else {
      text += char;
    }
  }
  flush();
  return runs;
}
