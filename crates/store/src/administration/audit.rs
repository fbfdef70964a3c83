//! The audit trail: append-only records chained with SM3.
//!
//! Each record's hash is SM3(previous hash, canonical payload). `audit_head` holds
//! the last sequence number and hash; bumping it first in every append both numbers
//! the record and serialises concurrent appends (a row lock on PostgreSQL, the write
//! lock on SQLite). Verification walks the chain and compares its end with the head,
//! so a changed, removed or re-ordered record, or a cut-off tail, is found.

use serde::Serialize;
use yincai_domain::crypto::audit_chain_hash;

use crate::{Page, Result, Store, Tx, like_pattern, on_tx};

/// What a use case records about one state change.
#[derive(Debug, Clone, Default)]
pub struct NewAudit {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub summary: String,
    pub reason: String,
    pub request_id: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub summary: String,
    pub reason: String,
    pub request_id: String,
    pub result: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub text: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AuditVerdict {
    Intact {
        records: i64,
        head_hash: String,
    },
    /// The first record that was altered or removed, and what is wrong with it.
    Broken {
        seq: i64,
        problem: AuditProblem,
    },
}

/// What is wrong at the first broken record; `app::audit::problem_zh` words it for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditProblem {
    /// The record is missing; the next one present has this number.
    Missing { next_present: i64 },
    /// Its link to the previous record does not match.
    LinkBroken,
    /// Its content was altered.
    ContentAltered,
    /// Records were removed from the end: the chain ends before the head says it does.
    Truncated { chain_ends: i64, head_says: i64 },
}

/// The bytes that are hashed: every field, in a fixed order, separated by 0x1f.
fn canonical_payload(seq: i64, r: &NewAudit) -> Vec<u8> {
    let fields = [
        seq.to_string(),
        r.at.to_string(),
        r.actor_id.map(|i| i.to_string()).unwrap_or_default(),
        r.actor_name.clone(),
        r.actor_role.clone(),
        r.action.clone(),
        r.object_type.clone(),
        r.object_id.clone(),
        r.summary.clone(),
        r.reason.clone(),
        r.request_id.clone(),
        r.result.clone(),
    ];
    fields.join("\u{1f}").into_bytes()
}

impl AuditRecord {
    fn content(&self) -> NewAudit {
        NewAudit {
            at: self.at,
            actor_id: self.actor_id,
            actor_name: self.actor_name.clone(),
            actor_role: self.actor_role.clone(),
            action: self.action.clone(),
            object_type: self.object_type.clone(),
            object_id: self.object_id.clone(),
            summary: self.summary.clone(),
            reason: self.reason.clone(),
            request_id: self.request_id.clone(),
            result: self.result.clone(),
        }
    }
}

const AUDIT_COLUMNS: &str = "seq, at, actor_id, actor_name, actor_role, action, object_type, object_id, \
     summary, reason, request_id, result, prev_hash, hash";

impl Tx {
    /// Appends one record in this transaction; returns its sequence number.
    pub async fn append_audit(&mut self, r: &NewAudit) -> Result<i64> {
        let (seq, prev_hash): (i64, String) = on_tx!(self, c => sqlx::query_as(
            "update audit_head set seq = seq + 1 where id = 1 returning seq, hash")
            .fetch_one(&mut *c).await?);
        let hash = audit_chain_hash(&prev_hash, &canonical_payload(seq, r));
        on_tx!(self, c => sqlx::query(
            "insert into audit_log (seq, at, actor_id, actor_name, actor_role, action, object_type, object_id,
                                    summary, reason, request_id, result, prev_hash, hash)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
            .bind(seq).bind(r.at).bind(r.actor_id).bind(&r.actor_name).bind(&r.actor_role)
            .bind(&r.action).bind(&r.object_type).bind(&r.object_id).bind(&r.summary)
            .bind(&r.reason).bind(&r.request_id).bind(&r.result).bind(&prev_hash).bind(&hash)
            .execute(&mut *c).await?.rows_affected());
        on_tx!(self, c => sqlx::query("update audit_head set hash = $1 where id = 1")
            .bind(&hash).execute(&mut *c).await?.rows_affected());
        Ok(seq)
    }

    pub async fn audit_records(&mut self, q: &AuditQuery) -> Result<Page<AuditRecord>> {
        let filter = "($1 is null or (',' || $1 || ',') like ('%,' || action || ',%'))
             and ($2 is null or actor_name = $2)
             and ($3 is null or object_type = $3)
             and ($4 is null or object_id = $4)
             and ($5 is null or summary like $5 escape '\\' or reason like $5 escape '\\' or actor_name like $5 escape '\\')
             and ($6 is null or at >= $6)
             and ($7 is null or at < $7)";
        let text = q
            .text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| like_pattern(t.trim()));
        let count_sql = sqlx::AssertSqlSafe(format!("select count(*) from audit_log where {filter}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&q.action).bind(&q.actor).bind(&q.object_type).bind(&q.object_id).bind(&text)
            .bind(q.from).bind(q.to)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {AUDIT_COLUMNS} from audit_log where {filter} order by seq desc limit $8 offset $9"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, AuditRecord>(rows_sql)
            .bind(&q.action).bind(&q.actor).bind(&q.object_type).bind(&q.object_id).bind(&text)
            .bind(q.from).bind(q.to).bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    async fn audit_batch(&mut self, after_seq: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {AUDIT_COLUMNS} from audit_log where seq > $1 order by seq limit $2"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AuditRecord>(sql)
            .bind(after_seq).bind(limit).fetch_all(&mut *c).await?))
    }

    async fn audit_head(&mut self) -> Result<(i64, String)> {
        Ok(
            on_tx!(self, c => sqlx::query_as("select seq, hash from audit_head where id = 1")
            .fetch_one(&mut *c).await?),
        )
    }
}

impl Store {
    /// Walks the whole chain in one snapshot and reports the first broken record.
    pub async fn verify_audit(&self) -> Result<AuditVerdict> {
        const BATCH: i64 = 2000;
        let mut tx = self.begin_read().await?;
        let (head_seq, head_hash) = tx.audit_head().await?;
        let mut expected_seq = 1;
        let mut prev = "0".repeat(64);
        loop {
            let batch = tx.audit_batch(expected_seq - 1, BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for rec in &batch {
                if rec.seq != expected_seq {
                    return Ok(AuditVerdict::Broken {
                        seq: expected_seq,
                        problem: AuditProblem::Missing { next_present: rec.seq },
                    });
                }
                if rec.prev_hash != prev {
                    return Ok(AuditVerdict::Broken {
                        seq: rec.seq,
                        problem: AuditProblem::LinkBroken,
                    });
                }
                let hash = audit_chain_hash(&prev, &canonical_payload(rec.seq, &rec.content()));
                if hash != rec.hash {
                    return Ok(AuditVerdict::Broken {
                        seq: rec.seq,
                        problem: AuditProblem::ContentAltered,
                    });
                }
                prev = hash;
                expected_seq += 1;
            }
        }
        let records = expected_seq - 1;
        if records != head_seq || prev != head_hash {
            return Ok(AuditVerdict::Broken {
                seq: records + 1,
                problem: AuditProblem::Truncated {
                    chain_ends: records,
                    head_says: head_seq,
                },
            });
        }
        Ok(AuditVerdict::Intact { records, head_hash })
    }
}
