//! Connecting a seller of a running simulator (the app's `--demo` mode), through the same
//! OAuth flow as a real account: the simulator's authorization page approves by itself, and
//! this module plays the browser and the HTTPS relay page that forwards the code to the
//! loopback listener. Only ever talks to 127.0.0.1.

use meli::auth::port_from_state;
use reqwest::header::LOCATION;
use url::Url;

/// Follows the authorization URL to the simulator's redirect and hands its `code` and `state`
/// to the loopback listener, as the relay page would.
pub async fn relay_simulator_authorization(authorization_url: &str) -> Result<(), String> {
    let url = Url::parse(authorization_url).map_err(|e| e.to_string())?;
    if url.host_str() != Some("127.0.0.1") {
        return Err(format!("not a local simulator: {authorization_url}"));
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let answer = http.get(url).send().await.map_err(|e| e.to_string())?;
    let location = answer
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .ok_or("the authorization page did not redirect (is auto-approve on?)")?;
    let redirect = Url::parse(location).map_err(|e| e.to_string())?;
    let param = |name: &str| {
        redirect
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (code, state) = param("code")
        .zip(param("state"))
        .ok_or("the redirect carries no code")?;
    let port = port_from_state(&state).ok_or("the state carries no port")?;
    http.get(format!("http://127.0.0.1:{port}/callback"))
        .query(&[("code", code), ("state", state)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
