//! The board's filter bar: the demo's board narrowed to the leads waiting for the seller.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{test_id, App};

/// Leads on the board per the columns' counts.
async fn counted(app: &App) -> WebDriverResult<usize> {
    let mut total = 0;
    for count in app.driver.find_all(By::Css(test_id("columnCount"))).await? {
        let text = count.text().await?;
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        total += digits.parse::<usize>().unwrap_or(0);
    }
    Ok(total)
}

/// Each card shown and whether it carries the "Waiting for you" badge. `None` when the board
/// changed under the reading (the demo's import is still adding leads): read again.
async fn cards_waiting(app: &App) -> Option<Vec<(String, bool)>> {
    let cards = app
        .driver
        .find_all(By::Css(test_id("leadCard")))
        .await
        .ok()?;
    let mut seen = Vec::new();
    for card in cards {
        let id = card.attr("data-lead-id").await.ok()??;
        let badges = card.find_all(By::Css(test_id("leadWaiting"))).await.ok()?;
        seen.push((id, !badges.is_empty()));
    }
    Some(seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_for_you_leaves_only_leads_the_buyer_wrote_last() -> WebDriverResult<()> {
    let app = App::launch("filters-waiting", &["--demo"]).await?;
    app.run(async {
        // Some buyer waits for an answer, and some lead does not: the filter has work to do.
        app.wait_for(&test_id("leadWaiting")).await?;
        app.until("a lead that does not wait", || async {
            let cards = cards_waiting(&app).await.unwrap_or_default();
            Ok(cards.iter().any(|(_, waiting)| !waiting).then_some(()))
        })
        .await?;

        let toggle = app.wait_for(&test_id("filterWaiting")).await?;
        toggle.click().await?;
        assert_eq!(
            toggle.attr("aria-pressed").await?.as_deref(),
            Some("true"),
            "the toggle shows it is on"
        );
        // The bar says how many leads match once the filtered board is in.
        app.wait_for(&test_id("filterClear")).await?;
        let bar = app
            .wait_text(&test_id("filterBar"), |t| t.contains("match"))
            .await?;
        assert!(bar.contains("match"), "the bar counts the matches: {bar:?}");

        let cards = app
            .until("only cards with the waiting badge", || async {
                let cards = cards_waiting(&app).await.unwrap_or_default();
                Ok(
                    (!cards.is_empty() && cards.iter().all(|(_, waiting)| *waiting))
                        .then_some(cards),
                )
            })
            .await?;
        // Columns window their cards: the counts cover at least the cards shown.
        let counted = counted(&app).await?;
        assert!(
            counted >= cards.len(),
            "columns count {counted} leads, {} shown",
            cards.len()
        );

        // The keyboard takes the filter off again.
        toggle.focus().await?;
        toggle.send_keys(Key::Space).await?;
        app.until("the filter off again", || async {
            let cards = cards_waiting(&app).await.unwrap_or_default();
            Ok(cards.iter().any(|(_, waiting)| !waiting).then_some(()))
        })
        .await?;
        assert!(app
            .driver
            .find_all(By::Css(test_id("filterClear")))
            .await?
            .is_empty());

        // Back on, for the screenshot: the bar and a board of waiting leads.
        toggle.click().await?;
        app.wait_for(&test_id("filterClear")).await?;
        // The window paints the new columns a moment after the DOM has them.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_filter_nothing_matches_says_so_and_clears_from_there() -> WebDriverResult<()> {
    let app = App::launch("filters-empty-dark", &["--demo"]).await?;
    app.run(async {
        app.wait_for(&test_id("leadCard")).await?;
        // The dark theme, for the screenshot of the empty board.
        app.driver
            .execute("document.documentElement.dataset.theme = 'dark';", vec![])
            .await?;
        let nothing = "qqqzzzxxx";
        let text = app.wait_for(&test_id("filterText")).await?;
        text.send_keys(nothing).await?;
        let empty = app.wait_for(&test_id("filterEmpty")).await?;
        assert!(
            empty.text().await?.contains("No leads match"),
            "the board says nothing matches"
        );
        assert!(app
            .driver
            .find_all(By::Css(test_id("leadCard")))
            .await?
            .is_empty());

        empty.inner("button").click().await?;
        app.wait_for(&test_id("leadCard")).await?;
        assert_eq!(
            text.value().await?.as_deref(),
            Some(""),
            "the box is emptied"
        );
        assert!(app
            .driver
            .find_all(By::Css(test_id("filterClear")))
            .await?
            .is_empty());

        // Again, from the keyboard, and left so for the screenshot.
        text.send_keys(nothing).await?;
        text.send_keys(Key::Enter).await?;
        app.wait_for(&test_id("filterEmpty")).await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        Ok(())
    })
    .await
}
