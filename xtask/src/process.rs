//! Running commands with their output shown, and finding tools.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// Runs `cmd` with inherited output; a non-zero exit is an error naming the command.
pub fn exec(cmd: &mut Command) -> Result {
    let shown = describe(cmd);
    println!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs `cmd` quietly and returns whether it succeeded (for probes).
pub fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds an executable on PATH, or in cargo's bin directory (where `cargo install` puts tools
/// even when that directory is not on PATH). `name` is given without a suffix: Windows looks for
/// `name.exe`, then `name.cmd` (npm's shims), as its shell would.
pub fn which(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push(cargo_bin_dir());
    dirs.iter()
        .flat_map(|d| executable_names(name).map(move |n| d.join(n)))
        .find(|p| is_executable(p))
}

/// The file names an executable called `name` has on this platform, most likely first.
fn executable_names(name: &str) -> impl Iterator<Item = String> + '_ {
    let suffixes: &[&str] = if cfg!(windows) {
        &[".exe", ".cmd", ".bat"]
    } else {
        &[""]
    };
    suffixes.iter().map(move |suffix| format!("{name}{suffix}"))
}

pub fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// `cargo`, as the one running xtask (so the pinned toolchain is used).
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(crate::root());
    cmd
}

/// `npm` in ui/.
pub fn npm() -> Command {
    let mut cmd = npm_anywhere();
    cmd.current_dir(crate::root().join("ui"));
    cmd
}

/// `npm` in the current directory. On Windows npm is `npm.cmd`, which `Command::new("npm")`
/// does not find: Windows only adds `.exe` by itself.
pub fn npm_anywhere() -> Command {
    Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
}

/// A program from ui/node_modules/.bin (the Tauri CLI), with Windows' `.cmd` shim.
pub fn node_bin(name: &str) -> PathBuf {
    let file = if cfg!(windows) {
        format!("{name}.cmd")
    } else {
        name.to_owned()
    };
    crate::root().join("ui/node_modules/.bin").join(file)
}

/// The app's binary in the target directory for `profile` ("debug" or "release").
pub fn app_binary(profile: &str) -> PathBuf {
    crate::target_dir()
        .join(profile)
        .join(format!("mostrador{}", std::env::consts::EXE_SUFFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_looks_for_exe_and_cmd_and_unix_for_the_bare_name() {
        let names: Vec<String> = executable_names("tauri-driver").collect();
        if cfg!(windows) {
            assert_eq!(
                names,
                ["tauri-driver.exe", "tauri-driver.cmd", "tauri-driver.bat"]
            );
        } else {
            assert_eq!(names, ["tauri-driver"]);
        }
    }

    #[test]
    fn which_finds_cargo_itself() {
        // Whatever the platform, cargo runs this test, so it is on PATH or in cargo's bin dir.
        let found = which("cargo").expect("cargo is found");
        assert!(found.is_file(), "{}", found.display());
    }
}
