//! Login sessions (browser cookies) and API bearer tokens. Only a digest of each
//! token is stored, so a copy of the database cannot be used to log in.

use crate::{Result, Tx, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub token_digest: String,
    pub user_id: i64,
    pub kind: String,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

impl Tx {
    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "insert into sessions (token_digest, user_id, kind, csrf_token, created_at, last_seen_at)
             values ($1, $2, $3, $4, $5, $6)")
            .bind(&s.token_digest).bind(s.user_id).bind(&s.kind).bind(&s.csrf_token)
            .bind(s.created_at).bind(s.last_seen_at)
            .execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    pub async fn session(&mut self, token_digest: &str) -> Result<Option<SessionRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, SessionRow>(
            "select token_digest, user_id, kind, csrf_token, created_at, last_seen_at
             from sessions where token_digest = $1")
            .bind(token_digest).fetch_optional(&mut *c).await?))
    }

    pub async fn touch_session(&mut self, token_digest: &str, now: i64) -> Result<()> {
        on_tx!(self, c => sqlx::query("update sessions set last_seen_at = $2 where token_digest = $1")
            .bind(token_digest).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    pub async fn delete_session(&mut self, token_digest: &str) -> Result<bool> {
        Ok(
            on_tx!(self, c => sqlx::query("delete from sessions where token_digest = $1")
            .bind(token_digest).execute(&mut *c).await?.rows_affected())
                > 0,
        )
    }

    /// Ends every session of a user (password changed, account locked or disabled).
    pub async fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64> {
        Ok(on_tx!(self, c => sqlx::query("delete from sessions where user_id = $1")
            .bind(user_id).execute(&mut *c).await?.rows_affected()))
    }
}

impl Tx {
    /// Ends every session of a user but one (a password change keeps the session it was made in).
    pub async fn delete_other_sessions(&mut self, user_id: i64, keep_digest: &str) -> Result<u64> {
        Ok(
            on_tx!(self, c => sqlx::query("delete from sessions where user_id = $1 and token_digest <> $2")
            .bind(user_id).bind(keep_digest).execute(&mut *c).await?.rows_affected()),
        )
    }
}
