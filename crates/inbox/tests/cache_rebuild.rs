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

#[test]
fn after_a_clean_close_the_start_takes_a_quick_look_and_a_crash_brings_the_full_check_back() {
    use inbox::store::recovery::clean_close_marker;
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = InboxPaths::in_dir(dir.path());
    let marker = clean_close_marker(&paths.database);
    let inbox = Inbox::open(paths.clone(), inbox::system_clock()).expect("opens");
    inbox.close_cleanly().expect("closes cleanly");
    drop(inbox);
    assert!(marker.exists(), "a clean close leaves its marker");
    assert_eq!(Inbox::check_cache(&paths), CacheCheck::Healthy);
    assert!(!marker.exists(), "the start takes the marker away");

    // Cut short after a clean close: the quick look finds it (SQLite's own reading of the
    // schema, or the header promising more pages than the file holds).
    let inbox = Inbox::open(paths.clone(), inbox::system_clock()).expect("opens");
    inbox.close_cleanly().expect("closes cleanly");
    drop(inbox);
    let whole = std::fs::read(&paths.database).expect("reads");
    assert!(whole.len() > 8192, "a cache of several pages");
    std::fs::write(&paths.database, &whole[..whole.len() - 4096]).expect("cuts");
    match Inbox::check_cache(&paths) {
        CacheCheck::Damaged { detail } => assert!(!detail.is_empty()),
        other => panic!("a cut file passed the quick look: {other:?}"),
    }

    // Damaged pages without a marker (a crash, a kill): the full check reads them all.
    let mut damaged = whole.clone();
    let half = damaged.len() / 2;
    damaged[half..half + 4096].fill(0x5a);
    std::fs::write(&paths.database, &damaged).expect("writes");
    assert!(!marker.exists());
    assert!(matches!(
        Inbox::check_cache(&paths),
        CacheCheck::Damaged { .. }
    ));
}
