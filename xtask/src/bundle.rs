//! `cargo xtask bundle`: the installer for this platform, through the Tauri CLI; and the check
//! `cargo xtask test` makes that a Debian package still holds what a seller installs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{exec, node_bin};
use crate::{setup, Result};

pub fn run() -> Result {
    setup::run()?;
    let bundles = if cfg!(target_os = "macos") {
        "app,dmg"
    } else if cfg!(target_os = "windows") {
        "msi,nsis"
    } else {
        // AppImage needs downloads at bundle time; .deb is self-contained.
        "deb"
    };
    tauri_build(&["--bundles", bundles])?;
    println!(
        "bundle: installers are in {}",
        crate::target_dir().join("release/bundle").display()
    );
    Ok(())
}

/// `tauri build` from the repository root, where the CLI finds `tauri.conf.json`; the config's
/// `beforeBuildCommand` builds the UI in `ui/` by its own `cwd`.
fn tauri_build(args: &[&str]) -> Result {
    exec(
        Command::new(node_bin("tauri"))
            .arg("build")
            .args(args)
            .current_dir(crate::root()),
    )
}

/// What the `.deb` must carry for the app to install and show up in the desktop's menus.
const DEB_MUST_HOLD: &[&str] = &[
    "usr/bin/mostrador",
    "usr/share/applications/Mostrador.desktop",
    "usr/share/icons/hicolor/32x32/apps/mostrador.png",
    "usr/share/icons/hicolor/128x128/apps/mostrador.png",
];

/// A debug `.deb` (the same app build the end-to-end tests drive), checked with `dpkg-deb`.
pub fn debug_deb_checked() -> Result {
    tauri_build(&["--debug", "--bundles", "deb"])?;
    let deb = newest_deb(&crate::target_dir().join("debug/bundle/deb"))?;
    let listing = Command::new("dpkg-deb")
        .arg("--contents")
        .arg(&deb)
        .output()
        .map_err(|e| format!("could not run dpkg-deb: {e}"))?;
    if !listing.status.success() {
        return Err(format!("dpkg-deb cannot read {}", deb.display()));
    }
    let missing = missing_from_listing(&String::from_utf8_lossy(&listing.stdout));
    if !missing.is_empty() {
        return Err(format!("{} lacks {}", deb.display(), missing.join(", ")));
    }
    println!(
        "bundle: {} holds the app, its desktop entry and icons",
        deb.display()
    );
    Ok(())
}

fn newest_deb(dir: &Path) -> Result<PathBuf> {
    std::fs::read_dir(dir)
        .map_err(|e| format!("no bundle in {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "deb"))
        .max_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
        .ok_or_else(|| format!("no .deb in {}", dir.display()))
}

/// The paths of `DEB_MUST_HOLD` that a `dpkg-deb --contents` listing lacks.
fn missing_from_listing(listing: &str) -> Vec<&'static str> {
    let paths: Vec<&str> = listing
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        // dpkg-deb lists paths as `usr/…` or `./usr/…` depending on how the archive was made.
        .map(|path| path.trim_start_matches("./"))
        .collect();
    DEB_MUST_HOLD
        .iter()
        .copied()
        .filter(|want| !paths.contains(want))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "\
drwxr-xr-x root/root         0 2026-12-02 21:00 ./
drwxr-xr-x root/root         0 2026-12-02 21:00 ./usr/bin/
-rwxr-xr-x root/root  91234567 2026-12-02 21:00 ./usr/bin/mostrador
-rw-r--r-- root/root       240 2026-12-02 21:00 ./usr/share/applications/Mostrador.desktop
-rw-r--r-- root/root      2001 2026-12-02 21:00 ./usr/share/icons/hicolor/32x32/apps/mostrador.png
-rw-r--r-- root/root      9001 2026-12-02 21:00 ./usr/share/icons/hicolor/128x128/apps/mostrador.png
";

    #[test]
    fn a_complete_listing_lacks_nothing() {
        assert!(missing_from_listing(LISTING).is_empty());
    }

    #[test]
    fn a_listing_without_the_desktop_entry_names_it() {
        let listing: String = LISTING
            .lines()
            .filter(|l| !l.ends_with(".desktop"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            missing_from_listing(&listing),
            ["usr/share/applications/Mostrador.desktop"]
        );
    }
}
