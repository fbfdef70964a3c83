//! yincai's web layer: server-rendered pages in Simplified Chinese (askama + htmx) and
//! the JSON API under `/api/` with its OpenAPI document. Organised by feature; each
//! feature module exports its routes. Authentication and CSRF live in extractors and one
//! middleware, so handlers only call use cases.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use yincai_app::clock::SystemClock;
use yincai_app::{App, Clock, RequestCtx};
use yincai_domain::crypto::FieldCipher;
use yincai_store::Store;

pub mod api;
mod assets;
mod auth;
mod edge;
mod error;
mod export;
mod layout;
mod middleware;
mod pages;

pub use error::{ApiError, PageError};

/// How `yincai serve` is configured (flags or `YINCAI_*` environment variables).
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: String,
    /// Where the SQLite database and the master key live.
    pub data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; default: `<data_dir>/yincai.db`.
    pub database_url: Option<String>,
    /// Load the demo data set (once).
    pub demo: bool,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            demo: false,
            secure_cookies: false,
        }
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("yincai.db").display()))
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub secure_cookies: bool,
}

/// Opens the database named by the configuration, runs the migrations and loads the
/// field-encryption key, creating the data directory and key on first start.
pub async fn open_app(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
    let url = config.database_url();
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&url)))?;
    store.migrate().await.context("database migration failed")?;
    let key = master_key(config)?;
    Ok(App::new(store, clock, FieldCipher::from_master_key(&key)))
}

/// The field-encryption master key: `YINCAI_MASTER_KEY` (64 hex digits) if set,
/// otherwise `<data_dir>/master.key`, generated on first start with mode 0600.
fn master_key(config: &Config) -> anyhow::Result<[u8; 32]> {
    if let Ok(hex) = std::env::var("YINCAI_MASTER_KEY") {
        return yincai_domain::crypto::parse_master_key_hex(&hex)
            .map_err(|e| anyhow::anyhow!("YINCAI_MASTER_KEY: {e}"));
    }
    let path = config.data_dir.join("master.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return yincai_domain::crypto::parse_master_key_hex(text.trim())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    let key = FieldCipher::generate_master_key();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &hex).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Hides a password in a database URL for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// A built server: the socket is bound (so its port is known) but not yet serving.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
    pub app: App,
}

impl Server {
    /// Opens the database, loads the demo data if asked, binds the socket.
    pub async fn build(config: Config) -> anyhow::Result<Server> {
        Server::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Server> {
        let app = open_app(&config, clock).await?;
        if config.demo
            && app
                .load_demo(&RequestCtx {
                    request_id: "startup".into(),
                })
                .await?
        {
            tracing::info!("demo data loaded");
        }
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let state = AppState {
            app: app.clone(),
            secure_cookies: config.secure_cookies,
        };
        Ok(Server {
            listener,
            router: router(state),
            app,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound socket has an address")
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let store = self.app.store.clone();
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        store.close().await;
        Ok(())
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .nest("/api", api::router())
        .route("/healthz", get(healthz))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(middleware::origin_guard))
        .layer(axum::middleware::from_fn(edge::input_guard))
        .layer(axum::middleware::from_fn(middleware::uniform_rejections))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::request_id))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .with_state(state)
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match state.app.store.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("sqlite://./data/yincai.db"), "sqlite://./data/yincai.db");
    }
}
