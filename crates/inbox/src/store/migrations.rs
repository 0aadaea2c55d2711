//! The schema, as an append-only list of migrations. Never edit a released step; add one.
//!
//! Times are Unix milliseconds (UTC). Every Mercado Libre object keeps its raw JSON beside
//! the columns read from it, so a later version can re-derive without re-downloading; a
//! message's raw JSON is stored without its `text`, which lives once, in its column (the FTS
//! index reads it from there).

use rusqlite_migration::{Migrations, M};

const V1: &str = r#"
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    site_id TEXT NOT NULL,
    nickname TEXT,
    state TEXT NOT NULL CHECK (state IN ('connected', 'disabled')),
    connected_at INTEGER NOT NULL,
    disabled_at INTEGER,
    raw_json TEXT,
    UNIQUE (user_id, site_id)
) STRICT;

-- System stages have fixed ids 1..5 (see store::stages); custom stages follow.
CREATE TABLE stages (
    id INTEGER PRIMARY KEY,
    system_key TEXT UNIQUE,
    name TEXT,
    position INTEGER NOT NULL,
    CHECK ((system_key IS NULL) <> (name IS NULL))
) STRICT;
INSERT INTO stages (id, system_key, position) VALUES
    (1, 'payment_required', 0), (2, 'payment_in_process', 1), (3, 'paid', 2),
    (4, 'canceled', 3), (5, 'invalid', 4);

CREATE TABLE buyers (
    buyer_id INTEGER PRIMARY KEY,
    nickname TEXT,
    first_name TEXT,
    last_name TEXT,
    fetched_at INTEGER NOT NULL,
    raw_json TEXT
) STRICT;

CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    -- the pack id, or the lone order's id: the id in /messages/packs/{id}
    conversation_id INTEGER NOT NULL,
    is_pack INTEGER NOT NULL,
    buyer_id INTEGER NOT NULL DEFAULT 0,
    buyer_nickname TEXT,
    buyer_name TEXT,
    -- what Mercado Libre says; stage_id is the column shown (a custom stage only while paid)
    system_stage TEXT NOT NULL,
    stage_id INTEGER NOT NULL REFERENCES stages (id),
    tags TEXT NOT NULL DEFAULT '[]',
    total_cents INTEGER,
    currency TEXT,
    card_json TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER,
    orders_updated_at INTEGER,
    -- the column's sort key: the latest of the orders' update and the last message
    activity_at INTEGER NOT NULL,
    last_message_at INTEGER,
    last_message_excerpt TEXT,
    last_from_buyer INTEGER NOT NULL DEFAULT 0,
    unread_count INTEGER NOT NULL DEFAULT 0,
    read_upto_seq INTEGER NOT NULL DEFAULT 0,
    first_buyer_at INTEGER,
    first_reply_at INTEGER,
    conversation_status TEXT,
    conversation_substatus TEXT,
    action_guide_json TEXT,
    archived_at INTEGER,
    -- leads_fts's rowid: the sale's time (ms * 1024 + a tie breaker), so lead hits come
    -- newest first straight from the FTS index
    search_key INTEGER UNIQUE,
    UNIQUE (account_id, conversation_id)
) STRICT;
CREATE INDEX leads_by_column ON leads (stage_id, activity_at DESC, id DESC)
    WHERE archived_at IS NULL;
CREATE INDEX leads_by_account_column ON leads (account_id, stage_id, activity_at DESC, id DESC)
    WHERE archived_at IS NULL;
-- covering indexes for the columns' counts
CREATE INDEX leads_stage_counts ON leads (archived_at, stage_id);
CREATE INDEX leads_account_stage_counts ON leads (account_id, archived_at, stage_id);

-- Buyer names and nickname, order and pack numbers, item titles. rowid = leads.search_key.
CREATE VIRTUAL TABLE leads_fts USING fts5 (
    numbers, buyer, items,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE orders (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    order_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    status TEXT NOT NULL,
    last_updated INTEGER,
    raw_json TEXT NOT NULL,
    PRIMARY KEY (account_id, order_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX orders_by_lead ON orders (lead_id);

-- seq orders messages by time (created ms * 1024 + a tie breaker), so "newest first" is a
-- rowid order for the FTS index too.
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    meli_id TEXT NOT NULL,
    from_buyer INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    status TEXT NOT NULL,
    moderation_status TEXT,
    moderation_reason TEXT,
    text TEXT NOT NULL,
    raw_json TEXT NOT NULL,
    UNIQUE (account_id, meli_id)
) STRICT;
CREATE INDEX messages_by_lead ON messages (lead_id, seq);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;

-- Metadata only. The file, once downloaded, is in the app's cache dir under local_name,
-- a name we generate; never a name from the API.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_seq INTEGER NOT NULL REFERENCES messages (seq) ON DELETE CASCADE,
    meli_filename TEXT NOT NULL,
    original_name TEXT,
    mime TEXT,
    size INTEGER,
    local_name TEXT,
    UNIQUE (message_seq, meli_filename)
) STRICT;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    text TEXT NOT NULL,
    files_json TEXT NOT NULL DEFAULT '[]',
    guide_json TEXT,
    state TEXT NOT NULL
        CHECK (state IN ('pending', 'uploading', 'sending', 'sent', 'failed', 'ambiguous')),
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    uploaded_json TEXT NOT NULL DEFAULT '[]',
    meli_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_by_lead ON outbox (lead_id, id);
CREATE INDEX outbox_by_state ON outbox (state, id);

CREATE TABLE sync_cursors (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;
"#;

// The board's "Waiting for you" and "Unread only" filters walk these instead of a whole
// column: they hold only the leads that pass. The account and both flags sit beside the sort
// key so combined filters are checked, and columns counted, without reading the lead's row
// (SQLite counts a column of the index's own condition as one it must read).
const V2: &str = r#"
CREATE INDEX leads_waiting ON leads
    (stage_id, activity_at DESC, id DESC, account_id, unread_count, last_from_buyer, archived_at)
    WHERE archived_at IS NULL AND last_from_buyer = 1;
CREATE INDEX leads_unread ON leads
    (stage_id, activity_at DESC, id DESC, account_id, last_from_buyer, unread_count, archived_at)
    WHERE archived_at IS NULL AND unread_count > 0;
-- Tags and text filters are checked on this index's entries: a lead's row is read only when
-- it passes, and the counts per column never read rows.
CREATE INDEX leads_filtered ON leads
    (stage_id, activity_at DESC, id DESC, account_id, tags, search_key, archived_at)
    WHERE archived_at IS NULL;
"#;

// What a rebuilt cache keeps of the damaged one until the re-import brings each lead back
// (store::recovery): keyed by what identifies a conversation on Mercado Libre, since the new
// cache's account and lead ids differ.
const V3: &str = r#"
CREATE TABLE restored_placements (
    user_id INTEGER NOT NULL,
    site_id TEXT NOT NULL,
    conversation_id INTEGER NOT NULL,
    stage TEXT NOT NULL,
    PRIMARY KEY (user_id, site_id, conversation_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE restored_drafts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    site_id TEXT NOT NULL,
    conversation_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    files_json TEXT NOT NULL,
    guide_json TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX restored_drafts_by_conversation ON restored_drafts (user_id, site_id, conversation_id);
"#;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(V1).foreign_key_check(), M::up(V2), M::up(V3)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().expect("migrations validate");
    }

    #[test]
    fn migrating_twice_is_harmless() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("twice.sqlite");
        for _ in 0..2 {
            let mut conn = rusqlite::Connection::open(&path).expect("open");
            migrations().to_latest(&mut conn).expect("migrates");
        }
        let conn = rusqlite::Connection::open(&path).expect("open");
        let stages: i64 = conn
            .query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))
            .expect("count");
        assert_eq!(stages, 5);
    }
}
