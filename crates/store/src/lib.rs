//! Persistence for yincai on SQLite (embedded, the default) and PostgreSQL.
//!
//! One query text serves both backends: SQL is kept portable (bigint ids, epoch-ms
//! times, ISO dates as text, `$n` parameters, `returning`, `on conflict`), and the
//! [`on_tx!`] macro expands each query once per backend so that sqlx's types are checked
//! for both. The few dialect differences live in the two migration folders and in
//! [`Store::connect`].
#![forbid(unsafe_code)]

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPoolOptions, Postgres};
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Transaction};

pub mod administration;
pub mod attachments;
pub mod benefits;
pub mod introduction;
pub mod workflow;

// The modules by their short names, so that `crate::fund` and `yincai_store::fund` read
// as before; each lives in the folder of its context.
pub use administration::{audit, orgs, sessions, settings, users};
pub use benefits::{endings, fixings, fund, gate, housing, projection, recovery, service_record, talents};
pub use introduction::{applications, candidates, meetings, plans};
pub use workflow::tasks;

pub use applications::{
    ApplicationListRow, ApplicationPosition, ApplicationQuery, ApplicationRow, IntentLetterRow, NewApplication,
    NewIntentLetter,
};
pub use attachments::{AttachmentMeta, AttachmentRow, NewAttachment};
pub use audit::{AuditProblem, AuditQuery, AuditRecord, AuditVerdict, NewAudit};
pub use candidates::{CandidateQuery, CandidateRow, NewCandidate};
pub use endings::{EndingFacts, EndingRow, MisconductRow};
pub use fixings::{FixingRow, NewFixing};
pub use fund::{
    FundBalances, FundBudgetRow, IdempotencyRow, InstallmentQuery, InstallmentRow, LedgerLegRow, LedgerRow,
    NewInstallment, NewPayment, NewPosting, PaymentBatchRow, PaymentRow, PostingKind,
};
pub use gate::{AssessmentRow, CertificateRow, DueInstallmentQuery, NewAssessment, NewCertificate};
pub use housing::{HousingAllocationRow, HousingUnitRow, NewHousingAllocation};
pub use meetings::{AgendaDecisionRecord, AgendaItemRow, MeetingRow};
pub use orgs::{NewOrg, OrgQuery, OrgRow, OrgSort};
pub use plans::{NewAnnouncement, NewPlan, NewPosition, PlanListRow, PlanQuery, PlanRow, PositionRow};
pub use projection::{BudgetYearRow, OwedSumRow, ProjectionUnitRow};
pub use recovery::{EvaluationRow, NewEvaluation, NewRecovery, RecoveryRow, RepaymentRow};
pub use service_record::ServiceMonthsRow;
pub use sessions::SessionRow;
pub use talents::{
    ApplicationBrief, BankAccountRow, IntentLetterBrief, NewTalent, ProcedureRow, SpecialCaseQuery, SpecialCaseRow,
    TalentQuery, TalentRow,
};
pub use tasks::{NewTask, TaskRow};
pub use users::{AccountProposalRow, NewAccountProposal, NewUser, UserQuery, UserRow};
pub use workflow::{NewWorkflowEvent, NewWorkflowItem, WorkflowEventRow, WorkflowItemRow};

/// Runs `$body` with `$c` bound to the transaction's connection, once per backend.
/// Inside the body write `&mut *$c` for each query so the borrow is renewed.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::TxInner::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key was violated; `key` is `table.column` (or `table.pkey`).
    #[error("duplicate value for {key}")]
    Unique { key: String },
    /// A referenced row does not exist (foreign key).
    #[error("a referenced record does not exist")]
    ForeignKey,
    /// Optimistic versioning: someone else changed the row first.
    #[error("the record was changed by someone else")]
    Stale,
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// What a version-guarded write that changed no row means, shared by every such write:
    /// stale while the row still `exists`, not found once it is gone.
    pub(crate) fn stale_or_not_found(exists: bool) -> Self {
        if exists {
            StoreError::Stale
        } else {
            StoreError::NotFound
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return StoreError::Unique {
                        key: unique_key(db.as_ref()),
                    };
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => return StoreError::ForeignKey,
                _ => {}
            }
        }
        StoreError::Db(e)
    }
}

/// Normalises the violated key to `table.column` on both backends: SQLite says
/// "UNIQUE constraint failed: users.username", PostgreSQL names the constraint
/// `users_username_key` on table `users`.
fn unique_key(db: &dyn sqlx::error::DatabaseError) -> String {
    if let (Some(table), Some(constraint)) = (db.table(), db.constraint()) {
        let rest = constraint
            .strip_prefix(table)
            .and_then(|r| r.strip_prefix('_'))
            .unwrap_or(constraint);
        let rest = rest.strip_suffix("_key").unwrap_or(rest);
        return format!("{table}.{rest}");
    }
    let msg = db.message();
    msg.rsplit(": ")
        .next()
        .and_then(|s| s.split(',').next())
        .unwrap_or(msg)
        .trim()
        .to_string()
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone)]
enum Pools {
    Sqlite(Pool<Sqlite>),
    Postgres(Pool<Postgres>),
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
}

pub(crate) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A transaction. Dropping it without [`Tx::commit`] rolls it back.
pub struct Tx {
    pub(crate) inner: TxInner,
}

impl Store {
    /// Connects to `url`: `postgres://` or `postgresql://` selects PostgreSQL, anything
    /// else is a SQLite file (`sqlite://path`, `sqlite:path` or a plain path), created if
    /// missing. Migrations are not run here; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            return Ok(Store {
                pools: Pools::Postgres(pool),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL can lose a committed payment on power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(Store {
            pools: Pools::Sqlite(pool),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match &self.pools {
            Pools::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pools::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`: a deferred
    /// transaction that reads and then writes gets SQLITE_BUSY at once, and the busy
    /// timeout never applies to it.
    pub async fn begin_write(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite(p) => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx { inner })
    }

    /// A read transaction: a consistent snapshot for several queries.
    pub async fn begin_read(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite(p) => TxInner::Sqlite(p.begin().await?),
            Pools::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx { inner })
    }

    /// Answers when the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.begin_read().await?;
        let one: i64 = on_tx!(tx, c => sqlx::query_scalar("select cast(1 as bigint)").fetch_one(&mut *c).await?);
        debug_assert_eq!(one, 1);
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite(p) => p.close().await,
            Pools::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Runs a raw query that answers one text value; for tests and maintenance only.
    #[doc(hidden)]
    pub async fn execute_raw_scalar(&mut self, sql: &str) -> Result<String> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(on_tx!(self, c => sqlx::query_scalar(sql).fetch_one(&mut *c).await?))
    }

    /// Runs a raw statement; for tests and maintenance commands only.
    #[doc(hidden)]
    pub async fn execute_raw(&mut self, sql: &str) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(on_tx!(self, c => sqlx::query(sql).execute(&mut *c).await?.rows_affected()))
    }
}

/// A page of a list: `limit` rows from `offset`, with the total for the pager.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// A filter as typed: trimmed, and none when blank.
pub(crate) fn nonblank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Escapes `%`, `_` and `\` for a `like ... escape '\'` pattern.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// Fresh databases and fixtures for tests; compiled only for tests (feature `test-support`,
/// which the workspace's dev-dependencies turn on), never into the binary.
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;
