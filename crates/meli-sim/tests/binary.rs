//! `meli-sim --scenario demo --port N` prints what a developer needs and serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_prints_urls_and_credentials_then_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meli-sim"))
        .args(["--scenario", "demo", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("meli-sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = std::collections::HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some((k, v)) = line.split_once('=') {
            printed.insert(k.to_owned(), v.to_owned());
        }
        if line.starts_with("control=") {
            break;
        }
    }
    assert_eq!(printed["client_id"], meli_sim::CLIENT_ID.to_string());
    assert_eq!(printed["client_secret"], meli_sim::CLIENT_SECRET);
    assert_eq!(printed["redirect_uri"], meli_sim::REDIRECT_URI);
    assert!(printed["auth_url"].ends_with("/authorization"));
    let base = printed["base_url"].clone();
    assert!(base.starts_with("http://127.0.0.1:"));
    let sites = reqwest::get(format!("{base}/sites")).await.expect("served");
    assert_eq!(sites.status(), 200);
    child.kill().expect("stop our child");
    let _ = child.wait();
}

#[test]
fn unknown_arguments_are_refused() {
    let status = Command::new(env!("CARGO_BIN_EXE_meli-sim"))
        .arg("--frobnicate")
        .stderr(Stdio::null())
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(2));
}
