//! Files a buyer sent carry the platform's "downloaded from the internet" mark, so the system
//! treats them as it treats a browser's downloads: Gatekeeper asks before running one on
//! macOS; SmartScreen, Office's and Acrobat's protected view apply on Windows.

use std::path::Path;

/// Who downloaded the file, as the macOS quarantine record names it.
#[cfg(target_os = "macos")]
const AGENT: &str = "Mostrador";

/// Marks `path` (a file just written from Mercado Libre's bytes) as downloaded from the
/// internet. A failure is logged, not returned: the file is still the seller's to look at.
pub fn mark(path: &Path) {
    if let Err(err) = mark_file(path) {
        tracing::warn!(%err, "could not mark a downloaded file as coming from the internet");
    }
}

// macOS: the `com.apple.quarantine` extended attribute, the one Safari sets:
// `flags;hex seconds;agent;` (0081: downloaded, not yet approved by the user).
#[cfg(target_os = "macos")]
fn mark_file(path: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let value = format!("0081;{seconds:08x};{AGENT};");
    let c_path = CString::new(path.as_os_str().as_bytes())?;
    let name = CString::new("com.apple.quarantine")?;
    // SAFETY: both strings are NUL-terminated and outlive the call; `value` is read for
    // exactly its length.
    let rc = unsafe {
        libc::setxattr(
            c_path.as_ptr(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

// Windows: the `Zone.Identifier` alternate data stream browsers write; zone 3 is the
// internet. NTFS only: on FAT or a network share the stream cannot exist, and that is logged.
#[cfg(windows)]
fn mark_file(path: &Path) -> std::io::Result<()> {
    let mut stream = path.as_os_str().to_owned();
    stream.push(":Zone.Identifier");
    std::fs::write(stream, "[ZoneTransfer]\r\nZoneId=3\r\n")
}

// Linux and the other Unixes have no standard mark: no desktop consults one before opening a
// file (the closest, a `user.xdg.origin.url` attribute, is informational only), so the
// safety there is in what the app lets the system open at all.
#[cfg(not(any(target_os = "macos", windows)))]
fn mark_file(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "macos")]
    fn read_mark(path: &Path) -> Option<String> {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c_path = CString::new(path.as_os_str().as_bytes()).ok()?;
        let name = CString::new("com.apple.quarantine").ok()?;
        let mut buf = vec![0u8; 256];
        // SAFETY: `buf` is writable for its length; both strings are NUL-terminated.
        let n = unsafe {
            libc::getxattr(
                c_path.as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                0,
                0,
            )
        };
        (n >= 0).then(|| String::from_utf8_lossy(&buf[..n as usize]).into_owned())
    }

    #[cfg(windows)]
    fn read_mark(path: &Path) -> Option<String> {
        let mut stream = path.as_os_str().to_owned();
        stream.push(":Zone.Identifier");
        std::fs::read_to_string(stream).ok()
    }

    #[cfg(any(target_os = "macos", windows))]
    #[test]
    fn a_downloaded_file_carries_the_platforms_mark() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("att-1.pdf");
        std::fs::write(&path, b"%PDF-1.4\n").expect("write");
        assert_eq!(read_mark(&path), None, "unmarked before");
        mark_file(&path).expect("marks");
        let mark = read_mark(&path).expect("marked");
        #[cfg(target_os = "macos")]
        assert!(
            mark.starts_with("0081;") && mark.contains(";Mostrador;"),
            "{mark}"
        );
        #[cfg(windows)]
        assert!(
            mark.contains("[ZoneTransfer]") && mark.contains("ZoneId=3"),
            "{mark}"
        );
        // The file itself is untouched.
        assert_eq!(std::fs::read(&path).expect("read"), b"%PDF-1.4\n");
    }

    #[cfg(not(any(target_os = "macos", windows)))]
    #[test]
    fn where_there_is_no_mark_the_file_is_left_as_it_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("att-1.pdf");
        std::fs::write(&path, b"%PDF-1.4\n").expect("write");
        mark_file(&path).expect("nothing to do");
        assert_eq!(std::fs::read(&path).expect("read"), b"%PDF-1.4\n");
    }
}
