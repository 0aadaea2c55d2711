//! End-to-end tests of the real app: the built binary, in a real window under Xvfb, driven
//! through tauri-driver and WebKitWebDriver. `cargo xtask test` builds the app, provides the
//! display and runs these; each test leaves a screenshot of its last state in `target/e2e/`.
//!
//! Linux only: WebKitWebDriver under Xvfb is the one driver the suite is written for, and the
//! tests play the Linux desktop around the app (xdg-open, a D-Bus file manager, a GTK file
//! dialog typed into with xdotool). On Windows and macOS this crate compiles to no tests.
#![cfg(target_os = "linux")]

mod chat;
// The Linux desktop a test plays for the app (xdg-open's viewer, a D-Bus file manager).
mod desktop;
mod files;
mod filters;
mod guide;
mod hard_edges;
mod harness;
mod health;
mod offline;
mod questions;
mod real_connect;
mod search;
mod settings;
mod sim;
mod smoke;
mod stages;
mod startup;
mod toolkit;
mod untrusted;
