//! Applications of registered candidates to positions (Art. 12(2)-(3)) and their intent
//! letters (招聘意向书 / 特聘意向书). The state of an application lives on its workflow
//! item (object type `application`, object id the application's id as text); this module
//! stores what the steps record: the submitted registration form (snapshotted at each
//! (re)submission), the review checklist and findings (审查认定), the Art. 10 category, the
//! letter.

use serde::Serialize;

use crate::{Page, Result, StoreError, Tx, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub candidate_id: i64,
    pub position_id: i64,
    /// The unit that owns the position (the plan's unit).
    pub org_id: i64,
    /// JSON: the masked registration form as submitted last.
    pub submitted_form: String,
    /// JSON: the form as submitted before the last 补正, if any.
    pub previous_form: Option<String>,
    /// JSON object: the review checklist.
    pub checklist: String,
    /// JSON object: the review's findings (审查认定) on the facts of Art. 10(3)-(6) the form
    /// does not state, by code; `{}` when none were recorded.
    pub findings: String,
    /// The Art. 10 category computed at the last (re)submission or review.
    pub category: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub candidate_id: i64,
    pub position_id: i64,
    pub org_id: i64,
    pub submitted_form: String,
    pub category: Option<i64>,
}

/// A position with what an application needs of its plan and unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApplicationPosition {
    pub position_id: i64,
    pub title: String,
    pub openings: i64,
    pub mode: String,
    pub plan_id: i64,
    pub plan_title: String,
    /// The plan's unit.
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub org_parent_id: Option<i64>,
    pub open_date: Option<String>,
    pub close_date: Option<String>,
    pub published_at: Option<i64>,
}

/// One application in a list: with its candidate, position, unit and workflow state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApplicationListRow {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub candidate_user_id: i64,
    pub position_id: i64,
    pub position_title: String,
    pub mode: String,
    pub openings: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    pub category: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// The workflow item (absent only for a half-written row, which a transaction never leaves).
    pub item_id: Option<i64>,
    pub state: Option<String>,
    pub item_version: Option<i64>,
    pub due_date: Option<String>,
}

/// Filters of the application list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationQuery {
    /// Workflow state code.
    pub state: Option<String>,
    pub position_id: Option<i64>,
    pub plan_id: Option<i64>,
    /// Only applications to this unit or to the units it supervises.
    pub org_scope: Option<i64>,
    /// Only the applications of this candidate's account.
    pub candidate_user_id: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IntentLetterRow {
    pub id: i64,
    pub application_id: i64,
    /// recruit (招聘意向书) | special (特聘意向书)
    pub kind: String,
    /// e.g. 阿人才意〔2026〕12号
    pub number: String,
    pub body: String,
    pub issued_by: i64,
    pub issued_at: i64,
    pub accepted_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewIntentLetter {
    pub application_id: i64,
    pub kind: String,
    pub number: String,
    pub body: String,
    pub issued_by: i64,
}

const APPLICATION_COLUMNS: &str = "id, candidate_id, position_id, org_id, submitted_form, previous_form, checklist, \
     findings, category, created_at, updated_at, version";
const LETTER_COLUMNS: &str = "id, application_id, kind, number, body, issued_by, issued_at, accepted_at";
const LIST_FROM: &str = "from applications a
     join candidates c on c.id = a.candidate_id
     join positions p on p.id = a.position_id
     join plans pl on pl.id = p.plan_id
     join organisations o on o.id = a.org_id
     left join workflow_items w on w.workflow = 'application' and w.object_type = 'application'
                               and w.object_id = cast(a.id as text)";
const LIST_FILTER: &str = "($1 is null or w.state = $1) and ($2 is null or a.position_id = $2)
     and ($3 is null or p.plan_id = $3) and ($4 is null or a.org_id = $4 or o.parent_id = $4)
     and ($5 is null or c.user_id = $5)";
const LIST_COLUMNS: &str = "a.id, a.candidate_id, c.name as candidate_name, c.user_id as candidate_user_id,
     a.position_id, p.title as position_title, p.mode, p.openings, p.plan_id, pl.title as plan_title,
     a.org_id, o.name as org_name, o.parent_id as org_parent_id, a.category, a.created_at, a.updated_at, a.version,
     w.id as item_id, w.state, w.version as item_version, w.due_date";

/// A state code list as SQL text; the codes are the workflow's own constants.
fn state_list(states: &[&str]) -> String {
    states
        .iter()
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Tx {
    /// A position with its plan's unit and dates, for applying and reviewing.
    pub async fn application_position(&mut self, position_id: i64) -> Result<Option<ApplicationPosition>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, ApplicationPosition>(
            "select p.id as position_id, p.title, p.openings, p.mode, p.plan_id, pl.title as plan_title,
                    pl.org_id, o.name as org_name, o.kind as org_kind, o.parent_id as org_parent_id,
                    pl.open_date, pl.close_date, pl.published_at
             from positions p join plans pl on pl.id = p.plan_id join organisations o on o.id = pl.org_id
             where p.id = $1")
            .bind(position_id)
            .fetch_optional(&mut *c)
            .await?))
    }

    pub async fn insert_application(&mut self, a: &NewApplication, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into applications (candidate_id, position_id, org_id, submitted_form, previous_form, checklist,
                                       category, created_at, updated_at)
             values ($1, $2, $3, $4, null, '{}', $5, $6, $6) returning id")
            .bind(a.candidate_id)
            .bind(a.position_id)
            .bind(a.org_id)
            .bind(&a.submitted_form)
            .bind(a.category)
            .bind(now)
            .fetch_one(&mut *c)
            .await?))
    }

    pub async fn application(&mut self, id: i64) -> Result<Option<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {APPLICATION_COLUMNS} from applications where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ApplicationRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The application of a candidate to a position, if any.
    pub async fn application_of(&mut self, candidate_id: i64, position_id: i64) -> Result<Option<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {APPLICATION_COLUMNS} from applications where candidate_id = $1 and position_id = $2"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ApplicationRow>(sql)
            .bind(candidate_id).bind(position_id).fetch_optional(&mut *c).await?))
    }

    /// Applications with candidate, position, unit and state; most recently moved first.
    pub async fn applications(&mut self, q: &ApplicationQuery) -> Result<Page<ApplicationListRow>> {
        let state = q.state.as_deref().filter(|s| !s.trim().is_empty());
        let count_sql = sqlx::AssertSqlSafe(format!(
            "select cast(count(*) as bigint) {LIST_FROM} where {LIST_FILTER}"
        ));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(state).bind(q.position_id).bind(q.plan_id).bind(q.org_scope).bind(q.candidate_user_id)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {LIST_COLUMNS} {LIST_FROM} where {LIST_FILTER}
             order by coalesce(w.updated_at, a.updated_at) desc, a.id desc limit $6 offset $7"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, ApplicationListRow>(rows_sql)
            .bind(state).bind(q.position_id).bind(q.plan_id).bind(q.org_scope).bind(q.candidate_user_id)
            .bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    /// One application as in a list.
    pub async fn application_listed(&mut self, id: i64) -> Result<Option<ApplicationListRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {LIST_COLUMNS} {LIST_FROM} where a.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ApplicationListRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Saves the review checklist and the category if `version` is still current.
    pub async fn update_application_review(
        &mut self,
        id: i64,
        version: i64,
        checklist: &str,
        category: Option<i64>,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update applications set checklist = $1, category = $2, updated_at = $3, version = version + 1
             where id = $4 and version = $5")
            .bind(checklist).bind(category).bind(now).bind(id).bind(version)
            .execute(&mut *c).await?.rows_affected());
        self.stale_or_missing(id, n).await
    }

    /// Saves the review's findings (审查认定), in the transaction that saved the checklist
    /// with [`Tx::update_application_review`] (which checked the version).
    pub async fn update_application_findings(&mut self, id: i64, findings: &str) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query("update applications set findings = $1 where id = $2")
            .bind(findings).bind(id)
            .execute(&mut *c).await?.rows_affected());
        self.stale_or_missing(id, n).await
    }

    /// A resubmission after 补正: the last submitted form becomes the previous one; the
    /// review's findings are kept.
    pub async fn resnapshot_application(
        &mut self,
        id: i64,
        submitted_form: &str,
        category: Option<i64>,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update applications set previous_form = submitted_form, submitted_form = $1, category = $2,
                    updated_at = $3, version = version + 1
             where id = $4")
            .bind(submitted_form).bind(category).bind(now).bind(id)
            .execute(&mut *c).await?.rows_affected());
        self.stale_or_missing(id, n).await
    }

    async fn stale_or_missing(&mut self, id: i64, affected: u64) -> Result<()> {
        if affected == 0 {
            return Err(StoreError::stale_or_not_found(self.application(id).await?.is_some()));
        }
        Ok(())
    }

    /// How many applications to a position, other than `except_id`, are in one of `states`.
    pub async fn count_applications_in_states(
        &mut self,
        position_id: i64,
        except_id: i64,
        states: &[&str],
    ) -> Result<i64> {
        let list = state_list(states);
        if list.is_empty() {
            return Ok(0);
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "select cast(count(*) as bigint) from applications a
             join workflow_items w on w.workflow = 'application' and w.object_type = 'application'
                                  and w.object_id = cast(a.id as text)
             where a.position_id = $1 and a.id <> $2 and w.state in ({list})"
        ));
        Ok(on_tx!(self, c => sqlx::query_scalar(sql).bind(position_id).bind(except_id).fetch_one(&mut *c).await?))
    }

    pub async fn insert_intent_letter(&mut self, l: &NewIntentLetter, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into intent_letters (application_id, kind, number, body, issued_by, issued_at, accepted_at)
             values ($1, $2, $3, $4, $5, $6, null) returning id")
            .bind(l.application_id).bind(&l.kind).bind(&l.number).bind(&l.body).bind(l.issued_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Regenerates a letter's text (same number), e.g. after the letter was withdrawn.
    pub async fn update_intent_letter(&mut self, id: i64, kind: &str, body: &str, by: i64, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update intent_letters set kind = $1, body = $2, issued_by = $3, issued_at = $4, accepted_at = null
             where id = $5")
            .bind(kind).bind(body).bind(by).bind(now).bind(id)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn intent_letter_for(&mut self, application_id: i64) -> Result<Option<IntentLetterRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {LETTER_COLUMNS} from intent_letters where application_id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, IntentLetterRow>(sql)
            .bind(application_id).fetch_optional(&mut *c).await?))
    }

    /// Records the candidate's acceptance of the letter.
    pub async fn accept_intent_letter(&mut self, application_id: i64, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update intent_letters set accepted_at = $1 where application_id = $2")
            .bind(now).bind(application_id)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// How many letters carry a number starting with `prefix` (the year's numbering).
    pub async fn count_intent_letters_numbered(&mut self, prefix: &str) -> Result<i64> {
        let pattern = crate::like_pattern(prefix);
        // like_pattern wraps in %…%; the numbering is a prefix.
        let pattern = pattern.strip_prefix('%').unwrap_or(&pattern).to_string();
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "select cast(count(*) as bigint) from intent_letters where number like $1 escape '\\'")
            .bind(pattern).fetch_one(&mut *c).await?))
    }

    /// Inserts a plan with one position, for tests of applications without the plans
    /// feature; returns (plan id, position id).
    #[cfg(any(test, feature = "test-support"))]
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_test_plan_position(
        &mut self,
        org_id: i64,
        created_by: i64,
        open_date: &str,
        close_date: &str,
        published_at: Option<i64>,
        title: &str,
        openings: i64,
        mode: &str,
    ) -> Result<(i64, i64)> {
        let now = published_at.unwrap_or(0);
        let plan_id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into plans (org_id, year, title, note, created_by, created_at, updated_at, announcement_title,
                                announcement_body, open_date, close_date, published_at, published_by)
             values ($1, 2026, $2, '', $3, $4, $4, $2, '', $5, $6, $7, $8) returning id")
            .bind(org_id).bind(format!("{title}引进计划")).bind(created_by).bind(now)
            .bind(open_date).bind(close_date).bind(published_at).bind(published_at.map(|_| created_by))
            .fetch_one(&mut *c).await?);
        let position_id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into positions (plan_id, title, openings, field, mode, min_degree, majors, min_title,
                                    qualifications, requirements, created_at, updated_at)
             values ($1, $2, $3, '', $4, 'none', '', 'none', '', '', $5, $5) returning id")
            .bind(plan_id).bind(title).bind(openings).bind(mode).bind(now)
            .fetch_one(&mut *c).await?);
        Ok((plan_id, position_id))
    }
}
