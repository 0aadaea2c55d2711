//! The seller's own stages: one is added on the board, a paid lead is dragged into it with the
//! pointer, and it is still there after the app starts again on the same data; so is the lead
//! pane's width the seller dragged.

use thirtyfour::prelude::*;

use crate::harness::{free_port, test_id, App};

fn column(key: &str) -> String {
    format!("{}[data-stage=\"{key}\"]", test_id("boardColumn"))
}

fn card_in(key: &str, lead: &str) -> String {
    format!(
        "{} {}[data-lead-id=\"{lead}\"]",
        column(key),
        test_id("leadCard")
    )
}

/// The lead pane's share as the settings file on disk holds it.
fn saved_pane_share(data: &std::path::Path) -> Option<u64> {
    let text = std::fs::read_to_string(data.join("settings.json")).ok()?;
    let after = &text[text.find("\"leadPanePermille\"")? + "\"leadPanePermille\"".len()..];
    let digits: String = after
        .trim_start_matches([':', ' '])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paid_lead_dragged_to_a_custom_stage_stays_there_after_a_restart() -> WebDriverResult<()>
{
    let data = tempfile::tempdir().expect("temp dir");
    let stage_name = "Empacado";
    let mut stage_key = String::new();
    let mut lead_id = String::new();
    let mut pane_width = 0.0;

    let port = free_port();
    let app = App::launch_in(
        "stages-before-restart",
        data.path(),
        &["--demo", "--demo-port", &port.to_string()],
    )
    .await?;
    app.run(async {
        let paid_card = format!("{} {}", column("system:paid"), test_id("leadCard"));
        app.wait_for(&paid_card).await?;

        // The new stage, through the board's own controls.
        let add = app.wait_for(&test_id("stageAdd")).await?;
        add.scroll_into_view().await?;
        add.click().await?;
        let name = app.wait_for(&test_id("stageNameInput")).await?;
        name.send_keys(stage_name).await?;
        name.send_keys(Key::Enter).await?;
        let custom = format!("{}[data-stage^=\"custom:\"]", test_id("boardColumn"));
        let custom_column = app.wait_for(&custom).await?;
        stage_key = custom_column.attr("data-stage").await?.expect("column key");
        let title = custom_column.attr("aria-label").await?;
        assert_eq!(title.as_deref(), Some(stage_name), "the new column's name");

        // The board is wider than the window: bring the new column into view, then carry the
        // first paid card onto it with the pointer.
        custom_column.scroll_into_view().await?;
        let card = app.wait_for(&paid_card).await?;
        lead_id = card.attr("data-lead-id").await?.expect("lead id");
        let card = app.wait_for(&card_in("system:paid", &lead_id)).await?;
        let target = app.wait_for(&column(&stage_key)).await?;
        app.driver
            .action_chain()
            .move_to_element_center(&card.element().await?)
            .click_and_hold()
            .move_by_offset(24, 8)
            .move_to_element_center(&target.element().await?)
            .release()
            .perform()
            .await?;

        app.wait_for(&card_in(&stage_key, &lead_id)).await?;
        let count = app
            .wait_text(
                &format!("{} {}", column(&stage_key), test_id("columnCount")),
                |t| t == "1",
            )
            .await?;
        assert_eq!(count, "1", "the custom stage's count");
        let notice = app.wait_for(&test_id("boardNotice")).await?.text().await?;
        assert!(
            notice.contains(stage_name),
            "the board says where the lead went: {notice:?}"
        );
        // A drag is not a click: no lead pane opened.
        assert!(app
            .driver
            .find_all(By::Css(test_id("chatPane")))
            .await?
            .is_empty());

        // The seller widens the lead pane by dragging its divider with the pointer.
        app.wait_for(&card_in(&stage_key, &lead_id))
            .await?
            .click()
            .await?;
        let column = app.wait_for(&test_id("leadColumn")).await?;
        let before = column.element().await?.rect().await?.width;
        let divider = app.wait_for(&test_id("paneDivider")).await?;
        app.driver
            .action_chain()
            .move_to_element_center(&divider.element().await?)
            .click_and_hold()
            .move_by_offset(-80, 0)
            .move_by_offset(-80, 0)
            .release()
            .perform()
            .await?;
        pane_width = app
            .until("the wider pane", || async {
                let width = column.element().await?.rect().await?.width;
                Ok((width > before + 100.0).then_some(width))
            })
            .await?;
        // Kept in the settings file before the app is closed.
        app.until("the width in the settings file", || async {
            Ok(saved_pane_share(data.path()).filter(|share| *share > 500))
        })
        .await?;
        Ok(())
    })
    .await?;
    drop(app);

    // Without the demo: no keychain answers here, so the demo's tokens lived in memory and are
    // gone; nothing syncs, and the board is the cache's, with the lead in its stage.
    let app = App::launch_in("stages-cache-only", data.path(), &[]).await?;
    app.run(async {
        let kept = app.wait_for(&card_in(&stage_key, &lead_id)).await?;
        kept.scroll_into_view().await?;
        // The lead pane opens as wide as the seller left it.
        kept.click().await?;
        let column = app.wait_for(&test_id("leadColumn")).await?;
        let width = app
            .until("the remembered width", || async {
                let width = column.element().await?.rect().await?.width;
                Ok(((width - pane_width).abs() < 3.0).then_some(width))
            })
            .await;
        assert!(
            width.is_ok(),
            "the pane was {pane_width} px wide before the restart"
        );
        Ok(())
    })
    .await?;
    drop(app);

    // With the demo again: the cached board shows the lead in its stage at once, and the
    // demo's new sync pass (Mercado Libre still says it is paid) keeps it there.
    let port = free_port();
    let app = App::launch_in(
        "stages",
        data.path(),
        &["--demo", "--demo-port", &port.to_string()],
    )
    .await?;
    app.run(async {
        let kept = app.wait_for(&card_in(&stage_key, &lead_id)).await?;
        kept.scroll_into_view().await?;
        let title = app
            .wait_for(&column(&stage_key))
            .await?
            .attr("aria-label")
            .await?;
        assert_eq!(
            title.as_deref(),
            Some(stage_name),
            "the column after restart"
        );

        // The demo reconnects and finishes its import (a minute or two at Mercado Libre's
        // request budget); every order it reads again still says paid.
        let online = format!("{}[data-tone=\"ok\"]", test_id("syncStatus"));
        app.wait_for(&online).await?;
        app.wait_for(&card_in(&stage_key, &lead_id)).await?;
        assert!(app
            .driver
            .find_all(By::Css(card_in("system:paid", &lead_id)))
            .await?
            .is_empty());
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unpaid_lead_is_refused_by_a_custom_stage_with_the_reason_in_spanish(
) -> WebDriverResult<()> {
    let app = App::launch("stages-refused-es-dark", &["--demo"]).await?;
    app.run(async {
        let unpaid_card = format!(
            "{} {}",
            column("system:payment_required"),
            test_id("leadCard")
        );
        app.wait_for(&unpaid_card).await?;

        // Spanish and the dark theme, through Settings.
        app.wait_for(&test_id("navSettings")).await?.click().await?;
        app.wait_for(&test_id("settingsLanguage"))
            .await?
            .inner("option[value=\"es\"]")
            .click()
            .await?;
        let dark = format!("{} input[value=\"dark\"]", test_id("settingsTheme"));
        app.wait_for(&dark).await?.click().await?;
        app.wait_for(&test_id("navBoard")).await?.click().await?;

        let add = app.wait_for(&test_id("stageAdd")).await?;
        add.scroll_into_view().await?;
        add.click().await?;
        let name = app.wait_for(&test_id("stageNameInput")).await?;
        name.send_keys("Facturado").await?;
        name.send_keys(Key::Enter).await?;
        let custom = format!("{}[data-stage^=\"custom:\"]", test_id("boardColumn"));
        let stage_key = app
            .wait_for(&custom)
            .await?
            .attr("data-stage")
            .await?
            .expect("column key");

        // The keyboard way: "m" on a card opens its Move to… menu.
        let card = app.wait_for(&unpaid_card).await?;
        card.scroll_into_view().await?;
        let lead_id = card.attr("data-lead-id").await?.expect("lead id");
        card.send_keys("m").await?;
        let item = format!("{} [data-target=\"{stage_key}\"]", test_id("boardMenu"));
        app.wait_for(&item).await?.click().await?;

        let refused = format!("{}[data-tone=\"error\"]", test_id("boardNotice"));
        let reason = app.wait_for(&refused).await?.text().await?;
        assert!(
            reason.contains("Solo los leads pagados van a tus propias etapas"),
            "the reason shown: {reason:?}"
        );
        app.wait_for(&card_in("system:payment_required", &lead_id))
            .await?;
        assert!(app
            .driver
            .find_all(By::Css(card_in(&stage_key, &lead_id)))
            .await?
            .is_empty());
        Ok(())
    })
    .await
}
