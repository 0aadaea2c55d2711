//! Settings take effect at once: the language of every view and the dark theme.

use thirtyfour::prelude::*;

use crate::harness::{test_id, App};

#[tokio::test(flavor = "multi_thread")]
async fn spanish_and_dark_theme_apply_at_once() -> WebDriverResult<()> {
    let app = App::launch("settings-dark-es", &["--demo"]).await?;
    app.run(async {
        app.wait_for(&test_id("leadCard")).await?;
        app.wait_for(&test_id("navSettings")).await?.click().await?;
        let language = app.wait_for(&test_id("settingsLanguage")).await?;
        language.inner("option[value=\"es\"]").click().await?;
        let nav = app
            .wait_text(&test_id("navBoard"), |t| t == "Tablero")
            .await?;
        assert_eq!(nav, "Tablero");

        let dark = format!("{} input[value=\"dark\"]", test_id("settingsTheme"));
        app.wait_for(&dark).await?.click().await?;
        let theme = app
            .driver
            .execute(
                "return document.documentElement.dataset.theme ?? null;",
                Vec::new(),
            )
            .await?;
        assert_eq!(theme.json(), &serde_json::json!("dark"));

        // Back on the board, in Spanish and dark (the screenshot shows it).
        app.wait_for(&test_id("navBoard")).await?.click().await?;
        let paid = format!("{}[data-stage=\"system:paid\"]", test_id("boardColumn"));
        let title = app.wait_text(&paid, |t| t.contains("Pagado")).await?;
        assert!(title.contains("Pagado"), "paid column: {title}");
        Ok(())
    })
    .await
}

/// Money as pt-BR writes it: thousands with dots, cents after a comma ("ARS 91.980,00").
fn is_pt_money(text: &str) -> bool {
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    match digits.rsplit_once(',') {
        Some((whole, cents)) => {
            cents.len() == 2
                && !whole.contains(',')
                && whole.split('.').skip(1).all(|g| g.len() == 3)
        }
        None => false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn portuguese_changes_labels_money_and_dates() -> WebDriverResult<()> {
    let app = App::launch("settings-pt", &["--demo"]).await?;
    app.run(async {
        let paid = format!("{}[data-stage=\"system:paid\"]", test_id("boardColumn"));
        app.wait_for(&format!("{paid} {}", test_id("leadCard")))
            .await?;
        let before = app
            .wait_for(&format!("{paid} {}", test_id("leadTotal")))
            .await?
            .text()
            .await?;
        assert!(
            !is_pt_money(&before),
            "English money already pt-BR: {before}"
        );

        app.wait_for(&test_id("navSettings")).await?.click().await?;
        app.wait_for(&test_id("settingsLanguage"))
            .await?
            .inner("option[value=\"pt-BR\"]")
            .click()
            .await?;
        let nav = app
            .wait_text(&test_id("navBoard"), |t| t == "Quadro")
            .await?;
        assert_eq!(nav, "Quadro");
        app.wait_for(&test_id("navBoard")).await?.click().await?;

        let title = app
            .wait_text(&paid, |t| t.contains("PAGO") || t.contains("Pago"))
            .await?;
        assert!(
            title.to_lowercase().contains("pago"),
            "paid column: {title}"
        );
        let total = app
            .wait_text(&format!("{paid} {}", test_id("leadTotal")), is_pt_money)
            .await?;
        assert!(is_pt_money(&total), "money in pt-BR: {total}");

        // The lead's dates in Portuguese.
        app.wait_for(&format!("{paid} {}", test_id("leadCard")))
            .await?
            .click()
            .await?;
        // "23 de nov. de 2026": the medium date style of pt-BR.
        const MONTHS: [&str; 12] = [
            "de jan", "de fev", "de mar", "de abr", "de mai", "de jun", "de jul", "de ago",
            "de set", "de out", "de nov", "de dez",
        ];
        let details = app
            .wait_text(&test_id("leadDetails"), |t| {
                MONTHS.iter().any(|m| t.contains(m))
            })
            .await?;
        assert!(
            MONTHS.iter().any(|m| details.contains(m)),
            "no date in Portuguese: {details}"
        );
        Ok(())
    })
    .await
}
