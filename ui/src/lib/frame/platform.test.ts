import { describe, expect, it } from "vitest";
import { markPlatform, platformOf } from "./platform";

describe("platformOf", () => {
  it("names the desktops the app ships for", () => {
    expect(platformOf("Linux x86_64")).toBe("linux");
    expect(platformOf("Linux aarch64")).toBe("linux");
    expect(platformOf("MacIntel")).toBe("mac");
    expect(platformOf("Win32")).toBe("windows");
    expect(platformOf("")).toBe("other");
  });

  it("marks the root element for the stylesheet", () => {
    const root = document.createElement("html");
    markPlatform(root);
    expect(root.dataset.platform).toBe(platformOf(navigator.platform));
  });
});
