//! Starting the app under WebDriver with a fresh data directory, and stopping it cleanly.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::future::Future;

use futures::FutureExt;
use serde_json::{json, Value};
use std::panic::AssertUnwindSafe;
use thirtyfour::common::keys::TypingData;
use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;

use crate::sim::Sim;

/// How long a test waits for the UI: the demo's first import runs on a loaded 2-core CI machine.
const WAIT: Duration = Duration::from_secs(60);

/// The demo simulator's request limit a minute in these tests (`--demo-rate`): Mercado Libre's
/// 500 would make each test wait a minute or two for the demo's import; the pacing itself is
/// tested in `crates/meli`.
const DEMO_RATE: &str = "30000";

/// `data-testid` values, from the same file the UI reads.
pub fn test_id(name: &str) -> String {
    let ids: Value =
        serde_json::from_str(include_str!("../../ui/src/lib/testids.json")).expect("testids.json");
    let id = ids[name]
        .as_str()
        .unwrap_or_else(|| panic!("no test id {name}"));
    format!("[data-testid=\"{id}\"]")
}

/// Whether a WebDriver error means "not yet": the element is not there, or the UI redrew it
/// between finding and using it. Every wait tries again after these.
fn not_yet(err: &WebDriverError) -> bool {
    matches!(
        err.as_inner(),
        WebDriverErrorInner::NoSuchElement(_) | WebDriverErrorInner::StaleElementReference(_)
    )
}

/// The one wait of the end-to-end tests: polls `check` every 100 ms until it gives `Some`,
/// trying again after a "not yet" error (see [`not_yet`]); fails naming `what` after `within`.
/// A check finds its elements itself, so no handle outlives a redraw.
pub async fn until_within<T, F, Fut>(
    within: Duration,
    what: impl std::fmt::Display,
    mut check: F,
) -> WebDriverResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = WebDriverResult<Option<T>>>,
{
    let deadline = Instant::now() + within;
    loop {
        match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(err) if not_yet(&err) => {}
            Err(err) => return Err(err),
        }
        assert!(
            Instant::now() < deadline,
            "waited {} s for {what}",
            within.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A failure message worked out when the wait gives up, from what it saw last.
pub struct Show<F>(pub F);

impl<F: Fn() -> String> std::fmt::Display for Show<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&(self.0)())
    }
}

/// What [`App::wait_text`] says when it gives up: the last text it read.
struct LastText<'a> {
    css: &'a str,
    text: std::cell::RefCell<Option<String>>,
}

impl std::fmt::Display for LastText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.text.borrow() {
            Some(text) => write!(f, "the expected text in {} (last read: {text:?})", self.css),
            None => write!(f, "an element {}", self.css),
        }
    }
}

/// An element known by its selector, found again for every action, so that an element the
/// UI redrew between two actions is simply the new one.
pub struct Found<'a> {
    app: &'a App,
    css: String,
}

impl Found<'_> {
    /// The element as it is now, if there is one.
    async fn now(&self) -> WebDriverResult<Option<WebElement>> {
        match self.app.driver.find(By::Css(&self.css)).await {
            Ok(element) => Ok(Some(element)),
            Err(err) if not_yet(&err) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Finds the element and does `act` on it, again if it went stale in between (an action
    /// refused as stale did not happen).
    async fn act<T, F, Fut>(&self, act: F) -> WebDriverResult<T>
    where
        F: Fn(WebElement) -> Fut,
        Fut: Future<Output = WebDriverResult<T>>,
    {
        self.app
            .until(&format!("{} to answer", self.css), || async {
                match self.now().await? {
                    Some(element) => act(element).await.map(Some),
                    None => Ok(None),
                }
            })
            .await
    }

    pub async fn click(&self) -> WebDriverResult<()> {
        self.act(|e| async move { e.click().await }).await
    }

    pub async fn text(&self) -> WebDriverResult<String> {
        self.act(|e| async move { e.text().await }).await
    }

    pub async fn send_keys(&self, keys: impl Into<TypingData>) -> WebDriverResult<()> {
        let keys: String = keys.into().as_vec().into_iter().collect();
        self.act(|e| {
            let keys = keys.clone();
            async move { e.send_keys(keys).await }
        })
        .await
    }

    pub async fn scroll_into_view(&self) -> WebDriverResult<()> {
        self.act(|e| async move { e.scroll_into_view().await })
            .await
    }

    pub async fn focus(&self) -> WebDriverResult<()> {
        self.act(|e| async move { e.focus().await }).await
    }

    pub async fn value(&self) -> WebDriverResult<Option<String>> {
        self.act(|e| async move { e.value().await }).await
    }

    pub async fn clear(&self) -> WebDriverResult<()> {
        self.act(|e| async move { e.clear().await }).await
    }

    pub async fn is_enabled(&self) -> WebDriverResult<bool> {
        self.act(|e| async move { e.is_enabled().await }).await
    }

    pub async fn attr(&self, name: &str) -> WebDriverResult<Option<String>> {
        self.act(|e| async move { e.attr(name).await }).await
    }

    pub async fn prop(&self, name: &str) -> WebDriverResult<Option<String>> {
        self.act(|e| async move { e.prop(name).await }).await
    }

    pub async fn tag_name(&self) -> WebDriverResult<String> {
        self.act(|e| async move { e.tag_name().await }).await
    }

    /// The element matching `css` inside this one, found the same way.
    pub fn inner(&self, css: &str) -> Found<'_> {
        Found {
            app: self.app,
            css: format!("{} {css}", self.css),
        }
    }

    /// The element itself, for a single read now (it goes stale if the UI redraws it).
    pub async fn element(&self) -> WebDriverResult<WebElement> {
        self.act(|e| async move { Ok(e) }).await
    }
}

/// tauri-driver, stopped with SIGTERM when dropped: only then does it stop its WebKitWebDriver
/// child, which would otherwise linger holding its port.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free port on 127.0.0.1 (for the demo's simulator).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Two distinct free ports: both listeners are held until both are known.
fn free_ports() -> (u16, u16) {
    let a = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let b = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    (
        a.local_addr().expect("addr").port(),
        b.local_addr().expect("addr").port(),
    )
}

/// Keeps a 1-pixel, fully transparent mark in the window's corner repainting until
/// [`END_REPAINTS`]. WebKit answers a WebDriver screenshot after the page's next paint; drawing
/// without compositing (the app's default on Linux), a page that does not change never paints
/// again and the screenshot never comes. The mark changes between two transparent colours, so
/// the picture is the window's as the seller sees it.
const KEEP_REPAINTING: &str = "if (!window.__e2eRepaint) {
    const mark = document.createElement('div');
    mark.setAttribute('aria-hidden', 'true');
    mark.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;'
        + 'pointer-events:none;z-index:2147483647;background:rgba(0,0,0,0)';
    document.documentElement.appendChild(mark);
    let flip = false;
    const timer = setInterval(() => {
        flip = !flip;
        mark.style.background = flip ? 'rgba(255,255,255,0)' : 'rgba(0,0,0,0)';
    }, 16);
    window.__e2eRepaint = () => { clearInterval(timer); mark.remove(); };
}";

const END_REPAINTS: &str =
    "if (window.__e2eRepaint) { window.__e2eRepaint(); delete window.__e2eRepaint; }";

/// Saves what the window shows as a PNG at `path`; see [`KEEP_REPAINTING`].
pub async fn screenshot(driver: &WebDriver, path: &Path) -> WebDriverResult<()> {
    driver.execute(KEEP_REPAINTING, Vec::new()).await?;
    let shot = driver.screenshot(path).await;
    let ended = driver.execute(END_REPAINTS, Vec::new()).await;
    shot.and(ended.map(|_| ()))
}

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("e2e"));
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn app_binary() -> PathBuf {
    std::env::var_os("MOSTRADOR_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/mostrador"))
}

fn start_driver(port: u16, native_port: u16, env: &[(String, String)]) -> Driver {
    let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
    // The driver, WebKitWebDriver and the app it starts inherit `env`.
    let child = Command::new(&bin)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin} (cargo xtask setup installs it): {e}"));
    let driver = Driver(child);
    // tauri-driver listens at once but proxies to WebKitWebDriver, which starts a moment later.
    let deadline = Instant::now() + WAIT;
    for p in [port, native_port] {
        while TcpStream::connect(("127.0.0.1", p)).is_err() {
            assert!(Instant::now() < deadline, "nothing listening on port {p}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    driver
}

/// The ids of the app's processes running on the data directory `dir`.
pub fn app_processes(dir: &Path) -> Vec<String> {
    let pattern = format!("mostrador --data-dir {}", dir.display());
    std::process::Command::new("pgrep")
        .args(["-f", "--", &pattern])
        .output()
        .map(|out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until no app runs on `dir` any more, so the next launch has the data (and its SQLite
/// file) to itself. An app the ended session left running (it happens while the demo's import
/// is under way) is asked to stop with SIGTERM, as a system shutdown would.
pub async fn until_app_exited(dir: &Path) {
    let mut deadline = Instant::now() + Duration::from_secs(15);
    let mut asked = false;
    loop {
        let running = app_processes(dir);
        // A process stops showing its command line before the kernel closes its files: the
        // next launch needs the data directory's lock, so that is what is waited for.
        if running.is_empty() && lock_is_free(dir) {
            return;
        }
        if Instant::now() > deadline {
            assert!(!asked, "the app ignored SIGTERM: {running:?}");
            eprintln!("the app outlived its WebDriver session; stopping it: {running:?}");
            for pid in &running {
                let _ = std::process::Command::new("kill")
                    .args(["-TERM", pid])
                    .status();
            }
            asked = true;
            deadline = Instant::now() + Duration::from_secs(15);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether a launch on `dir` would get the data directory's lock (taken and let go at once).
fn lock_is_free(dir: &Path) -> bool {
    match std::fs::File::open(dir.join("mostrador.lock")) {
        Ok(file) => file.try_lock().is_ok(),
        Err(_) => true,
    }
}

/// One running app: its WebDriver session, its driver process and its data directory.
pub struct App {
    pub driver: WebDriver,
    name: String,
    _driver_process: Driver,
    data_path: PathBuf,
    /// Removed with the app, unless the test owns it (see [`App::launch_in`]).
    _data_dir: Option<tempfile::TempDir>,
}

impl App {
    /// Launches the built app with a fresh data directory and extra command-line `args`.
    pub async fn launch(name: &str, args: &[&str]) -> WebDriverResult<App> {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut app = App::launch_in(name, data_dir.path(), args).await?;
        app._data_dir = Some(data_dir);
        Ok(app)
    }

    /// Launches the app on the demo, its simulator on a port of its own, and returns the
    /// app with the simulator's control API, to steer it as a test steers Mercado Libre.
    pub async fn launch_demo(name: &str) -> WebDriverResult<(App, Sim)> {
        let port = free_port();
        let app = App::launch(name, &["--demo", "--demo-port", &port.to_string()]).await?;
        Ok((app, Sim::at_port(port)))
    }

    /// Launches the built app on the data directory `dir`, which the test keeps (to launch the
    /// app again on the same data).
    pub async fn launch_in(
        name: &str,
        dir: &std::path::Path,
        args: &[&str],
    ) -> WebDriverResult<App> {
        App::launch_with_env(name, dir, args, &[]).await
    }

    /// Launches the demo as [`App::launch_demo`] does, with `env` added to the app's
    /// environment (the desktop a test plays for it).
    pub async fn launch_demo_with_env(
        name: &str,
        env: &[(String, String)],
    ) -> WebDriverResult<(App, Sim)> {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let port_arg = port.to_string();
        let mut app = App::launch_with_env(
            name,
            data_dir.path(),
            &["--demo", "--demo-port", &port_arg],
            env,
        )
        .await?;
        app._data_dir = Some(data_dir);
        Ok((app, Sim::at_port(port)))
    }

    /// Launches the built app on `dir` with `args`, its environment extended by `env`.
    pub async fn launch_with_env(
        name: &str,
        dir: &std::path::Path,
        args: &[&str],
        env: &[(String, String)],
    ) -> WebDriverResult<App> {
        let binary = app_binary();
        assert!(
            binary.exists(),
            "{} is not built (cargo build --features custom-protocol)",
            binary.display()
        );
        let mut app_args: Vec<String> =
            vec!["--data-dir".into(), dir.to_string_lossy().into_owned()];
        app_args.extend(args.iter().map(|a| a.to_string()));
        // Also for a demo started from the connect view ("Try the demo").
        app_args.extend(["--demo-rate".to_owned(), DEMO_RATE.to_owned()]);

        let (port, native_port) = free_ports();
        let driver_process = start_driver(port, native_port, env);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": binary, "args": app_args }),
        );
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await?;
        Ok(App {
            driver,
            name: name.to_owned(),
            _driver_process: driver_process,
            data_path: dir.to_path_buf(),
            _data_dir: None,
        })
    }

    /// Polls `check` until it gives `Some`, for up to a minute (see [`App::until_within`]).
    pub async fn until<T, F, Fut>(
        &self,
        what: impl std::fmt::Display,
        check: F,
    ) -> WebDriverResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = WebDriverResult<Option<T>>>,
    {
        until_within(WAIT, what, check).await
    }

    /// Waits until there are pictures matching `css` and every one is drawn: loaded from its
    /// file, with a width (an `img` the webview could not or did not load has none).
    pub async fn until_picture_shows(&self, css: &str) -> WebDriverResult<()> {
        self.until(&format!("every picture shown at {css}"), || async {
            let loaded = self
                .driver
                .execute(
                    "const imgs = [...document.querySelectorAll(arguments[0])];
                     return imgs.length > 0
                         && imgs.every((img) => img.complete && img.naturalWidth > 0);",
                    vec![json!(css)],
                )
                .await?;
            Ok((loaded.json() == &json!(true)).then_some(()))
        })
        .await
    }

    /// Waits until an element matching `css` exists; the handle finds it again for every
    /// action, so a redraw in between does no harm.
    pub async fn wait_for(&self, css: &str) -> WebDriverResult<Found<'_>> {
        let found = Found {
            app: self,
            css: css.to_owned(),
        };
        self.until(&format!("an element {css}"), || async {
            Ok(found.now().await?.map(|_| ()))
        })
        .await?;
        Ok(found)
    }

    /// Waits until the text of the element matching `css` satisfies `pred`, reading it afresh
    /// each time, and returns that text; fails with the last text seen after a minute.
    pub async fn wait_text(
        &self,
        css: &str,
        pred: impl Fn(&str) -> bool,
    ) -> WebDriverResult<String> {
        let last = LastText {
            css,
            text: std::cell::RefCell::new(None),
        };
        let found = Found {
            app: self,
            css: css.to_owned(),
        };
        let text = until_within(WAIT, &last, || async {
            let Some(element) = found.now().await? else {
                return Ok(None);
            };
            let text = element.text().await?;
            let ok = pred(&text);
            *last.text.borrow_mut() = Some(text.clone());
            Ok(ok.then_some(text))
        })
        .await;
        text
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) -> WebDriverResult<()> {
        self.until(&format!("{css} gone"), || async {
            let found = self.driver.find_all(By::Css(css)).await?;
            Ok(found.is_empty().then_some(()))
        })
        .await
    }

    /// Waits until at least `n` elements match `css` and returns them all. The handles are for
    /// reading at once: one the UI redraws later goes stale.
    pub async fn wait_for_all(&self, css: &str, n: usize) -> WebDriverResult<Vec<WebElement>> {
        self.until(&format!("{n} elements {css}"), || async {
            let found = self.driver.find_all(By::Css(css)).await?;
            Ok((found.len() >= n).then_some(found))
        })
        .await
    }

    /// Runs a test body against this app, then saves a screenshot of the window to
    /// `target/e2e/<test>.png` and ends the session, and the app with it — also when the body fails or panics, so a
    /// failing test always leaves its picture. A panic is re-raised afterwards.
    /// Saves what the window shows now as `<name>.png` beside the tests' other screenshots.
    pub async fn snapshot(&self, name: &str) -> WebDriverResult<()> {
        // WebKit may hand back the frame before the last change is painted.
        tokio::time::sleep(Duration::from_millis(500)).await;
        screenshot(&self.driver, &screenshot_dir().join(format!("{name}.png"))).await
    }

    pub async fn run<'a, F>(&'a self, body: F) -> WebDriverResult<()>
    where
        F: std::future::Future<Output = WebDriverResult<()>> + 'a,
    {
        let outcome = AssertUnwindSafe(body).catch_unwind().await;
        let shot = screenshot(
            &self.driver,
            &screenshot_dir().join(format!("{}.png", self.name)),
        )
        .await;
        let quit = self.driver.clone().quit().await;
        // Gone for good before the next test (or a restart on the same data) begins: a stray
        // app would keep syncing on the machine's two cores.
        until_app_exited(&self.data_path).await;
        match outcome {
            Ok(result) => result.and(shot).and(quit),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
