//! The schema, as an append-only list of migrations. Never edit a released step; add one.
//!
//! Times are Unix milliseconds (UTC). Every Mercado Libre object keeps its raw JSON beside
//! the columns read from it, so a later version can re-derive without re-downloading; a
//! message's raw JSON is stored without its `text`, which lives once, in its column (the FTS
//! index reads it from there), and compressed (`raw_packed`, see `store::raw`, since V8).

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

// One conversation Mercado Libre keeps refusing (a 5xx for ever, a body that no longer
// parses) must not stop the account: it gets its own failure record and backoff, and the sync
// goes on with the others. `lead_id` serves the board's mark and the lead pane's message.
const V3: &str = r#"
CREATE TABLE chat_failures (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    conversation_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    status INTEGER,
    detail TEXT NOT NULL,
    failures INTEGER NOT NULL,
    first_failed_at INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    next_try_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, conversation_id)
) STRICT;
CREATE INDEX chat_failures_by_lead ON chat_failures (lead_id);
"#;

// The seller's toolkit: saved answers (quick replies, for every account or one, in Spanish or
// Portuguese, in the seller's order), with a first set the app ships; and the draft a seller
// writes while the buyer has yet to answer ("armed"), kept on its lead until it is sent; and
// the index behind the board's Archived filter.
const V4: &str = r#"
CREATE TABLE quick_replies (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (language IN ('es', 'pt')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX quick_replies_in_order ON quick_replies (position, id);
INSERT INTO quick_replies (language, title, body, position, created_at, updated_at) VALUES
    ('es', 'Gracias por tu compra',
     '¡Hola {buyer_first_name}! Gracias por tu compra de {item_title}. Ya estamos preparando tu pedido #{order_number}. Cualquier duda, escribinos por acá. Saludos, {seller_nickname}',
     0, 0, 0),
    ('es', 'Tiempo de envío',
     'Hola {buyer_first_name}, despachamos tu pedido dentro de las 24 horas hábiles. Vas a poder seguir el envío desde Mis compras en Mercado Libre.',
     1, 0, 0),
    ('es', 'Factura',
     'Hola {buyer_first_name}, la factura de tu compra #{order_number} por {total} ya está disponible en el detalle de la compra en Mercado Libre.',
     2, 0, 0),
    ('es', 'Pedido despachado',
     '¡Hola {buyer_first_name}! Tu pedido ya salió. Número de seguimiento: {tracking_number}. ¡Que lo disfrutes!',
     3, 0, 0),
    ('pt', 'Obrigado pela compra',
     'Olá, {buyer_first_name}! Obrigado pela compra de {item_title}. Já estamos preparando seu pedido #{order_number}. Qualquer dúvida, fale com a gente por aqui. Abraços, {seller_nickname}',
     4, 0, 0),
    ('pt', 'Prazo de envio',
     'Olá, {buyer_first_name}, enviamos seu pedido em até 24 horas úteis. Você pode acompanhar a entrega em Minhas compras no Mercado Livre.',
     5, 0, 0),
    ('pt', 'Nota fiscal',
     'Olá, {buyer_first_name}, a nota fiscal da sua compra #{order_number} no valor de {total} já está disponível no detalhe da compra no Mercado Livre.',
     6, 0, 0),
    ('pt', 'Pedido enviado',
     'Olá, {buyer_first_name}! Seu pedido já foi enviado. Código de rastreio: {tracking_number}. Aproveite!',
     7, 0, 0);

-- The board's Archived filter walks this one: archived leads are in no other column index.
CREATE INDEX leads_archived ON leads (stage_id, activity_at DESC, id DESC)
    WHERE archived_at IS NOT NULL;

ALTER TABLE leads ADD COLUMN armed_draft TEXT;
ALTER TABLE leads ADD COLUMN armed_at INTEGER;
"#;

// Pre-sale questions beside leads (DESIGN.md, "Conversations that are not about an order"):
// their own table, the listings they were asked on, an FTS index searched with the chats',
// and the answers waiting to go. A question's id is Mercado Libre's, which grows with time,
// so hits come newest first straight from the index as messages' do.
const V5: &str = r#"
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    item_id TEXT NOT NULL,
    buyer_id INTEGER NOT NULL DEFAULT 0,
    -- Mercado Libre's status as sent (UNANSWERED, ANSWERED, BANNED, …; unknown ones kept)
    status TEXT NOT NULL,
    -- kept when Mercado Libre bans the question and sends it empty
    text TEXT NOT NULL,
    asked_at INTEGER NOT NULL,
    hold INTEGER NOT NULL DEFAULT 0,
    deleted_from_listing INTEGER NOT NULL DEFAULT 0,
    answer_text TEXT,
    answer_status TEXT,
    answered_at INTEGER,
    -- the lead of a sale of this listing to this buyer, once there is one
    lead_id INTEGER REFERENCES leads (id),
    -- when the seller opened it in the app
    seen_at INTEGER,
    raw_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX questions_by_status ON questions (account_id, status, asked_at);
CREATE INDEX questions_by_item ON questions (item_id, asked_at);
CREATE INDEX questions_by_buyer ON questions (buyer_id, item_id);
CREATE INDEX questions_by_lead ON questions (lead_id) WHERE lead_id IS NOT NULL;

CREATE VIRTUAL TABLE questions_fts USING fts5 (
    text, answer_text,
    content = 'questions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER questions_fts_insert AFTER INSERT ON questions BEGIN
    INSERT INTO questions_fts (rowid, text, answer_text)
        VALUES (new.id, new.text, COALESCE(new.answer_text, ''));
END;
CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN
    INSERT INTO questions_fts (questions_fts, rowid, text, answer_text)
        VALUES ('delete', old.id, old.text, COALESCE(old.answer_text, ''));
END;
CREATE TRIGGER questions_fts_update AFTER UPDATE OF text, answer_text ON questions BEGIN
    INSERT INTO questions_fts (questions_fts, rowid, text, answer_text)
        VALUES ('delete', old.id, old.text, COALESCE(old.answer_text, ''));
    INSERT INTO questions_fts (rowid, text, answer_text)
        VALUES (new.id, new.text, COALESCE(new.answer_text, ''));
END;

CREATE TABLE listings (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    item_id TEXT NOT NULL,
    title TEXT,
    thumbnail TEXT,
    permalink TEXT,
    status TEXT,
    fetched_at INTEGER NOT NULL,
    raw_json TEXT NOT NULL,
    PRIMARY KEY (account_id, item_id)
) STRICT, WITHOUT ROWID;

-- Answers go through the same steps as messages (validated, stored, posted once, confirmed)
-- in a table of their own: the messages' outbox rows belong to a lead, a question has none.
CREATE TABLE answer_outbox (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    question_id INTEGER NOT NULL REFERENCES questions (id),
    text TEXT NOT NULL,
    state TEXT NOT NULL
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'ambiguous')),
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX answer_outbox_by_state ON answer_outbox (state, id);
CREATE INDEX answer_outbox_by_question ON answer_outbox (question_id, id);
"#;

// What a rebuilt cache keeps of the damaged one until the re-import brings each lead back
// (store::recovery): keyed by what identifies a conversation on Mercado Libre, since the new
// cache's account and lead ids differ.
const V6: &str = r#"
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

// A send whose outcome is unknown is settled only by what the conversation shows, and is never
// posted again by itself (sync/send.rs): `not_confirmed` waits for the seller. `after_meli_id`
// is the newest seller message known when the draft was posted, so only a newer one can prove
// it arrived; `posted_text` the text the post shows (a template's is Mercado Libre's own);
// `posted_at` is Mercado Libre's time of the post (from its `Date` header, never the local
// clock); `unknown_since` and `confirm_reads` pace the reads that look for it. SQLite cannot
// change a CHECK, so the table is rebuilt.
const V7: &str = r#"
CREATE TABLE outbox_v7 (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    text TEXT NOT NULL,
    files_json TEXT NOT NULL DEFAULT '[]',
    guide_json TEXT,
    state TEXT NOT NULL
        CHECK (state IN ('pending', 'uploading', 'sending', 'sent', 'failed', 'ambiguous',
                         'not_confirmed')),
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    uploaded_json TEXT NOT NULL DEFAULT '[]',
    meli_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    after_meli_id TEXT,
    posted_text TEXT,
    posted_at INTEGER,
    unknown_since INTEGER,
    confirm_reads INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO outbox_v7 (id, lead_id, text, files_json, guide_json, state, reason, attempts,
                       uploaded_json, meli_id, created_at, updated_at)
    SELECT id, lead_id, text, files_json, guide_json, state, reason, attempts, uploaded_json,
           meli_id, created_at, updated_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
CREATE INDEX outbox_by_lead ON outbox (lead_id, id);
CREATE INDEX outbox_by_state ON outbox (state, id);
"#;

/// A message's raw JSON compressed (see `store::raw`): a new BLOB column filled from the text
/// one by [`pack_messages`], which then drops the text column. The FTS index reads `text`,
/// which does not change.
const V8: &str = r#"
ALTER TABLE messages ADD COLUMN raw_packed BLOB NOT NULL DEFAULT x'';
"#;

/// V8's step in Rust: packs every message's stored raw JSON, in slices by `seq` so a large
/// cache is not held in memory, then drops the old column (which rewrites the table, packed).
fn pack_messages(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    use rusqlite_migration::HookError;
    let mut after = i64::MIN;
    loop {
        let slice: Vec<(i64, String)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT seq, raw_json FROM messages WHERE seq > ?1 ORDER BY seq LIMIT 2000",
            )?;
            let rows = stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let Some(&(last, _)) = slice.last() else {
            break;
        };
        let mut update = tx.prepare_cached("UPDATE messages SET raw_packed = ?2 WHERE seq = ?1")?;
        for (seq, json) in &slice {
            let packed = super::raw::pack_stored_text(json)
                .map_err(|e| HookError::Hook(format!("message {seq}: {e}")))?;
            update.execute(rusqlite::params![seq, packed])?;
        }
        after = last;
    }
    tx.execute_batch("ALTER TABLE messages DROP COLUMN raw_json;")?;
    Ok(())
}

// Prefix indexes for the message and question search. A prefix query (the last word while
// the seller types it, `fact*`) otherwise makes FTS5 merge the postings of every term it
// matches before it can return the newest hit: ~10 ms for a common word at a million
// messages, against ~0.1 ms read from a prefix index. Search asks for a prefix of 3
// characters or more (store::search, MIN_PREFIX_CHARS); an index serves only prefixes of its
// exact length, so 3 to 6 cover a word being typed up to its sixth letter, for about a fifth
// more index each. FTS5 cannot change a table's options, so both tables are dropped, created
// again and rebuilt from their content tables (the triggers name them and stay valid).
const V9: &str = r#"
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3 4 5 6'
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
DROP TABLE questions_fts;
CREATE VIRTUAL TABLE questions_fts USING fts5 (
    text, answer_text,
    content = 'questions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3 4 5 6'
);
INSERT INTO questions_fts (questions_fts) VALUES ('rebuild');
"#;

// Listings for the board's cards as well as for questions, and their pictures kept offline.
// A row may now be a placeholder (`fetched_at` 0): a listing a lead or a question names that
// was not read yet. The picture is a file in the cache dir under a name we generate
// (`picture_file`), served to the webview by the asset protocol like chat attachments: kept
// out of SQLite so the cache file stays small (its full check after a crash reads every page)
// and the board does not carry image bytes over IPC. `picture_url` is the address
// `picture_file` came from, or was refused from (`picture_refused` says why), so a picture is
// downloaded once per address. `error_code`: the multiget's own code for that id (404, 403).
const V10: &str = r#"
ALTER TABLE listings ADD COLUMN picture_file TEXT;
ALTER TABLE listings ADD COLUMN picture_url TEXT;
ALTER TABLE listings ADD COLUMN picture_refused TEXT;
ALTER TABLE listings ADD COLUMN error_code INTEGER;
ALTER TABLE listings ADD COLUMN wanted_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX listings_by_fetch ON listings (account_id, fetched_at, wanted_at DESC);
INSERT OR IGNORE INTO listings (account_id, item_id, fetched_at, raw_json, wanted_at)
    SELECT account_id, item_id, 0, '{}', MAX(asked_at) FROM questions
    WHERE item_id <> '' GROUP BY account_id, item_id;
"#;

// What orders no longer say (issue 12, §7). Real orders carry only `shipping.id`: each
// shipment's status and substatus are read from `/shipments/{id}` on a schedule
// (`next_check_at`; NULL: never read) and drive the lead's delivered / not delivered tags and
// its card. `claim_ids` keeps the claims a conversation's status named (JSON list), for the
// Claim tag and the claims work.
const V11: &str = r#"
CREATE TABLE shipments (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    shipment_id INTEGER NOT NULL,
    status TEXT,
    substatus TEXT,
    checked_at INTEGER,
    next_check_at INTEGER,
    PRIMARY KEY (account_id, shipment_id)
) STRICT;
ALTER TABLE leads ADD COLUMN claim_ids TEXT;
"#;

/// New messages are indexed for search by the store's own insert (`store::messages`,
/// `INDEX_NEW`) instead of by a trigger: with the trigger, FTS5 flushed its pending terms to
/// disk once per message (SQLite opens a savepoint for every statement that fires a trigger,
/// and FTS5 flushes at each) and the import spent a sixth of its time writing and merging
/// one-message segments. The update and delete triggers stay: they fire rarely.
const V12: &str = r#"
DROP TRIGGER messages_fts_insert;
"#;

/// An order's raw JSON compressed like a message's (see `store::raw`): a new BLOB column filled
/// from the text one by [`pack_orders`], which then drops the text column. The listing ids of
/// the order's items, which questions are linked by, get a column of their own (a JSON array;
/// SQL cannot read into a packed row), filled here by SQLite from the same JSON the link read;
/// so do the shipment's id and the order's tags, which choose the shipments to follow.
const V13: &str = r#"
ALTER TABLE orders ADD COLUMN raw_packed BLOB NOT NULL DEFAULT x'';
ALTER TABLE orders ADD COLUMN item_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE orders ADD COLUMN shipping_id INTEGER;
ALTER TABLE orders ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
UPDATE orders SET item_ids = (SELECT json_group_array(json_extract(e.value, '$.item.id'))
                              FROM json_each(orders.raw_json, '$.order_items') e),
                  shipping_id = CAST(json_extract(raw_json, '$.shipping.id') AS INTEGER),
                  tags = CASE json_type(raw_json, '$.tags') WHEN 'array'
                         THEN json_extract(raw_json, '$.tags') ELSE '[]' END;
"#;

/// V13's step in Rust: packs every order's stored raw JSON in slices by key, then drops the old
/// column (which rewrites the table, packed).
fn pack_orders(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    use rusqlite_migration::HookError;
    let mut after = (i64::MIN, i64::MIN);
    loop {
        let slice: Vec<(i64, i64, String)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT account_id, order_id, raw_json FROM orders
                 WHERE (account_id, order_id) > (?1, ?2) ORDER BY account_id, order_id LIMIT 2000",
            )?;
            let rows = stmt.query_map([after.0, after.1], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let Some(&(account, order, _)) = slice.last() else {
            break;
        };
        let mut update = tx.prepare_cached(
            "UPDATE orders SET raw_packed = ?3 WHERE account_id = ?1 AND order_id = ?2",
        )?;
        for (account_id, order_id, json) in &slice {
            let packed = super::raw::pack_stored_order(json)
                .map_err(|e| HookError::Hook(format!("order {order_id}: {e}")))?;
            update.execute(rusqlite::params![account_id, order_id, packed])?;
        }
        after = (account, order);
    }
    tx.execute_batch("ALTER TABLE orders DROP COLUMN raw_json;")?;
    Ok(())
}

/// The leads whose conversation was never fetched, kept as a flag with a partial index
/// instead of found by checking every lead against `sync_cursors` on every poll (~20,000
/// lookups at 20,000 leads, most of an idle pass). The store sets it with the conversation's
/// cursor (`store::sync_writes::mark_conversation_synced`) and when it creates a lead for a
/// conversation already fetched (`store::leads::find_or_create`); cursors are never deleted.
/// Not triggers: a statement that fires one runs in a savepoint, which flushes the search
/// index's pending terms (see V12).
const V14: &str = r#"
ALTER TABLE leads ADD COLUMN conversation_fetched INTEGER NOT NULL DEFAULT 0;
UPDATE leads SET conversation_fetched = 1 WHERE EXISTS (
    SELECT 1 FROM sync_cursors c
    WHERE c.account_id = leads.account_id AND c.name = 'conv:' || leads.conversation_id);
CREATE INDEX leads_conversation_not_fetched ON leads (account_id, activity_at DESC, id DESC)
    WHERE conversation_fetched = 0;
"#;

/// Partial indexes for the sync's per-pass questions, which read every lead of the account
/// or every message of a chat (about 20 ms a pass at 20,000 leads): the leads whose buyer has
/// no name yet, and the buyer messages not read on Mercado Libre (compared with its unread
/// list each pass). Partial, so the planner takes them only for these questions: a full
/// index on the leads' activity was tried and drew the conversations-to-fetch question (and
/// could draw the board's) away from the indexes made for them.
const V15: &str = r#"
CREATE INDEX leads_nameless ON leads (account_id, buyer_id)
    WHERE buyer_id <> 0 AND buyer_name IS NULL AND buyer_nickname IS NULL;
CREATE INDEX messages_unread_from_buyer ON messages (lead_id)
    WHERE from_buyer = 1 AND read_at IS NULL;
"#;

/// The account's leads by latest activity, for the chats the poll re-reads every few minutes:
/// without it that question sorted every lead of the account (about 40 ms at 20,000 leads).
/// The one question that needs it names it (`INDEXED BY`), as do the board's and the
/// conversations-to-fetch question, so it draws no other plan away from its index.
const V16: &str = r#"
CREATE INDEX leads_recent ON leads (account_id, activity_at DESC, id DESC);
"#;

/// A question's raw JSON compressed like an order's (see `store::raw`): a new BLOB column filled
/// from the text one by [`pack_questions`], which then drops the text column. Nothing reads
/// into a question's JSON with SQL: every column it needs has its own.
const V17: &str = r#"
ALTER TABLE questions ADD COLUMN raw_packed BLOB NOT NULL DEFAULT x'';
"#;

/// V17's step in Rust: packs every question's stored raw JSON in slices by id, then drops the
/// old column (which rewrites the table, packed).
fn pack_questions(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    use rusqlite_migration::HookError;
    let mut after = i64::MIN;
    loop {
        let slice: Vec<(i64, String)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, raw_json FROM questions WHERE id > ?1 ORDER BY id LIMIT 2000",
            )?;
            let rows = stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let Some(&(last, _)) = slice.last() else {
            break;
        };
        let mut update = tx.prepare_cached("UPDATE questions SET raw_packed = ?2 WHERE id = ?1")?;
        for (id, json) in &slice {
            let packed = super::raw::pack_stored_question(json)
                .map_err(|e| HookError::Hook(format!("question {id}: {e}")))?;
            update.execute(rusqlite::params![id, packed])?;
        }
        after = last;
    }
    tx.execute_batch("ALTER TABLE questions DROP COLUMN raw_json;")?;
    Ok(())
}

/// A smaller message cache. The search index keeps no per-message token counts
/// (`columnsize=0`: 17 bytes a message, read only by ranking functions; search orders by time,
/// and `snippet` counts the tokens of the few hits it shows itself), and each message's packed
/// JSON leaves out its id, which its `meli_id` column holds (about 20 bytes a message once
/// packed; [`repack_messages`]). FTS5 cannot change a table's options: the index is created
/// again and rebuilt from the messages, as V9 did.
const V18: &str = r#"
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3 4 5 6',
    columnsize = 0
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
"#;

/// V18's step in Rust: packs every message again without what its columns hold, in slices by
/// `seq` as V8 did. A row that already leaves them out is not written.
fn repack_messages(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    use rusqlite_migration::HookError;
    let mut after = i64::MIN;
    loop {
        let slice: Vec<(i64, String, String, Vec<u8>)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT seq, meli_id, text, raw_packed FROM messages WHERE seq > ?1
                 ORDER BY seq LIMIT 2000",
            )?;
            let rows = stmt.query_map([after], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let Some(&(last, ..)) = slice.last() else {
            break;
        };
        let mut update = tx.prepare_cached("UPDATE messages SET raw_packed = ?2 WHERE seq = ?1")?;
        for (seq, id, text, packed) in &slice {
            let columns = super::raw::MessageColumns { id, text };
            let repacked = super::raw::repack_message(packed, columns)
                .map_err(|e| HookError::Hook(format!("message {seq}: {e}")))?;
            if let Some(repacked) = repacked {
                update.execute(rusqlite::params![seq, repacked])?;
            }
        }
        after = last;
    }
    Ok(())
}

/// The board's counts kept as leads change instead of counted on every board: counting walked
/// every unarchived lead's index entry (20,000 at the bench's size, half of a board's time).
/// `lead_counts` holds the unarchived leads per account and stage, kept by triggers so every
/// writer of `leads` (the sync, stage moves, archiving, recovery, a later migration) keeps it
/// right. A statement that fires a trigger runs in a savepoint, at which FTS5 writes out its
/// pending terms (see V12); only inserts, deletes and updates that name the stage, the account
/// or the archive time fire these, and the sync writes its message batches without any of
/// them. The two indexes that served the count go. A filtered board's counts with text start
/// from the leads the text matched: `leads_text_filtered` finds each by its search key with
/// every other filter's column (see `store::board::filter`).
const V19: &str = r#"
CREATE TABLE lead_counts (
    account_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, stage_id)
) STRICT, WITHOUT ROWID;
INSERT INTO lead_counts (account_id, stage_id, n)
    SELECT account_id, stage_id, COUNT(*) FROM leads WHERE archived_at IS NULL
    GROUP BY account_id, stage_id;
CREATE TRIGGER lead_counts_insert AFTER INSERT ON leads WHEN new.archived_at IS NULL BEGIN
    INSERT INTO lead_counts (account_id, stage_id, n) VALUES (new.account_id, new.stage_id, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER lead_counts_delete AFTER DELETE ON leads WHEN old.archived_at IS NULL BEGIN
    UPDATE lead_counts SET n = n - 1
        WHERE account_id = old.account_id AND stage_id = old.stage_id;
END;
CREATE TRIGGER lead_counts_update AFTER UPDATE OF account_id, stage_id, archived_at ON leads
    WHEN old.account_id IS NOT new.account_id OR old.stage_id IS NOT new.stage_id
        OR (old.archived_at IS NULL) <> (new.archived_at IS NULL)
BEGIN
    UPDATE lead_counts SET n = n - 1
        WHERE old.archived_at IS NULL AND account_id = old.account_id AND stage_id = old.stage_id;
    INSERT INTO lead_counts (account_id, stage_id, n)
        SELECT new.account_id, new.stage_id, 1 WHERE new.archived_at IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
DROP INDEX leads_stage_counts;
DROP INDEX leads_account_stage_counts;
CREATE INDEX leads_text_filtered ON leads
    (search_key, stage_id, account_id, tags, unread_count, last_from_buyer, archived_at)
    WHERE archived_at IS NULL;
"#;

/// The header's count of unopened questions read every question's row: 35 ms at 100,000
/// questions, on the window's first call. Only the unread ones are in this index.
const V20: &str = r#"
CREATE INDEX questions_unread ON questions (account_id)
    WHERE status = 'UNANSWERED' AND seen_at IS NULL;
"#;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1).foreign_key_check(),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7).foreign_key_check(),
        M::up_with_hook(V8, pack_messages),
        M::up(V9),
        M::up(V10),
        M::up(V11),
        M::up(V12),
        M::up_with_hook(V13, pack_orders),
        M::up(V14),
        M::up(V15),
        M::up(V16),
        M::up_with_hook(V17, pack_questions),
        M::up_with_hook(V18, repack_messages),
        M::up(V19),
        M::up(V20),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row `sql` returns, its values' debug forms joined: a table to compare before and
    /// after a migration.
    fn dump_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(sql).expect("dump");
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(|v| v.join("|"))
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    }

    /// The rowids an FTS table finds for `term`, in order.
    fn fts_hits(conn: &rusqlite::Connection, table: &str, term: &str) -> Vec<i64> {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid"
            ))
            .expect("search");
        stmt.query_map([term], |r| r.get(0))
            .expect("hits")
            .collect::<rusqlite::Result<_>>()
            .expect("hits")
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().expect("migrations validate");
    }

    #[test]
    fn v7_keeps_every_draft_and_admits_not_confirmed() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("open");
        migrations().to_version(&mut conn, 6).expect("v6");
        conn.execute_batch(
            "INSERT INTO accounts (id, user_id, site_id, state, connected_at)
                 VALUES (1, 7, 'MLA', 'connected', 0);
             INSERT INTO leads (id, account_id, conversation_id, is_pack, system_stage, stage_id,
                                activity_at)
                 VALUES (1, 1, 99, 0, 'paid', 3, 0);
             INSERT INTO outbox (id, lead_id, text, files_json, state, reason, attempts,
                                 uploaded_json, created_at, updated_at)
                 VALUES (5, 1, 'Hola', '[]', 'ambiguous', 'timeout', 1, '[\"a1\"]', 10, 20);",
        )
        .expect("a v6 draft");
        migrations().to_latest(&mut conn).expect("v7");
        let kept: (String, String, String, i64, i64, Option<String>) = conn
            .query_row(
                "SELECT text, state, uploaded_json, attempts, confirm_reads, after_meli_id
                 FROM outbox WHERE id = 5",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .expect("kept");
        assert_eq!(
            kept,
            (
                "Hola".into(),
                "ambiguous".into(),
                r#"["a1"]"#.into(),
                1,
                0,
                None
            )
        );
        conn.execute("UPDATE outbox SET state = 'not_confirmed' WHERE id = 5", [])
            .expect("the new state is admitted");
        assert!(conn
            .execute("UPDATE outbox SET state = 'lost' WHERE id = 5", [])
            .is_err());
    }

    /// A cache written by V7 (raw JSON as text, without `text` unless cleaning changed it) is
    /// packed in place by V8: every message reads back whole, the columns and the full-text
    /// index are untouched, and the sync replaying the same messages writes nothing.
    #[test]
    fn v8_packs_a_v7_cache_in_place() {
        use crate::incoming::IncomingConversation;
        use crate::ipc::MARK_START;
        use crate::store::testing::{api_conversation, api_message, SELLER};
        use crate::store::{messages, search, Store};

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v7.sqlite");
        let marked = format!("con {MARK_START}marca");
        let sent = vec![
            api_message("m3", false, "Sale mañana por correo", 3),
            api_message("m2", true, &marked, 2),
            api_message("m1", true, "Hola, ¿cuándo despachan el pedido?", 1),
        ];
        let page = IncomingConversation::from_api(&api_conversation(sent.clone()), SELLER);
        {
            let mut conn = rusqlite::Connection::open(&path).expect("open");
            migrations().to_version(&mut conn, 7).expect("v7");
            conn.execute_batch(&format!(
                "INSERT INTO accounts (id, user_id, site_id, state, connected_at)
                     VALUES (1, {SELLER}, 'MLA', 'connected', 0);
                 INSERT INTO leads (id, account_id, conversation_id, is_pack, system_stage,
                                    stage_id, activity_at)
                     VALUES (1, 1, 500, 1, 'paid', 3, 0);"
            ))
            .expect("a v7 lead");
            // As V7's `messages::apply_page` wrote them.
            for (n, message) in page.messages.iter().rev().enumerate() {
                let text: String = message.text.chars().filter(|c| *c != MARK_START).collect();
                let mut raw = message.raw.clone();
                if text == message.text {
                    raw.as_object_mut().expect("an object").remove("text");
                }
                conn.execute(
                    "INSERT INTO messages (seq, account_id, lead_id, meli_id, from_buyer,
                         created_at, read_at, status, moderation_status, moderation_reason,
                         text, raw_json)
                     VALUES (?1, 1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    rusqlite::params![
                        message.created_at.timestamp_millis() * 1024 + n as i64,
                        message.meli_id,
                        message.from_buyer,
                        message.created_at.timestamp_millis(),
                        message.read_at.map(|t| t.timestamp_millis()),
                        message.status,
                        message.moderation_status,
                        message.moderation_reason,
                        text,
                        raw.to_string()
                    ],
                )
                .expect("a v7 message");
            }
        }

        let store = Store::open(&path).expect("opens and migrates");
        let dump = |store: &Store| {
            store
                .read(|c| {
                    let mut stmt = c.prepare("SELECT * FROM messages ORDER BY seq")?;
                    let width = stmt.column_count();
                    let rows = stmt.query_map([], |r| {
                        (0..width)
                            .map(|i| r.get::<_, rusqlite::types::Value>(i))
                            .collect::<rusqlite::Result<Vec<_>>>()
                    })?;
                    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
                })
                .expect("dumps")
        };
        let migrated = dump(&store);
        assert_eq!(migrated.len(), 3);
        for message in &sent {
            let id = message["id"].as_str().expect("id");
            let back = store
                .read(|c| messages::raw_json(c, 1, id))
                .expect("reads")
                .expect("kept");
            assert_eq!(&back, message, "{id} reads back whole");
        }
        let texts: Vec<String> = store
            .read(|c| {
                let mut stmt = c.prepare("SELECT text FROM messages ORDER BY seq")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .expect("texts");
        assert_eq!(
            texts,
            [
                "Hola, ¿cuándo despachan el pedido?",
                "con marca",
                "Sale mañana por correo"
            ]
        );
        let found = store
            .read(|c| search::search(c, "despachan", None, None))
            .expect("searches");
        assert_eq!(
            found.messages.len(),
            1,
            "the full-text index still finds it"
        );

        store
            .write(|tx| messages::apply_page(tx, 1, &page))
            .expect("replays");
        assert_eq!(
            dump(&store),
            migrated,
            "a replay after the migration writes nothing"
        );
    }

    /// A cache written by the V8 schema (through the sync's own writes), searched before and
    /// after V9 rebuilds the indexes: every result identical, pages included, and the sync's
    /// writes after it still indexed.
    #[test]
    fn v9_rebuilds_the_search_indexes_with_prefixes_and_finds_the_same() {
        use crate::incoming::IncomingConversation;
        use crate::ipc::SearchResults;
        use crate::store::testing::{api_conversation, api_message, now, SELLER};
        use crate::store::{accounts, leads, messages, search};

        const WORDS: &[&str] = &[
            "factura",
            "facturas",
            "facturación",
            "factible",
            "garantía",
            "garantizado",
            "envío",
            "enviamos",
            "color",
            "colores",
            "información",
            "hoy",
            "mañana",
            "zapatillas",
        ];
        let word = |n: usize, k: usize| WORDS[(n * (k + 3) + k) % WORDS.len()];
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v8.sqlite");
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        migrations().to_version(&mut conn, 8).expect("v8");
        // Today's writes read what later versions add: lend it to the v8 cache while filling
        // it, and take it back before migrating.
        conn.execute_batch(V11).expect("v11's objects");
        {
            let tx = conn.transaction().expect("tx");
            let account = accounts::connect(&tx, SELLER, "MLA", None, now()).expect("account");
            // As V8's writers left them (the store's code of today writes a later schema):
            // a lead and its search row per pack, messages indexed by V8's insert trigger.
            for pack in 0..12_i64 {
                let pack_id = 2_000_000_000 + pack;
                let lead = pack + 1;
                tx.execute(
                    "INSERT INTO leads (id, account_id, conversation_id, is_pack, buyer_id,
                                        system_stage, stage_id, activity_at, search_key)
                         VALUES (?1, ?2, ?3, 1, 1944000001, 'paid', 3, 0, ?1)",
                    rusqlite::params![lead, account, pack_id],
                )
                .expect("a v8 lead");
                tx.execute(
                    "INSERT INTO leads_fts (rowid, numbers, buyer, items) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![
                        lead,
                        format!("{pack_id} {}", pack_id * 10),
                        "María Pérez COMPRADOR_TEST",
                        word(pack as usize, 9)
                    ],
                )
                .expect("a v8 search row");
                for i in 0..40_usize {
                    let n = pack as usize * 40 + i;
                    let text = format!("Hola, {} y {} {} #{n}", word(n, 0), word(n, 1), word(n, 2));
                    let raw = api_message(&format!("m{n}"), i % 2 == 0, &text, n as i64);
                    let created = crate::store::testing::at_minute(n as i64).timestamp_millis();
                    tx.execute(
                        "INSERT INTO messages (seq, account_id, lead_id, meli_id, from_buyer,
                             created_at, status, text, raw_packed)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'available', ?7, ?8)",
                        rusqlite::params![
                            created * 1024,
                            account,
                            lead,
                            format!("m{n}"),
                            i % 2 == 0,
                            created,
                            text,
                            // As V8 to V17 packed it: without its text, with its id.
                            crate::store::raw::pack_message(
                                &raw,
                                crate::store::raw::MessageColumns {
                                    id: "",
                                    text: &text
                                }
                            )
                            .expect("packs")
                        ],
                    )
                    .expect("a v8 message");
                }
            }
            for n in 0..150_usize {
                // As the V8 schema keeps a question: its raw JSON as text.
                let answered = n % 3 != 0;
                let answer = answered.then(|| format!("Sí, {}.", word(n, 5)));
                tx.execute(
                    "INSERT INTO questions (id, account_id, item_id, buyer_id, status, text,
                         asked_at, answer_text, answer_status, raw_json, updated_at)
                     VALUES (?1, ?2, 'MLA1', 1944000001, ?3, ?4, ?5, ?6, ?7, '{}', ?5)",
                    rusqlite::params![
                        30_000_000_000_i64 + n as i64,
                        account,
                        if answered { "ANSWERED" } else { "UNANSWERED" },
                        format!("¿Tienen {} en {}? #{n}", word(n, 3), word(n, 4)),
                        now().timestamp_millis(),
                        answer,
                        answered.then_some("ACTIVE"),
                    ],
                )
                .expect("a v8 question");
            }
            tx.commit().expect("commit");
        }
        let inputs = [
            "fac",
            "fact",
            "factu",
            "factur",
            "factura",
            "facturación",
            "garan",
            "garantia",
            "env",
            "envío",
            "col",
            "color",
            "hola fact",
            "hoy mañ",
            "zapat",
            "nada",
            "#12",
        ];
        // Every page of every search, as the seller would page through them.
        let all = |conn: &rusqlite::Connection| -> Vec<(String, Vec<SearchResults>)> {
            inputs
                .iter()
                .map(|input| {
                    let mut pages = Vec::new();
                    let mut cursor: Option<String> = None;
                    loop {
                        let page =
                            search::search(conn, input, None, cursor.as_deref()).expect("a search");
                        cursor = page.next_cursor.clone();
                        pages.push(page);
                        if cursor.is_none() {
                            break;
                        }
                    }
                    ((*input).to_owned(), pages)
                })
                .collect()
        };
        let before = all(&conn);
        assert!(
            before.iter().any(|(_, p)| p.len() > 1)
                && before
                    .iter()
                    .filter(|(_, p)| !p[0].messages.is_empty())
                    .count()
                    > 10
                && before
                    .iter()
                    .filter(|(_, p)| !p[0].questions.is_empty())
                    .count()
                    > 8,
            "the searches find messages (on several pages) and questions"
        );
        conn.execute_batch("DROP TABLE shipments; ALTER TABLE leads DROP COLUMN claim_ids;")
            .expect("v11's objects go");
        migrations().to_latest(&mut conn).expect("v9");
        let sql: String = conn
            .query_row(
                "SELECT group_concat(sql, ' ') FROM sqlite_master
                 WHERE name IN ('messages_fts', 'questions_fts')",
                [],
                |r| r.get(0),
            )
            .expect("the tables");
        assert_eq!(sql.matches("prefix = '3 4 5 6'").count(), 2, "{sql}");
        let check: rusqlite::Result<()> = conn.execute_batch(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1);
             INSERT INTO questions_fts (questions_fts, rank) VALUES ('integrity-check', 1);",
        );
        check.expect("the rebuilt indexes match their tables");
        assert_eq!(all(&conn), before);

        // The sync's writes feed the new tables.
        let tx = conn.transaction().expect("tx");
        let lead = leads::find(&tx, 1, 2_000_000_000)
            .expect("find")
            .expect("lead");
        let conversation = IncomingConversation::from_api(
            &api_conversation(vec![api_message("late", true, "Quórum nuevo", 9_999)]),
            SELLER,
        );
        messages::apply_page(&tx, lead, &conversation).expect("a new message");
        let found = search::search(&tx, "quor", None, None).expect("a search");
        assert_eq!(
            found
                .messages
                .iter()
                .filter_map(|h| h.message_id.as_deref())
                .collect::<Vec<_>>(),
            ["late"]
        );
    }

    /// A cache written by the V12 schema (orders' raw JSON as text) is packed in place by V13:
    /// every order and lead ends as the sync writes them today into a new cache, each order's
    /// JSON reads back whole, a replay of the page writes nothing, and questions still find
    /// the sale of the listing they asked about.
    #[test]
    fn v13_packs_a_v12_cache_of_orders_in_place() {
        use crate::store::testing::{api_order, now, BUYER, SELLER};
        use crate::store::{accounts, orders, questions, raw};

        let mut page = vec![
            api_order(11, Some(500), "paid", "Mate de calabaza"),
            api_order(12, Some(500), "paid", "Bombilla de alpaca"),
            api_order(13, None, "cancelled", "Yerba"),
            api_order(14, None, "payment_required", "Termo"),
        ];
        // Item ids as numbers, an order without items: kept as they came.
        page[3]["order_items"][0]["item"]["id"] = serde_json::json!(987654);
        page.push(
            serde_json::json!({"id": 15, "status": "paid", "buyer": {"id": BUYER},
                                     "date_created": "2026-04-30T10:00:00.000-04:00"}),
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let write_today = |conn: &mut rusqlite::Connection| {
            let tx = conn.transaction().expect("tx");
            let account = accounts::connect(&tx, SELLER, "MLA", None, now()).expect("account");
            orders::apply_page(&tx, account, &page, now()).expect("orders");
            tx.commit().expect("commit");
        };
        // The same page into a cache of today's schema: what V13 must arrive at.
        let reference = dir.path().join("today.sqlite");
        let mut today = rusqlite::Connection::open(&reference).expect("open");
        migrations().to_latest(&mut today).expect("latest");
        write_today(&mut today);

        let path = dir.path().join("v12.sqlite");
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        migrations().to_version(&mut conn, 12).expect("v12");
        {
            // As V12's `orders::apply_page` left them: leads (V13 does not touch them) and
            // orders with their raw JSON as serde_json's text.
            let tx = conn.transaction().expect("tx");
            tx.execute("ATTACH ?1 AS today", [reference.to_str().expect("a path")])
                .expect("attach");
            let columns: String = tx
                .query_row(
                    "SELECT group_concat(name, ', ') FROM pragma_table_info('leads', 'main')",
                    [],
                    |r| r.get(0),
                )
                .expect("v12's lead columns");
            tx.execute_batch(&format!(
                "INSERT INTO accounts SELECT * FROM today.accounts;
                 INSERT INTO leads ({columns}) SELECT {columns} FROM today.leads;
                 INSERT INTO leads_fts (rowid, numbers, buyer, items)
                     SELECT rowid, numbers, buyer, items FROM today.leads_fts;"
            ))
            .expect("v12 leads");
            for raw in &page {
                let id = raw["id"].as_i64().expect("an id");
                tx.execute(
                    "INSERT INTO orders (account_id, order_id, lead_id, status, last_updated, raw_json)
                     SELECT account_id, order_id, lead_id, status, last_updated, ?2
                     FROM today.orders WHERE order_id = ?1",
                    rusqlite::params![id, raw.to_string()],
                )
                .expect("a v12 order");
            }
            tx.commit().expect("commit");
            conn.execute("DETACH today", []).expect("detach");
        }
        migrations().to_latest(&mut conn).expect("v13");

        let dump = |conn: &rusqlite::Connection, table: &str| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
                .expect("a dump");
            let width = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    (0..width)
                        .map(|i| r.get::<_, rusqlite::types::Value>(i))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .expect("rows");
            rows.collect::<rusqlite::Result<Vec<_>>>().expect("rows")
        };
        for table in ["orders", "leads", "leads_fts"] {
            assert_eq!(
                dump(&conn, table),
                dump(&today, table),
                "{table} as today's"
            );
        }
        assert_eq!(dump(&conn, "orders").len(), 5);
        let (mut packed_bytes, mut json_bytes) = (0, 0);
        for raw in &page {
            let packed: Vec<u8> = conn
                .query_row(
                    "SELECT raw_packed FROM orders WHERE order_id = ?1",
                    [raw["id"].as_i64().expect("an id")],
                    |r| r.get(0),
                )
                .expect("packed");
            assert_eq!(&raw::unpack_order(&packed).expect("unpacks"), raw);
            packed_bytes += packed.len();
            json_bytes += raw.to_string().len();
        }
        assert!(
            packed_bytes * 2 < json_bytes,
            "{packed_bytes} bytes packed for {json_bytes} of JSON"
        );
        let ids: Vec<String> = {
            let mut stmt = conn
                .prepare("SELECT item_ids FROM orders ORDER BY order_id")
                .expect("ids");
            let rows = stmt.query_map([], |r| r.get(0)).expect("rows");
            rows.collect::<rusqlite::Result<_>>().expect("rows")
        };
        assert_eq!(
            ids,
            [
                r#"["MLA11"]"#,
                r#"["MLA12"]"#,
                r#"["MLA13"]"#,
                "[987654]",
                "[]"
            ]
        );

        let tx = conn.transaction().expect("tx");
        let before = tx.total_changes();
        let replay = orders::apply_page(&tx, 1, &page, now()).expect("replays");
        assert_eq!(replay, orders::PageOutcome::default());
        assert_eq!(tx.total_changes(), before, "a replay writes nothing");
        let ask = |id: i64, item: &str| {
            let q: meli::models::Question = serde_json::from_value(serde_json::json!({
                "id": id, "seller_id": SELLER, "item_id": item, "status": "UNANSWERED",
                "text": "¿Tienen stock?", "date_created": now().to_rfc3339(),
                "from": {"id": BUYER},
            }))
            .expect("a question");
            questions::upsert(&tx, 1, &q, now()).expect("question");
        };
        ask(1, "MLA12");
        ask(2, "MLA99");
        ask(3, "987654");
        questions::link_leads(&tx, 1, 0).expect("links");
        let lead_of = |question: i64| -> Option<i64> {
            tx.query_row(
                "SELECT lead_id FROM questions WHERE id = ?1",
                [question],
                |r| r.get(0),
            )
            .expect("a question")
        };
        let lead_of_order = |order: i64| -> Option<i64> {
            tx.query_row(
                "SELECT lead_id FROM orders WHERE order_id = ?1",
                [order],
                |r| r.get(0),
            )
            .ok()
        };
        assert_eq!(lead_of(1), lead_of_order(12));
        assert_eq!(lead_of(2), None);
        assert_eq!(lead_of(3), lead_of_order(14));
    }

    /// V14 marks the leads of a V13 cache whose conversation was fetched, and the store keeps
    /// the mark in step: the poll's list of conversations to fetch is the same as the cursors
    /// say, read through the partial index.
    #[test]
    fn v14_keeps_the_conversations_to_fetch_in_step_with_the_cursors() {
        use crate::store::sync_writes::{
            conversation_cursor, mark_conversation_synced, unsynced_conversations,
        };
        use crate::store::testing::{api_order, now, SELLER};
        use crate::store::{accounts, cursors, orders};

        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = rusqlite::Connection::open(dir.path().join("v13.sqlite")).expect("open");
        migrations().to_version(&mut conn, 13).expect("v13");
        let account = {
            // As V13's code left them: leads, and the cursors of the conversations fetched.
            let tx = conn.transaction().expect("tx");
            let account = accounts::connect(&tx, SELLER, "MLA", None, now()).expect("account");
            for id in 1..=4_i64 {
                tx.execute(
                    "INSERT INTO leads (account_id, conversation_id, is_pack, system_stage,
                                        stage_id, activity_at)
                         VALUES (?1, ?2, 0, 'paid', 3, ?2)",
                    [account, id],
                )
                .expect("a v13 lead");
            }
            for id in [1, 3] {
                cursors::set(&tx, account, &conversation_cursor(id), "done", now())
                    .expect("fetched");
            }
            tx.commit().expect("commit");
            account
        };
        migrations().to_latest(&mut conn).expect("v14");
        let to_fetch = |conn: &rusqlite::Connection| -> Vec<i64> {
            let mut ids: Vec<i64> = unsynced_conversations(conn, account)
                .expect("lists")
                .into_iter()
                .map(|t| t.conversation_id)
                .collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(to_fetch(&conn), [2, 4]);

        let tx = conn.transaction().expect("tx");
        mark_conversation_synced(&tx, account, 2, now()).expect("fetched");
        mark_conversation_synced(&tx, account, 2, now()).expect("again");
        // A conversation fetched before its lead exists (or whose lead came back).
        mark_conversation_synced(&tx, account, 9, now()).expect("fetched");
        orders::apply_page(
            &tx,
            account,
            &[
                api_order(9, None, "paid", "Termo"),
                api_order(10, None, "paid", "Yerba"),
            ],
            now(),
        )
        .expect("new leads");
        assert_eq!(to_fetch(&tx), [4, 10]);
        let plan: Vec<String> = {
            let mut stmt = tx
                .prepare(
                    "EXPLAIN QUERY PLAN
                     SELECT id FROM leads WHERE account_id = 1 AND conversation_fetched = 0
                     ORDER BY activity_at DESC, id DESC",
                )
                .expect("a plan");
            let rows = stmt.query_map([], |r| r.get(3)).expect("rows");
            rows.collect::<rusqlite::Result<_>>().expect("rows")
        };
        let plan = plan.join(" ");
        assert!(plan.contains("leads_conversation_not_fetched"), "{plan}");
    }

    /// A cache written by the V16 schema (questions' raw JSON as text) is packed in place by
    /// V17: each question's JSON reads back whole, its other columns and the search index are as
    /// they were, and the sync storing the same questions again writes nothing.
    #[test]
    fn v17_packs_a_v16_cache_of_questions_in_place() {
        use crate::store::testing::{now, BUYER, SELLER};
        use crate::store::{accounts, questions, raw};

        let asked = [
            serde_json::json!({"answer": null, "date_created": "2026-04-30T10:00:00.000-04:00",
                "deleted_from_listing": false, "from": {"id": BUYER}, "hold": false,
                "id": 11436370259_i64, "item_id": "MLA1623490410", "seller_id": SELLER,
                "status": "UNANSWERED", "text": "¿Tiene garantía de fábrica?"}),
            serde_json::json!({"answer": {"date_created": "2026-04-30T11:21:27.831-04:00",
                "status": "ACTIVE", "text": "Sí, doce meses."},
                "date_created": "2026-04-30T11:19:42.000-04:00", "deleted_from_listing": false,
                "from": {"answered_questions": 0, "id": BUYER}, "hold": false,
                "id": 3957150025_i64, "item_id": "MLA608007087", "seller_id": SELLER,
                "status": "ANSWERED", "text": "¿Hacen factura A?", "app_id": 123}),
            // Banned, sent without its text; an unknown field kept as it came.
            serde_json::json!({"answer": null, "date_created": "2026-04-29T09:00:00.000Z",
                "deleted_from_listing": true, "from": {"id": BUYER}, "hold": true,
                "id": 3957150026_i64, "item_id": "MLA608007087", "seller_id": SELLER,
                "status": "BANNED", "text": "", "tags": ["x"]}),
        ];
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v16.sqlite");
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        migrations().to_version(&mut conn, 16).expect("v16");
        let account = {
            // As V16's `questions::upsert` left them: the JSON as serde_json's text.
            let tx = conn.transaction().expect("tx");
            let account = accounts::connect(&tx, SELLER, "MLA", None, now()).expect("account");
            for (n, q) in asked.iter().enumerate() {
                tx.execute(
                    "INSERT INTO questions (id, account_id, item_id, buyer_id, status, text,
                         asked_at, hold, deleted_from_listing, answer_text, answer_status,
                         answered_at, raw_json, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8, ?9, NULL, ?10, ?7)",
                    rusqlite::params![
                        q["id"].as_i64(),
                        account,
                        q["item_id"].as_str(),
                        BUYER,
                        q["status"].as_str(),
                        if n == 2 {
                            "texto previo"
                        } else {
                            q["text"].as_str().unwrap_or("")
                        },
                        1_000 + n as i64,
                        q["answer"]["text"].as_str(),
                        q["answer"]["status"].as_str(),
                        serde_json::to_string(q).expect("json"),
                    ],
                )
                .expect("a v16 question");
            }
            tx.commit().expect("commit");
            account
        };
        let columns = "id, account_id, item_id, buyer_id, status, text, asked_at, hold,
                       deleted_from_listing, answer_text, answer_status, answered_at, lead_id,
                       seen_at, updated_at";
        let sql = format!("SELECT {columns} FROM questions ORDER BY id");
        let dump = |conn: &rusqlite::Connection| dump_rows(conn, &sql);
        let found = |conn: &rusqlite::Connection, term: &str| fts_hits(conn, "questions_fts", term);
        let before = (dump(&conn), found(&conn, "garantia"), found(&conn, "doce"));
        assert_eq!(before.1, vec![11436370259]);

        migrations().to_latest(&mut conn).expect("v17");

        assert_eq!(
            (dump(&conn), found(&conn, "garantia"), found(&conn, "doce")),
            before
        );
        let has_text_column: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_table_info('questions') WHERE name = 'raw_json')",
                [],
                |r| r.get(0),
            )
            .expect("columns");
        assert!(!has_text_column, "the text column is dropped");
        for q in &asked {
            let packed: Vec<u8> = conn
                .query_row(
                    "SELECT raw_packed FROM questions WHERE id = ?1",
                    [q["id"].as_i64()],
                    |r| r.get(0),
                )
                .expect("packed");
            assert_eq!(&raw::unpack_question(&packed).expect("unpacks"), q);
            assert!(packed.len() < serde_json::to_string(q).expect("json").len());
        }
        conn.execute_batch(
            "INSERT INTO questions_fts (questions_fts, rank) VALUES ('integrity-check', 1);",
        )
        .expect("the search index matches its table");

        // The sync reads the same questions again: nothing is written.
        let tx = conn.transaction().expect("tx");
        let changes = tx.total_changes();
        for q in &asked {
            let question: meli::models::Question =
                serde_json::from_value(q.clone()).expect("a question");
            let upserted = questions::upsert(&tx, account, &question, now()).expect("upsert");
            assert!(!upserted.new && !upserted.changed, "{upserted:?}");
        }
        assert_eq!(
            tx.total_changes(),
            changes,
            "replaying the questions writes nothing"
        );
        tx.commit().expect("commit");
    }

    /// V15 and V16 index a V14 cache in place, and the sync's per-pass questions read their
    /// indexes instead of every lead (or message of a chat) of the account.
    #[test]
    fn v15_and_v16_let_the_pass_questions_skip_the_account_scan() {
        use crate::store::{buyers, sync_writes};

        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = rusqlite::Connection::open(dir.path().join("v14.sqlite")).expect("open");
        migrations().to_version(&mut conn, 14).expect("v14");
        conn.execute_batch(
            "INSERT INTO accounts (id, user_id, site_id, state, connected_at)
                 VALUES (1, 7, 'MLA', 'connected', 0);",
        )
        .expect("an account");
        for id in 1..=200_i64 {
            conn.execute(
                "INSERT INTO leads (account_id, conversation_id, is_pack, buyer_id, buyer_nickname,
                                    system_stage, stage_id, activity_at)
                     VALUES (1, ?1, 0, ?1, 'COMPRADOR', 'paid', 3, ?1)",
                [id],
            )
            .expect("a v14 lead");
        }
        migrations().to_latest(&mut conn).expect("v15 and on");
        let plan = |sql: &str| -> String {
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("a plan");
            let unbound = vec![rusqlite::types::Null; stmt.parameter_count()];
            let rows = stmt
                .query_map(rusqlite::params_from_iter(unbound), |r| {
                    r.get::<_, String>(3)
                })
                .expect("rows");
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .expect("rows")
                .join(" | ")
        };
        for (sql, index) in [
            (buyers::MISSING_NAMES.to_owned(), "leads_nameless"),
            (
                sync_writes::unread_moved_sql(),
                "messages_unread_from_buyer",
            ),
            (
                sync_writes::unsynced_sql(),
                "leads_conversation_not_fetched",
            ),
            (sync_writes::recent_sql(), "leads_recent"),
        ] {
            let plan = plan(&sql);
            assert!(plan.contains(index), "{index} unused: {plan}");
            assert!(
                !plan.contains("SCAN l ") && !plan.ends_with("SCAN l"),
                "{plan}"
            );
            assert!(!plan.contains("SCAN o"), "{plan}");
            assert!(!plan.contains("SCAN m"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
        // The unread list is the outer loop, each entry one lookup of its lead.
        let unread = plan(&sync_writes::unread_moved_sql());
        assert!(
            unread.starts_with("SCAN j") && unread.contains("sqlite_autoindex_leads_2"),
            "{unread}"
        );
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

    /// A cache whose questions' listings were read before V10 (titles and remote picture
    /// addresses only): V10 keeps them and queues the listings no row had yet, so their
    /// pictures are downloaded by the next pass.
    #[test]
    fn v10_queues_the_questions_listings_and_keeps_the_ones_read() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("open");
        migrations().to_version(&mut conn, 9).expect("v9");
        conn.execute_batch(
            "INSERT INTO accounts (id, user_id, site_id, state, connected_at)
                 VALUES (1, 7, 'MLA', 'connected', 0);
             INSERT INTO questions (id, account_id, item_id, buyer_id, status, text, asked_at,
                                    hold, deleted_from_listing, raw_json, updated_at)
                 VALUES (10, 1, 'MLA1', 5, 'UNANSWERED', '¿Hay?', 100, 0, 0, '{}', 100),
                        (11, 1, 'MLA2', 5, 'ANSWERED', '¿Color?', 200, 0, 0, '{}', 200),
                        (12, 1, 'MLA2', 6, 'ANSWERED', '¿Talle?', 300, 0, 0, '{}', 300);
             INSERT INTO listings (account_id, item_id, title, thumbnail, fetched_at, raw_json)
                 VALUES (1, 'MLA1', 'Termo', 'https://http2.mlstatic.com/D_1-I.jpg', 50, '{}');",
        )
        .expect("a v9 cache");
        migrations().to_latest(&mut conn).expect("v10");
        type Row = (String, Option<String>, i64, i64, Option<String>);
        let rows: Vec<Row> = conn
            .prepare(
                "SELECT item_id, title, fetched_at, wanted_at, picture_file FROM listings
                 ORDER BY item_id",
            )
            .expect("prepare")
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(
            rows,
            [
                ("MLA1".into(), Some("Termo".into()), 50, 0, None),
                ("MLA2".into(), None, 0, 300, None),
            ]
        );
    }

    /// A cache written by the V17 schema (each message packed with its id, some with their text
    /// too) is repacked in place by V18 and its search index rebuilt without token counts: each
    /// message's JSON reads back whole, the other columns and the search hits are as they were,
    /// the rows are smaller, and the sync reading the same page again writes nothing.
    #[test]
    fn v18_repacks_a_v17_cache_of_messages_without_their_ids() {
        use crate::incoming::IncomingConversation;
        use crate::ipc::MARK_START;
        use crate::store::testing::{api_conversation, api_message, api_order, now, SELLER};
        use crate::store::{accounts, leads, messages, orders, raw};

        let sent: Vec<serde_json::Value> = (0..30_i64)
            .map(|n| {
                let text = match n {
                    // A buyer's text with a highlight marker: the column keeps it cleaned, so
                    // the packed JSON keeps the text as it came.
                    7 => format!("Hola {MARK_START}marcado #{n}"),
                    _ => format!("¿Tienen factura? Envío hoy #{n}"),
                };
                api_message(
                    &format!("0f2b0c8e5b6a4c1d9e7f{n:012}"),
                    n % 2 == 0,
                    &text,
                    n,
                )
            })
            .collect();
        let page = IncomingConversation::from_api(&api_conversation(sent.clone()), SELLER);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v17.sqlite");
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        migrations().to_version(&mut conn, 17).expect("v17");
        let (account, lead) = {
            let tx = conn.transaction().expect("tx");
            let account = accounts::connect(&tx, SELLER, "MLA", None, now()).expect("account");
            orders::apply_page(
                &tx,
                account,
                &[api_order(1, Some(500), "paid", "Mate")],
                now(),
            )
            .expect("orders");
            let lead = leads::find(&tx, account, 500).expect("find").expect("lead");
            messages::apply_page(&tx, lead, &page).expect("messages");
            // As V17's writes packed them: the id inside, the text left out when it was the
            // column's (and, as V8 packed them, inside on every other row).
            for (n, m) in sent.iter().enumerate() {
                let id = m["id"].as_str().expect("id");
                let text: String = tx
                    .query_row("SELECT text FROM messages WHERE meli_id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .expect("text");
                let text_column = if n % 2 == 0 { text.as_str() } else { "\0" };
                let columns = raw::MessageColumns {
                    id: "",
                    text: text_column,
                };
                tx.execute(
                    "UPDATE messages SET raw_packed = ?2 WHERE meli_id = ?1",
                    rusqlite::params![id, raw::pack_message(m, columns).expect("packs")],
                )
                .expect("a v17 row");
            }
            tx.commit().expect("commit");
            (account, lead)
        };
        let dump = |conn: &rusqlite::Connection| {
            dump_rows(
                conn,
                "SELECT seq, account_id, lead_id, meli_id, from_buyer, created_at, read_at,
                     status, moderation_status, moderation_reason, text
                 FROM messages ORDER BY seq",
            )
        };
        let found = |conn: &rusqlite::Connection, term: &str| fts_hits(conn, "messages_fts", term);
        let packed_bytes = |conn: &rusqlite::Connection| -> i64 {
            conn.query_row("SELECT SUM(length(raw_packed)) FROM messages", [], |r| {
                r.get(0)
            })
            .expect("sum")
        };
        let before = (dump(&conn), found(&conn, "factura"), found(&conn, "env*"));
        assert_eq!(before.1.len(), 29);
        let size_before = packed_bytes(&conn);

        migrations().to_latest(&mut conn).expect("v18");

        assert_eq!(
            (dump(&conn), found(&conn, "factura"), found(&conn, "env*")),
            before
        );
        for m in &sent {
            let id = m["id"].as_str().expect("id");
            let whole = messages::raw_json(&conn, account, id)
                .expect("reads")
                .expect("a message");
            assert_eq!(&whole, m);
        }
        let size_after = packed_bytes(&conn);
        assert!(
            size_after + 30 * 15 < size_before,
            "{size_after} bytes packed, {size_before} before"
        );
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'messages_fts'",
                [],
                |r| r.get(0),
            )
            .expect("the table");
        assert!(sql.contains("columnsize = 0"), "{sql}");
        conn.execute_batch(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1);",
        )
        .expect("the rebuilt index matches its table");

        // The sync reads the same page again: nothing is written.
        let tx = conn.transaction().expect("tx");
        let changes = tx.total_changes();
        let outcome = messages::apply_page(&tx, lead, &page).expect("replays");
        assert_eq!(outcome.added, 0);
        assert_eq!(
            tx.total_changes(),
            changes,
            "replaying the page writes nothing"
        );
    }

    /// V20's index answers the count of unopened questions, and the count stays right as
    /// questions are opened, answered and added.
    #[test]
    fn v20_counts_unopened_questions_from_their_own_index() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("open");
        migrations().to_version(&mut conn, 19).expect("v19");
        conn.execute_batch(
            "INSERT INTO accounts (id, user_id, site_id, state, connected_at)
                 VALUES (1, 7, 'MLA', 'connected', 0);",
        )
        .expect("an account");
        let ask = |conn: &rusqlite::Connection, id: i64, status: &str, seen: Option<i64>| {
            conn.execute(
                "INSERT INTO questions (id, account_id, item_id, status, text, asked_at, seen_at,
                                        updated_at)
                     VALUES (?1, 1, 'MLA1', ?2, 'hola', ?1, ?3, ?1)",
                rusqlite::params![id, status, seen],
            )
            .expect("a question");
        };
        for id in 1..=30 {
            let status = if id % 3 == 0 {
                "ANSWERED"
            } else {
                "UNANSWERED"
            };
            ask(&conn, id, status, (id % 4 == 0).then_some(id));
        }
        migrations().to_latest(&mut conn).expect("v20");
        let count = |conn: &rusqlite::Connection| {
            crate::store::questions::unread_count(conn).expect("count")
        };
        // 20 unanswered, of which 5 were opened (ids 4, 8, 16, 20, 28).
        assert_eq!(count(&conn), 15);
        let plan: String = conn
            .query_row(
                &format!(
                    "EXPLAIN QUERY PLAN {}",
                    crate::store::questions::UNREAD_COUNT
                ),
                [],
                |r| r.get(3),
            )
            .expect("a plan");
        assert!(plan.contains("questions_unread"), "{plan}");

        conn.execute("UPDATE questions SET seen_at = 99 WHERE id = 1", [])
            .expect("opened");
        conn.execute("UPDATE questions SET status = 'ANSWERED' WHERE id = 2", [])
            .expect("answered");
        ask(&conn, 31, "UNANSWERED", None);
        assert_eq!(count(&conn), 14);
    }

    /// The board's counts kept by V19's triggers equal a count of the leads after V19 fills
    /// them from an existing cache and after each of a long run of inserts, stage moves (one
    /// lead and a whole stage at once), archiving and its undoing, account changes and deletes.
    #[test]
    fn v19_keeps_the_board_counts_through_every_change_to_the_leads() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("open");
        migrations().to_version(&mut conn, 18).expect("v18");
        conn.execute_batch(
            "INSERT INTO accounts (id, user_id, site_id, state, connected_at)
                 VALUES (1, 7, 'MLA', 'connected', 0), (2, 8, 'MLB', 'connected', 0);",
        )
        .expect("accounts");
        let next_id = std::cell::Cell::new(0_i64);
        let insert = |conn: &rusqlite::Connection, account: i64, stage: i64, archived: bool| {
            next_id.set(next_id.get() + 1);
            conn.execute(
                "INSERT INTO leads (id, account_id, conversation_id, is_pack, system_stage,
                                    stage_id, activity_at, archived_at)
                     VALUES (?1, ?2, ?1, 0, 'paid', ?3, 0, ?4)",
                rusqlite::params![next_id.get(), account, stage, archived.then_some(5_i64)],
            )
            .expect("a lead");
        };
        for n in 0..40 {
            insert(&conn, 1 + n % 2, 1 + n % 5, n % 7 == 0);
        }
        let counted = |conn: &rusqlite::Connection| -> Vec<(i64, i64, i64)> {
            let mut stmt = conn
                .prepare(
                    "SELECT account_id, stage_id, COUNT(*) FROM leads WHERE archived_at IS NULL
                     GROUP BY account_id, stage_id ORDER BY 1, 2",
                )
                .expect("count");
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .expect("rows")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        let kept = |conn: &rusqlite::Connection| -> Vec<(i64, i64, i64)> {
            let mut stmt = conn
                .prepare(
                    "SELECT account_id, stage_id, n FROM lead_counts WHERE n <> 0 ORDER BY 1, 2",
                )
                .expect("kept");
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .expect("rows")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        migrations().to_latest(&mut conn).expect("v19");
        assert_eq!(kept(&conn), counted(&conn), "filled from the cache");
        assert!(counted(&conn).len() >= 8);

        // A fixed pseudo-random walk: the same every run.
        let mut seed = 0x2545_f491_u64;
        let mut roll = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as i64
        };
        for step in 0..400 {
            let lead = 1 + roll(next_id.get() as u64 + 5);
            let (account, stage) = (1 + roll(2), 1 + roll(5));
            let sql = match roll(8) {
                0 => {
                    insert(&conn, account, stage, roll(4) == 0);
                    None
                }
                1 => Some(("UPDATE leads SET stage_id = ?2 WHERE id = ?1", lead, stage)),
                2 => Some((
                    "UPDATE leads SET archived_at = ?2 WHERE id = ?1",
                    lead,
                    stage,
                )),
                3 => Some((
                    "UPDATE leads SET archived_at = NULL WHERE id = ?1 AND ?2 > 0",
                    lead,
                    1,
                )),
                4 => Some((
                    "UPDATE leads SET account_id = ?2 WHERE id = ?1",
                    lead,
                    account,
                )),
                5 => Some((
                    "UPDATE leads SET stage_id = ?2 WHERE stage_id = ?1",
                    stage,
                    1 + roll(5),
                )),
                6 => Some(("DELETE FROM leads WHERE id = ?1 AND ?2 > 0", lead, 1)),
                _ => Some((
                    "UPDATE leads SET stage_id = stage_id, archived_at = archived_at,
                         activity_at = ?2 WHERE id = ?1",
                    lead,
                    step,
                )),
            };
            if let Some((sql, a, b)) = sql {
                conn.execute(sql, [a, b]).expect("a change");
            }
            assert_eq!(kept(&conn), counted(&conn), "after step {step}");
        }
    }
}
