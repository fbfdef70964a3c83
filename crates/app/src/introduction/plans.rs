//! Annual introduction plans (年度引进计划, Art. 12(1), 21) and their 特设岗位, and the
//! announcement (公告) the coordination office publishes on the public portal.
//!
//! A unit drafts its plan with positions; creating it starts the `ANNUAL_PLAN` workflow
//! (主管部门审核 → 协调办初审 → 领导小组审定 in a meeting → 协调办发布). The plan and its
//! positions can be edited only while the item waits on the unit (`draft`, also after a
//! return). Once the leading group approves, the coordination office sets the
//! announcement (title, text, open and close dates); the workflow's publish step checks it
//! ([`App::plan_published`]) and stamps the plan published. Art. 13(1): positions carry no
//! age or quota limit, so there is no such field.

use serde::{Deserialize, Serialize};
use yincai_domain::Role;
use yincai_domain::workflow::{ANNUAL_PLAN, Action, WorkflowDef};
use yincai_store::plans::PLAN_OBJECT;
use yincai_store::{
    NewAnnouncement, NewPosition, Page, PlanListRow, PlanQuery, PlanRow, PositionRow, Tx, WorkflowEventRow,
    WorkflowItemRow,
};

use crate::candidates::{DEGREES, TITLES, name_of};
use crate::clock::format_beijing;
use crate::workflow::{Transitioned, WorkflowObject};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// Modes of introduction (Art. 11): 招聘 / 调动 / 特聘.
pub use yincai_policy::vocabulary::INTRODUCTION_MODES as MODES;

/// The most positions one plan holds.
pub const MAX_POSITIONS: usize = 50;

fn known(table: &[(&str, &str)], code: &str) -> bool {
    table.iter().any(|(c, _)| *c == code)
}

/// A minimum degree or title code as typed, left empty meaning `none` (no minimum).
fn level_or_none(code: &str) -> &str {
    let code = code.trim();
    if code.is_empty() { "none" } else { code }
}

/// One position (特设岗位) as typed. `id` is set for a position already saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionInput {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub title: String,
    /// 招聘人数, at least 1 (as typed).
    #[serde(default)]
    pub openings: String,
    /// 专业领域
    #[serde(default)]
    pub field: String,
    /// recruit | transfer | special
    #[serde(default)]
    pub mode: String,
    /// none | bachelor | master | doctor
    #[serde(default)]
    pub min_degree: String,
    #[serde(default)]
    pub majors: String,
    /// none | junior | intermediate | vice_senior | senior
    #[serde(default)]
    pub min_title: String,
    /// 职业资格
    #[serde(default)]
    pub qualifications: String,
    /// 其他要求
    #[serde(default)]
    pub requirements: String,
}

impl PositionInput {
    fn is_blank(&self) -> bool {
        self.id.is_none()
            && [
                &self.title,
                &self.openings,
                &self.field,
                &self.majors,
                &self.qualifications,
                &self.requirements,
            ]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

impl From<&PositionRow> for PositionInput {
    fn from(p: &PositionRow) -> Self {
        PositionInput {
            id: Some(p.id),
            title: p.title.clone(),
            openings: p.openings.to_string(),
            field: p.field.clone(),
            mode: p.mode.clone(),
            min_degree: p.min_degree.clone(),
            majors: p.majors.clone(),
            min_title: p.min_title.clone(),
            qualifications: p.qualifications.clone(),
            requirements: p.requirements.clone(),
        }
    }
}

/// A plan as typed, with its positions; kept whole on an error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlanInput {
    /// The unit (API only); defaults to the actor's own, and must be it.
    #[serde(default)]
    pub org_id: Option<i64>,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub positions: Vec<PositionInput>,
    /// Optimistic version when editing.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The announcement as typed by the coordination office.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AnnouncementInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// ISO date, e.g. 2026-12-01.
    #[serde(default)]
    pub open_date: String,
    /// ISO date, not before `open_date` and not in the past.
    #[serde(default)]
    pub close_date: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A position as shown, with the names of its codes.
#[derive(Debug, Clone, Serialize)]
pub struct PositionView {
    #[serde(flatten)]
    pub row: PositionRow,
    pub mode_name: String,
    pub min_degree_name: String,
    pub min_title_name: String,
}

impl From<PositionRow> for PositionView {
    fn from(row: PositionRow) -> Self {
        PositionView {
            mode_name: name_of(MODES, &row.mode),
            min_degree_name: name_of(DEGREES, &row.min_degree),
            min_title_name: name_of(TITLES, &row.min_title),
            row,
        }
    }
}

/// A plan in a list, with its state's name.
#[derive(Debug, Clone, Serialize)]
pub struct PlanListItem {
    #[serde(flatten)]
    pub row: PlanListRow,
    pub state_name: String,
}

/// Filters of the plan list, within the actor's scope.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub year: Option<i64>,
    pub state: Option<String>,
    pub org_id: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// One event of the case history, with names for people.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub row: WorkflowEventRow,
    pub at_text: String,
    pub role_name: String,
    pub action_name: String,
    pub from_name: String,
    pub to_name: String,
}

/// A button the actor may press on the plan's workflow item.
#[derive(Debug, Clone, Serialize)]
pub struct ActionButton {
    /// The action code posted to `/workflow/{item}/act`.
    pub action: String,
    pub label: String,
    /// Return, reject and comment need a reason.
    pub needs_reason: bool,
}

/// A plan with its positions, state, case history and what the actor may do.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub plan: PlanRow,
    pub org_name: String,
    pub positions: Vec<PositionView>,
    /// Sum of the openings.
    pub openings: i64,
    pub item: Option<WorkflowItemRow>,
    pub state: String,
    pub state_name: String,
    pub events: Vec<EventView>,
    pub actions: Vec<ActionButton>,
    /// The plan and its positions may be edited by this actor now.
    pub may_edit: bool,
    /// A draft never submitted, and the actor may edit it: it may be deleted.
    pub may_delete: bool,
    /// The actor may set the announcement now.
    pub may_set_announcement: bool,
    /// The plan waits on a leading-group decision, taken in a meeting.
    pub awaits_meeting: bool,
    pub announcement_set: bool,
}

/// Where a published announcement stands today (Beijing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementStatus {
    /// Before the open date.
    Upcoming,
    /// Between the open and close dates (both included).
    Open,
    /// After the close date: 已截止.
    Closed,
}

impl AnnouncementStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            AnnouncementStatus::Upcoming => "尚未开始",
            AnnouncementStatus::Open => "报名中",
            AnnouncementStatus::Closed => "已截止",
        }
    }

    /// The status of the dates `open..=close` on `today` (ISO dates compare as text).
    pub fn on(today: &str, open: &str, close: &str) -> AnnouncementStatus {
        if today < open {
            AnnouncementStatus::Upcoming
        } else if today > close {
            AnnouncementStatus::Closed
        } else {
            AnnouncementStatus::Open
        }
    }
}

/// A published announcement with its positions, for the public portal.
#[derive(Debug, Clone, Serialize)]
pub struct AnnouncementView {
    pub plan_id: i64,
    pub org_name: String,
    pub year: i64,
    pub title: String,
    pub body: String,
    pub open_date: String,
    pub close_date: String,
    pub published_at: i64,
    pub status: AnnouncementStatus,
    pub status_name: String,
    pub positions: Vec<PositionView>,
    pub openings: i64,
}

impl AnnouncementView {
    pub fn is_open(&self) -> bool {
        self.status == AnnouncementStatus::Open
    }
    pub fn is_closed(&self) -> bool {
        self.status == AnnouncementStatus::Closed
    }
}

/// Whether the actor may read plans: those who act on them, and whoever reads
/// leading-group business (the city leaders).
fn require_read(actor: &Actor) -> Result<()> {
    if actor.has(Permission::MeetingRead) {
        actor.require(Permission::MeetingRead)
    } else {
        actor.require(Permission::WorkflowAct)
    }
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// The checked columns of a plan.
struct CheckedPlan {
    year: i64,
    title: String,
    note: String,
    /// (id of a saved position, columns), in the order typed.
    positions: Vec<(Option<i64>, NewPosition)>,
}

fn check_plan(input: &PlanInput, this_year: i16) -> Result<CheckedPlan> {
    let mut errors = Vec::new();
    let year = input.year.trim();
    let year = match year.parse::<i16>() {
        Ok(y) if (2014..=this_year + 5).contains(&y) => i64::from(y),
        _ => {
            errors.push(FieldError::new(
                "year",
                format!("年度：应为 2014 至 {} 之间的 4 位年份，例如 {this_year}", this_year + 5),
            ));
            0
        }
    };
    let title = input.title.trim();
    if title.is_empty() || too_long(title, 100) {
        errors.push(FieldError::new("title", "计划名称：必填，最多 100 字，请填写"));
    }
    if too_long(&input.note, 2000) {
        errors.push(FieldError::new("note", "计划说明：最多 2000 字"));
    }
    let mut positions = Vec::new();
    for (i, p) in input.positions.iter().enumerate() {
        if p.is_blank() {
            continue; // an empty row of the form
        }
        let n = i + 1;
        let at = |f: &str| format!("positions[{i}].{f}");
        let title = p.title.trim();
        if title.is_empty() || too_long(title, 100) {
            errors.push(FieldError::new(
                at("title"),
                format!("岗位第 {n} 行 岗位名称：必填，最多 100 字"),
            ));
        }
        let openings = match p.openings.trim().parse::<i64>() {
            Ok(k) if (1..=999).contains(&k) => k,
            _ => {
                errors.push(FieldError::new(
                    at("openings"),
                    format!("岗位第 {n} 行 引进人数：应为 1 至 999 的整数"),
                ));
                0
            }
        };
        let field = p.field.trim();
        if field.is_empty() || too_long(field, 100) {
            errors.push(FieldError::new(
                at("field"),
                format!("岗位第 {n} 行 专业领域：必填，最多 100 字"),
            ));
        }
        let mode = p.mode.trim();
        if !known(MODES, mode) {
            errors.push(FieldError::new(
                at("mode"),
                format!("岗位第 {n} 行 引进方式：请选择招聘、调动或特聘"),
            ));
        }
        let min_degree = level_or_none(&p.min_degree);
        if !known(DEGREES, min_degree) {
            errors.push(FieldError::new(
                at("min_degree"),
                format!("岗位第 {n} 行 最低学位：请从列表中选择"),
            ));
        }
        let min_title = level_or_none(&p.min_title);
        if !known(TITLES, min_title) {
            errors.push(FieldError::new(
                at("min_title"),
                format!("岗位第 {n} 行 最低职称：请从列表中选择"),
            ));
        }
        if too_long(&p.majors, 500) {
            errors.push(FieldError::new(
                at("majors"),
                format!("岗位第 {n} 行 专业要求：最多 500 字"),
            ));
        }
        if too_long(&p.qualifications, 1000) {
            errors.push(FieldError::new(
                at("qualifications"),
                format!("岗位第 {n} 行 职业资格：最多 1000 字"),
            ));
        }
        if too_long(&p.requirements, 2000) {
            errors.push(FieldError::new(
                at("requirements"),
                format!("岗位第 {n} 行 其他要求：最多 2000 字"),
            ));
        }
        if let Some(id) = p.id
            && positions.iter().any(|(other, _)| *other == Some(id))
        {
            errors.push(FieldError::new(
                at("title"),
                format!("岗位第 {n} 行：与前面的岗位重复，请刷新后重试"),
            ));
        }
        positions.push((
            p.id,
            NewPosition {
                title: title.to_string(),
                openings,
                field: field.to_string(),
                mode: mode.to_string(),
                min_degree: min_degree.to_string(),
                majors: p.majors.trim().to_string(),
                min_title: min_title.to_string(),
                qualifications: p.qualifications.trim().to_string(),
                requirements: p.requirements.trim().to_string(),
            },
        ));
    }
    if positions.is_empty() {
        errors.push(FieldError::new(
            "positions",
            "特设岗位：至少填写一个岗位（岗位名称、引进人数、专业领域、引进方式）",
        ));
    }
    if positions.len() > MAX_POSITIONS {
        errors.push(FieldError::new(
            "positions",
            format!("特设岗位：一个计划最多 {MAX_POSITIONS} 个岗位，请分为多个计划"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(CheckedPlan {
        year,
        title: title.to_string(),
        note: input.note.trim().to_string(),
        positions,
    })
}

fn check_announcement(input: &AnnouncementInput, today: jiff::civil::Date) -> Result<NewAnnouncement> {
    let mut errors = Vec::new();
    let title = input.title.trim();
    if title.is_empty() || too_long(title, 100) {
        errors.push(FieldError::new("title", "公告标题：必填，最多 100 字，请填写"));
    }
    let body = input.body.trim();
    if body.is_empty() || too_long(body, 20000) {
        errors.push(FieldError::new(
            "body",
            "公告正文：必填，最多 20000 字（引进条件、报名方式、联系方式等）",
        ));
    }
    // Registration dates: the one date parser, 20 years back to 10 ahead of today.
    let range = yincai_domain::dates::DateRange::record(today);
    let date = |field: &str, label: &str, text: &str, errors: &mut Vec<FieldError>| {
        yincai_domain::dates::parse_date(label, text, range)
            .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
            .ok()
    };
    let open = date("open_date", "报名开始日期", &input.open_date, &mut errors);
    let close = date("close_date", "报名截止日期", &input.close_date, &mut errors);
    if let (Some(o), Some(c)) = (open, close)
        && c < o
    {
        errors.push(FieldError::new(
            "close_date",
            format!("报名截止日期：不能早于报名开始日期（{o}），请修改"),
        ));
    }
    if let Some(c) = close
        && c < today
        && !errors.iter().any(|e| e.field == "close_date")
    {
        errors.push(FieldError::new(
            "close_date",
            format!("报名截止日期：不能早于今天（{today}），请修改"),
        ));
    }
    match (open, close) {
        (Some(o), Some(c)) if errors.is_empty() => Ok(NewAnnouncement {
            title: title.to_string(),
            body: body.to_string(),
            open_date: o.to_string(),
            close_date: c.to_string(),
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The state of a plan's workflow item ("" if it has none).
fn state_of(item: Option<&WorkflowItemRow>) -> &str {
    item.map_or("", |i| i.state.as_str())
}

fn state_name(def: &WorkflowDef, item: Option<&WorkflowItemRow>) -> String {
    match item {
        Some(i) => def.state_name(&i.state),
        None => "—".into(),
    }
}

impl App {
    /// The plan's latest workflow item.
    async fn plan_item(tx: &mut Tx, plan_id: i64) -> Result<Option<WorkflowItemRow>> {
        Ok(tx
            .workflow_items_for_object(PLAN_OBJECT, &plan_id.to_string())
            .await?
            .into_iter()
            .rfind(|i| i.workflow == ANNUAL_PLAN.code))
    }

    /// The plan if the actor may see it (its unit, the unit's department, city-wide roles),
    /// with the unit's name and supervising department.
    async fn plan_in_scope(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(PlanRow, String, Option<i64>)> {
        let not_found = || AppError::NotFound("年度引进计划".into());
        let plan = tx.plan(id).await?.ok_or_else(not_found)?;
        let org = tx.org(plan.org_id).await?.ok_or_else(not_found)?;
        if !actor.can_see_org(plan.org_id, org.parent_id) {
            return Err(not_found());
        }
        Ok((plan, org.name, org.parent_id))
    }

    fn this_year(&self) -> i16 {
        self.today().year()
    }

    /// A unit drafts its annual plan with positions; starts the `ANNUAL_PLAN` workflow in
    /// the same transaction. Returns the plan id.
    pub async fn create_plan(&self, actor: &Actor, input: &PlanInput, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::PlanDraft) {
            return Err(AppError::Forbidden("年度引进计划由用人单位编制".into()));
        }
        if input.org_id.is_some_and(|o| o != actor.org_id) {
            return Err(AppError::Forbidden("只能为本单位编制年度引进计划".into()));
        }
        let checked = check_plan(input, self.this_year())?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .insert_plan(
                &yincai_store::NewPlan {
                    org_id: actor.org_id,
                    year: checked.year,
                    title: checked.title.clone(),
                    note: checked.note.clone(),
                    created_by: actor.user_id,
                },
                now,
            )
            .await?;
        let mut openings = 0;
        for (_, p) in &checked.positions {
            tx.insert_position(id, p, now).await?;
            openings += p.openings;
        }
        let summary = format!(
            "编制年度引进计划：{}（{} 年度，岗位 {} 个，共 {openings} 人）",
            checked.title,
            checked.year,
            checked.positions.len()
        );
        tx.append_audit(&self.audit_by(actor, ctx, "plan_created", (PLAN_OBJECT, id.to_string()), summary))
            .await?;
        let object = WorkflowObject::new(PLAN_OBJECT, id);
        self.start_in(&mut tx, actor, &ANNUAL_PLAN, &object, actor.org_id, None, ctx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The unit edits its plan and positions while the plan waits on it (`draft`, also
    /// after a return). Positions are matched by id: missing ones are removed, new rows added.
    pub async fn update_plan(&self, actor: &Actor, id: i64, input: &PlanInput, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let (plan, _, _) = Self::plan_in_scope(&mut tx, actor, id).await?;
        if !(actor.has(Permission::PlanDraft) && actor.org_id == plan.org_id) {
            return Err(AppError::Forbidden("年度引进计划只能由编制它的用人单位修改".into()));
        }
        let item = Self::plan_item(&mut tx, id).await?;
        let held = match &item {
            Some(i) => tx.hold_workflow_item(i.id, "draft").await?,
            None => false,
        };
        if !held {
            return Err(AppError::Forbidden(format!(
                "计划当前环节为“{}”，只能在“单位编制”环节（含被退回修改后）修改；如需修改，请先撤回或请审核人退回",
                state_name(&ANNUAL_PLAN, item.as_ref())
            )));
        }
        let checked = check_plan(input, self.this_year())?;
        let existing = tx.positions(id).await?;
        let mut errors = Vec::new();
        for (i, (pid, _)) in checked.positions.iter().enumerate() {
            if let Some(pid) = pid
                && !existing.iter().any(|p| p.id == *pid)
            {
                errors.push(FieldError::new(
                    format!("positions[{i}].title"),
                    format!("岗位第 {} 行：该岗位已不在本计划中，请刷新后重试", i + 1),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let now = self.now();
        tx.update_plan(
            id,
            input.version.unwrap_or(plan.version),
            checked.year,
            &checked.title,
            &checked.note,
            now,
        )
        .await?;
        let (mut added, mut changed, mut removed) = (0, 0, 0);
        for old in &existing {
            if !checked.positions.iter().any(|(pid, _)| *pid == Some(old.id)) {
                tx.delete_position(old.id).await?;
                removed += 1;
            }
        }
        let mut openings = 0;
        for (pid, p) in &checked.positions {
            openings += p.openings;
            match pid.and_then(|pid| existing.iter().find(|e| e.id == pid)) {
                None => {
                    tx.insert_position(id, p, now).await?;
                    added += 1;
                }
                Some(old) => {
                    if columns_of(old) != *p {
                        tx.update_position(old.id, old.version, p, now).await?;
                        changed += 1;
                    }
                }
            }
        }
        let summary = format!(
            "修改年度引进计划：{}（{} 年度，岗位 {} 个，共 {openings} 人；新增 {added}、修改 {changed}、删除 {removed}）",
            checked.title,
            checked.year,
            checked.positions.len()
        );
        tx.append_audit(&self.audit_by(actor, ctx, "plan_updated", (PLAN_OBJECT, id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a plan that never left its draft (a duplicate saved twice, a plan not wanted
    /// after all), with its positions and case history; the audit log keeps the record.
    /// Only the unit that may edit it; a plan ever submitted stays (409 with its step).
    pub async fn delete_plan_draft(&self, actor: &Actor, id: i64, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let (plan, _, _) = Self::plan_in_scope(&mut tx, actor, id).await?;
        if !(actor.has(Permission::PlanDraft) && actor.org_id == plan.org_id) {
            return Err(AppError::Forbidden("年度引进计划草稿只能由编制它的用人单位删除".into()));
        }
        let item = Self::plan_item(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::NotFound("年度引进计划".into()))?;
        let events = tx.workflow_events(item.id).await?;
        if !crate::workflow::never_left_draft(&ANNUAL_PLAN, &item, &events) {
            return Err(AppError::AlreadyHandled(format!(
                "计划已提交过（当前环节：{}），不能删除；只有从未提交的草稿可以删除",
                state_name(&ANNUAL_PLAN, Some(&item))
            )));
        }
        tx.delete_draft_plan(id, item.id, item.version, ANNUAL_PLAN.initial)
            .await
            .map_err(|e| match e {
                yincai_store::StoreError::Stale => AppError::Stale,
                other => other.into(),
            })?;
        let summary = format!("删除年度引进计划草稿：{}（{} 年度）", plan.title, plan.year);
        tx.append_audit(&self.audit_by(actor, ctx, "plan_draft_deleted", (PLAN_OBJECT, id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coordination office sets (or corrects) the announcement of an approved plan.
    pub async fn set_announcement(
        &self,
        actor: &Actor,
        id: i64,
        input: &AnnouncementInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let (plan, org_name, _) = Self::plan_in_scope(&mut tx, actor, id).await?;
        if !actor.has(Permission::PlanAnnounce) {
            return Err(AppError::Forbidden("引进公告由人才工作协调办公室填写和发布".into()));
        }
        let item = Self::plan_item(&mut tx, id).await?;
        if state_of(item.as_ref()) != "approved" {
            return Err(AppError::Forbidden(format!(
                "计划当前环节为“{}”，只能在领导小组审定同意后（“已批准待发布”）填写公告",
                state_name(&ANNUAL_PLAN, item.as_ref())
            )));
        }
        let a = check_announcement(input, self.today())?;
        tx.set_plan_announcement(id, input.version.unwrap_or(plan.version), &a, self.now())
            .await?;
        let verb = if plan.announcement_title.is_some() {
            "修改"
        } else {
            "填写"
        };
        let summary = format!(
            "{verb}引进公告：{}（{org_name}，报名 {} 至 {}）",
            a.title, a.open_date, a.close_date
        );
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "plan_announcement_set",
            (PLAN_OBJECT, id.to_string()),
            summary,
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The publish step of `ANNUAL_PLAN` (called from [`App::transition_effects`] in the
    /// transition's transaction): refused unless the announcement is set and still open;
    /// stamps the plan published.
    pub(crate) async fn plan_published(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let plan = match t.item.object_id.parse::<i64>() {
            Ok(id) if t.item.object_type == PLAN_OBJECT => tx.plan(id).await?,
            _ => None,
        };
        let Some(plan) = plan else {
            return Err(AppError::invalid(
                "announcement",
                "该事项没有对应的年度引进计划，无法发布公告；请联系系统管理员",
            ));
        };
        let (Some(title), Some(open), Some(close)) = (&plan.announcement_title, &plan.open_date, &plan.close_date)
        else {
            return Err(AppError::invalid(
                "announcement",
                "请先填写公告的标题、正文和报名开始、截止日期（计划页面“填写公告”），再发布",
            ));
        };
        let today = self.today().to_string();
        if *close < today {
            return Err(AppError::invalid(
                "close_date",
                format!("公告的报名截止日期 {close} 已过，请先修改公告的报名日期再发布"),
            ));
        }
        tx.publish_plan(plan.id, actor.user_id, self.now()).await?;
        let summary = format!("发布引进公告：{title}（报名 {open} 至 {close}）");
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "plan_published",
            (PLAN_OBJECT, plan.id.to_string()),
            summary,
        ))
        .await?;
        Ok(())
    }

    /// Plans within the actor's scope (a unit its own, a department its units', the city's
    /// offices all), newest year first.
    pub async fn plans(&self, actor: &Actor, f: &PlanFilter) -> Result<Page<PlanListItem>> {
        self.plan_page(actor, f, 200).await
    }

    /// The plans under the list's filters for an export, one row per position (a plan
    /// without positions is one row of its own), up to `f.limit` plans; audited with its
    /// filters.
    pub async fn export_plans(
        &self,
        actor: &Actor,
        f: &PlanFilter,
        ctx: &RequestCtx,
    ) -> Result<(Vec<(PlanListItem, Option<PositionView>)>, i64)> {
        let all = PlanFilter { offset: 0, ..f.clone() };
        let page = self.plan_page(actor, &all, f.limit).await?;
        let mut rows = Vec::new();
        let mut tx = self.store.begin_read().await?;
        for plan in page.rows {
            let positions = tx.positions(plan.row.plan.id).await?;
            if positions.is_empty() {
                rows.push((plan, None));
                continue;
            }
            for position in positions {
                rows.push((plan.clone(), Some(PositionView::from(position))));
            }
        }
        drop(tx);
        let year = f.year.map(|y| y.to_string());
        let state = f.state.as_deref().map(|s| ANNUAL_PLAN.state_name(s));
        let summary = App::export_summary(
            "年度计划（岗位）",
            rows.len(),
            &[("年度", year.as_deref()), ("状态", state.as_deref())],
        );
        self.record_export(actor, ctx, "plans_exported", "plan", summary)
            .await?;
        Ok((rows, page.total))
    }

    async fn plan_page(&self, actor: &Actor, f: &PlanFilter, cap: i64) -> Result<Page<PlanListItem>> {
        require_read(actor)?;
        let mut tx = self.store.begin_read().await?;
        let page = tx
            .plans(&PlanQuery {
                scope: actor.org_scope(),
                org_id: f.org_id,
                year: f.year,
                state: f.state.clone().filter(|s| !s.trim().is_empty()),
                offset: f.offset.max(0),
                limit: f.limit.clamp(1, cap.max(1)),
            })
            .await?;
        Ok(Page {
            rows: page
                .rows
                .into_iter()
                .map(|row| PlanListItem {
                    state_name: row.state.as_deref().map_or("—".into(), |s| ANNUAL_PLAN.state_name(s)),
                    row,
                })
                .collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// One plan with its positions, case history and the actor's buttons.
    pub async fn plan(&self, actor: &Actor, id: i64) -> Result<PlanView> {
        require_read(actor)?;
        let mut tx = self.store.begin_read().await?;
        let (plan, org_name, parent_id) = Self::plan_in_scope(&mut tx, actor, id).await?;
        let positions: Vec<PositionView> = tx.positions(id).await?.into_iter().map(PositionView::from).collect();
        let item = Self::plan_item(&mut tx, id).await?;
        let events = match &item {
            Some(i) => tx.workflow_events(i.id).await?,
            None => Vec::new(),
        };
        let def = &ANNUAL_PLAN;
        let state = state_of(item.as_ref()).to_string();
        let acts = actor.has(Permission::WorkflowAct) && !actor.must_change_password;
        // The actor's scope in each role: a unit acts on its own plan, a department on its units'.
        let in_scope = |role: Role| match role {
            Role::Unit => actor.org_id == plan.org_id,
            Role::Department => parent_id == Some(actor.org_id),
            _ => true,
        };
        let mut actions = Vec::new();
        if acts && item.is_some() {
            for action in def.actions_for(&state, &actor.roles) {
                let allowed = if action == Action::Comment {
                    def.commenters.iter().any(|r| actor.acts_as(*r) && in_scope(*r))
                } else {
                    def.transitions
                        .iter()
                        .any(|t| t.from == state && t.action == action && actor.acts_as(t.role) && in_scope(t.role))
                        && !def.needs_meeting(&state, action)
                };
                if allowed {
                    actions.push(ActionButton {
                        action: action.code().into(),
                        label: def.action_label(&state, action).into(),
                        needs_reason: matches!(action, Action::Return | Action::Reject | Action::Comment),
                    });
                }
            }
        }
        let raw_events = events.clone();
        let events = events
            .into_iter()
            .map(|e| EventView {
                at_text: format_beijing(e.at),
                role_name: Role::parse(&e.actor_role).map_or(e.actor_role.clone(), |r| r.name_zh().to_string()),
                action_name: match Action::parse(&e.action) {
                    Some(a) => def.action_label(&e.from_state, a).to_string(),
                    None if e.action == "start" => "发起".into(),
                    None => e.action.clone(),
                },
                from_name: if e.from_state.is_empty() {
                    String::new()
                } else {
                    def.state_name(&e.from_state)
                },
                to_name: def.state_name(&e.to_state),
                row: e,
            })
            .collect();
        Ok(PlanView {
            org_name,
            openings: positions.iter().map(|p| p.row.openings).sum(),
            positions,
            state_name: state_name(def, item.as_ref()),
            may_edit: acts && state == "draft" && actor.has(Permission::PlanDraft) && actor.org_id == plan.org_id,
            may_delete: acts
                && actor.has(Permission::PlanDraft)
                && actor.org_id == plan.org_id
                && item
                    .as_ref()
                    .is_some_and(|i| crate::workflow::never_left_draft(def, i, &raw_events)),
            may_set_announcement: acts && state == "approved" && actor.has(Permission::PlanAnnounce),
            awaits_meeting: state == "group_decision",
            announcement_set: plan.announcement_title.is_some() && plan.close_date.is_some(),
            state,
            item,
            events,
            actions,
            plan,
        })
    }

    /// Published announcements for the public portal (no login): those open now first,
    /// then those not yet open, then the closed ones (已截止), with their positions.
    pub async fn published_announcements(&self) -> Result<Vec<AnnouncementView>> {
        let mut tx = self.store.begin_read().await?;
        let today = self.today().to_string();
        let mut out = Vec::new();
        for plan in tx.published_plans(100).await? {
            out.push(Self::announcement_view(&mut tx, plan, &today).await?);
        }
        let rank = |s: AnnouncementStatus| match s {
            AnnouncementStatus::Open => 0,
            AnnouncementStatus::Upcoming => 1,
            AnnouncementStatus::Closed => 2,
        };
        out.sort_by_key(|a| rank(a.status)); // stable: the latest closing first within each
        Ok(out)
    }

    /// One published announcement (public); "not found" for a plan not published.
    pub async fn announcement(&self, plan_id: i64) -> Result<AnnouncementView> {
        let mut tx = self.store.begin_read().await?;
        let plan = tx
            .plan(plan_id)
            .await?
            .filter(|p| p.published_at.is_some())
            .ok_or_else(|| AppError::NotFound("引进公告".into()))?;
        let today = self.today().to_string();
        Self::announcement_view(&mut tx, plan, &today).await
    }

    async fn announcement_view(tx: &mut Tx, plan: PlanRow, today: &str) -> Result<AnnouncementView> {
        let org_name = tx.org(plan.org_id).await?.map(|o| o.name).unwrap_or_default();
        let positions: Vec<PositionView> = tx
            .positions(plan.id)
            .await?
            .into_iter()
            .map(PositionView::from)
            .collect();
        let open_date = plan.open_date.unwrap_or_default();
        let close_date = plan.close_date.unwrap_or_default();
        let status = AnnouncementStatus::on(today, &open_date, &close_date);
        Ok(AnnouncementView {
            plan_id: plan.id,
            org_name,
            year: plan.year,
            title: plan.announcement_title.unwrap_or(plan.title),
            body: plan.announcement_body.unwrap_or_default(),
            open_date,
            close_date,
            published_at: plan.published_at.unwrap_or_default(),
            status,
            status_name: status.name_zh().into(),
            openings: positions.iter().map(|p| p.row.openings).sum(),
            positions,
        })
    }
}

/// The columns of a saved position, to tell whether an edit changed it.
fn columns_of(p: &PositionRow) -> NewPosition {
    NewPosition {
        title: p.title.clone(),
        openings: p.openings,
        field: p.field.clone(),
        mode: p.mode.clone(),
        min_degree: p.min_degree.clone(),
        majors: p.majors.clone(),
        min_title: p.min_title.clone(),
        qualifications: p.qualifications.clone(),
        requirements: p.requirements.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, openings: &str) -> PositionInput {
        PositionInput {
            title: title.into(),
            openings: openings.into(),
            field: "口岸物流".into(),
            mode: "recruit".into(),
            min_degree: "master".into(),
            ..Default::default()
        }
    }

    #[test]
    fn plans_need_a_year_a_title_and_a_position_and_blank_rows_are_skipped() {
        let input = PlanInput {
            year: "26".into(),
            positions: vec![PositionInput::default()],
            ..Default::default()
        };
        let Err(AppError::Invalid(errors)) = check_plan(&input, 2026) else {
            panic!("accepted")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["year", "title", "positions"]);
        let input = PlanInput {
            year: "2026".into(),
            title: "计划".into(),
            positions: vec![row("研究员", "0"), PositionInput::default(), row("", "2")],
            ..Default::default()
        };
        let Err(AppError::Invalid(errors)) = check_plan(&input, 2026) else {
            panic!("accepted")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["positions[0].openings", "positions[2].title"]);
        assert!(errors[1].message.starts_with("岗位第 3 行"), "{}", errors[1].message);
        let input = PlanInput {
            year: " 2026 ".into(),
            title: "计划".into(),
            positions: vec![row("研究员", "2"), PositionInput::default()],
            ..Default::default()
        };
        let ok = check_plan(&input, 2026).unwrap();
        assert_eq!((ok.year, ok.positions.len()), (2026, 1));
        assert_eq!(ok.positions[0].1.min_title, "none");
    }

    #[test]
    fn announcement_dates_are_iso_ordered_and_not_past() {
        let today: jiff::civil::Date = "2026-11-24".parse().unwrap();
        let a = |open: &str, close: &str| AnnouncementInput {
            title: "公告".into(),
            body: "正文".into(),
            open_date: open.into(),
            close_date: close.into(),
            version: None,
        };
        let fields = |r: Result<NewAnnouncement>| match r {
            Err(AppError::Invalid(e)) => e.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(
            fields(check_announcement(&a("2026/12/01", "",), today)),
            ["open_date", "close_date"]
        );
        assert_eq!(
            fields(check_announcement(&a("2026-12-10", "2026-12-01"), today)),
            ["close_date"]
        );
        assert_eq!(
            fields(check_announcement(&a("2026-11-01", "2026-11-23"), today)),
            ["close_date"]
        );
        assert_eq!(
            fields(check_announcement(&a("2026-2-1", "2026-12-01"), today)),
            ["open_date"]
        );
        let ok = check_announcement(&a("2026-11-20", "2026-11-24"), today).unwrap();
        assert_eq!(
            (ok.open_date.as_str(), ok.close_date.as_str()),
            ("2026-11-20", "2026-11-24")
        );
    }

    #[test]
    fn announcement_status_by_date() {
        use AnnouncementStatus::*;
        assert_eq!(
            AnnouncementStatus::on("2026-11-24", "2026-11-25", "2026-12-01"),
            Upcoming
        );
        assert_eq!(AnnouncementStatus::on("2026-11-25", "2026-11-25", "2026-12-01"), Open);
        assert_eq!(AnnouncementStatus::on("2026-12-01", "2026-11-25", "2026-12-01"), Open);
        assert_eq!(AnnouncementStatus::on("2026-12-02", "2026-11-25", "2026-12-01"), Closed);
    }
}
