//! User accounts and their roles.

use serde::Serialize;

use crate::{Page, Result, StoreError, Tx, like_pattern, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub password_hash: String,
    pub must_change_password: bool,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub text: Option<String>,
    pub org_id: Option<i64>,
    pub role: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

const USER_COLUMNS: &str = "id, username, display_name, org_id, password_hash, must_change_password, \
     failed_logins, locked_until, disabled, created_at, updated_at, version";

impl Tx {
    pub async fn insert_user(&mut self, u: &NewUser, now: i64) -> Result<i64> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into users (username, display_name, org_id, password_hash, must_change_password,
                                created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6) returning id")
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(u.org_id)
            .bind(&u.password_hash)
            .bind(u.must_change_password)
            .bind(now)
            .fetch_one(&mut *c)
            .await?);
        self.set_roles(id, &u.roles).await?;
        Ok(id)
    }

    pub async fn set_roles(&mut self, user_id: i64, roles: &[String]) -> Result<()> {
        on_tx!(self, c => sqlx::query("delete from user_roles where user_id = $1")
            .bind(user_id).execute(&mut *c).await?.rows_affected());
        for role in roles {
            on_tx!(self, c => sqlx::query("insert into user_roles (user_id, role) values ($1, $2)")
                .bind(user_id).bind(role).execute(&mut *c).await?.rows_affected());
        }
        Ok(())
    }

    pub async fn user(&mut self, id: i64) -> Result<Option<UserRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {USER_COLUMNS} from users where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, UserRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    pub async fn user_by_username(&mut self, username: &str) -> Result<Option<UserRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {USER_COLUMNS} from users where username = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, UserRow>(sql).bind(username).fetch_optional(&mut *c).await?))
    }

    pub async fn user_roles(&mut self, user_id: i64) -> Result<Vec<String>> {
        Ok(
            on_tx!(self, c => sqlx::query_scalar("select role from user_roles where user_id = $1 order by role")
            .bind(user_id).fetch_all(&mut *c).await?),
        )
    }

    pub async fn users(&mut self, q: &UserQuery) -> Result<Page<UserRow>> {
        let filter = "($1 is null or username like $1 escape '\\' or display_name like $1 escape '\\')
             and ($2 is null or org_id = $2)
             and ($3 is null or exists (select 1 from user_roles r where r.user_id = users.id and r.role = $3))";
        let text = q
            .text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| like_pattern(t.trim()));
        let count_sql = sqlx::AssertSqlSafe(format!("select count(*) from users where {filter}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&text).bind(q.org_id).bind(&q.role).fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS} from users where {filter} order by username limit $4 offset $5"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, UserRow>(rows_sql)
            .bind(&text).bind(q.org_id).bind(&q.role).bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    /// Records a failed login: the counter grows, and at `lock_after` failures the
    /// account is locked until `lock_until` and the counter starts again.
    /// Returns the new (failed_logins, locked_until).
    pub async fn record_login_failure(
        &mut self,
        user_id: i64,
        lock_after: i64,
        lock_until: i64,
        now: i64,
    ) -> Result<(i64, Option<i64>)> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, (i64, Option<i64>)>(
            "update users set
                locked_until = case when failed_logins + 1 >= $2 then $3 else locked_until end,
                failed_logins = case when failed_logins + 1 >= $2 then 0 else failed_logins + 1 end,
                updated_at = $4, version = version + 1
             where id = $1 returning failed_logins, locked_until")
            .bind(user_id).bind(lock_after).bind(lock_until).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn record_login_success(&mut self, user_id: i64, now: i64) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "update users set failed_logins = 0, locked_until = null, updated_at = $2 where id = $1")
            .bind(user_id).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    pub async fn set_password(&mut self, user_id: i64, hash: &str, must_change: bool, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update users set password_hash = $2, must_change_password = $3, failed_logins = 0,
                              locked_until = null, updated_at = $4, version = version + 1
             where id = $1")
            .bind(user_id).bind(hash).bind(must_change).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn unlock_user(&mut self, user_id: i64, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update users set failed_logins = 0, locked_until = null, updated_at = $2, version = version + 1
             where id = $1")
            .bind(user_id).bind(now).execute(&mut *c).await?.rows_affected());
        if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn set_user_disabled(&mut self, user_id: i64, disabled: bool, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update users set disabled = $2, updated_at = $3, version = version + 1 where id = $1")
            .bind(user_id).bind(disabled).bind(now).execute(&mut *c).await?.rows_affected());
        if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }
}
