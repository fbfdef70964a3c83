//! The end of the introduction (Art. 11, 12(4)-(5), Art. 6): the procedure an employer
//! unit records by mode (`procedures`, details as JSON checked by the app), the talent
//! database (`talents`, with the policy evaluation frozen at the confirmation), and the
//! 一事一议 cases (`special_cases`). Applications, positions and intent letters belong to
//! other modules; the few facts needed from them are read here by queries of our own.

use serde::Serialize;

use crate::{Page, Result, StoreError, Tx, like_pattern, on_tx};

/// The procedure of one application (one per application, re-editable until confirmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProcedureRow {
    pub application_id: i64,
    /// recruit | transfer | special
    pub mode: String,
    /// JSON: contract, transfer steps or service agreement.
    pub details: String,
    pub recorded_by: i64,
    pub recorded_at: i64,
    pub version: i64,
}

/// What the end of the procedure needs to know about an application: who, where, which
/// position (and its mode), the unit and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApplicationBrief {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub candidate_user_id: i64,
    pub position_id: i64,
    pub position_title: String,
    /// The position's mode of introduction: recruit | transfer | special.
    pub position_mode: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub org_parent_id: Option<i64>,
    /// The Art. 10 category computed at the review, if any.
    pub category: Option<i64>,
}

/// The intent letter of an application (招聘意向书 / 特聘意向书), for the chain of steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IntentLetterBrief {
    pub kind: String,
    pub number: String,
    pub issued_at: i64,
    pub accepted_at: Option<i64>,
}

/// One record of the talent database (Art. 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TalentRow {
    pub id: i64,
    pub candidate_id: i64,
    pub application_id: Option<i64>,
    pub special_case_id: Option<i64>,
    pub org_id: i64,
    /// The unit's name (joined).
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    pub name: String,
    pub mode: String,
    /// city_unit | enterprise | central_unit (the policy engine's employer).
    pub employer: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub category: Option<i64>,
    /// JSON list of obligations (Art. 26).
    pub obligations: String,
    pub policy_id: String,
    pub policy_version: String,
    /// The exact facts evaluated (JSON).
    pub facts: String,
    /// The policy report (JSON).
    pub report: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewTalent {
    pub candidate_id: i64,
    pub application_id: Option<i64>,
    pub special_case_id: Option<i64>,
    pub org_id: i64,
    pub name: String,
    pub mode: String,
    pub employer: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub category: Option<i64>,
    pub obligations: String,
    pub policy_id: String,
    pub policy_version: String,
    pub facts: String,
    pub report: String,
}

/// Filters of the talent database. `scope_root` limits the rows to that unit and the units
/// it supervises (a unit sees itself, a department its units).
#[derive(Debug, Clone, Default)]
pub struct TalentQuery {
    /// Part of the name.
    pub name: Option<String>,
    /// Part of the unit's name.
    pub unit: Option<String>,
    pub category: Option<i64>,
    pub mode: Option<String>,
    pub start_year: Option<i64>,
    pub candidate_id: Option<i64>,
    pub scope_root: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// A 一事一议 case, with the candidate's name and the state of its workflow item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SpecialCaseRow {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub org_id: i64,
    pub reason: String,
    /// JSON: the proposed treatment (text and optional amount), checked by the app.
    pub proposed_treatment: String,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub item_id: Option<i64>,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SpecialCaseQuery {
    /// Part of the candidate's name.
    pub text: Option<String>,
    pub state: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

const TALENT_COLUMNS: &str = "t.id, t.candidate_id, t.application_id, t.special_case_id, t.org_id, o.name as org_name, \
     o.parent_id as org_parent_id, t.name, t.mode, t.employer, t.start_date, t.end_date, t.category, t.obligations, \
     t.policy_id, t.policy_version, t.facts, t.report, t.created_at, t.updated_at, t.version";

const SPECIAL_CASE_COLUMNS: &str = "s.id, s.candidate_id, c.name as candidate_name, s.org_id, s.reason, \
     s.proposed_treatment, s.created_by, s.created_at, s.updated_at, s.version, w.id as item_id, w.state";

const SPECIAL_CASE_FROM: &str = "special_cases s join candidates c on c.id = s.candidate_id \
     left join workflow_items w on w.object_type = 'special_case' and w.object_id = cast(s.id as text)";

fn text_filter(t: Option<&str>) -> Option<String> {
    t.map(str::trim).filter(|t| !t.is_empty()).map(like_pattern)
}

/// The bank account a talent is paid into: encrypted number, its mask, and the bank
/// (开户行); all `None` until recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BankAccountRow {
    #[serde(skip)]
    pub bank_account_enc: Option<String>,
    pub bank_account_masked: Option<String>,
    pub bank_name: Option<String>,
}

impl Tx {
    /// Records (or replaces) the bank account of a talent; false if there is no such talent.
    pub async fn set_bank_account(
        &mut self,
        talent_id: i64,
        enc: &str,
        masked: &str,
        bank_name: &str,
        now: i64,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update talents set bank_account_enc = $2, bank_account_masked = $3, bank_name = $4, updated_at = $5
             where id = $1")
            .bind(talent_id).bind(enc).bind(masked).bind(bank_name).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// The bank account of a talent (empty when none is recorded or there is no such talent).
    pub async fn bank_account(&mut self, talent_id: i64) -> Result<BankAccountRow> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, BankAccountRow>(
            "select bank_account_enc, bank_account_masked, bank_name from talents where id = $1")
            .bind(talent_id)
            .fetch_optional(&mut *c).await?)
        .unwrap_or_default())
    }

    // ---- reads of other modules' tables -------------------------------------------------

    /// The application with its candidate, position (title, mode) and unit.
    pub async fn application_brief(&mut self, id: i64) -> Result<Option<ApplicationBrief>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, ApplicationBrief>(
            "select a.id, a.candidate_id, c.name as candidate_name, c.user_id as candidate_user_id,
                    a.position_id, p.title as position_title, p.mode as position_mode,
                    a.org_id, o.name as org_name, o.kind as org_kind, o.parent_id as org_parent_id, a.category
             from applications a
             join candidates c on c.id = a.candidate_id
             join positions p on p.id = a.position_id
             join organisations o on o.id = a.org_id
             where a.id = $1")
            .bind(id).fetch_optional(&mut *c).await?))
    }

    /// The intent letter of an application, if one was issued.
    pub async fn intent_letter_brief(&mut self, application_id: i64) -> Result<Option<IntentLetterBrief>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, IntentLetterBrief>(
            "select kind, number, issued_at, accepted_at from intent_letters where application_id = $1")
            .bind(application_id).fetch_optional(&mut *c).await?))
    }

    // ---- procedures ---------------------------------------------------------------------

    pub async fn procedure(&mut self, application_id: i64) -> Result<Option<ProcedureRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, ProcedureRow>(
            "select application_id, mode, details, recorded_by, recorded_at, version
             from procedures where application_id = $1")
            .bind(application_id).fetch_optional(&mut *c).await?))
    }

    /// Records the procedure: inserts it when `expected_version` is `None` (a second insert
    /// is `Unique { key: "procedures.application_id" }`-like: `Stale`), else rewrites it
    /// if the version is still current. Returns the new version.
    pub async fn save_procedure(
        &mut self,
        application_id: i64,
        expected_version: Option<i64>,
        mode: &str,
        details: &str,
        recorded_by: i64,
        now: i64,
    ) -> Result<i64> {
        match expected_version {
            None => {
                let n = on_tx!(self, c => sqlx::query(
                    "insert into procedures (application_id, mode, details, recorded_by, recorded_at)
                     values ($1, $2, $3, $4, $5) on conflict (application_id) do nothing")
                    .bind(application_id).bind(mode).bind(details).bind(recorded_by).bind(now)
                    .execute(&mut *c).await?.rows_affected());
                if n == 0 {
                    return Err(StoreError::Stale);
                }
                Ok(1)
            }
            Some(v) => {
                let n = on_tx!(self, c => sqlx::query(
                    "update procedures set mode = $3, details = $4, recorded_by = $5, recorded_at = $6,
                            version = version + 1
                     where application_id = $1 and version = $2")
                    .bind(application_id).bind(v).bind(mode).bind(details).bind(recorded_by).bind(now)
                    .execute(&mut *c).await?.rows_affected());
                if n == 0 {
                    return Err(StoreError::stale_or_not_found(
                        self.procedure(application_id).await?.is_some(),
                    ));
                }
                Ok(v + 1)
            }
        }
    }

    // ---- talents ------------------------------------------------------------------------

    pub async fn insert_talent(&mut self, t: &NewTalent, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into talents (candidate_id, application_id, special_case_id, org_id, name, mode, employer,
                 start_date, end_date, category, obligations, policy_id, policy_version, facts, report,
                 created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
             returning id")
            .bind(t.candidate_id).bind(t.application_id).bind(t.special_case_id).bind(t.org_id)
            .bind(&t.name).bind(&t.mode).bind(&t.employer).bind(&t.start_date).bind(&t.end_date)
            .bind(t.category).bind(&t.obligations).bind(&t.policy_id).bind(&t.policy_version)
            .bind(&t.facts).bind(&t.report).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn talent(&mut self, id: i64) -> Result<Option<TalentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {TALENT_COLUMNS} from talents t join organisations o on o.id = t.org_id where t.id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, TalentRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    pub async fn talent_by_application(&mut self, application_id: i64) -> Result<Option<TalentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {TALENT_COLUMNS} from talents t join organisations o on o.id = t.org_id where t.application_id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, TalentRow>(sql).bind(application_id).fetch_optional(&mut *c).await?))
    }

    /// Records the end of the relation on the talent's row (`end_date`, which the talent
    /// database and the talent's page show); the frozen facts and report stay as decided.
    pub async fn set_talent_end_date(&mut self, id: i64, end_date: &str, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update talents set end_date = $2, updated_at = $3, version = version + 1 where id = $1")
            .bind(id).bind(end_date).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The talent database under filters, newest introduction first.
    pub async fn talents(&mut self, q: &TalentQuery) -> Result<Page<TalentRow>> {
        let filter = "($1 is null or t.name like $1 escape '\\')
             and ($2 is null or o.name like $2 escape '\\')
             and ($3 is null or t.category = $3)
             and ($4 is null or t.mode = $4)
             and ($5 is null or t.start_date like $5)
             and ($6 is null or t.candidate_id = $6)
             and ($7 is null or t.org_id = $7 or o.parent_id = $7)";
        let name = text_filter(q.name.as_deref());
        let unit = text_filter(q.unit.as_deref());
        let mode = q.mode.as_deref().map(str::trim).filter(|m| !m.is_empty());
        let year = q.start_year.map(|y| format!("{y:04}-%"));
        let count_sql = sqlx::AssertSqlSafe(format!(
            "select cast(count(*) as bigint) from talents t join organisations o on o.id = t.org_id where {filter}"
        ));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&name).bind(&unit).bind(q.category).bind(mode).bind(&year).bind(q.candidate_id).bind(q.scope_root)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {TALENT_COLUMNS} from talents t join organisations o on o.id = t.org_id where {filter}
             order by t.start_date desc, t.id desc limit $8 offset $9"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, TalentRow>(rows_sql)
            .bind(&name).bind(&unit).bind(q.category).bind(mode).bind(&year).bind(q.candidate_id).bind(q.scope_root)
            .bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    // ---- 一事一议 -----------------------------------------------------------------------

    pub async fn insert_special_case(
        &mut self,
        candidate_id: i64,
        org_id: i64,
        reason: &str,
        proposed_treatment: &str,
        created_by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into special_cases (candidate_id, org_id, reason, proposed_treatment, created_by, created_at,
                                        updated_at)
             values ($1, $2, $3, $4, $5, $6, $6) returning id")
            .bind(candidate_id).bind(org_id).bind(reason).bind(proposed_treatment).bind(created_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Rewrites the reason and treatment if `version` is still current.
    pub async fn update_special_case(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        proposed_treatment: &str,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update special_cases set reason = $3, proposed_treatment = $4, updated_at = $5, version = version + 1
             where id = $1 and version = $2")
            .bind(id).bind(version).bind(reason).bind(proposed_treatment).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.special_case(id).await?.is_some()));
        }
        Ok(())
    }

    pub async fn special_case(&mut self, id: i64) -> Result<Option<SpecialCaseRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {SPECIAL_CASE_COLUMNS} from {SPECIAL_CASE_FROM} where s.id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, SpecialCaseRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// 一事一议 cases, most recently changed first.
    pub async fn special_cases(&mut self, q: &SpecialCaseQuery) -> Result<Page<SpecialCaseRow>> {
        let filter = "($1 is null or c.name like $1 escape '\\') and ($2 is null or w.state = $2)";
        let text = text_filter(q.text.as_deref());
        let state = q.state.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let count_sql = sqlx::AssertSqlSafe(format!(
            "select cast(count(*) as bigint) from {SPECIAL_CASE_FROM} where {filter}"
        ));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(&text).bind(state).fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {SPECIAL_CASE_COLUMNS} from {SPECIAL_CASE_FROM} where {filter}
             order by s.updated_at desc, s.id desc limit $3 offset $4"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, SpecialCaseRow>(rows_sql)
            .bind(&text).bind(state).bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    // ---- test data ----------------------------------------------------------------------

    /// Inserts a plan with one position of `mode` for unit `org_id` and an application of
    /// `candidate_id` to it; returns (plan id, position id, application id). For tests of
    /// the end of the procedure, which must not depend on the plan and application code.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn insert_test_application(
        &mut self,
        org_id: i64,
        candidate_id: i64,
        mode: &str,
        created_by: i64,
        now: i64,
    ) -> Result<(i64, i64, i64)> {
        let plan: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into plans (org_id, year, title, note, created_by, created_at, updated_at)
             values ($1, 2026, '2026年度引进计划', '', $2, $3, $3) returning id")
            .bind(org_id).bind(created_by).bind(now).fetch_one(&mut *c).await?);
        let position: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into positions (plan_id, title, openings, field, mode, min_degree, majors, min_title,
                                    qualifications, requirements, created_at, updated_at)
             values ($1, '口岸经济研究员', 2, '口岸经济', $2, 'master', '经济学', 'none', '', '', $3, $3)
             returning id")
            .bind(plan).bind(mode).bind(now).fetch_one(&mut *c).await?);
        let application: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into applications (candidate_id, position_id, org_id, submitted_form, checklist, created_at,
                                       updated_at)
             values ($1, $2, $3, '{}', '{}', $4, $4) returning id")
            .bind(candidate_id).bind(position).bind(org_id).bind(now).fetch_one(&mut *c).await?);
        Ok((plan, position, application))
    }
}
