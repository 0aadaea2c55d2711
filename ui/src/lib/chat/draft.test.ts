import { describe, expect, it } from "vitest";
import { addFiles, composerFiles, draftFile, fileName } from "./draft";

describe("draft files", () => {
  it("names files by the last path segment on any platform", () => {
    expect(fileName("/home/ana/factura.pdf")).toBe("factura.pdf");
    expect(fileName("C:\\Users\\ana\\foto.jpg")).toBe("foto.jpg");
  });

  it("adds each path once", () => {
    const files = addFiles([draftFile("/a/x.pdf")], ["/a/x.pdf", "/b/y.png"]);
    expect(files.map((f) => f.name)).toEqual(["x.pdf", "y.png"]);
  });

  it("marks the file the core refused, and why", () => {
    const files = [draftFile("/a/setup.png"), draftFile("/a/video.pdf"), draftFile("/a/ok.txt")];
    expect(composerFiles(files, { code: "file_type", file: "setup.png" }).map((f) => f.rejected)).toEqual([
      "type",
      null,
      null,
    ]);
    const big = composerFiles(files, { code: "file_too_large", file: "video.pdf", size: 31457280, max: 26214400 });
    expect(big[1]).toEqual({ id: "/a/video.pdf", name: "video.pdf", size: 31457280, rejected: "size" });
    expect(composerFiles(files, null).every((f) => f.rejected === null)).toBe(true);
  });
});
