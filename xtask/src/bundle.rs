//! `cargo xtask bundle`: the installer for this platform, through the Tauri CLI.

use crate::process::exec;
use crate::{setup, Result};

pub fn run_bundle() -> Result {
    setup::run()?;
    let bundles = if cfg!(target_os = "macos") {
        "app,dmg"
    } else if cfg!(target_os = "windows") {
        "msi,nsis"
    } else {
        // AppImage needs downloads at bundle time; .deb is self-contained.
        "deb"
    };
    let root = crate::root();
    let cli = root.join(if cfg!(windows) {
        "ui/node_modules/.bin/tauri.cmd"
    } else {
        "ui/node_modules/.bin/tauri"
    });
    exec(
        std::process::Command::new(cli)
            .args(["build", "--bundles", bundles])
            .current_dir(&root),
    )?;
    println!(
        "bundle: installers are in {}",
        crate::target_dir().join("release/bundle").display()
    );
    Ok(())
}

pub use run_bundle as run;
