//! Opening yincai's data: the database named by the configuration, its migrations and the
//! field-encryption key. Shared by the server and the maintenance commands, so neither
//! needs the web layer to reach the data.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use yincai_domain::crypto::FieldCipher;
use yincai_store::Store;

use crate::{App, Clock};

/// Where the data lives: a data directory (SQLite database and master key) and, for
/// PostgreSQL, a database URL.
#[derive(Debug, Clone)]
pub struct DataConfig {
    pub data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; default: `<data_dir>/yincai.db`.
    pub database_url: Option<String>,
}

impl DataConfig {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("yincai.db").display()))
    }
}

/// Opens the database, runs the migrations and loads the field-encryption key, creating
/// the data directory and the key on first start.
pub async fn open_app(config: &DataConfig, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
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

/// Opens an existing database as it is, for commands that only read it (`audit verify`):
/// no migration, no key, and a missing SQLite file is an error rather than a new database.
pub async fn open_existing_store(config: &DataConfig) -> anyhow::Result<Store> {
    let url = config.database_url();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = Path::new(path.split('?').next().unwrap_or(path));
        anyhow::ensure!(path.exists(), "no database at {}", path.display());
    }
    Store::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&url)))
}

/// The field-encryption master key: `YINCAI_MASTER_KEY` (64 hex digits) if set,
/// otherwise `<data_dir>/master.key`, generated on first start with mode 0600.
fn master_key(config: &DataConfig) -> anyhow::Result<[u8; 32]> {
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
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
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
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_in_a_database_url_is_hidden() {
        assert_eq!(
            super::redact("postgres://yincai:secret@db:5432/yincai"),
            "postgres://yincai:***@db:5432/yincai"
        );
        assert_eq!(super::redact("sqlite://./data/yincai.db"), "sqlite://./data/yincai.db");
    }
}
