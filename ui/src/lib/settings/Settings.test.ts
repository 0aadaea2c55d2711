import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { Settings as SavedSettings } from "../ipc/Settings";
import { testIds } from "../testids";
import { DEFAULT_SETTINGS } from "./apply";
import Settings from "./Settings.svelte";

describe("Settings", () => {
  afterEach(() => {
    i18n.locale = "en";
    delete document.documentElement.dataset.theme;
  });

  it("applies the saved language and theme, and saves each change", async () => {
    const saved: SavedSettings = { ...DEFAULT_SETTINGS, language: "es", theme: "dark" };
    const api = {
      getSettings: vi.fn(async () => saved),
      saveSettings: vi.fn(async (s: SavedSettings) => s),
    };
    render(Settings, { api });
    expect(await screen.findByRole("heading", { name: "Configuración" })).toBeInTheDocument();
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(screen.getByTestId(testIds.settingsLanguage)).toHaveValue("es");
    await fireEvent.click(screen.getByRole("checkbox"));
    expect(api.saveSettings).toHaveBeenCalledWith({ ...saved, notifications: false });
  });

  it("says when the settings cannot be saved", async () => {
    const api = {
      getSettings: vi.fn(async () => DEFAULT_SETTINGS),
      saveSettings: vi.fn(async () => {
        throw new Error("disk full");
      }),
    };
    render(Settings, { api });
    await fireEvent.click(await screen.findByRole("checkbox"));
    expect(await screen.findByRole("alert")).toHaveTextContent("disk full");
  });

  it("opens the logs folder, and says so when it cannot", async () => {
    const api = { getSettings: vi.fn(async () => DEFAULT_SETTINGS), saveSettings: vi.fn() };
    const openLogs = vi.fn(async () => {});
    render(Settings, { api, openLogs });
    await fireEvent.click(await screen.findByRole("button", { name: "Open the logs folder" }));
    expect(openLogs).toHaveBeenCalledOnce();
    openLogs.mockRejectedValueOnce(new Error("no file manager"));
    await fireEvent.click(screen.getByTestId(testIds.settingsOpenLogs));
    expect(await screen.findByRole("alert")).toHaveTextContent("no file manager");
  });
});
