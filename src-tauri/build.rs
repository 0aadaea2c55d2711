// The app's commands, from the one list in src/command_list.rs.
include!("src/command_list.rs");

/// The list's names as string literals, for tauri-build.
macro_rules! command_names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/src/command_list.rs");
    // Declared here so capabilities can grant exactly them (`allow-<name>`).
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(app_commands!(command_names))),
    )
    .expect("tauri-build failed");
}
