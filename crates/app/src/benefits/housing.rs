//! Housing (Art. 14): the coordination office keeps a register of housing units (address,
//! area in whole 0.01 m²) and allocates a unit to an introduced talent whose frozen report
//! grants housing (`Terms::Housing`). The unit must not be smaller than the tier's area (a
//! larger one is allowed and noted); free use runs from the start date; the gift date is the
//! talent's service start + the tier's years (interpretation 7, the date the frozen report
//! names), and the gift can be recorded only on or after it, only while the talent is still
//! in service, and only once the talent's current report (the last re-evaluation) meets the
//! rule's further gift condition (14(2): 项目效益显著, recorded in a re-evaluation with its basis); an early exit returns the unit (free again) and closes the allocation with
//! the date and reason, whether the office records it or the relation is ended (for cause
//! or by an end date in a change of facts, `recovery.rs`: one return, `return_housing_in`,
//! in the ending's transaction; a gifted unit stays). One allocation per unit at a time: the unit is claimed (free →
//! allocated) in the allocating transaction, and a unique partial index is the permanent guard.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use yincai_domain::lifecycle::{AllocationEvent, AllocationState, HousingUnitEvent, HousingUnitState};
use yincai_policy::report::cite_zh;
use yincai_policy::report::{Report, Terms};
use yincai_store::{HousingAllocationRow, HousingUnitRow, NewHousingAllocation, StoreError, TalentRow};

use crate::error::lifecycle_step;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// An area in whole 0.01 m² as people write it: `120`, `120.5`, `120.05`.
pub fn format_area(centi_m2: i64) -> String {
    let (whole, part) = (centi_m2 / 100, centi_m2 % 100);
    match part {
        0 => whole.to_string(),
        p if p % 10 == 0 => format!("{whole}.{}", p / 10),
        p => format!("{whole}.{p:02}"),
    }
}

/// Parses an area typed in m² with at most two decimals into whole 0.01 m² (no floats).
pub fn parse_area(text: &str) -> Option<i64> {
    let t = text
        .trim()
        .trim_end_matches("平方米")
        .trim_end_matches("㎡")
        .trim_end_matches("m²")
        .trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || whole.len() > 7 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(frac)
}

/// What the office types to register or edit a unit (kept as typed).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UnitInput {
    #[serde(default)]
    pub address: String,
    /// m², at most two decimals: `120` or `99.85`.
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub note: String,
    /// The version shown when editing; empty for a new unit.
    #[serde(default)]
    pub version: String,
}

/// What the office types to allocate a unit to a talent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AllocateInput {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub talent_id: String,
    /// The first day of free use (ISO date).
    #[serde(default)]
    pub start_date: String,
}

/// The gift of an allocated unit (on today's date) or its return on early exit.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CloseInput {
    #[serde(default)]
    pub version: String,
    /// The return date: the end of the relation (ISO); ignored for a gift.
    #[serde(default)]
    pub date: String,
    /// Why the unit goes back (e.g. 提前解除聘用合同); ignored for a gift.
    #[serde(default)]
    pub reason: String,
}

/// The housing entitlement of a talent's current report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HousingEntitlement {
    pub name: String,
    pub article: String,
    pub area_m2: i64,
    pub gift_after_years: Option<i64>,
    /// The service start + the years (None: never gifted, e.g. 14(1)).
    pub gift_date: Option<String>,
    /// The rule's further gift condition not yet met (14(2): 项目效益显著), from the current report.
    pub gift_waits_for: Option<String>,
    /// The gift in words (the policy report's one wording).
    pub gift_zh: String,
}

/// A unit with its people-facing names.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    #[serde(flatten)]
    pub row: HousingUnitRow,
    pub area: String,
    pub status_name: &'static str,
}

/// An allocation with what may be done with it today.
#[derive(Debug, Clone, Serialize)]
pub struct AllocationView {
    #[serde(flatten)]
    pub row: HousingAllocationRow,
    pub unit_area: String,
    pub status_name: &'static str,
    /// Whether the gift can be recorded today (active, gift date reached, still in service).
    pub can_gift: bool,
    /// Why not, when it cannot (shown next to the button).
    pub gift_blocked: Option<String>,
    pub can_return: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HousingOverview {
    pub units: Vec<UnitView>,
    pub allocations: Vec<AllocationView>,
    pub today: String,
}

/// One talent's housing: the entitlement of their frozen report and their allocations.
#[derive(Debug, Clone, Serialize)]
pub struct TalentHousing {
    pub talent_id: i64,
    pub talent_name: String,
    pub entitlement: Option<HousingEntitlement>,
    pub allocations: Vec<AllocationView>,
    /// Free units large enough, for the allocation form (only for the office).
    pub free_units: Vec<UnitView>,
    pub can_manage: bool,
}

fn unit_view(row: HousingUnitRow) -> UnitView {
    UnitView {
        area: format_area(row.area_centi_m2),
        status_name: row.status.name_zh(),
        row,
    }
}

/// The housing entitlement of a talent's current report (the last re-evaluation, else the
/// frozen one): what a gift is judged by, since a finding such as 项目效益显著 comes later.
async fn current_entitlement(tx: &mut yincai_store::Tx, talent: &TalentRow) -> Result<Option<HousingEntitlement>> {
    let report = crate::recovery::current_report(tx, talent).await?;
    Ok(entitlement_in(&report, talent))
}

fn entitlement_in(report: &Report, talent: &TalentRow) -> Option<HousingEntitlement> {
    report.entitlements.values().find_map(|e| match &e.terms {
        Terms::Housing {
            area_m2,
            gift_after_years,
            gift_date,
            gift_waits_for,
            ..
        } => {
            let start: Option<Date> = talent.start_date.parse().ok();
            let gift = gift_date
                .or_else(|| Some(yincai_policy::dates::anniversary(start?, (*gift_after_years)?)))
                .filter(|_| gift_after_years.is_some());
            Some(HousingEntitlement {
                name: e.name.clone(),
                article: e.article.clone(),
                area_m2: i64::from(*area_m2),
                gift_after_years: gift_after_years.map(i64::from),
                gift_date: gift.map(|d| d.to_string()),
                gift_waits_for: gift_waits_for.clone(),
                gift_zh: e.terms.gift_zh().unwrap_or_default(),
            })
        }
        _ => None,
    })
}

/// What the gift of an allocation depends on besides the allocation itself: the talent's
/// end date and the further gift condition their current report has not met.
#[derive(Default)]
struct GiftContext {
    talent_end: Option<String>,
    waits_for: Option<String>,
}

async fn gift_context(tx: &mut yincai_store::Tx, talent: &TalentRow) -> Result<GiftContext> {
    Ok(GiftContext {
        talent_end: talent.end_date.clone(),
        waits_for: current_entitlement(tx, talent).await?.and_then(|e| e.gift_waits_for),
    })
}

/// Why the gift cannot be recorded on `today` (None: it can).
fn gift_blocked(row: &HousingAllocationRow, context: &GiftContext, today: &str) -> Option<String> {
    if row.status.next(AllocationEvent::Gift).is_none() {
        return Some(format!("该分配已{}", row.status.name_zh()));
    }
    let Some(gift_date) = row.gift_date.as_deref() else {
        return Some(format!("{}住房只提供免费居住，不赠予", cite_zh(&row.article)));
    };
    let talent_end = context.talent_end.as_deref();
    if let Some(end) = talent_end
        && end < gift_date
    {
        return Some(format!(
            "服务已于 {end} 结束，早于赠予日期 {gift_date}，不能赠予；请办理退回"
        ));
    }
    if today < gift_date {
        return Some(format!(
            "赠予日期为 {gift_date}（服务满 {} 年），今天（{today}）尚未到期",
            row.gift_after_years.unwrap_or(0)
        ));
    }
    if let Some(waits_for) = &context.waits_for {
        return Some(format!(
            "按{}，住房须在{waits_for}后方可赠予，目前尚未认定；认定后请在该人才的“重新评估”中记录，并写明认定依据",
            cite_zh(&row.article)
        ));
    }
    None
}

fn parse_version(text: &str) -> Result<i64> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("version", "版本号：缺少或无效，请刷新页面后重试"))
}

fn parse_id(text: &str, field: &str, label: &str) -> std::result::Result<i64, FieldError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| FieldError::new(field, format!("{label}：请选择")))
}

/// A typed date of a housing record (20 years back to 10 ahead of today).
fn parse_date(text: &str, field: &str, label: &str, today: Date) -> std::result::Result<Date, FieldError> {
    yincai_domain::dates::parse_date(label, text, yincai_domain::dates::DateRange::record(today))
        .map_err(|e| FieldError::new(field, e.to_string()))
}

fn not_found_allocation() -> AppError {
    AppError::NotFound("住房分配记录".into())
}

/// Reads an allocation inside a transaction, for the gift and the return alike.
async fn allocation(tx: &mut yincai_store::Tx, id: i64) -> Result<HousingAllocationRow> {
    tx.housing_allocation(id).await?.ok_or_else(not_found_allocation)
}

/// The allocation a gift or a return is about, refused when `version` (as typed) is no
/// longer current.
async fn current_allocation(tx: &mut yincai_store::Tx, id: i64, version: i64) -> Result<HousingAllocationRow> {
    let row = allocation(tx, id).await?;
    if row.version != version {
        return Err(AppError::Stale);
    }
    Ok(row)
}

fn not_found_unit() -> AppError {
    AppError::NotFound("住房".into())
}

fn not_found_talent() -> AppError {
    AppError::NotFound("人才".into())
}

fn map_unique(e: StoreError) -> AppError {
    match e {
        StoreError::Unique { key } if key.contains("address") => AppError::Duplicate(FieldError::new(
            "address",
            "地址：该地址的住房已登记，请核对门牌号或编辑已有记录",
        )),
        StoreError::Unique { key } if key.contains("talent") => AppError::Duplicate(FieldError::new(
            "talent_id",
            "人才：该人才已有住房分配（免费居住中或已赠予），不能重复分配",
        )),
        StoreError::Unique { .. } => AppError::Duplicate(FieldError::new(
            "unit_id",
            "住房：该套住房已分配给他人，请选择其他空闲住房",
        )),
        other => other.into(),
    }
}

impl App {
    fn allocation_view(&self, row: HousingAllocationRow, context: &GiftContext) -> AllocationView {
        let today = self.today().to_string();
        let blocked = gift_blocked(&row, context, &today);
        AllocationView {
            unit_area: format_area(row.unit_area_centi_m2),
            status_name: row.status.name_zh(),
            can_gift: blocked.is_none(),
            gift_blocked: if row.status == AllocationState::Active {
                blocked
            } else {
                None
            },
            can_return: row.status.next(AllocationEvent::Return).is_some(),
            row,
        }
    }

    async fn allocation_views(
        &self,
        tx: &mut yincai_store::Tx,
        rows: Vec<HousingAllocationRow>,
    ) -> Result<Vec<AllocationView>> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let context = match tx.talent(row.talent_id).await? {
                Some(talent) => gift_context(tx, &talent).await?,
                None => GiftContext::default(),
            };
            out.push(self.allocation_view(row, &context));
        }
        Ok(out)
    }

    /// The register and every allocation (the coordination office).
    pub async fn housing_overview(&self, actor: &Actor) -> Result<HousingOverview> {
        actor.require(Permission::HousingManage)?;
        let mut tx = self.store.begin_read().await?;
        let units = tx.housing_units(None).await?.into_iter().map(unit_view).collect();
        let rows = tx.housing_allocations(None).await?;
        let allocations = self.allocation_views(&mut tx, rows).await?;
        Ok(HousingOverview {
            units,
            allocations,
            today: self.today().to_string(),
        })
    }

    /// One talent's housing entitlement and allocations (anyone who may read the talent).
    pub async fn talent_housing(&self, actor: &Actor, talent_id: i64) -> Result<TalentHousing> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        let talent = tx
            .talent(talent_id)
            .await?
            .filter(|t| actor.can_see_org(t.org_id, t.org_parent_id))
            .ok_or_else(not_found_talent)?;
        let entitlement = current_entitlement(&mut tx, &talent).await?;
        let rows = tx.housing_allocations(Some(talent_id)).await?;
        let allocations = self.allocation_views(&mut tx, rows).await?;
        let can_manage = actor.has(Permission::HousingManage);
        let free_units = match (&entitlement, can_manage) {
            (Some(e), true) => tx
                .housing_units(Some(HousingUnitState::Free.code()))
                .await?
                .into_iter()
                .filter(|u| u.area_centi_m2 >= e.area_m2 * 100)
                .map(unit_view)
                .collect(),
            _ => Vec::new(),
        };
        Ok(TalentHousing {
            talent_id,
            talent_name: talent.name,
            entitlement,
            allocations,
            free_units,
            can_manage,
        })
    }

    fn check_unit_input(input: &UnitInput) -> Result<(String, i64, String)> {
        let mut errors = Vec::new();
        let address = input.address.trim().to_string();
        if address.is_empty() {
            errors.push(FieldError::new(
                "address",
                "地址：请填写住房地址（小区、楼栋、单元、门牌号）",
            ));
        } else if address.chars().count() > 200 {
            errors.push(FieldError::new("address", "地址：不超过 200 字"));
        }
        let area = parse_area(&input.area).filter(|a| *a > 0);
        if area.is_none() {
            errors.push(FieldError::new(
                "area",
                "面积：请填写建筑面积（平方米），最多两位小数，如 120 或 99.85",
            ));
        }
        let note = input.note.trim().to_string();
        if note.chars().count() > 500 {
            errors.push(FieldError::new("note", "备注：不超过 500 字"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok((address, area.unwrap_or(0), note))
    }

    /// Registers a housing unit (free).
    pub async fn add_housing_unit(&self, actor: &Actor, input: &UnitInput, ctx: &RequestCtx) -> Result<UnitView> {
        actor.require(Permission::HousingManage)?;
        let (address, area, note) = Self::check_unit_input(input)?;
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .insert_housing_unit(&address, area, &note, self.now())
            .await
            .map_err(map_unique)?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "housing_unit_add",
            ("housing_unit", id.to_string()),
            format!("登记住房 {address}，面积 {} 平方米", format_area(area)),
        ))
        .await?;
        let row = tx.housing_unit(id).await?.ok_or_else(not_found_unit)?;
        tx.commit().await?;
        Ok(unit_view(row))
    }

    /// Edits a unit's address, area and note (the area only while it is free).
    pub async fn update_housing_unit(
        &self,
        actor: &Actor,
        id: i64,
        input: &UnitInput,
        ctx: &RequestCtx,
    ) -> Result<UnitView> {
        actor.require(Permission::HousingManage)?;
        let version = parse_version(&input.version)?;
        let (address, area, note) = Self::check_unit_input(input)?;
        let mut tx = self.store.begin_write().await?;
        let before = tx.housing_unit(id).await?.ok_or_else(not_found_unit)?;
        if before.version != version {
            return Err(AppError::Stale);
        }
        if area != before.area_centi_m2 && before.status != HousingUnitState::Free {
            return Err(AppError::invalid(
                "area",
                format!(
                    "面积：该住房{}，不能修改面积（现为 {} 平方米）",
                    before.status.name_zh(),
                    format_area(before.area_centi_m2)
                ),
            ));
        }
        tx.update_housing_unit(id, version, &address, area, &note, self.now())
            .await
            .map_err(map_unique)?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "housing_unit_edit",
            ("housing_unit", id.to_string()),
            format!(
                "修改住房 {} → {address}，面积 {} → {} 平方米",
                before.address,
                format_area(before.area_centi_m2),
                format_area(area)
            ),
        ))
        .await?;
        let row = tx.housing_unit(id).await?.ok_or_else(not_found_unit)?;
        tx.commit().await?;
        Ok(unit_view(row))
    }

    /// Allocates a free unit to a talent whose frozen report grants housing, checked
    /// against the tier's area. Of two concurrent allocations of one unit exactly one wins.
    pub async fn allocate_housing(
        &self,
        actor: &Actor,
        input: &AllocateInput,
        ctx: &RequestCtx,
    ) -> Result<AllocationView> {
        actor.require(Permission::HousingManage)?;
        let mut errors = Vec::new();
        let unit_id = parse_id(&input.unit_id, "unit_id", "住房")
            .map_err(|e| errors.push(e))
            .ok();
        let talent_id = parse_id(&input.talent_id, "talent_id", "人才")
            .map_err(|e| errors.push(e))
            .ok();
        let start = parse_date(&input.start_date, "start_date", "免费居住开始日期", self.today())
            .map_err(|e| errors.push(e))
            .ok();
        let (Some(unit_id), Some(talent_id), Some(start)) = (unit_id, talent_id, start) else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = self.store.begin_write().await?;
        let talent = tx.talent(talent_id).await?.ok_or_else(not_found_talent)?;
        if let Some(end) = talent.end_date.as_deref()
            && end <= input.start_date.trim()
        {
            return Err(AppError::invalid(
                "talent_id",
                format!("人才：{} 的服务已于 {end} 结束，不能再分配住房", talent.name),
            ));
        }
        let Some(ent) = current_entitlement(&mut tx, &talent).await? else {
            return Err(AppError::invalid(
                "talent_id",
                format!(
                    "人才：{} 的待遇认定（最近一次政策评估结果）中没有第十四条住房待遇，不能分配住房",
                    talent.name
                ),
            ));
        };
        if start.to_string() < talent.start_date {
            return Err(AppError::invalid(
                "start_date",
                format!("免费居住开始日期：不能早于该人才的服务开始日期 {}", talent.start_date),
            ));
        }
        if tx
            .housing_allocations(Some(talent_id))
            .await?
            .iter()
            .any(|a| a.status.holds_the_unit())
        {
            return Err(AppError::Duplicate(FieldError::new(
                "talent_id",
                format!("人才：{} 已有住房分配（免费居住中或已赠予），不能重复分配", talent.name),
            )));
        }
        let unit = tx.housing_unit(unit_id).await?.ok_or_else(not_found_unit)?;
        let entitled = ent.area_m2 * 100;
        if unit.area_centi_m2 < entitled {
            return Err(AppError::invalid(
                "unit_id",
                format!(
                    "住房：{} 面积 {} 平方米，小于 {} 按{}应享受的 {} 平方米（差 {} 平方米），请选择不小于 {} 平方米的住房",
                    unit.address,
                    format_area(unit.area_centi_m2),
                    talent.name,
                    cite_zh(&ent.article),
                    ent.area_m2,
                    format_area(entitled - unit.area_centi_m2),
                    ent.area_m2
                ),
            ));
        }
        let note = if unit.area_centi_m2 > entitled {
            format!(
                "住房面积 {} 平方米，超出应享受面积 {} 平方米 {} 平方米",
                format_area(unit.area_centi_m2),
                ent.area_m2,
                format_area(unit.area_centi_m2 - entitled)
            )
        } else {
            String::new()
        };
        let now = self.now();
        let taken = || {
            // Read free but taken since: it was allocated by someone else.
            let now_in = unit.status.next(HousingUnitEvent::Allocate).unwrap_or(unit.status);
            AppError::AlreadyHandled(format!(
                "住房：{} 已{}，请选择其他空闲住房",
                unit.address,
                now_in.name_zh()
            ))
        };
        let Some(allocated) = unit.status.next(HousingUnitEvent::Allocate) else {
            return Err(taken());
        };
        if !tx.set_housing_unit_status(unit_id, unit.status, allocated, now).await? {
            return Err(taken());
        }
        let id = tx
            .insert_housing_allocation(
                &NewHousingAllocation {
                    unit_id,
                    talent_id,
                    entitled_area_m2: ent.area_m2,
                    article: ent.article.clone(),
                    gift_after_years: ent.gift_after_years,
                    start_date: start.to_string(),
                    gift_date: ent.gift_date.clone(),
                    note: note.clone(),
                    created_by: actor.user_id,
                },
                now,
            )
            .await
            .map_err(map_unique)?;
        let mut summary = format!(
            "分配住房 {}（{} 平方米）给 {}，{}应享受 {} 平方米，{} 起免费居住",
            unit.address,
            format_area(unit.area_centi_m2),
            talent.name,
            cite_zh(&ent.article),
            ent.area_m2,
            start
        );
        match &ent.gift_date {
            Some(d) => summary.push_str(&format!(
                "，服务满 {} 年于 {d} 可赠予",
                ent.gift_after_years.unwrap_or(0)
            )),
            None => summary.push_str("，不赠予"),
        }
        if !note.is_empty() {
            summary.push_str(&format!("；{note}"));
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "housing_allocate",
            ("housing_allocation", id.to_string()),
            summary,
        ))
        .await?;
        let row = allocation(&mut tx, id).await?;
        // The entitlement just read is the current report's: no second read for the gift.
        let context = GiftContext {
            talent_end: talent.end_date.clone(),
            waits_for: ent.gift_waits_for.clone(),
        };
        tx.commit().await?;
        Ok(self.allocation_view(row, &context))
    }

    /// Records the gift of an allocated unit today: only on or after the gift date and only
    /// while the talent is still in service.
    pub async fn gift_housing(
        &self,
        actor: &Actor,
        allocation_id: i64,
        input: &CloseInput,
        ctx: &RequestCtx,
    ) -> Result<AllocationView> {
        actor.require(Permission::HousingManage)?;
        let version = parse_version(&input.version)?;
        let mut tx = self.store.begin_write().await?;
        let row = current_allocation(&mut tx, allocation_id, version).await?;
        let talent = tx.talent(row.talent_id).await?.ok_or_else(not_found_talent)?;
        let today = self.today().to_string();
        let context = gift_context(&mut tx, &talent).await?;
        if let Some(why) = gift_blocked(&row, &context, &today) {
            return Err(AppError::invalid("gift", format!("赠予：{why}")));
        }
        let now = self.now();
        let gifted = lifecycle_step(row.status, AllocationEvent::Gift)?;
        tx.close_housing_allocation(allocation_id, version, gifted, None, None, Some(&today), now)
            .await?;
        let unit_from = HousingUnitState::Allocated;
        let unit_to = lifecycle_step(unit_from, HousingUnitEvent::Gift)?;
        if !tx.set_housing_unit_status(row.unit_id, unit_from, unit_to, now).await? {
            return Err(AppError::Stale);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "housing_gift",
            ("housing_allocation", allocation_id.to_string()),
            format!(
                "住房 {} 赠予 {}（{}，服务满 {} 年，赠予日期 {}），{today} 办理",
                row.unit_address,
                row.talent_name,
                cite_zh(&row.article),
                row.gift_after_years.unwrap_or(0),
                row.gift_date.as_deref().unwrap_or("")
            ),
        ))
        .await?;
        let row = allocation(&mut tx, allocation_id).await?;
        tx.commit().await?;
        Ok(self.allocation_view(row, &context))
    }

    /// Returns an allocated unit on early exit: the unit is free again, the allocation is
    /// closed with the date and reason.
    pub async fn return_housing(
        &self,
        actor: &Actor,
        allocation_id: i64,
        input: &CloseInput,
        ctx: &RequestCtx,
    ) -> Result<AllocationView> {
        actor.require(Permission::HousingManage)?;
        let version = parse_version(&input.version)?;
        let mut errors = Vec::new();
        let date = parse_date(&input.date, "date", "退回日期", self.today())
            .map_err(|e| errors.push(e))
            .ok();
        let reason = input.reason.trim().to_string();
        if reason.is_empty() {
            errors.push(FieldError::new(
                "reason",
                "退回原因：请填写，如 提前解除聘用合同、调离阿拉山口市",
            ));
        } else if reason.chars().count() > 500 {
            errors.push(FieldError::new("reason", "退回原因：不超过 500 字"));
        }
        let Some(date) = date.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let date = date.to_string();
        let mut tx = self.store.begin_write().await?;
        let row = current_allocation(&mut tx, allocation_id, version).await?;
        self.return_housing_in(&mut tx, actor, &row, &date, &reason, ctx)
            .await?;
        let row = allocation(&mut tx, allocation_id).await?;
        let context = match tx.talent(row.talent_id).await? {
            Some(talent) => gift_context(&mut tx, &talent).await?,
            None => GiftContext::default(),
        };
        tx.commit().await?;
        Ok(self.allocation_view(row, &context))
    }

    /// Returns an active allocation inside the caller's transaction: the allocation is closed
    /// as returned on `date` (ISO) with `reason`, the unit is free again, and the audit record
    /// cites Art. 14. Shared by [`App::return_housing`] (the office, on early exit) and the
    /// endings of a relation ([`App::return_housing_on_end_in`]); permissions and the version
    /// typed are the caller's to check.
    pub(crate) async fn return_housing_in(
        &self,
        tx: &mut yincai_store::Tx,
        actor: &Actor,
        row: &HousingAllocationRow,
        date: &str,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let Some(returned) = row.status.next(AllocationEvent::Return) else {
            return Err(AppError::invalid(
                "date",
                format!("退回：该分配已{}，不能退回", row.status.name_zh()),
            ));
        };
        if date < row.start_date.as_str() {
            return Err(AppError::invalid(
                "date",
                format!("退回日期：不能早于免费居住开始日期 {}", row.start_date),
            ));
        }
        let now = self.now();
        tx.close_housing_allocation(row.id, row.version, returned, Some(date), Some(reason), None, now)
            .await?;
        let unit_from = HousingUnitState::Allocated;
        let unit_to = lifecycle_step(unit_from, HousingUnitEvent::Return)?;
        if !tx.set_housing_unit_status(row.unit_id, unit_from, unit_to, now).await? {
            return Err(AppError::Stale);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "housing_return",
            ("housing_allocation", row.id.to_string()),
            format!(
                "{} 退回住房 {}（{}），{date} 起收回，原因：{reason}",
                row.talent_name,
                row.unit_address,
                cite_zh(&row.article)
            ),
        ))
        .await?;
        Ok(())
    }

    /// What the end of a relation on `ended_on` (ISO) does to the talent's housing, inside the
    /// ending's transaction: an active allocation (not gifted) is returned through
    /// [`App::return_housing_in`] on the end date (on the start of free use when that is
    /// later: the unit was never lived in), a gifted unit stays the talent's. Returns one
    /// phrase per allocation touched or kept, for the ending's summary (empty: no housing).
    pub(crate) async fn return_housing_on_end_in(
        &self,
        tx: &mut yincai_store::Tx,
        actor: &Actor,
        talent_id: i64,
        ended_on: &str,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for row in tx.housing_allocations(Some(talent_id)).await? {
            match row.status {
                AllocationState::Active => {
                    let date = if ended_on < row.start_date.as_str() {
                        row.start_date.clone()
                    } else {
                        ended_on.to_owned()
                    };
                    self.return_housing_in(tx, actor, &row, &date, reason, ctx).await?;
                    let mut phrase = format!(
                        "{}住房 {} 收回（{date} 起，未赠予）",
                        cite_zh(&row.article),
                        row.unit_address
                    );
                    if date != ended_on {
                        phrase.push_str(&format!("，免费居住开始日期 {date} 晚于结束日期"));
                    }
                    out.push(phrase);
                }
                AllocationState::Gifted => out.push(format!(
                    "{}住房 {} 已于 {} 赠予，不收回",
                    cite_zh(&row.article),
                    row.unit_address,
                    row.gifted_on.as_deref().unwrap_or("—")
                )),
                _ => {}
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_whole_hundredths() {
        assert_eq!(parse_area("120"), Some(12_000));
        assert_eq!(parse_area(" 99.85 "), Some(9_985));
        assert_eq!(parse_area("80.5平方米"), Some(8_050));
        assert_eq!(parse_area("80.555"), None);
        assert_eq!(parse_area("-1"), None);
        assert_eq!(parse_area("abc"), None);
        assert_eq!(parse_area(""), None);
        assert_eq!(format_area(12_000), "120");
        assert_eq!(format_area(8_050), "80.5");
        assert_eq!(format_area(9_985), "99.85");
        assert_eq!(format_area(9_905), "99.05");
    }
}
