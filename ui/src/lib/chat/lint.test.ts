import { describe, expect, it } from "vitest";
import { distinctCodes, segments } from "./lint";

const f = (code: string, start: number, end: number) => ({ code, span: { start, end } });

describe("segments", () => {
  it("splits the draft into plain and flagged pieces", () => {
    const text = "Llamame al 11 2345-6789 o bit.ly/x";
    const out = segments(text, [f("LINK_SHORT_URL", 26, 34), f("PERSONAL_DATA", 11, 23)]);
    expect(out).toEqual([
      { text: "Llamame al ", code: null },
      { text: "11 2345-6789", code: "PERSONAL_DATA" },
      { text: " o ", code: null },
      { text: "bit.ly/x", code: "LINK_SHORT_URL" },
    ]);
    expect(out.map((s) => s.text).join("")).toBe(text);
  });

  it("counts an emoji as one character, as the core does", () => {
    const out = segments("🙂 wa.me/1", [f("SOCIAL_NETWORK_LINK", 2, 10)]);
    expect(out[1]).toEqual({ text: "wa.me/1", code: "SOCIAL_NETWORK_LINK" });
  });

  it("clamps findings of an older, longer draft", () => {
    expect(segments("abc", [f("PERSONAL_DATA", 1, 40)])).toEqual([
      { text: "a", code: null },
      { text: "bc", code: "PERSONAL_DATA" },
    ]);
    expect(segments("abc", [f("PERSONAL_DATA", 10, 40)])).toEqual([{ text: "abc", code: null }]);
  });

  it("lists each code once, in order of appearance", () => {
    expect(distinctCodes([f("B", 9, 10), f("A", 1, 2), f("B", 3, 4)])).toEqual(["A", "B"]);
  });
});
