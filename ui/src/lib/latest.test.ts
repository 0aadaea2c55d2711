import { describe, expect, it } from "vitest";
import { Latest } from "./latest";

describe("Latest", () => {
  it("keeps only the last ticket taken current", () => {
    const latest = new Latest();
    const first = latest.take();
    expect(first()).toBe(true);
    const second = latest.take();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
  });

  it("lets a slow older answer be dropped when a newer one is in", async () => {
    const latest = new Latest();
    let shown = "";
    let releaseOld!: (value: string) => void;
    const ask = async (answer: Promise<string>) => {
      const current = latest.take();
      const value = await answer;
      if (current()) shown = value;
    };
    const old = ask(new Promise((resolve) => (releaseOld = resolve)));
    await ask(Promise.resolve("new"));
    releaseOld("old");
    await old;
    expect(shown).toBe("new");
  });

  it("keeps separate instances apart", () => {
    const a = new Latest();
    const b = new Latest();
    const ticket = a.take();
    b.take();
    expect(ticket()).toBe(true);
  });
});
