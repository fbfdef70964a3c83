//! Candidates' registration forms (人才登记表, Art. 12(2)). The ID number and phone arrive
//! here already encrypted and masked by the app: the store never sees them in clear.

use serde::Serialize;

use crate::{Page, Result, StoreError, Tx, like_pattern, nonblank, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CandidateRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub id_type: String,
    #[serde(skip)]
    pub id_number_enc: String,
    #[serde(skip)]
    pub id_number_index: String,
    pub id_number_masked: String,
    #[serde(skip)]
    pub phone_enc: String,
    pub phone_masked: String,
    pub email: String,
    pub gender: String,
    pub birth_date: Option<String>,
    /// JSON array of education rows.
    pub education: String,
    pub highest_degree: String,
    pub title: String,
    pub qualifications: String,
    /// JSON array of honour codes.
    pub honours: String,
    pub projects: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// The columns a save writes (everything but ids, times and version).
#[derive(Debug, Clone)]
pub struct NewCandidate {
    pub name: String,
    pub id_type: String,
    pub id_number_enc: String,
    pub id_number_index: String,
    pub id_number_masked: String,
    pub phone_enc: String,
    pub phone_masked: String,
    pub email: String,
    pub gender: String,
    pub birth_date: Option<String>,
    pub education: String,
    pub highest_degree: String,
    pub title: String,
    pub qualifications: String,
    pub honours: String,
    pub projects: String,
}

/// Filters of the candidate list: part of the name, the highest degree and the title (codes),
/// part of a major (in the education rows), a window.
#[derive(Debug, Clone, Default)]
pub struct CandidateQuery {
    pub text: Option<String>,
    pub degree: Option<String>,
    pub major: Option<String>,
    pub title: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

const CANDIDATE_COLUMNS: &str = "id, user_id, name, id_type, id_number_enc, id_number_index, id_number_masked, \
     phone_enc, phone_masked, email, gender, birth_date, education, highest_degree, title, qualifications, honours, \
     projects, created_at, updated_at, version";

impl Tx {
    pub async fn insert_candidate(&mut self, user_id: i64, c: &NewCandidate, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c_ => sqlx::query_scalar(
            "insert into candidates (user_id, name, id_type, id_number_enc, id_number_index, id_number_masked,
                 phone_enc, phone_masked, email, gender, birth_date, education, highest_degree, title,
                 qualifications, honours, projects, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
             returning id")
            .bind(user_id)
            .bind(&c.name)
            .bind(&c.id_type)
            .bind(&c.id_number_enc)
            .bind(&c.id_number_index)
            .bind(&c.id_number_masked)
            .bind(&c.phone_enc)
            .bind(&c.phone_masked)
            .bind(&c.email)
            .bind(&c.gender)
            .bind(&c.birth_date)
            .bind(&c.education)
            .bind(&c.highest_degree)
            .bind(&c.title)
            .bind(&c.qualifications)
            .bind(&c.honours)
            .bind(&c.projects)
            .bind(now)
            .fetch_one(&mut *c_)
            .await?))
    }

    /// Rewrites the form if `version` is still current.
    pub async fn update_candidate(&mut self, id: i64, version: i64, c: &NewCandidate, now: i64) -> Result<()> {
        let n = on_tx!(self, c_ => sqlx::query(
            "update candidates set name = $1, id_type = $2, id_number_enc = $3, id_number_index = $4,
                    id_number_masked = $5, phone_enc = $6, phone_masked = $7, email = $8, gender = $9,
                    birth_date = $10, education = $11, highest_degree = $12, title = $13, qualifications = $14,
                    honours = $15, projects = $16, updated_at = $17, version = version + 1
             where id = $18 and version = $19")
            .bind(&c.name)
            .bind(&c.id_type)
            .bind(&c.id_number_enc)
            .bind(&c.id_number_index)
            .bind(&c.id_number_masked)
            .bind(&c.phone_enc)
            .bind(&c.phone_masked)
            .bind(&c.email)
            .bind(&c.gender)
            .bind(&c.birth_date)
            .bind(&c.education)
            .bind(&c.highest_degree)
            .bind(&c.title)
            .bind(&c.qualifications)
            .bind(&c.honours)
            .bind(&c.projects)
            .bind(now)
            .bind(id)
            .bind(version)
            .execute(&mut *c_)
            .await?
            .rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.candidate(id).await?.is_some()));
        }
        Ok(())
    }

    pub async fn candidate(&mut self, id: i64) -> Result<Option<CandidateRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {CANDIDATE_COLUMNS} from candidates where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, CandidateRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    pub async fn candidate_by_user(&mut self, user_id: i64) -> Result<Option<CandidateRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {CANDIDATE_COLUMNS} from candidates where user_id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, CandidateRow>(sql).bind(user_id).fetch_optional(&mut *c).await?))
    }

    /// Candidates by name, most recently changed first.
    pub async fn candidates(&mut self, q: &CandidateQuery) -> Result<Page<CandidateRow>> {
        let filter = "($1 is null or name like $1 escape '\\') and ($2 is null or highest_degree = $2) \
             and ($3 is null or education like $3 escape '\\') and ($4 is null or title = $4)";
        let text = nonblank(&q.text).map(like_pattern);
        let major = nonblank(&q.major).map(like_pattern);
        let (degree, title) = (nonblank(&q.degree), nonblank(&q.title));
        let count_sql = sqlx::AssertSqlSafe(format!("select count(*) from candidates where {filter}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&text).bind(degree).bind(&major).bind(title)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {CANDIDATE_COLUMNS} from candidates where {filter} order by updated_at desc, id desc limit $5 offset $6"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, CandidateRow>(rows_sql)
            .bind(&text).bind(degree).bind(&major).bind(title).bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }
}
