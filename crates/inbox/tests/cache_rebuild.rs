//! The rebuild a seller chooses on a cache that cannot be used: the old file is kept aside,
//! named for why, and the new cache opens healthy.

use inbox::store::recovery::CacheCheck;
use inbox::{Inbox, InboxPaths};

#[test]
fn a_newer_cache_is_kept_aside_and_a_fresh_one_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = InboxPaths::in_dir(dir.path());
    drop(Inbox::open(paths.clone(), inbox::system_clock()).expect("opens"));
    let conn = rusqlite::Connection::open(&paths.database).expect("opens");
    conn.pragma_update(None, "user_version", 999).expect("sets");
    drop(conn);
    assert!(matches!(
        Inbox::check_cache(&paths),
        CacheCheck::Newer { found: 999, .. }
    ));

    let (rebuilt, aside) = Inbox::rebuild(paths.clone(), inbox::system_clock()).expect("rebuilds");
    assert_eq!(aside.extension().and_then(|e| e.to_str()), Some("newer"));
    assert!(aside.exists(), "the newer cache is kept");
    assert_eq!(Inbox::check_cache(&paths), CacheCheck::Healthy);
    drop(rebuilt);
}

#[test]
fn a_damaged_cache_is_kept_aside_and_a_fresh_one_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = InboxPaths::in_dir(dir.path());
    std::fs::write(&paths.database, vec![0x5a; 32 * 1024]).expect("writes");
    assert!(matches!(
        Inbox::check_cache(&paths),
        CacheCheck::Damaged { .. }
    ));
    let (_rebuilt, aside) = Inbox::rebuild(paths.clone(), inbox::system_clock()).expect("rebuilds");
    assert_eq!(aside.extension().and_then(|e| e.to_str()), Some("corrupt"));
    assert_eq!(std::fs::read(&aside).expect("kept"), vec![0x5a; 32 * 1024]);
    assert_eq!(Inbox::check_cache(&paths), CacheCheck::Healthy);
}
