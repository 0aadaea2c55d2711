//! How the app was launched: command-line flags and environment overrides.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

static STARTED: OnceLock<(Instant, SystemTime)> = OnceLock::new();

/// Notes when the process started, for the start-up figure `cargo xtask bench` reports.
pub fn mark_start() {
    let _ = STARTED.set((Instant::now(), SystemTime::now()));
}

/// Milliseconds since [`mark_start`].
pub fn millis_since_start() -> u128 {
    STARTED
        .get()
        .map(|t| t.0.elapsed().as_millis())
        .unwrap_or(0)
}

/// A time the page read from the wall clock (milliseconds since the Unix epoch) as
/// milliseconds since [`mark_start`]; `None` before the start was marked.
pub fn millis_since_start_at(epoch_ms: f64) -> Option<f64> {
    let (_, wall) = STARTED.get()?;
    let start = wall.duration_since(UNIX_EPOCH).ok()?.as_secs_f64() * 1000.0;
    Some(epoch_ms - start)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchOptions {
    /// `--demo`: run against the built-in simulator with a demo seller.
    pub demo: bool,
    /// `--data-dir <path>` or `MOSTRADOR_DATA_DIR`: where the cache and settings live
    /// (tests give each run a fresh one).
    pub data_dir: Option<PathBuf>,
    /// `--demo-port <port>` or `MOSTRADOR_DEMO_PORT`: where the demo's simulator listens, so
    /// end-to-end tests can steer it through its `/_sim/` control API (0 or none: any port).
    pub demo_port: u16,
    /// `--demo-rate <requests a minute>` or `MOSTRADOR_DEMO_RATE`: the demo simulator's limit,
    /// each of reads and writes (none: Mercado Libre's 500). The app keeps 80% of it, as for
    /// Mercado Libre; end-to-end tests raise it so the demo's import takes seconds, not minutes.
    pub demo_rate: Option<u32>,
    /// `--browser <program>` or `MOSTRADOR_BROWSER`: the program that opens Mercado Libre's
    /// authorization page, for a seller signed in to Mercado Libre in a browser other than the
    /// system's default. With it, "Try the demo" also goes through that browser instead of
    /// approving by itself.
    pub browser: Option<String>,
    /// `--api-base <url>` and `--auth-base <url>` (or `MOSTRADOR_API_BASE`, `MOSTRADOR_AUTH_BASE`):
    /// a Mercado Libre-compatible server to connect new accounts to instead of Mercado Libre,
    /// such as `meli-sim` running on its own. The authorization base defaults to the API base.
    pub server: Option<Server>,
}

/// A Mercado Libre-compatible server chosen at launch.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub api_base: String,
    pub auth_base: String,
}

impl Server {
    fn from_parts(api: Option<String>, auth: Option<String>) -> Option<Server> {
        let clean = |s: Option<String>| {
            s.map(|s| s.trim().trim_end_matches('/').to_owned())
                .filter(|s| !s.is_empty())
        };
        let api_base = clean(api)?;
        let auth_base = clean(auth).unwrap_or_else(|| api_base.clone());
        Some(Server {
            api_base,
            auth_base,
        })
    }
}

impl LaunchOptions {
    pub fn from_env() -> Self {
        let mut options = Self::parse(std::env::args().skip(1));
        if options.data_dir.is_none() {
            options.data_dir = std::env::var_os("MOSTRADOR_DATA_DIR").map(PathBuf::from);
        }
        if options.demo_port == 0 {
            options.demo_port = std::env::var("MOSTRADOR_DEMO_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
        }
        if options.demo_rate.is_none() {
            options.demo_rate = std::env::var("MOSTRADOR_DEMO_RATE")
                .ok()
                .and_then(|r| r.parse().ok())
                .filter(|r| *r > 0);
        }
        if options.browser.is_none() {
            options.browser = std::env::var("MOSTRADOR_BROWSER")
                .ok()
                .filter(|b| !b.trim().is_empty());
        }
        if options.server.is_none() {
            options.server = Server::from_parts(
                std::env::var("MOSTRADOR_API_BASE").ok(),
                std::env::var("MOSTRADOR_AUTH_BASE").ok(),
            );
        }
        options
    }

    fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut options = Self::default();
        let (mut api, mut auth) = (None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => options.demo = true,
                "--data-dir" => options.data_dir = args.next().map(PathBuf::from),
                "--demo-port" => {
                    options.demo_port = args.next().and_then(|p| p.parse().ok()).unwrap_or(0)
                }
                "--demo-rate" => {
                    options.demo_rate = args.next().and_then(|r| r.parse().ok()).filter(|r| *r > 0)
                }
                "--browser" => options.browser = args.next(),
                "--api-base" => api = args.next(),
                "--auth-base" => auth = args.next(),
                other => {
                    if let Some(dir) = other.strip_prefix("--data-dir=") {
                        options.data_dir = Some(PathBuf::from(dir));
                    } else if let Some(program) = other.strip_prefix("--browser=") {
                        options.browser = Some(program.to_owned());
                    } else if let Some(url) = other.strip_prefix("--api-base=") {
                        api = Some(url.to_owned());
                    } else if let Some(url) = other.strip_prefix("--auth-base=") {
                        auth = Some(url.to_owned());
                    }
                    // Anything else (e.g. what a desktop launcher appends) is ignored.
                }
            }
        }
        options.server = Server::from_parts(api, auth);
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> LaunchOptions {
        LaunchOptions::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn no_flags_means_a_normal_start() {
        assert_eq!(parse(&[]), LaunchOptions::default());
    }

    #[test]
    fn demo_and_data_dir_in_both_spellings() {
        let a = parse(&["--demo", "--data-dir", "/tmp/x"]);
        let b = parse(&["--data-dir=/tmp/x", "--demo"]);
        assert_eq!(a, b);
        assert!(a.demo);
        assert_eq!(a.data_dir, Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn demo_port_is_a_number_or_any() {
        assert_eq!(parse(&["--demo", "--demo-port", "8090"]).demo_port, 8090);
        assert_eq!(parse(&["--demo-port", "http"]).demo_port, 0);
    }

    #[test]
    fn demo_rate_is_a_positive_number_or_none() {
        assert_eq!(
            parse(&["--demo", "--demo-rate", "30000"]).demo_rate,
            Some(30_000)
        );
        assert_eq!(parse(&["--demo-rate", "0"]).demo_rate, None);
        assert_eq!(parse(&["--demo-rate", "fast"]).demo_rate, None);
    }

    #[test]
    fn browser_in_both_spellings() {
        let a = parse(&["--browser", "/usr/bin/firefox"]);
        assert_eq!(a.browser.as_deref(), Some("/usr/bin/firefox"));
        assert_eq!(a, parse(&["--browser=/usr/bin/firefox"]));
    }

    #[test]
    fn a_compatible_server_in_both_spellings() {
        let a = parse(&[
            "--api-base",
            "http://127.0.0.1:8090/",
            "--auth-base=http://127.0.0.1:8091",
        ]);
        assert_eq!(
            a.server,
            Some(Server {
                api_base: "http://127.0.0.1:8090".into(),
                auth_base: "http://127.0.0.1:8091".into(),
            })
        );
        // The authorization page on the same server unless said otherwise.
        let b = parse(&["--api-base=http://127.0.0.1:8090"]);
        assert_eq!(
            b.server.map(|s| s.auth_base).as_deref(),
            Some("http://127.0.0.1:8090")
        );
        // An authorization base alone means nothing.
        assert_eq!(parse(&["--auth-base", "http://x"]).server, None);
    }

    #[test]
    fn unknown_flags_are_ignored() {
        assert_eq!(
            parse(&["--psn_0_1234", "file.txt"]),
            LaunchOptions::default()
        );
    }
}
