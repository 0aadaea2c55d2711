//! The API client: one `Client` per connected account, cheap to clone, shared by sync and the
//! seller's actions.

mod action_guide;
mod listings;
mod messages;
mod questions;
mod sales;
mod server_clock;
mod transport;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use url::Url;

use crate::auth::{
    AppCredentials, AuthorizationAttempt, Session, StoredTokens, TokenEndpoint, TokenStore,
};
use crate::models::UserId;
use crate::rate::{Budget, Priority, RateBudget};
use crate::retry::RetryPolicy;
use crate::site::DEFAULT_API_BASE;
use crate::{MeliError, Secret, Site};

pub use listings::{
    allowed_picture_url, default_picture_origins, ListingAnswer, PictureOrigin, ITEMS_PER_MULTIGET,
    PICTURE_BODY_LIMIT,
};
pub use messages::{MessagesPage, RawPage, SendMessage};
pub use questions::{
    answer_body, QuestionQuery, SortDirection, MAX_ANSWER_CHARS, MAX_QUESTIONS_OFFSET,
};
pub use sales::{OrderQuery, OrderSort};

pub(crate) use transport::{read_limited, retry_after_header};

/// Everything a [`Client`] needs. Every host is here: the real ones by default, a simulator's in
/// tests and the demo.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub site: Site,
    pub app: AppCredentials,
    /// `https://api.mercadolibre.com` unless overridden.
    pub api_base: String,
    /// The site's authorization host unless overridden.
    pub auth_base: String,
    pub retry: RetryPolicy,
    pub budget: RateBudget,
    /// For one HTTP exchange, connect to last byte.
    pub timeout: Duration,
    /// Where listing pictures may be downloaded from: Mercado Libre's image hosts over HTTPS
    /// by default; a simulator adds its own origin.
    pub picture_origins: Vec<PictureOrigin>,
}

impl ClientConfig {
    pub fn new(site: Site, app: AppCredentials) -> Self {
        ClientConfig {
            site,
            app,
            api_base: DEFAULT_API_BASE.to_owned(),
            auth_base: site.auth_host().to_owned(),
            retry: RetryPolicy::default(),
            budget: RateBudget::default(),
            timeout: Duration::from_secs(30),
            picture_origins: default_picture_origins(),
        }
    }

    /// Also allows pictures from `origin` (`http://127.0.0.1:4000`: a simulator serves its
    /// listings' pictures itself). An origin that does not parse is ignored.
    pub fn with_picture_origin(mut self, origin: &str) -> Self {
        self.picture_origins.extend(PictureOrigin::parse(origin));
        self
    }

    /// Points the client at another API and authorization host (the simulator).
    pub fn with_bases(mut self, api_base: impl Into<String>, auth_base: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self.auth_base = auth_base.into();
        self
    }

    /// For a simulator on 127.0.0.1, where tests and benchmarks run: retries after milliseconds
    /// rather than seconds, a budget that never makes a request wait (a test that checks the
    /// pacing sets its own), and a short timeout.
    pub fn for_loopback(mut self) -> Self {
        self.retry = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(5),
        };
        self.budget = RateBudget {
            reads_per_minute: 600_000,
            writes_per_minute: 600_000,
        };
        self.timeout = Duration::from_secs(5);
        self
    }
}

/// The clients of every connected account, by application. Mercado Libre counts its limits
/// per application, whichever seller's token a request carries, so every account connected
/// through one application (same client id and API host) draws from one budget; the first
/// client built for an application sets it, as with [`Client::for_another_account`]. The app
/// keeps one of these for its whole run; background reads of any kind (sync, names,
/// pictures) go through a client from it and so stay within the one budget.
#[derive(Default)]
pub struct Applications {
    budgets: Mutex<HashMap<(String, String), Weak<Budget>>>,
}

impl std::fmt::Debug for Applications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applications").finish_non_exhaustive()
    }
}

impl Applications {
    /// A client for one account: its application's budget if another live client of the
    /// same application has one, otherwise a new budget from `config.budget`.
    pub fn client(
        &self,
        config: ClientConfig,
        store: Arc<dyn TokenStore>,
    ) -> Result<Client, MeliError> {
        let key = (config.api_base.clone(), config.app.client_id.clone());
        let budget = {
            let mut budgets = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
            // Applications whose clients are all gone are forgotten.
            budgets.retain(|_, b| b.strong_count() > 0);
            let budget = budgets
                .get(&key)
                .and_then(Weak::upgrade)
                .unwrap_or_else(|| Arc::new(Budget::new(config.budget)));
            budgets.insert(key, Arc::downgrade(&budget));
            budget
        };
        Client::build(config, store, budget)
    }
}

/// A Mercado Libre client for one seller account. Clones share tokens, budget and connections;
/// every future it returns is `Send`, so a sync engine can spawn them.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    priority: Priority,
}

struct Inner {
    site: Site,
    api_base: Url,
    auth_base: Url,
    http: reqwest::Client,
    session: Session,
    // Shared by every client of the same application: Mercado Libre counts per application.
    budget: Arc<Budget>,
    retry: RetryPolicy,
    /// Mercado Libre's time, from its answers' `Date` headers.
    server_clock: server_clock::ServerClock,
    /// For pictures: no token, no redirects, a short timeout.
    pictures_http: reqwest::Client,
    picture_origins: Vec<PictureOrigin>,
    /// Order statuses this account's site refused in a search. Kept for the session: a new
    /// session asks once more (one refused request), and a site that learns the status is
    /// not left out of it for ever.
    refused_statuses: std::sync::Mutex<Vec<crate::models::OrderStatus>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("site", &self.inner.site)
            .field("api_base", &self.inner.api_base.as_str())
            .field("priority", &self.priority)
            .finish_non_exhaustive()
    }
}

fn parse_base(name: &str, value: &str) -> Result<Url, MeliError> {
    let url = Url::parse(value)
        .map_err(|e| MeliError::InvalidConfig(format!("{name} {value:?}: {e}")))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(MeliError::InvalidConfig(format!(
            "{name} {value:?} is not an http(s) base URL"
        )));
    }
    Ok(url)
}

impl Client {
    /// Builds a client; tokens come from `store` (none yet means "not connected").
    pub fn new(config: ClientConfig, store: Arc<dyn TokenStore>) -> Result<Client, MeliError> {
        let budget = Arc::new(Budget::new(config.budget));
        Client::build(config, store, budget)
    }

    /// A client for another account of the same application: it draws from this client's
    /// request budget (the limit is per application), so two connected sellers together stay
    /// under it. `config.budget` is ignored.
    pub fn for_another_account(
        &self,
        config: ClientConfig,
        store: Arc<dyn TokenStore>,
    ) -> Result<Client, MeliError> {
        Client::build(config, store, self.inner.budget.clone())
    }

    fn build(
        config: ClientConfig,
        store: Arc<dyn TokenStore>,
        budget: Arc<Budget>,
    ) -> Result<Client, MeliError> {
        let api_base = parse_base("api_base", &config.api_base)?;
        let auth_base = parse_base("auth_base", &config.auth_base)?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Mostrador/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| MeliError::InvalidConfig(e.to_string()))?;
        // The token POST carries the client secret: it must never follow a redirect (a 307
        // re-sends the body to wherever it points). The API's own calls do not need one either,
        // but they keep reqwest's defaults.
        let token_http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Mostrador/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| MeliError::InvalidConfig(e.to_string()))?;
        // A picture host never sees the token, and a redirect could lead anywhere.
        let pictures_http = reqwest::Client::builder()
            .timeout(config.timeout.min(Duration::from_secs(20)))
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Mostrador/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| MeliError::InvalidConfig(e.to_string()))?;
        let endpoint = TokenEndpoint::new(token_http, &api_base, config.app);
        Ok(Client {
            inner: Arc::new(Inner {
                site: config.site,
                api_base,
                auth_base,
                http,
                session: Session::new(store, endpoint),
                budget,
                retry: config.retry,
                server_clock: server_clock::ServerClock::default(),
                pictures_http,
                picture_origins: config.picture_origins,
                refused_statuses: std::sync::Mutex::new(Vec::new()),
            }),
            priority: Priority::Background,
        })
    }

    /// The same client, with its requests first in line: for what the seller is waiting on.
    pub fn interactive(&self) -> Client {
        self.with_priority(Priority::Interactive)
    }

    pub fn with_priority(&self, priority: Priority) -> Client {
        Client {
            inner: self.inner.clone(),
            priority,
        }
    }

    pub fn site(&self) -> Site {
        self.inner.site
    }

    /// Starts connecting an account: the URL to open in the browser, for a loopback listener on
    /// `port` (see [`crate::auth::CallbackListener`]).
    pub fn authorization_attempt(&self, port: u16) -> AuthorizationAttempt {
        AuthorizationAttempt::new(
            &self.inner.auth_base,
            self.inner.session.endpoint().app(),
            port,
        )
    }

    /// Exchanges the code of `attempt` and stores the tokens before returning them.
    pub async fn connect(
        &self,
        attempt: &AuthorizationAttempt,
        code: &Secret,
    ) -> Result<StoredTokens, MeliError> {
        let token = self
            .inner
            .session
            .endpoint()
            .exchange_code(code, &attempt.redirect_uri, &attempt.pkce.verifier)
            .await?;
        self.inner.session.install(token).await
    }

    /// Forgets the tokens here and in the store.
    pub async fn disconnect(&self) -> Result<(), MeliError> {
        self.inner.session.forget().await
    }

    /// The connected seller's user id, as the token endpoint reported it.
    pub async fn seller_id(&self) -> Result<Option<UserId>, MeliError> {
        self.inner.session.user_id().await
    }

    /// The access token's expiry and this run's last refresh (never the token); `None` when
    /// not connected.
    pub async fn token_times(&self) -> Result<Option<crate::auth::TokenTimes>, MeliError> {
        self.inner.session.token_times().await
    }

    /// Whether `other` draws from the same request budget (the same application's).
    pub fn shares_budget_with(&self, other: &Client) -> bool {
        Arc::ptr_eq(&self.inner.budget, &other.inner.budget)
    }

    /// The share of the application's request budget the last minute used.
    pub fn budget_use(&self) -> crate::rate::BudgetUse {
        self.inner.budget.usage()
    }

    /// Mercado Libre's time now, as the `Date` of its latest answers gives it (`None` before
    /// any answer had one). Times the server stamped are compared with this, not the local
    /// clock, which may run minutes off.
    pub fn server_now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.inner.server_clock.now()
    }

    /// How many refreshes this client has made (diagnostics and tests).
    pub fn refresh_count(&self) -> u64 {
        self.inner.session.refresh_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::MemoryTokenStore;

    fn assert_send<T: Send>(_: &T) {}

    fn app(client_id: &str) -> AppCredentials {
        AppCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new("s"),
            redirect_uri: "https://relay.example.test/".into(),
        }
    }

    #[test]
    fn accounts_of_one_application_share_one_budget() {
        let apps = Applications::default();
        let store = || Arc::new(MemoryTokenStore::default());
        let first = apps
            .client(ClientConfig::new(Site::Argentina, app("1")), store())
            .expect("first");
        let second = apps
            .client(ClientConfig::new(Site::Brasil, app("1")), store())
            .expect("second");
        let other = apps
            .client(ClientConfig::new(Site::Argentina, app("2")), store())
            .expect("other application");
        assert!(first.shares_budget_with(&second));
        assert!(!first.shares_budget_with(&other));
        drop((first, second));
        // Once every client of the application is gone, a new one starts a new budget.
        let again = apps
            .client(ClientConfig::new(Site::Argentina, app("1")), store())
            .expect("again");
        assert!(!again.shares_budget_with(&other));
    }

    #[test]
    fn futures_can_be_spawned() {
        let app = AppCredentials {
            client_id: "1".into(),
            client_secret: Secret::new("s"),
            redirect_uri: "https://relay.example.test/".into(),
        };
        let client = Client::new(
            ClientConfig::new(Site::Brasil, app),
            Arc::new(MemoryTokenStore::default()),
        )
        .expect("client");
        assert_send(&client.me());
        assert_send(&client.search_orders(&crate::OrderQuery::seller(1)));
        assert_send(&client.messages(1, 1, crate::MessagesPage::default()));
        let message = crate::SendMessage {
            from: 1,
            to: 2,
            text: String::new(),
            attachments: vec![],
        };
        assert_send(&client.send_message(1, 1, &message));
        assert_send(&client.upload_attachment("a.txt", "text/plain", bytes::Bytes::new()));
        let option =
            crate::models::OptionRequest::free_text(crate::models::OptionId::OtherReason, "x");
        assert_send(&client.send_option(1, &option));
        let attempt = client.authorization_attempt(1);
        assert_send(&client.connect(&attempt, &Secret::new("c")));
        assert_eq!(client.site(), Site::Brasil);
        assert!(attempt
            .url
            .as_str()
            .starts_with("https://auth.mercadolivre.com.br/authorization?"));
    }
}
