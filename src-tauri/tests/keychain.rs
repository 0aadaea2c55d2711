//! The app's own secret store against a real keychain (Secret Service on Linux), not the
//! keyring crate's mock. Not part of a plain `cargo test` (`test = false` in Cargo.toml): each
//! test needs its environment, which `cargo xtask test` provides —
//! `real_secret_service_*` inside `dbus-run-session` with `gnome-keyring-daemon` unlocked,
//! `no_secret_service_*` with a session bus address where nothing listens.

#[path = "../src/secrets.rs"]
#[allow(dead_code)]
mod secrets;

use meli::auth::StoredTokens;
use secrets::Secrets;

fn tokens(access: &str) -> StoredTokens {
    serde_json::from_value(serde_json::json!({
        "access_token": access,
        "refresh_token": "TG-refresh-keychain",
        "expires_at": "2026-11-23T13:00:00Z",
        "user_id": 1234567,
        "scope": "offline_access read write"
    }))
    .expect("tokens")
}

/// A key no earlier run left behind.
fn unique(name: &str) -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("test:{name}:{n:016x}")
}

#[test]
fn real_secret_service_keeps_secrets_and_tokens() {
    let secrets = Secrets::open();
    assert!(
        secrets.persistent(),
        "no Secret Service answered: run inside dbus-run-session with gnome-keyring-daemon \
         unlocked (cargo xtask test does)"
    );

    // get, set, replace, delete
    let key = unique("app");
    assert_eq!(secrets.get(&key).expect("get"), None);
    secrets.set(&key, "s3cr3t").expect("set");
    assert_eq!(secrets.get(&key).expect("get").as_deref(), Some("s3cr3t"));
    secrets.set(&key, "s3cr3t-2").expect("replace");
    assert_eq!(secrets.get(&key).expect("get").as_deref(), Some("s3cr3t-2"));
    secrets.delete(&key).expect("delete");
    assert_eq!(secrets.get(&key).expect("get"), None);
    secrets.delete(&key).expect("deleting twice is fine");

    // The token store refresh uses: the pair round-trips, one account does not see another's,
    // and a second handle (the next run) reads what the first saved.
    let (a, b) = (unique("MLA"), unique("MLB"));
    let store = secrets.token_store(&a);
    store.save(&tokens("APP_USR-a")).expect("save");
    assert_eq!(store.load().expect("load"), Some(tokens("APP_USR-a")));
    assert_eq!(secrets.token_store(&b).load().expect("load"), None);
    let reopened = Secrets::open().token_store(&a);
    assert_eq!(reopened.load().expect("load"), Some(tokens("APP_USR-a")));
    store
        .save(&tokens("APP_USR-a2"))
        .expect("save the refreshed pair");
    assert_eq!(reopened.load().expect("load"), Some(tokens("APP_USR-a2")));
    store.clear().expect("clear");
    assert_eq!(reopened.load().expect("load"), None);
}

#[test]
fn no_secret_service_keeps_secrets_for_this_run_only() {
    let secrets = Secrets::open();
    assert!(
        !secrets.persistent(),
        "a keychain answered; this test runs with no Secret Service (cargo xtask test sets \
         DBUS_SESSION_BUS_ADDRESS to a bus where nothing listens)"
    );
    let key = unique("app");
    secrets.set(&key, "s3cr3t").expect("set in memory");
    assert_eq!(secrets.get(&key).expect("get").as_deref(), Some("s3cr3t"));
    assert_eq!(
        Secrets::open().get(&key).expect("get"),
        None,
        "not past this run"
    );
}
