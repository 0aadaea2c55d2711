//! The app's log: on stderr (a developer's terminal) and, once the app knows its log
//! directory, in a file there that rotates daily and keeps a week, so a seller can send it.
//! Both get the same lines: secrets are typed (`meli::Secret`, the token types) and redact
//! themselves in `Display` and `Debug`, so nothing here filters text.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::Layered;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, reload, EnvFilter, Layer, Registry};

/// Days of logs kept: older files are removed as the log rotates.
const KEEP_FILES: usize = 7;
const FILE_PREFIX: &str = "mostrador";

/// One filter for both outputs, ahead of them: a per-layer filter cannot be added later
/// through a reload (tracing-subscriber gives it no filter id and panics).
type Filtered = Layered<EnvFilter, Registry>;
type FileLayer = Box<dyn Layer<Filtered> + Send + Sync>;

/// Where the file layer goes once the log directory is known (see [`Logging::to_dir`]).
pub struct Logging {
    file: reload::Handle<Option<FileLayer>, Filtered>,
}

/// The folder "Open the logs folder" opens.
pub struct LogDir(pub PathBuf);

fn filter() -> EnvFilter {
    EnvFilter::try_from_env("MOSTRADOR_LOG").unwrap_or_else(|_| "info".into())
}

/// The daily file in `dir`, keeping [`KEEP_FILES`]; plain text (no colours).
fn file_layer(dir: &Path) -> std::io::Result<FileLayer> {
    std::fs::create_dir_all(dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(std::io::Error::other)?;
    Ok(fmt::layer().with_ansi(false).with_writer(appender).boxed())
}

/// The app's subscriber (stderr now, a file once [`Logging::to_dir`] is called) and its handle.
fn subscriber() -> (impl tracing::Subscriber + Send + Sync, Logging) {
    let (file, handle) = reload::Layer::new(None::<FileLayer>);
    let subscriber = tracing_subscriber::registry()
        .with(filter())
        .with(file)
        .with(fmt::layer().with_writer(std::io::stderr));
    (subscriber, Logging { file: handle })
}

/// Installs the app's subscriber for the whole process.
pub fn init() -> Logging {
    let (subscriber, logging) = subscriber();
    subscriber.init();
    logging
}

impl Logging {
    /// From now on, also writes to a daily file in `dir`.
    pub fn to_dir(&self, dir: &Path) -> std::io::Result<()> {
        let layer = file_layer(dir)?;
        self.file
            .modify(|file| *file = Some(layer))
            .map_err(std::io::Error::other)?;
        tracing::info!(dir = %dir.display(), "logging to a file");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_written_and_holds_no_secret() {
        let dir = tempfile::tempdir().expect("tempdir");
        let token = meli::Secret::new("APP_USR-1234567890-120312-abcdefabcdefabcdef-99887766");
        // The app's own subscriber, the file added as at start-up.
        let (subscriber, logging) = subscriber();
        tracing::subscriber::with_default(subscriber, || {
            logging.to_dir(dir.path()).expect("file layer");
            // How the app logs a secret by accident: as a field, displayed or debugged.
            tracing::info!(token = %token, "refreshed");
            tracing::warn!(?token, account = 7, "refresh failed");
        });
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .expect("log dir")
            .filter_map(|e| e.ok())
            .collect();
        assert_eq!(files.len(), 1, "one file for today");
        let name = files[0].file_name().to_string_lossy().into_owned();
        assert!(
            name.starts_with("mostrador.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(files[0].path()).expect("read");
        assert!(
            text.contains("refreshed") && text.contains("refresh failed"),
            "{text}"
        );
        assert!(text.contains("<redacted>"), "{text}");
        assert!(
            !text.contains(token.expose()),
            "the token reached the file: {text}"
        );
        assert!(
            !text.contains("\u{1b}["),
            "no colour codes in the file: {text}"
        );
    }
}
