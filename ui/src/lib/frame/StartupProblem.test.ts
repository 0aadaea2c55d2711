import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { CommandError } from "../api/commands";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import StartupProblem from "./StartupProblem.svelte";

describe("StartupProblem", () => {
  it("offers to rebuild a damaged cache, says what is kept, and starts the app once rebuilt", async () => {
    i18n.locale = "en";
    const rebuild = vi.fn(async () => undefined);
    const onrebuilt = vi.fn();
    render(StartupProblem, {
      problem: { kind: "damaged", detail: "database disk image is malformed" },
      rebuild,
      quit: vi.fn(async () => undefined),
      onrebuilt,
    });
    const screenText = screen.getByTestId(testIds.startupProblem).textContent ?? "";
    expect(screenText).toContain("The local copy of your inbox is damaged");
    expect(screenText).toContain("your stages, the leads placed in them and unsent drafts are kept");
    expect(screenText).toContain("database disk image is malformed");
    await fireEvent.click(screen.getByTestId(testIds.startupRebuild));
    await vi.waitFor(() => expect(onrebuilt).toHaveBeenCalledOnce());
    expect(rebuild).toHaveBeenCalledOnce();
  });

  it("keeps the screen with the reason when the rebuild fails", async () => {
    i18n.locale = "es";
    const rebuild = vi.fn(async () => {
      throw new CommandError({ code: "io", message: "disco lleno", details: null });
    });
    const onrebuilt = vi.fn();
    render(StartupProblem, { problem: { kind: "newer", found: 9, supported: 6 }, rebuild, quit: vi.fn(), onrebuilt });
    expect(screen.getByTestId(testIds.startupProblem)).toHaveTextContent("Estos datos los guardó un Mostrador más nuevo");
    await fireEvent.click(screen.getByTestId(testIds.startupRebuild));
    expect(await screen.findByRole("alert")).toHaveTextContent("No se pudo reconstruir: disco lleno");
    expect(onrebuilt).not.toHaveBeenCalled();
    expect(screen.getByTestId(testIds.startupRebuild)).toBeEnabled();
  });

  it("only lets the seller quit when another window has the data open", async () => {
    i18n.locale = "pt-BR";
    const quit = vi.fn(async () => undefined);
    render(StartupProblem, { problem: { kind: "already_open", dataDir: "/home/ana/.local/share/mostrador" }, rebuild: vi.fn(), quit, onrebuilt: vi.fn() });
    expect(screen.getByTestId(testIds.startupProblem)).toHaveTextContent("/home/ana/.local/share/mostrador");
    expect(screen.queryByTestId(testIds.startupRebuild)).toBeNull();
    await fireEvent.click(screen.getByTestId(testIds.startupQuit));
    expect(quit).toHaveBeenCalledOnce();
  });
});
