fn main() {
    // The app's own commands are declared here so capabilities can grant exactly them.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "app_info",
            "sync_status",
            "board",
            "column_page",
            "lead_card",
            "conversation",
            "mark_read",
            "search",
            "stats",
            "move_lead",
            "archive_lead",
            "unarchive_lead",
            "add_stage",
            "rename_stage",
            "reorder_stages",
            "delete_stage",
            "check_send",
            "queue_send",
            "outbox",
            "get_settings",
            "save_settings",
            "ui_ready",
            "sites",
            "accounts",
            "connect_account",
            "cancel_connect",
            "connect_demo",
            "disconnect_account",
            "sync_now",
            "open_attachment",
        ]),
    ))
    .expect("tauri-build failed");
}
