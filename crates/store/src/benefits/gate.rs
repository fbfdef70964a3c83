//! The release gate (Art. 19, 22-23): `assessments` (each service year's assessment of a
//! talent, recorded by the unit and filed by the coordination office) and
//! `release_certificates` (证明, one per installment, numbered uniquely per year).

use serde::Serialize;

use yincai_domain::lifecycle::AssessmentState;

use crate::{Page, Result, Tx, like_pattern, nonblank, on_tx};

/// One assessment with its talent's and unit's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssessmentRow {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    pub service_year: i64,
    /// passed | excellent | failed
    pub result: String,
    pub document_number: String,
    pub document_date: String,
    pub note: String,
    #[sqlx(try_from = "String")]
    pub status: AssessmentState,
    pub recorded_by: i64,
    pub recorded_at: i64,
    pub filed_by: Option<i64>,
    pub filed_at: Option<i64>,
    pub version: i64,
}

/// Which due installments a list shows: due on or before `today`, in the scope, and the
/// optional filters (part of the unit's or the benefit's name, a due-date window as ISO
/// dates, a status code).
#[derive(Debug, Clone, Default)]
pub struct DueInstallmentQuery {
    pub today: String,
    pub scope_root: Option<i64>,
    pub unit: Option<String>,
    pub benefit: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub talent_id: i64,
    pub org_id: i64,
    pub service_year: i64,
    pub result: String,
    pub document_number: String,
    pub document_date: String,
    pub note: String,
    pub recorded_by: i64,
}

/// A certificate (证明) issued for one installment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: i64,
    pub installment_id: i64,
    pub number: String,
    pub year: i64,
    pub seq: i64,
    /// JSON: the certificate's text as issued (see the app's `CertificateContent`).
    pub content: String,
    pub issued_by: i64,
    pub issued_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub installment_id: i64,
    pub number: String,
    pub year: i64,
    pub seq: i64,
    pub content: String,
    pub issued_by: i64,
    pub issued_at: i64,
}

const ASSESSMENT_COLUMNS: &str = "a.id, a.talent_id, t.name as talent_name, a.org_id, o.name as org_name, \
     o.parent_id as org_parent_id, a.service_year, a.result, a.document_number, a.document_date, a.note, a.status, \
     a.recorded_by, a.recorded_at, a.filed_by, a.filed_at, a.version";
const ASSESSMENT_FROM: &str =
    "from assessments a join talents t on t.id = a.talent_id join organisations o on o.id = a.org_id";
const CERTIFICATE_COLUMNS: &str = "id, installment_id, number, year, seq, content, issued_by, issued_at";

impl Tx {
    /// Records an assessment (status `recorded`). A second one for the same (talent,
    /// service year) is refused by the unique key (`StoreError::Unique`).
    pub async fn insert_assessment(&mut self, a: &NewAssessment, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(
            "insert into assessments (talent_id, org_id, service_year, result, document_number, document_date, note,
                                      status, recorded_by, recorded_at)
             values ($1, $2, $3, $4, $5, $6, $7, 'recorded', $8, $9) returning id")
            .bind(a.talent_id).bind(a.org_id).bind(a.service_year).bind(&a.result).bind(&a.document_number)
            .bind(&a.document_date).bind(&a.note).bind(a.recorded_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn assessment(&mut self, id: i64) -> Result<Option<AssessmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {ASSESSMENT_COLUMNS} {ASSESSMENT_FROM} where a.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AssessmentRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Assessments, newest first, optionally of one talent, in one status, or under one
    /// organisation (the unit itself or its supervising department).
    pub async fn assessments(
        &mut self,
        talent_id: Option<i64>,
        status: Option<&str>,
        scope_root: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AssessmentRow>> {
        Ok(self
            .assessment_page(talent_id, status, scope_root, limit, 0)
            .await?
            .rows)
    }

    /// A page of [`Tx::assessments`]: `limit` rows from `offset`, with the total.
    pub async fn assessment_page(
        &mut self,
        talent_id: Option<i64>,
        status: Option<&str>,
        scope_root: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<AssessmentRow>> {
        const WHERE: &str = "where ($1 is null or a.talent_id = $1) and ($2 is null or a.status = $2)
               and ($3 is null or a.org_id = $3 or o.parent_id = $3)";
        let count_sql = sqlx::AssertSqlSafe(format!("select cast(count(*) as bigint) {ASSESSMENT_FROM} {WHERE}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(talent_id).bind(status).bind(scope_root)
            .fetch_one(&mut *c).await?);
        let sql = sqlx::AssertSqlSafe(format!(
            "select {ASSESSMENT_COLUMNS} {ASSESSMENT_FROM} {WHERE}
             order by a.recorded_at desc, a.id desc limit $4 offset $5"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, AssessmentRow>(sql)
            .bind(talent_id).bind(status).bind(scope_root).bind(limit).bind(offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset,
            limit,
        })
    }

    /// `recorded` → `filed` by the coordination office, if `version` is current.
    pub async fn file_assessment(&mut self, id: i64, version: i64, by: i64, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update assessments set status = 'filed', filed_by = $3, filed_at = $4, version = version + 1
             where id = $1 and version = $2 and status = 'recorded'")
            .bind(id).bind(version).bind(by).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// Ids of installments due on or before `q.today` (not cancelled), by due date, city-wide
    /// or under one organisation, narrowed by the list's filters; with the total count.
    pub async fn due_installment_ids(&mut self, q: &DueInstallmentQuery) -> Result<(i64, Vec<i64>)> {
        const WHERE: &str = "from installments i join organisations o on o.id = i.org_id
             where i.due_on <= $1 and i.status <> 'cancelled' and ($2 is null or i.org_id = $2 or o.parent_id = $2)
               and ($3 is null or o.name like $3 escape '\\') and ($4 is null or i.benefit_name like $4 escape '\\')
               and ($5 is null or i.due_on >= $5) and ($6 is null or i.due_on <= $6) and ($7 is null or i.status = $7)";
        let unit = nonblank(&q.unit).map(like_pattern);
        let benefit = nonblank(&q.benefit).map(like_pattern);
        let (from, to, status) = (nonblank(&q.from), nonblank(&q.to), nonblank(&q.status));
        let count_sql = sqlx::AssertSqlSafe(format!("select cast(count(*) as bigint) {WHERE}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&q.today).bind(q.scope_root).bind(&unit).bind(&benefit).bind(from).bind(to).bind(status)
            .fetch_one(&mut *c).await?);
        let ids_sql = sqlx::AssertSqlSafe(format!(
            "select i.id {WHERE} order by i.due_on, i.talent_id, i.benefit_code, i.seq limit $8 offset $9"
        ));
        let ids = on_tx!(self, c => sqlx::query_scalar::<_, i64>(ids_sql)
            .bind(&q.today).bind(q.scope_root).bind(&unit).bind(&benefit).bind(from).bind(to).bind(status)
            .bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok((total, ids))
    }

    /// The next certificate sequence number of a year (1 for the first), from the year's
    /// counter: concurrent issuers never get the same number.
    pub async fn next_certificate_seq(&mut self, year: i64) -> Result<i64> {
        let max: Option<i64> = on_tx!(self, c => sqlx::query_scalar(
            "select cast(max(seq) as bigint) from release_certificates where year = $1")
            .bind(year).fetch_one(&mut *c).await?);
        self.next_document_number("certificate", year, max.unwrap_or(0)).await
    }

    /// Takes the next number of a kind of document in a year from `document_counters`;
    /// `issued` is how many were numbered before the counter existed (the first call starts
    /// after it). The counter row stays locked until the transaction ends.
    pub async fn next_document_number(&mut self, kind: &str, year: i64, issued: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(
            "insert into document_counters (kind, year, last) values ($1, $2, $3 + 1)
             on conflict (kind, year) do update set last = document_counters.last + 1
             returning last")
            .bind(kind).bind(year).bind(issued).fetch_one(&mut *c).await?))
    }

    pub async fn insert_certificate(&mut self, cert: &NewCertificate) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(
            "insert into release_certificates (installment_id, number, year, seq, content, issued_by, issued_at)
             values ($1, $2, $3, $4, $5, $6, $7) returning id")
            .bind(cert.installment_id).bind(&cert.number).bind(cert.year).bind(cert.seq).bind(&cert.content)
            .bind(cert.issued_by).bind(cert.issued_at)
            .fetch_one(&mut *c).await?))
    }

    pub async fn certificate_of_installment(&mut self, installment_id: i64) -> Result<Option<CertificateRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {CERTIFICATE_COLUMNS} from release_certificates where installment_id = $1"
        ));
        Ok(
            on_tx!(self, c => sqlx::query_as::<_, CertificateRow>(sql).bind(installment_id).fetch_optional(&mut *c).await?),
        )
    }
}
