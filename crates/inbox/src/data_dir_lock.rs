//! One app per data directory. Two processes on one cache would both refresh the account's
//! single-use refresh token, and the loser would log the seller out; they would also both poll
//! and send. The single-instance plugin catches a second launch only where D-Bus (or its
//! platform's equivalent) answers, so the data directory itself holds an exclusive lock for as
//! long as the app runs. The operating system releases it when the process ends, even by a
//! crash, so a stale lock file never keeps the seller out.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LOCK_FILE: &str = "mostrador.lock";

/// Held while the app runs; dropping it releases the data directory.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another Mostrador holds this data directory.
    #[error("Mostrador is already open on {0}")]
    AlreadyOpen(PathBuf),
    #[error("cannot lock the data directory {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

impl DataDirLock {
    /// Takes the lock on `dir` (created if missing), or says who holds it.
    pub fn acquire(dir: &Path) -> Result<DataDirLock, LockError> {
        std::fs::create_dir_all(dir).map_err(|e| LockError::Io(dir.to_owned(), e))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| LockError::Io(path.clone(), e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::AlreadyOpen(dir.to_owned())),
            Err(TryLockError::Error(e)) => return Err(LockError::Io(path, e)),
        }
        // For a person looking at the folder; nothing reads it back.
        let _ = file.set_len(0);
        let _ = writeln!(file, "{}", std::process::id());
        Ok(DataDirLock { _file: file, path })
    }

    /// Like [`DataDirLock::acquire`], but gives a holder up to `patience` to let go: a seller
    /// who closes the app and opens it again at once meets the old process still closing (it
    /// flushes the cache on its way out), and should not be told the app is already open.
    pub fn acquire_within(dir: &Path, patience: Duration) -> Result<DataDirLock, LockError> {
        let deadline = Instant::now() + patience;
        loop {
            match DataDirLock::acquire(dir) {
                Err(LockError::AlreadyOpen(_)) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Set in the child process that `a_second_process_is_refused` starts.
    const CHILD_DIR: &str = "MOSTRADOR_LOCK_TEST_DIR";

    #[test]
    fn a_second_lock_on_the_same_dir_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = DataDirLock::acquire(dir.path()).expect("first");
        assert!(matches!(
            DataDirLock::acquire(dir.path()),
            Err(LockError::AlreadyOpen(_))
        ));
        drop(first);
        // A process another test spawns at this moment holds a copy of every open file
        // (from its fork to its exec), and with it this lock, for a few milliseconds.
        DataDirLock::acquire_within(dir.path(), Duration::from_secs(30)).expect("free again");
    }

    #[test]
    fn a_patient_lock_waits_for_the_holder_to_let_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let held = DataDirLock::acquire(dir.path()).expect("held");
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        DataDirLock::acquire_within(dir.path(), Duration::from_secs(30)).expect("waited");
        release.join().expect("released");
    }

    #[test]
    fn a_patient_lock_still_refuses_a_holder_that_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let _held = DataDirLock::acquire(dir.path()).expect("held");
        let started = Instant::now();
        assert!(matches!(
            DataDirLock::acquire_within(dir.path(), Duration::from_millis(200)),
            Err(LockError::AlreadyOpen(_))
        ));
        assert!(started.elapsed() >= Duration::from_millis(200));
    }

    #[test]
    fn another_dir_is_not_affected() {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let _first = DataDirLock::acquire(a.path()).expect("a");
        DataDirLock::acquire(b.path()).expect("b");
    }

    /// Another process, as a second app would be: this test binary again, running
    /// `child_tries_the_lock` with the directory in its environment.
    #[test]
    fn a_second_process_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let _held = DataDirLock::acquire(dir.path()).expect("held here");
        let out = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "data_dir_lock::tests::child_tries_the_lock",
                "--nocapture",
            ])
            .env(CHILD_DIR, dir.path())
            .output()
            .expect("runs the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("child: already open"),
            "the child saw the lock held: {stdout}"
        );
    }

    /// Does nothing unless started by `a_second_process_is_refused`.
    #[test]
    fn child_tries_the_lock() {
        let Some(dir) = std::env::var_os(CHILD_DIR) else {
            return;
        };
        match DataDirLock::acquire(Path::new(&dir)) {
            Err(LockError::AlreadyOpen(_)) => println!("child: already open"),
            Ok(_) => println!("child: got the lock"),
            Err(e) => println!("child: error {e}"),
        }
    }
}
