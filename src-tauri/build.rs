fn main() {
    // The app's own commands are declared here so capabilities can grant exactly them.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&["app_info", "board_columns", "sync_status"]),
    ))
    .expect("tauri-build failed");
}
