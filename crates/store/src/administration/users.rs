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
    /// When the password was last set: changed by the user or reset (epoch ms).
    pub password_changed_at: Option<i64>,
    /// The latest successful login and the one before it (epoch ms).
    pub last_login_at: Option<i64>,
    pub previous_login_at: Option<i64>,
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
    /// Only accounts locked at this time (epoch ms).
    pub locked_at: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

const USER_COLUMNS: &str = "id, username, display_name, org_id, password_hash, must_change_password, \
     failed_logins, locked_until, disabled, created_at, updated_at, version, password_changed_at, \
     last_login_at, previous_login_at";

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
             and ($3 is null or exists (select 1 from user_roles r where r.user_id = users.id and r.role = $3))
             and ($4 is null or locked_until > $4)";
        let text = q
            .text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| like_pattern(t.trim()));
        let count_sql = sqlx::AssertSqlSafe(format!("select count(*) from users where {filter}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&text).bind(q.org_id).bind(&q.role).bind(q.locked_at)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS} from users where {filter} order by username limit $5 offset $6"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, UserRow>(rows_sql)
            .bind(&text).bind(q.org_id).bind(&q.role).bind(q.locked_at).bind(q.limit).bind(q.offset)
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
            "update users set failed_logins = 0, locked_until = null, updated_at = $2,
                              previous_login_at = last_login_at, last_login_at = $2 where id = $1")
            .bind(user_id).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    pub async fn set_password(&mut self, user_id: i64, hash: &str, must_change: bool, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update users set password_hash = $2, must_change_password = $3, failed_logins = 0,
                              locked_until = null, password_changed_at = $4, updated_at = $4,
                              version = version + 1
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

/// A proposed change to an account (双人复核): a role change, a password reset or an unlock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AccountProposalRow {
    pub id: i64,
    pub user_id: i64,
    /// `roles`, `reset_password` or `unlock`.
    pub kind: String,
    /// For `roles`: the proposed role codes, comma-separated (empty: no role).
    pub roles: String,
    pub reason: String,
    pub proposed_by: i64,
    pub proposed_at: i64,
    /// `pending`, `confirmed` or `rejected`.
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<i64>,
    pub decision_reason: String,
    /// The proposer's half of a reset's one-time password, until the decision.
    #[serde(skip)]
    pub password_part: String,
}

#[derive(Debug, Clone)]
pub struct NewAccountProposal {
    pub user_id: i64,
    pub kind: String,
    pub roles: String,
    pub reason: String,
    pub proposed_by: i64,
    pub password_part: String,
}

const PROPOSAL_COLUMNS: &str = "id, user_id, kind, roles, reason, proposed_by, proposed_at, status, decided_by, \
     decided_at, decision_reason, password_part";

impl Tx {
    pub async fn insert_account_proposal(&mut self, p: &NewAccountProposal, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into account_proposals (user_id, kind, roles, reason, proposed_by, proposed_at, status,
                                            decision_reason, password_part)
             values ($1, $2, $3, $4, $5, $6, 'pending', '', $7) returning id")
            .bind(p.user_id).bind(&p.kind).bind(&p.roles).bind(&p.reason).bind(p.proposed_by).bind(now)
            .bind(&p.password_part)
            .fetch_one(&mut *c).await?))
    }

    pub async fn account_proposal(&mut self, id: i64) -> Result<Option<AccountProposalRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {PROPOSAL_COLUMNS} from account_proposals where id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AccountProposalRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Proposals on one account (newest first), or every pending one (oldest first).
    pub async fn account_proposals(&mut self, user_id: Option<i64>, limit: i64) -> Result<Vec<AccountProposalRow>> {
        let sql = sqlx::AssertSqlSafe(match user_id {
            Some(_) => {
                format!("select {PROPOSAL_COLUMNS} from account_proposals where user_id = $1 order by id desc limit $2")
            }
            None => format!(
                "select {PROPOSAL_COLUMNS} from account_proposals
                 where status = 'pending' and $1 is null order by id limit $2"
            ),
        });
        Ok(on_tx!(self, c => sqlx::query_as::<_, AccountProposalRow>(sql)
            .bind(user_id).bind(limit).fetch_all(&mut *c).await?))
    }

    /// Records the decision on a pending proposal and forgets the password half. Returns
    /// false when it was no longer pending (someone decided first).
    pub async fn decide_account_proposal(
        &mut self,
        id: i64,
        status: &str,
        decided_by: i64,
        reason: &str,
        now: i64,
    ) -> Result<bool> {
        Ok(on_tx!(self, c => sqlx::query(
            "update account_proposals set status = $2, decided_by = $3, decided_at = $4, decision_reason = $5,
                                          password_part = ''
             where id = $1 and status = 'pending'")
            .bind(id).bind(status).bind(decided_by).bind(now).bind(reason)
            .execute(&mut *c).await?.rows_affected())
            > 0)
    }
}
