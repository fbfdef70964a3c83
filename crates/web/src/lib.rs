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
use yincai_app::startup::{DataConfig, open_app};
use yincai_app::{App, Clock, RequestCtx};

// The features, by context; each folder holds its pages and its API handlers.
mod administration;
mod attachments;
mod benefits;
mod introduction;
mod policy;
mod workflow;

// The two front doors (routers) and what every feature shares.
pub mod api;
mod assets;
mod auth;
mod edge;
mod error;
mod export;
mod layout;
mod middleware;
mod pages;

pub(crate) use error::PageResult;
pub use error::{ApiError, PageError};
pub use pages::page_routes;

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
    /// Where the data lives (the app's startup opens it).
    pub fn data(&self) -> DataConfig {
        DataConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub secure_cookies: bool,
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
        let app = open_app(&config.data(), clock).await?;
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
