//! Small key/value settings (e.g. whether the demo data set was loaded).

use crate::{Result, Tx, on_tx};

impl Tx {
    pub async fn setting(&mut self, key: &str) -> Result<Option<String>> {
        Ok(
            on_tx!(self, c => sqlx::query_scalar("select value from settings where key = $1")
            .bind(key).fetch_optional(&mut *c).await?),
        )
    }

    pub async fn put_setting(&mut self, key: &str, value: &str) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "insert into settings (key, value) values ($1, $2)
             on conflict (key) do update set value = excluded.value")
            .bind(key).bind(value).execute(&mut *c).await?.rows_affected());
        Ok(())
    }
}
