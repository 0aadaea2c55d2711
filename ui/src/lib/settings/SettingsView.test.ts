import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import { applyLanguage, applyTheme, DEFAULT_SETTINGS } from "./apply";
import SettingsView from "./SettingsView.svelte";

describe("SettingsView", () => {
  afterEach(() => {
    i18n.locale = "en";
    delete document.documentElement.dataset.theme;
  });

  it("switches the window's language at once and reports the change", async () => {
    i18n.locale = "en";
    const onchange = vi.fn();
    render(SettingsView, { settings: DEFAULT_SETTINGS, onchange });
    await fireEvent.change(screen.getByTestId(testIds.settingsLanguage), { target: { value: "pt-BR" } });
    expect(i18n.locale).toBe("pt-BR");
    expect(document.documentElement.lang).toBe("pt-BR");
    expect(screen.getByRole("heading")).toHaveTextContent("Configurações");
    expect(onchange).toHaveBeenLastCalledWith(expect.objectContaining({ language: "pt-BR" }));
  });

  it("offers the languages by their own names", () => {
    i18n.locale = "en";
    render(SettingsView, { settings: DEFAULT_SETTINGS });
    const names = within(screen.getByTestId(testIds.settingsLanguage))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(names).toEqual(["System language", "Español", "Português", "English"]);
  });

  it("sets and clears the theme on the document", async () => {
    render(SettingsView, { settings: DEFAULT_SETTINGS });
    await fireEvent.click(screen.getByRole("radio", { name: "Dark" }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    await fireEvent.click(screen.getByRole("radio", { name: "Follow the system" }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("changes poll interval, history window and notifications", async () => {
    const onchange = vi.fn();
    render(SettingsView, { settings: DEFAULT_SETTINGS, onchange });
    const [, poll, history] = screen.getAllByRole("combobox");
    expect(within(poll!).getAllByRole("option").map((o) => o.textContent)).toContain("5 minutes");
    await fireEvent.change(poll!, { target: { value: "300" } });
    await fireEvent.change(history!, { target: { value: "365" } });
    await fireEvent.click(screen.getByRole("checkbox"));
    expect(onchange).toHaveBeenLastCalledWith({ ...DEFAULT_SETTINGS, pollSeconds: 300, historyDays: 365, notifications: false });
  });
});

describe("apply", () => {
  it("follows the system language when asked to", () => {
    applyLanguage("system", ["es-MX"]);
    expect(i18n.locale).toBe("es");
    applyLanguage("en");
    expect(i18n.locale).toBe("en");
  });

  it("leaves the theme to the system by removing the attribute", () => {
    const root = document.createElement("div");
    applyTheme("light", root);
    expect(root.dataset.theme).toBe("light");
    applyTheme("system", root);
    expect(root.hasAttribute("data-theme")).toBe(false);
  });
});
