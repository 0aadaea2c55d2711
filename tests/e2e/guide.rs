//! Reasons to communicate in the real app: where a Mercado Envíos 2 sale must start through
//! Mercado Libre's action guide, the seller sends a template (its text shown as Mercado Libre
//! will send it), cannot send free text over 350 characters, sees a used-up reason at 0, and reads
//! Mercado Libre's refusal of a reason used up meanwhile as a sentence.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::chat::{open_by_search, until_connected};
use crate::harness::{test_id, until_within, App};

fn option(id: &str) -> String {
    format!("{}[data-option-id=\"{id}\"]", test_id("actionGuideOption"))
}

/// The harness's wait, for a condition that is a plain yes or no.
async fn until<F, Fut>(secs: u64, what: &str, check: F) -> WebDriverResult<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = WebDriverResult<bool>>,
{
    until_within(Duration::from_secs(secs), what, || async {
        Ok(check().await?.then_some(()))
    })
    .await
}

async fn text_of(app: &App, css: &str) -> WebDriverResult<String> {
    match app.driver.find(By::Css(css)).await {
        Ok(element) => element.text().await,
        Err(_) => Ok(String::new()),
    }
}

/// Opens the sale's lead (by its order number) and waits for its reasons to communicate.
async fn open_guide(app: &App, sale: u64) -> WebDriverResult<()> {
    open_by_search(app, &sale.to_string()).await?;
    app.wait_for(&test_id("actionGuide")).await?;
    Ok(())
}

async fn pick(app: &App, option_id: &str) -> WebDriverResult<()> {
    app.wait_for(&option(option_id)).await?.click().await?;
    Ok(())
}

async fn send_when_enabled(app: &App) -> WebDriverResult<()> {
    let send = app.wait_for(&test_id("actionGuideSend")).await?;
    until(15, "Send never enabled", || async {
        send.is_enabled().await
    })
    .await?;
    send.click().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn reasons_to_communicate_template_limit_and_used_cap() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("guide").await?;
    app.run(async {
        let template_sale = sim.landmark("needs_action_guide").await;
        let flex_sale = sim.landmark("needs_action_guide_flex").await;
        // Used on Mercado Libre's site before the seller opens the sale here.
        sim.set_cap(flex_sale, "SEND_INVOICE_LINK", 0).await;
        until_connected(&app).await?;

        // A template reason: its text reads as Mercado Libre will send it, and it is sent once.
        open_guide(&app, template_sale).await?;
        pick(&app, "REQUEST_BILLING_INFO").await?;
        let preview = app
            .wait_text(&test_id("actionGuideTemplate"), |t| t.contains("factura"))
            .await?;
        assert!(
            preview.starts_with("Para adjuntarte la factura de tu compra")
                && preview.contains("DNI"),
            "template preview: {preview}"
        );
        app.snapshot("guide-template").await?;
        assert!(
            app.driver
                .find_all(By::Css(format!("{} textarea", test_id("actionGuide"))))
                .await?
                .is_empty(),
            "a template's text is not editable"
        );
        send_when_enabled(&app).await?;
        // The draft goes out once the demo's first import lets the engine send (a minute or two).
        until(240, "the template never reached Mercado Libre", || async {
            Ok(!sim.option_posts(template_sale).await.is_empty())
        })
        .await?;
        assert_eq!(sim.option_posts(template_sale).await, [201]);
        until(60, "the sent template never showed in the chat", || async {
            for bubble in app.driver.find_all(By::Css(test_id("chatMessage"))).await? {
                if bubble.text().await?.contains("Para adjuntarte la factura") {
                    return Ok(true);
                }
            }
            Ok(false)
        })
        .await?;
        let waiting = app
            .wait_text(&test_id("actionGuideWaiting"), |t| t.contains("buyer"))
            .await?;
        assert!(
            waiting.contains("Wait for the buyer's reply"),
            "waiting: {waiting}"
        );

        // Free text of 351 characters cannot be sent; the counter says why.
        open_guide(&app, flex_sale).await?;
        pick(&app, "OTHER").await?;
        let words = "Hola, te escribo por tu compra: confirmame la dirección de entrega. ";
        let long: String = words.chars().cycle().take(351).collect();
        app.wait_for(&format!("{} textarea", test_id("actionGuide")))
            .await?
            .send_keys(&long)
            .await?;
        let counter = app
            .wait_text(&test_id("actionGuideCounter"), |t| t.contains("351"))
            .await?;
        assert!(
            counter.contains("351 of 350") && counter.contains("1 character over the limit"),
            "counter: {counter}"
        );
        assert!(
            !app.wait_for(&test_id("actionGuideSend"))
                .await?
                .is_enabled()
                .await?
        );
        assert!(sim.option_posts(flex_sale).await.is_empty());
        app.snapshot("guide-limit").await?;

        // The reason used up elsewhere shows 0 and cannot be picked.
        let used = app
            .wait_text(&format!("{} .cap", option("SEND_INVOICE_LINK")), |t| {
                t.contains("0 left")
            })
            .await?;
        assert!(used.contains("0 left"), "used-up reason: {used}");
        assert!(
            !app.wait_for(&format!("{} input", option("SEND_INVOICE_LINK")))
                .await?
                .is_enabled()
                .await?
        );

        // The delivery promise takes times this app cannot fill in yet: it points to Mercado Libre.
        let promise = app
            .wait_text(&format!("{} .cap", option("DELIVERY_PROMISE")), |t| {
                t.contains("Mercado Libre")
            })
            .await?;
        assert!(
            promise.contains("Send it on Mercado Libre"),
            "delivery promise: {promise}"
        );
        assert!(
            !app.wait_for(&format!("{} input", option("DELIVERY_PROMISE")))
                .await?
                .is_enabled()
                .await?
        );

        // A reason used up while its post is on the way: Mercado Libre refuses it, the refusal
        // reads as a sentence, and the reason shows 0.
        let option_path = format!("/messages/action_guide/packs/{flex_sale}/option");
        sim.slow_next("POST", &option_path, 6000).await;
        pick(&app, "REQUEST_BILLING_INFO").await?;
        app.wait_for(&test_id("actionGuideTemplate")).await?;
        send_when_enabled(&app).await?;
        let sending = format!("{}[data-state=\"sending\"]", test_id("chatOutbox"));
        until(120, "the reason never went out", || async {
            Ok(!app.driver.find_all(By::Css(&sending)).await?.is_empty())
        })
        .await?;
        sim.set_cap(flex_sale, "REQUEST_BILLING_INFO", 0).await;
        until(60, "Mercado Libre's refusal never showed", || async {
            Ok(text_of(&app, &test_id("actionGuideError"))
                .await?
                .contains("This reason was already used"))
        })
        .await?;
        assert_eq!(sim.option_posts(flex_sale).await, [403]);
        let error = app.wait_for(&test_id("actionGuideError")).await?;
        assert_eq!(
            error.attr("data-code").await?.as_deref(),
            Some("cap_exhausted")
        );
        assert_eq!(
            error.text().await?,
            "This reason was already used. Wait for the buyer's reply."
        );
        let billing = app
            .wait_text(&format!("{} .cap", option("REQUEST_BILLING_INFO")), |t| {
                t.contains("0 left")
            })
            .await?;
        assert!(billing.contains("0 left"), "refused reason: {billing}");
        // Nothing reached the buyer, so another reason with messages left may still start it.
        until(
            15,
            "the refused reason still made the seller wait",
            || async {
                Ok(app
                    .driver
                    .find_all(By::Css(test_id("actionGuideWaiting")))
                    .await?
                    .is_empty())
            },
        )
        .await?;
        assert!(
            app.wait_for(&format!("{} input", option("OTHER")))
                .await?
                .is_enabled()
                .await?,
            "another reason stays available"
        );
        // The window's picture can trail the page by a frame or two.
        tokio::time::sleep(Duration::from_millis(500)).await;
        Ok(())
    })
    .await
}
