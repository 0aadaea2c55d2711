// The one list of the app's commands. `build.rs` `include!`s this file to declare them to
// tauri-build (so capabilities can grant each one), and `main.rs` (`#[macro_use] mod
// command_list`) uses it to register their handlers from `commands.rs`; `cargo xtask test`
// checks `capabilities/default.json` and `ui/src/lib/api/commands.ts` against it
// (xtask/src/command_list.rs). Adding a command: docs/adding-a-command.md.
//
// Plain `macro_rules!`, no `use` or attribute: build scripts `include!` it as is.

/// Calls `$then!` with every command's name, in the order the UI lists them.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            startup_report,
            first_screen,
            rebuild_cache,
            quit_app,
            app_info,
            sync_status,
            sync_health,
            board,
            column_page,
            lead_card,
            conversation,
            open_chat,
            search,
            stats,
            move_lead,
            archive_lead,
            unarchive_lead,
            add_stage,
            rename_stage,
            reorder_stages,
            delete_stage,
            check_send,
            pick_files,
            send_draft,
            outbox,
            resend_draft,
            discard_draft,
            get_settings,
            save_settings,
            open_logs_folder,
            ui_ready,
            sites,
            accounts,
            connect_account,
            cancel_connect,
            paste_authorization,
            open_authorization_page,
            connect_demo,
            disconnect_account,
            sync_now,
            open_attachment,
            download_attachment,
            action_guide,
            quick_replies,
            save_quick_reply,
            delete_quick_reply,
            reorder_quick_replies,
            export_quick_replies,
            import_quick_replies,
            arm_draft,
            questions,
            unread_questions,
            open_question,
            lead_questions,
            check_answer,
            answer_question,
            block_asker,
            unblock_asker,
            blocked_askers,
            question_stats,
        }
    };
}
