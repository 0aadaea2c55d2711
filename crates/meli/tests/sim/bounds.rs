//! Answers bigger than any answer of their kind: refused with a clear error, never held in
//! memory, whether the size is announced or not.

use std::sync::Arc;

use meli::auth::MemoryTokenStore;
use meli::MeliError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

/// A server whose every answer is 200 with `head` and then `chunk` repeated until the client
/// hangs up (or `times` chunks).
async fn serving(head: &'static str, chunk: &'static [u8], times: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = stream.read(&mut buf).await;
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..times {
                    if stream.write_all(chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    base
}

async fn me_from(base: String) -> MeliError {
    let sim = sim().await;
    let store = Arc::new(MemoryTokenStore::new(Some(issued(
        &sim,
        meli_sim::SELLER_MLA,
    ))));
    let config = config(&sim).with_bases(base, sim.auth_base_url());
    client_with(&sim, config, store)
        .me()
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn an_announced_body_over_the_limit_is_refused_unread() {
    let base = serving(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900000000\r\n\r\n",
        b"{",
        1,
    )
    .await;
    let err = me_from(base).await;
    assert!(matches!(err, MeliError::BodyTooLarge { .. }), "{err:?}");
    assert_eq!(err.code(), "body_too_large");
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_at_the_limit() {
    // One HTTP chunk of 64 KiB of spaces (valid JSON whitespace), sent for ever.
    let mut chunk = b"10000\r\n".to_vec();
    chunk.extend(std::iter::repeat_n(b' ', 0x10000));
    chunk.extend_from_slice(b"\r\n");
    let base = serving(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        Box::leak(chunk.into_boxed_slice()),
        100_000,
    )
    .await;
    let err = me_from(base).await;
    assert!(matches!(err, MeliError::BodyTooLarge { .. }), "{err:?}");
}
