//! The files the seller chose: only these may be read and uploaded. A path reaches the shell
//! from the webview as a plain string, and a webview that ran a buyer's script (the chat
//! renders no HTML, but defence in depth) could name any file the seller can read; so the
//! shell remembers what the file dialog returned and what was dropped on the window (Tauri's
//! native drag-drop event, which the page cannot emit) and refuses every other path.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use inbox::ipc::FilePathRefusal;

use crate::error::CommandError;

#[derive(Default)]
pub struct ChosenFiles {
    paths: Mutex<HashSet<PathBuf>>,
}

impl ChosenFiles {
    /// Files the seller picked in the dialog or dropped on the window.
    pub fn remember<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        if let Ok(mut known) = self.paths.lock() {
            known.extend(paths.into_iter().map(|p| key(p.as_ref())));
        }
    }

    /// `Ok` when the seller chose `path`; a network path is refused even then.
    pub fn check(&self, path: &str) -> Result<(), FilePathRefusal> {
        if refuses_network_paths() && is_unc(path) {
            return Err(FilePathRefusal::FileNetworkPath);
        }
        let chosen = self
            .paths
            .lock()
            .map(|known| known.contains(&key(Path::new(path))))
            .unwrap_or(false);
        if chosen {
            Ok(())
        } else {
            Err(FilePathRefusal::FileNotChosen)
        }
    }

    /// Every path of a draft, as [`ChosenFiles::check`] judges it, as a command's error.
    pub fn check_all<'a>(
        &self,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), CommandError> {
        for path in paths {
            if let Err(refusal) = self.check(path) {
                return Err(CommandError::new(refusal.code(), refusal.message(path)));
            }
        }
        Ok(())
    }
}

/// The same file however it was named (`a/../b`, a symlink): its canonical path when it
/// exists, otherwise the path as given.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `\\server\share\…`, `//server/…` and the `\\?\UNC\…` form: opening one makes Windows
/// authenticate to that server with the seller's credentials, so a page that named one could
/// leak them. Written for any platform so its test runs everywhere; applied on Windows only.
pub fn is_unc(path: &str) -> bool {
    let slashes = |c: char| c == '\\' || c == '/';
    let mut chars = path.chars();
    let two_slashes = chars.next().is_some_and(slashes) && chars.next().is_some_and(slashes);
    if !two_slashes {
        return false;
    }
    let rest = &path[2..];
    // `\\?\C:\…` and `\\.\C:\…` are local device paths; `\\?\UNC\…` is the network again.
    match rest.strip_prefix(['?', '.']) {
        Some(device) => device
            .trim_start_matches(slashes)
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("unc\\") || p.eq_ignore_ascii_case("unc/")),
        None => true,
    }
}

// Only Windows reaches a network share from a path: elsewhere `//server` is a local directory.
#[cfg(windows)]
fn refuses_network_paths() -> bool {
    true
}

#[cfg(not(windows))]
fn refuses_network_paths() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_chosen_files_pass() {
        let dir = tempfile::tempdir().expect("tempdir");
        let picked = dir.path().join("factura.pdf");
        let dropped = dir.path().join("foto.png");
        let other = dir.path().join("secret.txt");
        for p in [&picked, &dropped, &other] {
            std::fs::write(p, b"x").expect("write");
        }
        let chosen = ChosenFiles::default();
        let s = |p: &Path| p.to_string_lossy().into_owned();
        assert_eq!(
            chosen.check(&s(&picked)),
            Err(FilePathRefusal::FileNotChosen)
        );
        chosen.remember([&picked]);
        chosen.remember(vec![dropped.clone()]);
        assert_eq!(chosen.check(&s(&picked)), Ok(()));
        assert_eq!(chosen.check(&s(&dropped)), Ok(()));
        assert_eq!(
            chosen.check(&s(&other)),
            Err(FilePathRefusal::FileNotChosen)
        );
        assert_eq!(
            chosen.check("/etc/passwd"),
            Err(FilePathRefusal::FileNotChosen)
        );
        // The same file by another name is the same choice; a neighbour by `..` is not.
        let detour = dir.path().join("sub");
        std::fs::create_dir(&detour).expect("dir");
        assert_eq!(chosen.check(&s(&detour.join("../factura.pdf"))), Ok(()));
        assert_eq!(
            chosen.check(&s(&detour.join("../secret.txt"))),
            Err(FilePathRefusal::FileNotChosen)
        );
        let err = chosen
            .check_all([s(&picked).as_str(), s(&other).as_str()])
            .expect_err("one was not chosen");
        assert_eq!(err.0.code, "file_not_chosen");
        assert!(err.0.message.contains("secret.txt"), "{}", err.0.message);
    }

    #[test]
    fn network_paths_are_recognised() {
        for unc in [
            r"\\server\share\factura.pdf",
            "//server/share/factura.pdf",
            r"\/server\share",
            r"\\?\UNC\server\share\factura.pdf",
            r"\\.\unc\server\share",
        ] {
            assert!(is_unc(unc), "{unc}");
        }
        for local in [
            r"C:\Users\ana\factura.pdf",
            "/home/ana/factura.pdf",
            r"\\?\C:\Users\ana\factura.pdf",
            r"\\.\C:\x",
            r"\single\slash",
            "",
        ] {
            assert!(!is_unc(local), "{local}");
        }
    }

    // Windows: a share is refused even when the seller picked it.
    #[cfg(windows)]
    #[test]
    fn network_paths_are_refused_on_windows_even_when_chosen() {
        let chosen = ChosenFiles::default();
        chosen.remember([r"\\server\share\factura.pdf"]);
        assert_eq!(
            chosen.check(r"\\server\share\factura.pdf"),
            Err(FilePathRefusal::FileNetworkPath)
        );
    }
}
