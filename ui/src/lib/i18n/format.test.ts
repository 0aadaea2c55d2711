import { beforeEach, describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatMoney, formatRelative } from "./format";
import { i18n } from "./index.svelte";

/** Intl puts no-break and narrow spaces between number and unit; compare them as spaces. */
const plain = (text: string) => text.replace(/\s/g, " ");

describe("format", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("formats money exactly from the decimal string, per locale", () => {
    expect(plain(formatMoney({ currency: "USD", amount: "129.95" }))).toBe("$129.95");
    i18n.locale = "es";
    expect(plain(formatMoney({ currency: "MXN", amount: "1500" }))).toBe("1500,00 MXN");
    i18n.locale = "pt-BR";
    expect(plain(formatMoney({ currency: "BRL", amount: "1234.5" }))).toBe("R$ 1.234,50");
  });

  it("keeps odd amounts and unknown currencies readable", () => {
    expect(plain(formatMoney({ currency: "ZZZ1", amount: "10" }))).toBe("10 ZZZ1");
    expect(plain(formatMoney({ currency: "ARS", amount: "n/a" }))).toBe("n/a ARS");
  });

  it("says how long ago, in the biggest whole unit", () => {
    const now = new Date("2025-03-10T12:00:00Z");
    expect(plain(formatRelative("2025-03-10T11:59:40Z", now))).toBe("this minute");
    expect(plain(formatRelative("2025-03-10T09:00:00Z", now))).toBe("3 hr. ago");
    expect(plain(formatRelative("2025-03-09T11:00:00Z", now))).toBe("yesterday");
    expect(plain(formatRelative("2025-02-20T12:00:00Z", now))).toBe("2 wk. ago");
    expect(plain(formatRelative("not a date", now))).toBe("");
    i18n.locale = "es";
    expect(plain(formatRelative("2025-03-10T09:00:00Z", now))).toBe("hace 3 h");
  });

  it("sizes files in binary units with the locale's decimals", () => {
    expect(plain(formatBytes(512))).toBe("512 byte");
    expect(plain(formatBytes(2_621_440))).toBe("2.5 MB");
    i18n.locale = "pt-BR";
    expect(plain(formatBytes(26_214_400))).toBe("25 MB");
    expect(plain(formatBytes(1536))).toBe("1,5 kB");
  });

  it("writes durations in hours and minutes", () => {
    expect(plain(formatDuration(12_000))).toBe("3 hr 20 min");
    expect(plain(formatDuration(7200))).toBe("2 hr");
    expect(plain(formatDuration(20))).toBe("1 min");
    expect(plain(formatDuration(3 * 86400))).toBe("3 days");
  });
});
