//! Search reaches back through the whole cached history and opens the chat at the match.

use thirtyfour::prelude::*;

use crate::chat::{open_by_search, sync_now, until_connected};
use crate::harness::{test_id, App};

/// More than a page of the chat (50 messages), so the match is not among those a lead opens with.
const LATER_MESSAGES: usize = 70;

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_an_old_message_and_opens_the_chat_at_it() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("search-old").await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("paid").await;
        let token = format!("garantia{conversation}");
        sim.buyer_writes(conversation, &format!("¿La {token} cubre golpes?"))
            .await;
        for i in 1..=LATER_MESSAGES {
            sim.buyer_writes(conversation, &format!("Otra consulta, la número {i}."))
                .await;
        }
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;

        // The chat opens at the old message, marked, and scrolled into view.
        let marked = format!("{}[data-highlighted=\"true\"]", test_id("chatMessage"));
        let text = app.wait_text(&marked, |t| t.contains(&token)).await?;
        assert!(text.contains(&token), "marked message: {text}");
        let bubble = app.wait_for(&marked).await?;
        let visible = app
            .driver
            .execute(
                "const b = arguments[0].getBoundingClientRect();
                 const s = arguments[0].closest('[role=log]').getBoundingClientRect();
                 return b.top >= s.top && b.bottom <= s.bottom;",
                vec![bubble.element().await?.to_json()?],
            )
            .await?;
        assert_eq!(
            visible.json(),
            &serde_json::json!(true),
            "the match is out of view"
        );
        // The messages after it are there too, below.
        let chat = app.wait_for(&test_id("chatPane")).await?.text().await?;
        assert!(
            chat.contains(&format!("la número {LATER_MESSAGES}.")),
            "{chat}"
        );
        Ok(())
    })
    .await
}
