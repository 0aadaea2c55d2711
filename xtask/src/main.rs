//! `cargo xtask setup | demo | test | bench | bundle` — the project's two commands and their helpers.

mod bench;
mod bindings;
mod bundle;
mod command_list;
mod demo;
mod memory;
mod process;
mod setup;
mod steps;
mod test;
mod xvfb;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  setup    install what is missing (system packages, npm packages in ui/, tauri-driver)
  demo     set up, build, and open the app on the built-in simulator with a demo seller
  test     set up, then run every check and test (Rust, UI, end-to-end); stops at the first failure
  bench    run the benchmarks (--quick: small sizes, for CI; --app-only: the app's two
           figures again, into the last report); report in target/bench
  bundle   build the installer for this platform (.deb on Linux)
  commands check that the command lists agree (a step of `test`)";

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root: the nearest directory above the working directory that holds
/// `xtask/Cargo.toml` (so a binary built in one checkout never works on another), else the one
/// xtask was built in.
pub fn root() -> PathBuf {
    let from_cwd = std::env::current_dir().ok().and_then(|cwd| {
        cwd.ancestors()
            .find(|dir| dir.join("xtask/Cargo.toml").is_file())
            .map(PathBuf::from)
    });
    from_cwd.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    })
}

/// Cargo's target directory, honouring CARGO_TARGET_DIR.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run().map(|_| ()),
        Some("demo") => demo::run(),
        Some("test") => test::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("bundle") => bundle::run(),
        Some("commands") => command_list::check(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
