//! A simulator of the Mercado Libre API, served over real HTTP on loopback.
//!
//! It is a test double of Mercado Libre, never a shortcut around the client: same paths, query
//! parameters, JSON shapes, status codes and error bodies as the published API.

use std::net::SocketAddr;

use axum::{routing::get, Json, Router};

/// A running simulator. Dropping it stops the server.
pub struct Simulator {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Simulator {
    /// Starts the simulator on `127.0.0.1:port` (0 picks a free port).
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new().route("/sites", get(sites));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            shutdown: Some(tx),
        })
    }

    /// The base URL that stands in for `https://api.mercadolibre.com`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn sites() -> Json<serde_json::Value> {
    Json(serde_json::json!([
        {"default_currency_id": "ARS", "id": "MLA", "name": "Argentina"},
        {"default_currency_id": "BRL", "id": "MLB", "name": "Brasil"},
        {"default_currency_id": "MXN", "id": "MLM", "name": "Mexico"}
    ]))
}
