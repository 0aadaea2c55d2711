// Buyer and item text is untrusted: no component may turn a string into markup.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob(["/src/**/*.svelte", "/src/**/*.ts", "!/src/**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("markup from strings", () => {
  it("finds the sources it guards", () => {
    expect(Object.keys(sources)).toContain("/src/lib/chat/RichText.svelte");
    expect(Object.keys(sources).length).toBeGreaterThan(20);
  });

  it("is never used: no {@html}, innerHTML, outerHTML, insertAdjacentHTML or document.write", () => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => /\{@html|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
