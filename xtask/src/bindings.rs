//! The UI's IPC types are generated from Rust by ts-rs and committed; this fails when the
//! committed files differ from what the Rust types generate now.

use std::collections::BTreeMap;
use std::path::Path;

use crate::process::{cargo, exec};
use crate::Result;

const COMMITTED: &str = "ui/src/lib/ipc";

pub fn check_drift() -> Result {
    let root = crate::root();
    let fresh = crate::target_dir().join("ipc-check");
    let _ = std::fs::remove_dir_all(&fresh);
    exec(
        cargo()
            .args(["test", "-p", "inbox", "--lib", "--quiet", "export_bindings"])
            .env("TS_RS_EXPORT_DIR", &fresh),
    )?;
    let want = read_dir(&fresh)?;
    let have = read_dir(&root.join(COMMITTED))?;
    let mut problems = Vec::new();
    for (name, text) in &want {
        match have.get(name) {
            None => problems.push(format!("{name} is missing")),
            Some(committed) if committed != text => problems.push(format!("{name} differs")),
            Some(_) => {}
        }
    }
    for name in have.keys().filter(|n| !want.contains_key(*n)) {
        problems.push(format!("{name} is no longer generated"));
    }
    if problems.is_empty() {
        println!("bindings: {} files match the Rust types", want.len());
        Ok(())
    } else {
        Err(format!(
            "{COMMITTED} is out of date ({}); run `cargo test -p inbox` and commit the result",
            problems.join(", ")
        ))
    }
}

fn read_dir(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(entry.file_name().to_string_lossy().into_owned(), text);
        }
    }
    Ok(files)
}
