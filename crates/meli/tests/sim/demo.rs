//! The demo world the app shows in `--demo` mode, read end to end by the client: every order of
//! both sellers, every conversation's first page, and the landmarks the UI relies on.

use std::collections::BTreeSet;
use std::sync::Arc;

use meli::auth::MemoryTokenStore;
use meli::models::OptionId;
use meli::{MessagesPage, OrderQuery};
use meli_sim::{SimConfig, SELLER_MLA, SELLER_MLB};

use crate::support::*;

#[tokio::test]
async fn the_demo_world_reads_cleanly() {
    let sim = sim_with(SimConfig {
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await;
    let mla = client_with(
        &sim,
        config(&sim),
        Arc::new(MemoryTokenStore::new(Some(issued(&sim, SELLER_MLA)))),
    );
    let mlb_config = meli::ClientConfig {
        site: meli::Site::Brasil,
        ..config(&sim)
    };
    let mlb = mla
        .for_another_account(
            mlb_config,
            Arc::new(MemoryTokenStore::new(Some(issued(&sim, SELLER_MLB)))),
        )
        .expect("second seller");

    for (client, seller) in [(&mla, SELLER_MLA as i64), (&mlb, SELLER_MLB as i64)] {
        let mut query = OrderQuery::seller(seller);
        let mut orders = Vec::new();
        loop {
            let page = client.search_orders(&query).await.expect("orders page");
            let total = page.paging.total.expect("total") as usize;
            orders.extend(page.results);
            if orders.len() >= total {
                break;
            }
            query.offset += query.limit;
        }
        assert!(
            orders.len() >= 50,
            "seller {seller}: {} orders",
            orders.len()
        );
        let statuses: BTreeSet<String> = orders
            .iter()
            .filter_map(|o| o.status.as_ref())
            .map(|s| s.to_string())
            .collect();
        assert!(
            statuses.contains("paid") && statuses.contains("cancelled"),
            "{statuses:?}"
        );
        assert!(orders.iter().all(|o| o
            .status
            .as_ref()
            .is_some_and(|s| !matches!(s, meli::models::OrderStatus::Other(_)))));

        let conversations: BTreeSet<i64> = orders.iter().map(|o| o.conversation_id()).collect();
        for id in conversations {
            let chat = client
                .messages(id, seller, MessagesPage::default())
                .await
                .expect("conversation");
            assert!(chat.conversation_status.is_some(), "conversation {id}");
            for m in &chat.messages {
                assert!(
                    m.from_user_id().is_some() && m.created_at().is_some(),
                    "message {} of {id}",
                    m.id
                );
            }
        }
        client.unread().await.expect("unread");
    }

    let landmark = |name: &str| {
        sim.control()
            .landmark(name)
            .unwrap_or_else(|| panic!("landmark {name}")) as i64
    };
    let guide = mla
        .action_guide(landmark("needs_action_guide"))
        .await
        .expect("guide");
    assert!(guide
        .options
        .iter()
        .any(|o| o.id == OptionId::OtherReason && o.is_usable()));
    let attachments = mla
        .messages(
            landmark("with_attachments"),
            SELLER_MLA as i64,
            MessagesPage::default(),
        )
        .await
        .expect("chat with attachments");
    let file = attachments
        .messages
        .iter()
        .flat_map(|m| &m.message_attachments)
        .next()
        .expect("an attachment");
    let bytes = mla
        .download_attachment(&file.filename)
        .await
        .expect("download");
    assert!(!bytes.is_empty());
    if let Some(size) = file.size {
        assert_eq!(size, bytes.len() as u64, "the listed size matches the file");
    }
}
