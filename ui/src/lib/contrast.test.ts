// WCAG AA for the token pairs the components put text on, in both themes (read from app.css).
import { describe, expect, it } from "vitest";
// vite.config.ts lets Vitest load app.css, so ?raw gives its text.
import css from "../app.css?raw";

function tokens(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name, value] of block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)) out[name!] = value!;
  return out;
}

const light = tokens(css.slice(css.indexOf(":root {"), css.indexOf("@media")));
const darkBlock = css.slice(css.indexOf(':root[data-theme="dark"]'));
const dark = { ...light, ...tokens(darkBlock.slice(0, darkBlock.indexOf("}"))) };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** [text token, background token]: every pair a component uses for words. */
const PAIRS: [string, string][] = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-2"],
  ["text", "accent-soft"],
  ["text-muted", "bg"],
  ["text-muted", "surface"],
  ["text-muted", "surface-2"],
  ["text-muted", "accent-soft"],
  ["accent", "surface"],
  ["accent", "surface-2"],
  ["accent", "accent-soft"],
  ["on-accent", "accent"],
  ["ok", "surface"],
  ["ok", "surface-2"],
  ["warn", "surface"],
  ["danger", "surface"],
  ["danger", "surface-2"],
  ["danger", "accent-soft"],
  ["on-brand", "brand"],
];

describe("design tokens", () => {
  for (const [name, theme] of [["light", light], ["dark", dark]] as const) {
    it(`reach 4.5:1 for text in the ${name} theme`, () => {
      const failures = PAIRS.filter(([fg, bg]) => contrast(theme[fg]!, theme[bg]!) < 4.5).map(
        ([fg, bg]) => `${fg} on ${bg}: ${contrast(theme[fg]!, theme[bg]!).toFixed(2)}`,
      );
      expect(failures).toEqual([]);
    });
  }

  it("gives the system dark theme the same values as the chosen one", () => {
    const media = css.slice(css.indexOf("@media (prefers-color-scheme: dark)"));
    expect({ ...light, ...tokens(media.slice(0, media.indexOf("}"))) }).toEqual(dark);
  });

  it("reads both themes from app.css", () => {
    expect(light.surface).toBe("#ffffff");
    expect(dark.surface).not.toBe(light.surface);
    expect(Object.keys(PAIRS.flat().reduce((s, k) => ({ ...s, [k]: light[k] }), {}))).toHaveLength(new Set(PAIRS.flat()).size);
  });
});
