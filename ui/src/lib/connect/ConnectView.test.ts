import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CommandError } from "../api/commands";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import ConnectView from "./ConnectView.svelte";
import type { SiteOption } from "./types";

const sites: SiteOption[] = [
  { id: "MLA", country: "AR" },
  { id: "MLB", country: "BR" },
  { id: "MLM", country: "MX" },
  { id: "CBT", country: null },
];
const redirectUri = "https://relay.example.com/mostrador/";
const known = { site: "MLB", clientId: "1234567890123456", redirectUri };

describe("ConnectView", () => {
  afterEach(() => {
    i18n.locale = "en";
  });

  it("names countries in the seller's language, alphabetically", () => {
    i18n.locale = "es";
    render(ConnectView, { sites });
    const names = within(screen.getByTestId(testIds.connectSite))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(names).toEqual(["Argentina · MLA", "Brasil · MLB", "Global Selling · CBT", "México · MLM"]);
  });

  it("enables Connect only with a numeric client id, a secret and a relay address, trimmed", async () => {
    const onconnect = vi.fn();
    render(ConnectView, { sites, onconnect });
    const submit = screen.getByTestId(testIds.connectSubmit);
    expect(submit).toBeDisabled();
    await fireEvent.input(screen.getByTestId(testIds.connectClientId), { target: { value: "abc" } });
    await fireEvent.input(screen.getByTestId(testIds.connectClientSecret), { target: { value: "x".repeat(32) } });
    expect(submit).toBeDisabled();
    await fireEvent.input(screen.getByTestId(testIds.connectClientId), { target: { value: " 1234567890123456 " } });
    await fireEvent.change(screen.getByTestId(testIds.connectSite), { target: { value: "MLB" } });
    expect(submit).toBeDisabled();
    await fireEvent.input(screen.getByTestId(testIds.connectRedirectUri), { target: { value: ` ${redirectUri} ` } });
    expect(submit).toBeEnabled();
    await fireEvent.click(submit);
    expect(onconnect).toHaveBeenCalledWith({
      site: "MLB",
      clientId: "1234567890123456",
      clientSecret: "x".repeat(32),
      redirectUri,
    });
  });

  it("fills the last application in again, never its secret", () => {
    render(ConnectView, { sites, known });
    expect(screen.getByTestId(testIds.connectRedirectUri)).toHaveValue(redirectUri);
    expect(screen.getByTestId(testIds.connectClientId)).toHaveValue("1234567890123456");
    expect(screen.getByTestId(testIds.connectSite)).toHaveValue("MLB");
    expect(screen.getByTestId(testIds.connectClientSecret)).toHaveValue("");
    expect(screen.getByTestId(testIds.connectSubmit)).toBeDisabled();
  });

  it("says so when started against a server other than Mercado Libre", () => {
    render(ConnectView, { sites, server: "http://127.0.0.1:8090" });
    expect(screen.getByTestId(testIds.connectServerNote)).toHaveTextContent("http://127.0.0.1:8090");
  });

  it("while waiting for the browser offers cancel and the paste fallback", async () => {
    const oncancel = vi.fn();
    const onpaste = vi.fn(async () => undefined);
    render(ConnectView, {
      sites,
      phase: { kind: "waiting", authorizationUrl: "https://auth.example/authorization?x=1" },
      oncancel,
      onpaste,
    });
    expect(screen.getByRole("status")).toHaveTextContent("Finish in your browser");
    expect(screen.queryByTestId(testIds.connectSubmit)).toBeNull();
    await fireEvent.input(screen.getByLabelText(/paste the code/i), { target: { value: " TG-123-456 " } });
    await fireEvent.click(screen.getByRole("button", { name: "Use this code" }));
    expect(onpaste).toHaveBeenCalledWith("TG-123-456");
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(oncancel).toHaveBeenCalled();
  });

  it("a refused paste says why and the attempt keeps waiting", async () => {
    const onpaste = vi.fn(async () => {
      throw new CommandError({ code: "state_mismatch", message: "not this attempt", details: null });
    });
    render(ConnectView, {
      sites,
      phase: { kind: "waiting", authorizationUrl: "https://auth.example/authorization?x=1" },
      onpaste,
    });
    await fireEvent.input(screen.getByTestId(testIds.connectPaste), { target: { value: "https://r.example/?code=TG-1&state=x.1" } });
    await fireEvent.click(screen.getByTestId(testIds.connectPasteSubmit));
    expect(await screen.findByTestId(testIds.connectPasteError)).toHaveTextContent("did not belong to this attempt");
    expect(screen.getByRole("status")).toHaveTextContent("Finish in your browser");
  });

  it("names what is wrong with the relay address", () => {
    render(ConnectView, {
      sites,
      phase: { kind: "failed", code: "redirect_not_https", message: "https only" },
    });
    expect(screen.getByTestId(testIds.connectError)).toHaveTextContent("only sends you back to an https:// address");
  });

  it("turns each failure code into a sentence, in the seller's language", () => {
    i18n.locale = "pt-BR";
    render(ConnectView, {
      sites,
      phase: { kind: "failed", code: "authorization_denied", message: "access_denied" },
    });
    expect(screen.getByTestId(testIds.connectError)).toHaveTextContent("O acesso foi negado no Mercado Livre");
  });

  it("an unknown failure still says what happened, as text", () => {
    render(ConnectView, {
      sites,
      phase: { kind: "failed", code: "weird", message: "<b>boom</b>" },
    });
    const error = screen.getByTestId(testIds.connectError);
    expect(error).toHaveTextContent("The account could not be connected: <b>boom</b>");
    expect(error.querySelector("b")).toBeNull();
  });

  it("warns when secrets cannot outlive this run", () => {
    render(ConnectView, { sites, secretsPersistent: false });
    expect(screen.getByRole("note")).toHaveTextContent("connect again after restarting");
  });

  it("offers the demo", async () => {
    const ondemo = vi.fn();
    render(ConnectView, { sites, ondemo });
    await fireEvent.click(screen.getByTestId(testIds.connectDemo));
    expect(ondemo).toHaveBeenCalled();
  });
});
