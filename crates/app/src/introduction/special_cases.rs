//! 一事一议 (Art. 14(7) and cases the measures do not foresee): the coordination office
//! opens a case on any registered candidate with the reason and the proposed treatment
//! (text, and an amount in whole yuan if money is proposed), then submits it to the
//! leading group, which decides it in a meeting (批复文号). The case is re-editable while
//! it is with the coordination office (drafted, or returned by the meeting).
//!
//! The proposed treatment is stored as JSON in `special_cases.proposed_treatment`:
//! `{"text": "...", "amount_yuan": 50000}` (`amount_yuan` absent when none is proposed).

use serde::{Deserialize, Serialize};
use yincai_domain::workflow::{Action, SPECIAL_CASE};
use yincai_store::{Page, SpecialCaseQuery, SpecialCaseRow, WorkflowEventRow};

use crate::workflow::{ActInput, WorkflowObject};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The object type of 一事一议 workflow items.
pub const OBJECT_TYPE: &str = "special_case";
/// The largest amount a case may propose, in yuan (a typo guard: 1 亿).
pub const MAX_AMOUNT_YUAN: i64 = 100_000_000;

/// The proposed treatment, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Treatment {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_yuan: Option<i64>,
}

/// The case form as typed (kept whole on an error).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialCaseInput {
    /// The candidate's registration form id (only when opening).
    #[serde(default)]
    pub candidate_id: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub treatment: String,
    /// Whole yuan, optional.
    #[serde(default)]
    pub amount_yuan: String,
    /// The version read (edits).
    #[serde(default)]
    pub version: Option<i64>,
}

/// A case as shown.
#[derive(Debug, Clone, Serialize)]
pub struct SpecialCaseView {
    #[serde(flatten)]
    pub row: SpecialCaseRow,
    pub treatment: Treatment,
    pub state_name: String,
    /// The item's version (send it back to submit).
    pub item_version: Option<i64>,
    pub events: Vec<WorkflowEventRow>,
    /// The leading group's 批复文号, once decided.
    pub resolution_number: Option<String>,
    /// The actor may edit and submit it now.
    pub editable: bool,
}

fn not_found() -> AppError {
    AppError::NotFound("一事一议事项".into())
}

fn parse_treatment(json: &str) -> Treatment {
    serde_json::from_str(json).unwrap_or_else(|_| Treatment {
        text: json.to_string(),
        amount_yuan: None,
    })
}

/// An audit summary of the proposed treatment, ending with the amount when one is proposed
/// (the opening and the edit state it alike).
fn with_amount(mut summary: String, treatment: &Treatment) -> String {
    if let Some(a) = treatment.amount_yuan {
        summary.push_str(&format!("，金额 {a} 元"));
    }
    summary
}

/// Checks the reason and treatment; returns them trimmed.
fn validate(input: &SpecialCaseInput) -> Result<(String, Treatment)> {
    let mut errors = Vec::new();
    let reason = input.reason.trim();
    let n = reason.chars().count();
    if !(4..=2000).contains(&n) {
        errors.push(FieldError::new(
            "reason",
            "事由：必填，4 至 2000 字，请说明为何需要一事一议（人才情况与政策未涵盖之处）",
        ));
    }
    let text = input.treatment.trim();
    let n = text.chars().count();
    if !(2..=2000).contains(&n) {
        errors.push(FieldError::new(
            "treatment",
            "拟议待遇：必填，2 至 2000 字，请写明建议给予的待遇",
        ));
    }
    let typed: String = input
        .amount_yuan
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let amount = if typed.is_empty() {
        None
    } else {
        match typed.parse::<i64>() {
            Ok(a) if (1..=MAX_AMOUNT_YUAN).contains(&a) => Some(a),
            _ => {
                errors.push(FieldError::new(
                    "amount_yuan",
                    format!(
                        "拟议金额（元）：应为 1 至 {MAX_AMOUNT_YUAN} 的整数元，不含小数，请核对（填写的是“{}”）；不涉及金额请留空",
                        input.amount_yuan.trim()
                    ),
                ));
                None
            }
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok((
        reason.to_string(),
        Treatment {
            text: text.to_string(),
            amount_yuan: amount,
        },
    ))
}

fn json(t: &Treatment) -> Result<String> {
    serde_json::to_string(t).map_err(|e| AppError::Internal(e.into()))
}

impl App {
    /// Opens a case on a candidate and starts its workflow in the coordination office
    /// (`draft`). Returns the case id.
    pub async fn open_special_case(&self, actor: &Actor, input: &SpecialCaseInput, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::SpecialCasePropose) {
            return Err(AppError::Forbidden("一事一议由人才工作协调办发起".into()));
        }
        let candidate_id: Option<i64> = input.candidate_id.trim().parse().ok();
        let checked = validate(input);
        let mut tx = self.store.begin_write().await?;
        let candidate = match candidate_id {
            Some(id) => tx.candidate(id).await?,
            None => None,
        };
        let Some(candidate) = candidate else {
            let mut errors = checked.err().map(|e| e.field_errors()).unwrap_or_default();
            errors.insert(
                0,
                FieldError::new("candidate_id", "人才：请从人才登记表中选择一名人才（该登记表不存在）"),
            );
            return Err(AppError::Invalid(errors));
        };
        let (reason, treatment) = checked?;
        let now = self.now();
        let id = tx
            .insert_special_case(
                candidate.id,
                actor.org_id,
                &reason,
                &json(&treatment)?,
                actor.user_id,
                now,
            )
            .await?;
        let object = WorkflowObject::new(OBJECT_TYPE, id);
        self.start_in(&mut tx, actor, &SPECIAL_CASE, &object, actor.org_id, None, ctx)
            .await?;
        let summary = with_amount(
            format!("一事一议 #{id}：{}，拟议待遇：{}", candidate.name, treatment.text),
            &treatment,
        );
        let mut audit = self.audit_by(actor, ctx, "special_case_open", (OBJECT_TYPE, id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edits the reason and treatment while the case is with the coordination office.
    pub async fn update_special_case(
        &self,
        actor: &Actor,
        id: i64,
        input: &SpecialCaseInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::MeetingRead)?;
        let mut tx = self.store.begin_write().await?;
        let row = tx.special_case(id).await?.ok_or_else(not_found)?;
        if !may_edit(actor, &row) {
            return Err(AppError::Forbidden(format!(
                "一事一议只能在“{}”环节由协调办修改，当前环节：{}",
                SPECIAL_CASE.state_name("draft"),
                row.state
                    .as_deref()
                    .map_or_else(String::new, |s| SPECIAL_CASE.state_name(s))
            )));
        }
        let (reason, treatment) = validate(input)?;
        let version = input.version.unwrap_or(row.version);
        tx.update_special_case(id, version, &reason, &json(&treatment)?, self.now())
            .await?;
        let summary = with_amount(
            format!(
                "一事一议 #{id}（{}）修改：拟议待遇：{}",
                row.candidate_name, treatment.text
            ),
            &treatment,
        );
        let mut audit = self.audit_by(actor, ctx, "special_case_edit", (OBJECT_TYPE, id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Submits the case to the leading group (`draft` → `group_decision`), through the
    /// workflow with the item version the actor saw.
    pub async fn submit_special_case(&self, actor: &Actor, id: i64, item_version: i64, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::MeetingRead)?;
        let row = {
            let mut tx = self.store.begin_read().await?;
            tx.special_case(id).await?.ok_or_else(not_found)?
        };
        let item_id = row.item_id.ok_or_else(not_found)?;
        self.act(actor, item_id, item_version, &ActInput::new(Action::Submit), ctx)
            .await?;
        Ok(())
    }

    /// One case with its history (coordination office, leading group, city leaders).
    pub async fn special_case(&self, actor: &Actor, id: i64) -> Result<SpecialCaseView> {
        actor.require(Permission::MeetingRead)?;
        let mut tx = self.store.begin_read().await?;
        let row = tx.special_case(id).await?.ok_or_else(not_found)?;
        let crate::workflow::Decided {
            events,
            item_version,
            resolution_number,
        } = crate::workflow::decided(&mut tx, row.item_id).await?;
        Ok(SpecialCaseView {
            treatment: parse_treatment(&row.proposed_treatment),
            state_name: row
                .state
                .as_deref()
                .map_or_else(|| "未进入流程".into(), |s| SPECIAL_CASE.state_name(s)),
            editable: may_edit(actor, &row),
            item_version,
            events,
            resolution_number,
            row,
        })
    }

    /// Cases, most recently changed first.
    /// The cases under the list's filter for an export (up to `q.limit` from the first);
    /// audited with the filter.
    pub async fn export_special_cases(
        &self,
        actor: &Actor,
        q: &SpecialCaseQuery,
        ctx: &RequestCtx,
    ) -> Result<Page<SpecialCaseView>> {
        let all = SpecialCaseQuery { offset: 0, ..q.clone() };
        let page = self.special_cases(actor, &all).await?;
        let summary = App::export_summary("一事一议", page.rows.len(), &[("关键词", q.text.as_deref())]);
        self.record_export(actor, ctx, "special_cases_exported", "special_case", summary)
            .await?;
        Ok(page)
    }

    pub async fn special_cases(&self, actor: &Actor, q: &SpecialCaseQuery) -> Result<Page<SpecialCaseView>> {
        actor.require(Permission::MeetingRead)?;
        let mut tx = self.store.begin_read().await?;
        let page = tx.special_cases(q).await?;
        Ok(Page {
            rows: page
                .rows
                .into_iter()
                .map(|row| SpecialCaseView {
                    treatment: parse_treatment(&row.proposed_treatment),
                    state_name: row
                        .state
                        .as_deref()
                        .map_or_else(|| "未进入流程".into(), |s| SPECIAL_CASE.state_name(s)),
                    editable: may_edit(actor, &row),
                    item_version: None,
                    events: Vec::new(),
                    resolution_number: None,
                    row,
                })
                .collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }
}

fn may_edit(actor: &Actor, row: &SpecialCaseRow) -> bool {
    actor.has(Permission::SpecialCasePropose)
        && actor.has(Permission::WorkflowAct)
        && actor.org_id == row.org_id
        && row.state.as_deref() == Some(SPECIAL_CASE.initial)
}
