//! The start when the app cannot open its data, as a seller meets it: a damaged cache shows
//! why and is rebuilt from Mercado Libre with the old file kept aside; a second app on the same
//! data says another window has it, instead of syncing and sending beside it.

use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::chat::until_connected;
use crate::harness::{app_processes, free_port, test_id, App};

fn noise() -> Vec<u8> {
    (0..64 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn problem(kind: &str) -> String {
    format!("{}[data-kind=\"{kind}\"]", test_id("startupProblem"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_cache_is_rebuilt_from_mercado_libre_and_kept_aside() -> WebDriverResult<()> {
    let data = tempfile::tempdir().expect("temp dir");
    std::fs::write(data.path().join("inbox.sqlite"), noise()).expect("writes");
    let port = free_port().to_string();
    let app = App::launch_in(
        "startup-rebuilt",
        data.path(),
        &["--demo", "--demo-port", &port],
    )
    .await?;
    app.run(async {
        let screen = app.wait_for(&problem("damaged")).await?.text().await?;
        assert!(
            screen.contains("The local copy of your inbox is damaged")
                && screen.contains("Rebuild from Mercado Libre"),
            "{screen}"
        );
        app.snapshot("startup-damaged").await?;
        app.wait_for(&test_id("startupRebuild"))
            .await?
            .click()
            .await?;
        // The app starts on a new cache and the demo's sales come back from the simulator.
        until_connected(&app).await?;
        let kept: Vec<_> = std::fs::read_dir(data.path())
            .expect("lists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("corrupt"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged file, kept aside: {kept:?}");
        assert_eq!(std::fs::read(&kept[0]).expect("reads"), noise());
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_app_on_the_same_data_says_another_window_has_it() -> WebDriverResult<()> {
    let data = tempfile::tempdir().expect("temp dir");
    let first_port = free_port().to_string();
    let first = App::launch_in(
        "startup-first-window",
        data.path(),
        &["--demo", "--demo-port", &first_port],
    )
    .await?;
    first
        .run(async {
            until_connected(&first).await?;
            // No D-Bus here, so the operating system cannot hand this launch to the first
            // window: the data directory's lock is what stops it.
            let second_port = free_port().to_string();
            let second = App::launch_in(
                "startup-second-window",
                data.path(),
                &["--demo", "--demo-port", &second_port],
            )
            .await?;
            let screen = second
                .wait_for(&problem("already_open"))
                .await?
                .text()
                .await?;
            assert!(
                screen.contains("Mostrador is already open")
                    && screen.contains(&data.path().display().to_string()),
                "{screen}"
            );
            assert!(second
                .driver
                .find_all(By::Css(test_id("startupRebuild")))
                .await?
                .is_empty());
            second.snapshot("startup-already-open").await?;
            let quit = second.wait_for(&test_id("startupQuit")).await?;
            // The app may be gone before WebDriver answers the click: the process count says.
            let _ = quit.click().await;
            // The second app ends; the first goes on as before.
            let deadline = Instant::now() + Duration::from_secs(30);
            while app_processes(data.path()).len() > 1 {
                assert!(Instant::now() < deadline, "the second app did not quit");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            drop(second);
            first.wait_for(&test_id("leadCard")).await?;
            Ok(())
        })
        .await
}
