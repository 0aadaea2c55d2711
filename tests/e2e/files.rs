//! Files attached to a draft: Mercado Libre's rules on attachments apply before anything
//! leaves the machine, judged by what a file holds, not by its name.

use std::path::{Path, PathBuf};

use serde_json::json;
use thirtyfour::prelude::*;

use crate::chat::{open_by_search, send_enabled, sync_now, until_connected};
use crate::harness::{test_id, App};
use crate::sim::SELLER_MLA;

/// What Tauri's native handler emits when files are dragged over and dropped on the window.
async fn drag(app: &App, event: &str, paths: &[&Path]) -> WebDriverResult<()> {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    app.driver
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', {
                 event: arguments[0],
                 payload: { paths: arguments[1], position: { x: 400, y: 300 } } });",
            vec![json!(event), json!(paths)],
        )
        .await?;
    Ok(())
}

/// A drop the page announces itself, with no file dragged: the UI shows it like a real one,
/// and the shell, which saw no drop from the system, refuses its paths.
async fn forged_drop(app: &App, paths: &[&Path]) -> WebDriverResult<()> {
    drag(app, "tauri://drag-enter", paths).await?;
    app.wait_for(&test_id("dropZone")).await?;
    drag(app, "tauri://drag-drop", paths).await
}

/// Picks `path` in the app's file dialog as a seller would: Attach files, then the path typed
/// into the dialog (GTK's file chooser: typing `/` opens its location field) and Enter.
/// Linux under X (`xdotool`), as the e2e tests run.
async fn pick_file(app: &App, path: &Path) -> WebDriverResult<()> {
    let before = app
        .driver
        .find_all(By::Css(test_id("composerFile")))
        .await?
        .len();
    app.wait_for(&test_id("composerAttach"))
        .await?
        .click()
        .await?;
    // The dialog is titled with the filter's name ("Files to send" in English).
    let window = app
        .until("the file dialog", || async {
            let out = std::process::Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", "^Files to send$"])
                .output()
                .expect("xdotool (cargo xtask setup installs it)");
            let found = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .map(str::to_owned);
            Ok(found)
        })
        .await?;
    let xdotool = |args: &[&str]| {
        let status = std::process::Command::new("xdotool")
            .args(args)
            .status()
            .expect("xdotool");
        assert!(status.success(), "xdotool {args:?}");
    };
    xdotool(&["windowfocus", "--sync", &window]);
    // The first `/` opens the location field, and keys typed while it opens can be lost; so
    // the path is typed again over the field's whole text once it is there.
    let path = path.to_string_lossy();
    xdotool(&["type", "--delay", "20", &path]);
    xdotool(&["key", "--delay", "50", "ctrl+a"]);
    xdotool(&["type", "--delay", "20", &path]);
    xdotool(&["key", "--delay", "100", "Return"]);
    app.until("the picked file in the draft", || async {
        let now = app
            .driver
            .find_all(By::Css(test_id("composerFile")))
            .await?
            .len();
        Ok((now > before).then_some(()))
    })
    .await
}

async fn reason(app: &App, code: &str) -> WebDriverResult<String> {
    let css = format!("{}[data-code=\"{code}\"]", test_id("composerReason"));
    app.wait_for(&css).await?.text().await
}

/// A chip's file name (shortened on screen when long; whole in its tooltip).
async fn chip_name(app: &App, chip: &str) -> WebDriverResult<String> {
    let name = app.wait_for(&format!("{chip} [title]")).await?;
    Ok(name.attr("title").await?.unwrap_or_default())
}

async fn remove_chips(app: &App) -> WebDriverResult<()> {
    for chip in app
        .driver
        .find_all(By::Css(test_id("composerFile")))
        .await?
    {
        chip.find(By::Css("button")).await?.click().await?;
    }
    Ok(())
}

struct Files {
    _dir: tempfile::TempDir,
    invoice: PathBuf,
    huge: PathBuf,
    disguised: PathBuf,
}

fn files() -> Files {
    let dir = tempfile::tempdir().expect("temp dir");
    let invoice = dir.path().join("factura-0001.pdf");
    std::fs::write(
        &invoice,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )
    .expect("pdf");
    // A real PDF header, but 30 MB: over Mercado Libre's 25 MB.
    let huge = dir.path().join("catalogo.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(30 * 1024 * 1024, b' ');
    std::fs::write(&huge, bytes).expect("huge");
    // A Windows program named like a picture.
    let disguised = dir.path().join("foto-del-producto.png");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.resize(4096, 0);
    std::fs::write(&disguised, exe).expect("exe");
    Files {
        _dir: dir,
        invoice,
        huge,
        disguised,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn picked_files_are_checked_then_sent_with_text() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("files-drop").await?;
    let files = files();
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("paid").await;
        let token = format!("comprobante{conversation}");
        sim.buyer_writes(conversation, &format!("¿Me mandan el {token}?"))
            .await;
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;
        app.wait_text(&test_id("chatPane"), |t| t.contains(&token))
            .await?;

        // A drop the system never saw: its path is refused, in the seller's language.
        forged_drop(&app, &[&files.invoice]).await?;
        let alert = app
            .wait_text("[role=alert]", |t| t.contains("Attach files"))
            .await?;
        assert!(
            alert.contains("Only files you choose with Attach files or drop on the window"),
            "{alert}"
        );
        remove_chips(&app).await?;

        // Too large: refused, with the reason on the chip.
        pick_file(&app, &files.huge).await?;
        let chip = format!("{}[data-rejected=\"size\"]", test_id("composerFile"));
        let shown = app.wait_for(&chip).await?.text().await?;
        assert_eq!(chip_name(&app, &chip).await?, "catalogo.pdf");
        assert!(shown.contains("Larger than"), "chip: {shown}");
        send_enabled(&app, false).await?;
        remove_chips(&app).await?;

        // A program renamed .png: refused by what it holds.
        pick_file(&app, &files.disguised).await?;
        let chip = format!("{}[data-rejected=\"type\"]", test_id("composerFile"));
        let shown = app.wait_for(&chip).await?.text().await?;
        assert!(
            shown.contains("Only .jpg, .png, .pdf and .txt"),
            "chip: {shown}"
        );
        send_enabled(&app, false).await?;
        remove_chips(&app).await?;

        // A real PDF with a line of text goes out together.
        pick_file(&app, &files.invoice).await?;
        let chip = app.wait_for(&test_id("composerFile")).await?;
        assert_eq!(
            chip_name(&app, &test_id("composerFile")).await?,
            "factura-0001.pdf"
        );
        assert_eq!(chip.attr("data-rejected").await?, None);
        let answer = "Te adjunto la factura.";
        app.wait_for(&test_id("composerText"))
            .await?
            .send_keys(answer)
            .await?;
        send_enabled(&app, true).await?.click().await?;

        let posts = app
            .until("the message at the simulator", || async {
                let posts = sim.seller_posts_to(conversation).await;
                Ok((!posts.is_empty()).then_some(posts))
            })
            .await?;
        assert_eq!(posts.len(), 1, "sent more than once: {posts:?}");
        let uploads = sim
            .requests()
            .await
            .into_iter()
            .filter(|r| r["method"] == "POST" && r["path"] == "/messages/attachments")
            .filter(|r| r["status"].as_u64().is_some_and(|s| s < 300))
            .count();
        assert_eq!(uploads, 1, "the PDF was not uploaded once");
        // Back from Mercado Libre: the message with its attachment, in the chat.
        let attachment = app.wait_for(&test_id("chatAttachment")).await?;
        let label = attachment.attr("aria-label").await?.unwrap_or_default();
        assert!(label.contains("factura-0001.pdf"), "attachment: {label}");
        assert_eq!(attachment.attr("data-kind").await?.as_deref(), Some("pdf"));
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_alone_cannot_open_a_conversation() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("files-first").await?;
    let files = files();
    app.run(async {
        until_connected(&app).await?;
        // Shipped by the seller outside Mercado Envíos: the seller may write first.
        let conversation = sim
            .sale_with(json!({
                "seller_id": SELLER_MLA,
                "status": "paid",
                "logistic_type": "custom",
                "created_minutes_ago": 5,
            }))
            .await;
        sync_now(&app).await?;
        open_by_search(&app, &conversation.to_string()).await?;
        app.wait_for(&test_id("composerText")).await?;

        pick_file(&app, &files.invoice).await?;
        let shown = reason(&app, "file_only_first_message").await?;
        assert!(shown.contains("first message"), "reason shown: {shown}");
        send_enabled(&app, false).await?;
        assert!(sim.seller_posts_to(conversation).await.is_empty());
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn pictures_in_a_chat_show_as_thumbnails() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("files-thumbnails").await?;
    app.run(async {
        until_connected(&app).await?;
        let lead = sim.landmark("with_attachments").await;
        open_by_search(&app, &lead.to_string()).await?;

        // The photo is fetched when the chat opens and drawn from the cache.
        let image = format!("{}[data-kind=\"image\"] img", test_id("chatAttachment"));
        let thumb = app.wait_for(&image).await?;
        app.until("the thumbnail loaded", || async {
            let loaded = app
                .driver
                .execute(
                    "return arguments[0].complete && arguments[0].naturalWidth > 0;",
                    vec![thumb.element().await?.to_json()?],
                )
                .await?;
            Ok((loaded.json() == &json!(true)).then_some(()))
        })
        .await?;
        // The invoice keeps its icon until opened.
        let pdf = format!("{}[data-kind=\"pdf\"]", test_id("chatAttachment"));
        let icon = app.wait_for(&pdf).await?;
        assert!(icon
            .element()
            .await?
            .find_all(By::Css("img"))
            .await?
            .is_empty());
        // For the screenshot: the picture, not the newest message.
        app.driver
            .execute(
                "const chat = arguments[0].closest('[role=log]');
                 chat.scrollTop += arguments[0].getBoundingClientRect().top
                     - chat.getBoundingClientRect().top - chat.clientHeight / 2;",
                vec![thumb.element().await?.to_json()?],
            )
            .await?;
        Ok(())
    })
    .await
}

/// Files a buyer sent: the system opens only a kind Mercado Libre allows, judged by what the
/// file holds; anything else is shown in its folder. The desktop played here is `xdg-open` and
/// the freedesktop file manager, what the opener plugin uses on Linux.
#[tokio::test(flavor = "multi_thread")]
async fn a_buyers_file_opens_only_if_it_is_a_kind_mercado_libre_allows() -> WebDriverResult<()> {
    let desktop = crate::desktop::Desktop::start().await;
    let (app, sim) = App::launch_demo_with_env("files-open", &desktop.env()).await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("paid").await;
        let token = format!("archivos{conversation}");
        sim.buyer_sends_file(
            conversation,
            &format!("{token}: la factura"),
            "factura-compra.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        )
        .await;
        // Text to Mercado Libre (it checks the first bytes), a web page to a browser.
        sim.buyer_sends_file(
            conversation,
            "y el comprobante",
            "comprobante.txt",
            b"<html><body><script>document.location='https://evil.example/'</script></body></html>\n",
        )
        .await;
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;

        let attachment =
            |name: &str| format!("{}[aria-label*=\"{name}\"]", test_id("chatAttachment"));
        app.wait_for(&attachment("factura-compra.pdf"))
            .await?
            .click()
            .await?;
        desktop.until_opened(1).await?;
        let opened = desktop.opened();
        assert!(
            opened[0].extension().is_some_and(|e| e == "pdf"),
            "the viewer got {opened:?}"
        );

        app.wait_for(&attachment("comprobante.txt"))
            .await?
            .click()
            .await?;
        desktop.until_shown(1).await?;
        let shown = desktop.shown();
        assert!(
            shown[0].starts_with("file://") && shown[0].ends_with(".bin"),
            "the file manager showed {shown:?}"
        );
        // Asked after the page was shown, which came after the PDF opened: the viewer got only
        // the PDF.
        assert_eq!(desktop.opened(), opened, "the page reached the viewer");

        // The webview itself may neither open a path nor show one: the app's capability grants
        // neither, whatever path it names.
        let page = shown[0].trim_start_matches("file://").to_owned();
        for (command, args) in [
            ("plugin:opener|open_path", json!({ "path": page })),
            ("plugin:opener|reveal_item_in_dir", json!({ "paths": [page] })),
        ] {
            let answer = app
                .driver
                .execute(
                    "return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]) \
                     .then(() => 'done', (e) => 'refused: ' + String(e));",
                    vec![json!(command), args],
                )
                .await?;
            let answer = answer.json().as_str().unwrap_or_default().to_owned();
            assert!(answer.starts_with("refused"), "{command}: {answer}");
        }
        Ok(())
    })
    .await
}
