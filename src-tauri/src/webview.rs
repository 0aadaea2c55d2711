//! How the window's webview renders, chosen before it starts.
//!
//! Linux: WebKitGTK composites the page through OpenGL by default. For a board of cards and a
//! chat that is memory spent for nothing: measured with `cargo xtask bench` (500-lead board,
//! idle, Xvfb) the app and WebKit's processes take 419 MB (PSS, counted alone) with WebKit's
//! defaults and 307 MB without compositing, the web process going from 260 to 140 MB; the
//! board draws the same (the end-to-end screenshots). Turning the hardware-acceleration policy
//! off through WebKit's settings once the webview exists saves less (the web process has set
//! up its GL display by then), and the cache model (`DocumentViewer`) changed nothing measurable.
//! A seller who wants compositing back sets `WEBKIT_DISABLE_COMPOSITING_MODE=0`.
//!
//! Drawn this way, WebKit answers a WebDriver screenshot only after the page paints again,
//! which a page that does not change never does: the end-to-end tests keep a transparent
//! pixel repainting while they take one (`tests/e2e/harness.rs`).

/// Must run first in `main`, before any thread starts: it sets the process's environment,
/// which WebKit reads when the webview starts and hands to its own processes.
pub fn choose_rendering() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}
