//! `execute` and `query_row` through the connection's statement cache. The sync runs the same
//! few dozen statements for every order, message and lead it stores; preparing each afresh was
//! about a sixth of its CPU.

use rusqlite::{Connection, Params, Row};

/// How many prepared statements a connection keeps: the import's hot path alone uses ~30.
pub const STATEMENT_CACHE: usize = 96;

pub trait CachedStatements {
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>;
}

impl CachedStatements for Connection {
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_statements_run_as_uncached_ones_do() {
        let conn = Connection::open_in_memory().expect("opens");
        conn.execute_batch("CREATE TABLE t (a INTEGER)")
            .expect("table");
        for a in 0..3 {
            assert_eq!(
                conn.execute_cached("INSERT INTO t (a) VALUES (?1)", [a])
                    .expect("inserts"),
                1
            );
        }
        let sum: i64 = conn
            .query_row_cached("SELECT SUM(a) FROM t WHERE a >= ?1", [1], |r| r.get(0))
            .expect("sums");
        assert_eq!(sum, 3);
    }
}
