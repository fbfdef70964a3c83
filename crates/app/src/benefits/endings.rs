//! 因故解除 (Art. 27: 经市协调办核实，报市人才工作领导小组审批): the coordination office
//! verifies a cause and proposes ending a talent's relation (which case of Art. 27, the date,
//! what it verified and on what basis; for the unit's 弄虚作假 also the people responsible),
//! submits it to the leading group, which approves, rejects or returns it in a meeting
//! (批复文号, the `talent_ending` workflow). Only the approval ends the relation: its hook
//! runs [`App::end_for_cause_in`] in the decision's transaction (future installments
//! cancelled, commitments released, recovery opened, ungifted housing returned) and, for the
//! unit's 弄虚作假, records it against the unit. There is no other way to end for cause
//! (ADR 0010).
//!
//! The proposal is the leading group's business: it is shown to holders of `MeetingRead`
//! (the office, the group, the city leaders), and its workflow item belongs to the office, so
//! a unit does not follow an inquiry into itself.

use serde::{Deserialize, Serialize};
use yincai_domain::workflow::{Action, TALENT_ENDING};
use yincai_store::{EndingFacts, EndingRow, MisconductRow, TalentRow, Tx, WorkflowEventRow};

use crate::recovery::CauseEnding;
use crate::talents::visible_talent;
use crate::workflow::{ActInput, Transitioned, WorkflowObject};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The object type of 因故解除 workflow items.
pub const OBJECT_TYPE: &str = "talent_ending";

/// The cases of Art. 27 a proposal names: (code, name).
pub const CAUSES: [(&str, &str); 3] = [
    ("breach", "人才未履行合同义务，或有学术不端、违法违纪行为"),
    ("talent_fraud", "人才弄虚作假"),
    ("unit_fraud", "用人单位弄虚作假"),
];

/// The Chinese name of a cause code (the code itself when unknown).
pub fn cause_name(code: &str) -> &str {
    CAUSES.iter().find(|(c, _)| *c == code).map_or(code, |(_, n)| n)
}

/// The proposal as typed (kept whole on an error).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndingInput {
    /// breach | talent_fraud | unit_fraud
    #[serde(default)]
    pub cause: String,
    /// ISO date the relation ends.
    #[serde(default)]
    pub ended_on: String,
    /// What the office verified (核实情况).
    #[serde(default)]
    pub reason: String,
    /// What it verified it on (核实依据: reports, documents).
    #[serde(default)]
    pub basis: String,
    /// The unit's leaders and others responsible (unit_fraud only).
    #[serde(default)]
    pub responsible: String,
    /// The version read (edits).
    #[serde(default)]
    pub version: Option<i64>,
}

/// A proposal as shown.
#[derive(Debug, Clone, Serialize)]
pub struct EndingView {
    #[serde(flatten)]
    pub row: EndingRow,
    pub cause_name: String,
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
    AppError::NotFound("因故解除事项".into())
}

/// Checks the typed proposal against the talent; returns the facts to store (trimmed, the
/// date in ISO, the responsible people only for the unit's 弄虚作假).
fn validate(input: &EndingInput, talent: &TalentRow, today: jiff::civil::Date) -> Result<Stored> {
    let mut errors = Vec::new();
    let cause = input.cause.trim();
    if !CAUSES.iter().any(|(c, _)| *c == cause) {
        errors.push(FieldError::new(
            "cause",
            "解除情形：请选择第二十七条的一种情形（人才违约或违法违纪、人才弄虚作假、用人单位弄虚作假）",
        ));
    }
    let range = yincai_domain::dates::DateRange::record(today);
    let ended_on = match yincai_domain::dates::parse_date("解除日期", &input.ended_on, range) {
        Ok(d) if d.to_string() < talent.start_date => {
            errors.push(FieldError::new(
                "ended_on",
                format!(
                    "解除日期：早于{}的引进（服务）开始日期 {}，请改正",
                    talent.name, talent.start_date
                ),
            ));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(FieldError::new("ended_on", e.to_string()));
            None
        }
    };
    let reason = input.reason.trim();
    if !(4..=2000).contains(&reason.chars().count()) {
        errors.push(FieldError::new(
            "reason",
            "核实情况：必填，4 至 2000 字，请写明经市协调办核实的事实（何时、何事、造成的影响或损失）",
        ));
    }
    let basis = input.basis.trim();
    if !(2..=500).contains(&basis.chars().count()) {
        errors.push(FieldError::new(
            "basis",
            "核实依据：必填，2 至 500 字，请写明核实所依据的材料或文件（如调查报告及其文号）",
        ));
    }
    let responsible = if cause == "unit_fraud" {
        let r = input.responsible.trim();
        if !(2..=500).contains(&r.chars().count()) {
            errors.push(FieldError::new(
                "responsible",
                "责任人：用人单位弄虚作假须写明单位领导和有关责任人（姓名、职务），2 至 500 字",
            ));
        }
        r
    } else {
        ""
    };
    match ended_on {
        Some(d) if errors.is_empty() => Ok(Stored {
            cause: cause.to_string(),
            ended_on: d.to_string(),
            reason: reason.to_string(),
            basis: basis.to_string(),
            responsible: responsible.to_string(),
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The checked proposal, owned.
struct Stored {
    cause: String,
    ended_on: String,
    reason: String,
    basis: String,
    responsible: String,
}

impl Stored {
    fn facts(&self) -> EndingFacts<'_> {
        EndingFacts {
            cause: &self.cause,
            ended_on: &self.ended_on,
            reason: &self.reason,
            basis: &self.basis,
            responsible: &self.responsible,
        }
    }
}

impl App {
    /// The coordination office proposes ending a talent's relation for cause and starts the
    /// workflow (`draft`). Returns the proposal's id.
    pub async fn propose_ending(
        &self,
        actor: &Actor,
        talent_id: i64,
        input: &EndingInput,
        ctx: &RequestCtx,
    ) -> Result<i64> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::EndingPropose) {
            return Err(AppError::Forbidden(
                "因故解除由人才工作协调办核实后提出，报领导小组在会议上审批".into(),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let talent = visible_talent(&mut tx, actor, talent_id).await?;
        let stored = validate(input, &talent, self.today())?;
        if let Some(r) = tx.recovery_of_talent(talent.id).await? {
            return Err(AppError::invalid(
                "cause",
                format!(
                    "解除情形：{}已于 {} 因第二十七条解除（追回记录 {}），不能再次提出",
                    talent.name, r.ended_on, r.id
                ),
            ));
        }
        if let Some(e) = tx
            .endings_of_talent(talent.id)
            .await?
            .into_iter()
            .find(|e| e.state.as_deref() != Some("rejected"))
        {
            return Err(AppError::Duplicate(FieldError::new(
                "cause",
                format!(
                    "解除情形：{}已有因故解除事项（编号 {}，{}），请在原事项中办理",
                    talent.name,
                    e.id,
                    e.state
                        .as_deref()
                        .map_or_else(String::new, |s| TALENT_ENDING.state_name(s))
                ),
            )));
        }
        let id = tx
            .insert_ending(talent.id, talent.org_id, &stored.facts(), actor.user_id, self.now())
            .await?;
        let object = WorkflowObject::new(OBJECT_TYPE, id);
        // The item belongs to the office (as 一事一议): the unit does not follow the inquiry.
        self.start_in(&mut tx, actor, &TALENT_ENDING, &object, actor.org_id, None, ctx)
            .await?;
        let mut audit = self.audit_by(
            actor,
            ctx,
            "ending_propose",
            (OBJECT_TYPE, id.to_string()),
            summary(id, &talent.name, &talent.org_name, &stored),
        );
        audit.reason = stored.reason.clone();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edits the proposal while it is with the coordination office (drafted, or returned by
    /// the meeting).
    pub async fn update_ending(&self, actor: &Actor, id: i64, input: &EndingInput, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let row = visible_ending(&mut tx, actor, id).await?;
        if !may_edit(actor, &row) {
            return Err(AppError::Forbidden(format!(
                "因故解除事项只能在“{}”环节由协调办修改，当前环节：{}",
                TALENT_ENDING.state_name(TALENT_ENDING.initial),
                row.state
                    .as_deref()
                    .map_or_else(String::new, |s| TALENT_ENDING.state_name(s))
            )));
        }
        let talent = visible_talent(&mut tx, actor, row.talent_id).await?;
        let stored = validate(input, &talent, self.today())?;
        let version = input.version.unwrap_or(row.version);
        tx.update_ending(id, version, &stored.facts(), self.now()).await?;
        let mut audit = self.audit_by(
            actor,
            ctx,
            "ending_edit",
            (OBJECT_TYPE, id.to_string()),
            format!("{}（修改）", summary(id, &talent.name, &talent.org_name, &stored)),
        );
        audit.reason = stored.reason.clone();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Submits the proposal to the leading group (`draft` → `group_decision`) with the
    /// item version the actor saw; the group decides it in a meeting.
    pub async fn submit_ending(&self, actor: &Actor, id: i64, item_version: i64, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let item_id = {
            let mut tx = self.store.begin_read().await?;
            visible_ending(&mut tx, actor, id)
                .await?
                .item_id
                .ok_or_else(not_found)?
        };
        self.act(actor, item_id, item_version, &ActInput::new(Action::Submit), ctx)
            .await?;
        Ok(())
    }

    /// One proposal with its history.
    pub async fn ending(&self, actor: &Actor, id: i64) -> Result<EndingView> {
        let mut tx = self.store.begin_read().await?;
        let row = visible_ending(&mut tx, actor, id).await?;
        let crate::workflow::Decided {
            events,
            item_version,
            resolution_number,
        } = crate::workflow::decided(&mut tx, row.item_id).await?;
        Ok(EndingView {
            editable: may_edit(actor, &row),
            item_version,
            events,
            resolution_number,
            ..view(row)
        })
    }

    /// The proposals for one talent, newest first; none for those who may not see them.
    pub async fn endings_of_talent(&self, actor: &Actor, talent_id: i64) -> Result<Vec<EndingView>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        visible_talent(&mut tx, actor, talent_id).await?;
        if !actor.has(Permission::MeetingRead) {
            return Ok(Vec::new());
        }
        Ok(tx
            .endings_of_talent(talent_id)
            .await?
            .into_iter()
            .map(|row| EndingView {
                editable: may_edit(actor, &row),
                ..view(row)
            })
            .collect())
    }

    /// The records of 弄虚作假 against a unit (Art. 27), newest first: for those who read the
    /// talent database and may see the unit (not the administrators).
    pub async fn unit_misconduct(&self, actor: &Actor, org_id: i64) -> Result<Vec<MisconductRow>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        tx.org(org_id)
            .await?
            .filter(|o| actor.can_see_org(o.id, o.parent_id))
            .ok_or_else(|| AppError::NotFound("机构".into()))?;
        Ok(tx.unit_misconduct(org_id).await?)
    }

    /// The meeting approved the ending: the relation ends for cause in the decision's
    /// transaction, with the 批复文号 and the agenda item as its basis; for the unit's 弄虚作假
    /// the unit is recorded. An error undoes the decision.
    pub(crate) async fn ending_approved(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let id: i64 = t
            .item
            .object_id
            .parse()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("ending item {} has a bad object id", t.item.id)))?;
        let e = tx.ending(id).await?.ok_or_else(not_found)?;
        let talent = tx.talent(e.talent_id).await?.ok_or_else(not_found)?;
        let resolution = t.resolution_number.unwrap_or_default();
        let decided_in = match t.meeting_item_id {
            Some(a) => match tx.agenda_item(a).await? {
                Some(item) => {
                    let number = tx.meeting(item.meeting_id).await?.map(|m| m.number).unwrap_or_default();
                    format!(
                        "领导小组会议 {number} 议题 {}“{}”（议题编号 {a}）批准因故解除事项 #{id}",
                        item.seq, item.title
                    )
                }
                None => format!("领导小组议题 {a} 批准因故解除事项 #{id}"),
            },
            None => format!("领导小组批准因故解除事项 #{id}"),
        };
        let ended_on: jiff::civil::Date = e
            .ended_on
            .parse()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("ending {id} has a bad date {}", e.ended_on)))?;
        let reason = format!("{}：{}（核实依据：{}）", cause_name(&e.cause), e.reason, e.basis);
        let ending = CauseEnding {
            ended_on,
            reason: &reason,
            document: resolution,
            decided_in: &decided_in,
        };
        let recovery = self.end_for_cause_in(tx, actor, &talent, &ending, ctx).await?;
        let now = self.now();
        tx.set_ending_recovery(id, recovery.id, now).await?;
        if e.cause == "unit_fraud" {
            let summary = format!(
                "{}在引进人才{}中弄虚作假：{}（核实依据：{}）；{ended_on} 解除，批复文号 {resolution}",
                e.org_name, e.talent_name, e.reason, e.basis
            );
            let m = tx
                .insert_unit_misconduct(e.org_id, id, &summary, &e.responsible, resolution, actor.user_id, now)
                .await?;
            tx.append_audit(&self.audit_by(
                actor,
                ctx,
                "unit_misconduct_recorded",
                ("unit_misconduct", m.to_string()),
                format!("{summary}；责任人：{}", e.responsible),
            ))
            .await?;
        }
        Ok(())
    }
}

fn summary(id: i64, talent: &str, unit: &str, s: &Stored) -> String {
    let mut out = format!(
        "因故解除 #{id}：{talent}（{unit}），{}，{} 解除；核实情况：{}；核实依据：{}",
        cause_name(&s.cause),
        s.ended_on,
        s.reason,
        s.basis
    );
    if !s.responsible.is_empty() {
        out.push_str(&format!("；责任人：{}", s.responsible));
    }
    out
}

fn view(row: EndingRow) -> EndingView {
    EndingView {
        cause_name: cause_name(&row.cause).to_string(),
        state_name: row
            .state
            .as_deref()
            .map_or_else(|| "未进入流程".into(), |s| TALENT_ENDING.state_name(s)),
        item_version: None,
        events: Vec::new(),
        resolution_number: None,
        editable: false,
        row,
    }
}

fn may_edit(actor: &Actor, row: &EndingRow) -> bool {
    actor.has(Permission::EndingPropose)
        && actor.has(Permission::WorkflowAct)
        && row.recovery_id.is_none()
        && row.state.as_deref() == Some(TALENT_ENDING.initial)
}

/// A proposal, for those who read the leading group's business and see the talent's unit.
async fn visible_ending(tx: &mut Tx, actor: &Actor, id: i64) -> Result<EndingRow> {
    actor.require(Permission::MeetingRead)?;
    tx.ending(id)
        .await?
        .filter(|e| actor.can_see_org(e.org_id, e.org_parent_id))
        .ok_or_else(not_found)
}
