import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import MessagesRefusedBanner from "./MessagesRefusedBanner.svelte";

describe("MessagesRefusedBanner", () => {
  it("tells the seller to give the application the Messages permission, and retries", async () => {
    i18n.locale = "en";
    const onretry = vi.fn();
    render(MessagesRefusedBanner, { status: { state: "messages_refused", account: "VENDEDOR_AR" }, onretry });
    expect(screen.getByTestId(testIds.messagesRefusedBanner)).toHaveTextContent(
      "Mercado Libre does not let this application read messages. In the developer center, give it the Messages permission, then press Retry.",
    );
    await fireEvent.click(screen.getByTestId(testIds.messagesRefusedRetry));
    expect(onretry).toHaveBeenCalledOnce();
  });

  it("speaks Spanish and Portuguese", () => {
    i18n.locale = "es";
    const first = render(MessagesRefusedBanner, { status: { state: "messages_refused", account: "A" }, onretry: () => {} });
    expect(screen.getByTestId(testIds.messagesRefusedRetry)).toHaveTextContent("Reintentar");
    first.unmount();
    i18n.locale = "pt-BR";
    render(MessagesRefusedBanner, { status: { state: "messages_refused", account: "A" }, onretry: () => {} });
    expect(screen.getByTestId(testIds.messagesRefusedBanner)).toHaveTextContent("permissão de Mensagens");
  });

  it("is absent otherwise", () => {
    render(MessagesRefusedBanner, { status: { state: "online", last_sync: "2025-03-03T14:05:00Z" }, onretry: () => {} });
    expect(screen.queryByTestId(testIds.messagesRefusedBanner)).toBeNull();
  });
});
