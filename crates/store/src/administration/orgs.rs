//! Organisations (Art. 4-8): employer units, departments, the leading group, offices.

use serde::Serialize;

use crate::{Page, Result, StoreError, Tx, like_pattern, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub credit_code: Option<String>,
    pub parent_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub name: String,
    pub kind: String,
    pub credit_code: Option<String>,
    pub parent_id: Option<i64>,
}

/// Filters for the organisation list. `scope_root` limits the rows to that
/// organisation and those it supervises (a unit sees itself, a department its units).
#[derive(Debug, Clone, Default)]
pub struct OrgQuery {
    pub kind: Option<String>,
    pub text: Option<String>,
    pub scope_root: Option<i64>,
    pub sort: OrgSort,
    pub offset: i64,
    pub limit: i64,
}

/// The orders the organisation list offers. Each maps to a fixed `order by`, so no
/// text from a request ever reaches the SQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrgSort {
    /// By kind, then name (the default).
    #[default]
    Kind,
    Name,
    /// Most recently changed first.
    Updated,
}

impl OrgSort {
    pub fn parse(code: &str) -> Option<OrgSort> {
        match code {
            "kind" => Some(OrgSort::Kind),
            "name" => Some(OrgSort::Name),
            "updated" => Some(OrgSort::Updated),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        // id last: a total order, so pages never overlap or skip.
        match self {
            OrgSort::Kind => "kind, name, id",
            OrgSort::Name => "name, id",
            OrgSort::Updated => "updated_at desc, id desc",
        }
    }
}

const ORG_COLUMNS: &str = "id, name, kind, credit_code, parent_id, created_at, updated_at, version";

impl Tx {
    pub async fn insert_org(&mut self, org: &NewOrg, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into organisations (name, kind, credit_code, parent_id, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5) returning id")
            .bind(&org.name)
            .bind(&org.kind)
            .bind(&org.credit_code)
            .bind(org.parent_id)
            .bind(now)
            .fetch_one(&mut *c)
            .await?))
    }

    /// Updates name, credit code and parent if `version` is still current.
    pub async fn update_org(&mut self, id: i64, version: i64, org: &NewOrg, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update organisations set name = $1, kind = $2, credit_code = $3, parent_id = $4,
                    updated_at = $5, version = version + 1
             where id = $6 and version = $7")
            .bind(&org.name)
            .bind(&org.kind)
            .bind(&org.credit_code)
            .bind(org.parent_id)
            .bind(now)
            .bind(id)
            .bind(version)
            .execute(&mut *c)
            .await?
            .rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.org(id).await?.is_some()));
        }
        Ok(())
    }

    pub async fn org(&mut self, id: i64) -> Result<Option<OrgRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {ORG_COLUMNS} from organisations where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, OrgRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    pub async fn org_by_name(&mut self, name: &str) -> Result<Option<OrgRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {ORG_COLUMNS} from organisations where name = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, OrgRow>(sql).bind(name).fetch_optional(&mut *c).await?))
    }

    pub async fn orgs(&mut self, q: &OrgQuery) -> Result<Page<OrgRow>> {
        let filter = "($1 is null or kind = $1)
             and ($2 is null or name like $2 escape '\\' or credit_code like $2 escape '\\')
             and ($3 is null or id = $3 or parent_id = $3)";
        let text = q
            .text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| like_pattern(t.trim()));
        let count_sql = sqlx::AssertSqlSafe(format!("select count(*) from organisations where {filter}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&q.kind).bind(&text).bind(q.scope_root)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {ORG_COLUMNS} from organisations where {filter} order by {} limit $4 offset $5",
            q.sort.order_by()
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, OrgRow>(rows_sql)
            .bind(&q.kind).bind(&text).bind(q.scope_root).bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }
}
