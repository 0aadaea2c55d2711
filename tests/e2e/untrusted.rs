//! A buyer's text is data, never markup: what they type is what the seller reads, and nothing
//! in it runs.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::chat::{open_by_search, sync_now, until_connected};
use crate::harness::{test_id, App};

#[tokio::test(flavor = "multi_thread")]
async fn hostile_buyer_text_shows_literally_and_runs_nothing() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("untrusted-text").await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("paid").await;
        let token = format!("reclamo{conversation}");
        let attack = "<img src=x onerror=alert(1)>";
        let sneaky = "<script>document.title='pwned'</script><b onmouseover=alert(2)>negrita</b>";
        sim.buyer_writes(conversation, &format!("{attack} {token}"))
            .await;
        sim.buyer_writes(conversation, sneaky).await;
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;

        let chat = app
            .wait_text(&test_id("chatPane"), |t| {
                t.contains(&token) && t.contains("negrita")
            })
            .await?;
        assert!(
            chat.contains(attack),
            "the markup is not shown as text: {chat}"
        );
        assert!(
            chat.contains(sneaky),
            "the markup is not shown as text: {chat}"
        );

        // No element came out of the buyer's text, and nothing ran.
        for bubble in app.driver.find_all(By::Css(test_id("chatMessage"))).await? {
            for tag in ["img", "script", "b"] {
                let found = bubble.find_all(By::Css(tag)).await?;
                assert!(found.is_empty(), "a <{tag}> was made from buyer text");
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            app.driver.get_alert_text().await.is_err(),
            "an alert opened"
        );
        assert_eq!(app.driver.title().await?, "Mostrador");
        Ok(())
    })
    .await
}
