//! The procedure by mode (Art. 11, 12(4)-(5)) that the employer unit records while an
//! application is in `procedure`: contract, transfer steps or service agreement, checked field
//! by field.

use super::*;

/// Kinds of service agreement of a special appointment (Art. 11).
pub const AGREEMENT_KINDS: [(&str, &str); 4] = [
    ("hire", "聘请"),
    ("secondment", "借调"),
    ("part_time", "兼职"),
    ("joint_research", "合作研究"),
];
/// Steps of a transfer (调动手续) at 组织部 / 人社局.
pub const TRANSFER_STEPS: [(&str, &str); 6] = [
    ("org_approval", "组织部调动审批"),
    ("hr_approval", "人社局调动审批"),
    ("transfer_order", "开具调动通知（调令）"),
    ("file_transfer", "人事档案转递"),
    ("salary_transfer", "工资关系转移"),
    ("report", "到岗报到"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub contract_number: String,
    pub signed_on: Date,
    pub start_date: Date,
    pub end_date: Date,
    pub term_years: u32,
    pub probation_months: u32,
}

/// One step of a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferStep {
    /// A code of [`TRANSFER_STEPS`].
    pub step: String,
    pub name: String,
    pub done_on: Date,
    pub document_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub steps: Vec<TransferStep>,
}

/// The service agreement of a special appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAgreement {
    /// A code of [`AGREEMENT_KINDS`].
    pub kind: String,
    pub kind_name: String,
    pub start_date: Date,
    pub term_years: u32,
    /// Months a year required on site (1-12).
    pub months_per_year: u32,
}

/// What a procedure records, by mode: the JSON of `procedures.details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ProcedureDetails {
    Recruit(Contract),
    Transfer(Transfer),
    Special(ServiceAgreement),
}

impl ProcedureDetails {
    pub fn mode(&self) -> &'static str {
        match self {
            ProcedureDetails::Recruit(_) => "recruit",
            ProcedureDetails::Transfer(_) => "transfer",
            ProcedureDetails::Special(_) => "special",
        }
    }

    /// The day the talent starts: the contract's start, the 报到, the agreement's start.
    pub fn start_date(&self) -> Option<Date> {
        match self {
            ProcedureDetails::Recruit(c) => Some(c.start_date),
            ProcedureDetails::Transfer(t) => t.steps.iter().find(|s| s.step == "report").map(|s| s.done_on),
            ProcedureDetails::Special(a) => Some(a.start_date),
        }
    }

    /// The end of the relation agreed, if the procedure fixes one.
    pub fn end_date(&self) -> Option<Date> {
        match self {
            ProcedureDetails::Recruit(c) => Some(c.end_date),
            ProcedureDetails::Transfer(_) => None,
            ProcedureDetails::Special(a) => last_day_of_term(a.start_date, a.term_years),
        }
    }

    /// One line for the chain of steps and the audit trail.
    pub fn summary(&self) -> String {
        match self {
            ProcedureDetails::Recruit(c) => format!(
                "劳动（聘用）合同 {}，{} 签订，期限 {} 年（{} 至 {}），试用期 {} 个月",
                c.contract_number, c.signed_on, c.term_years, c.start_date, c.end_date, c.probation_months
            ),
            ProcedureDetails::Transfer(t) => {
                let steps: Vec<String> = t
                    .steps
                    .iter()
                    .map(|s| {
                        if s.document_number.is_empty() {
                            format!("{} {}", s.name, s.done_on)
                        } else {
                            format!("{} {}（{}）", s.name, s.done_on, s.document_number)
                        }
                    })
                    .collect();
                format!("调动手续：{}", steps.join("；"))
            }
            ProcedureDetails::Special(a) => format!(
                "服务协议（{}），{} 起 {} 年，每年在阿工作不少于 {} 个月",
                a.kind_name, a.start_date, a.term_years, a.months_per_year
            ),
        }
    }
}

/// The last day of a term of `years` from `start` (a 5-year term from 2026-01-01 ends on
/// 2030-12-31).
pub(super) fn last_day_of_term(start: Date, years: u32) -> Option<Date> {
    start
        .checked_add(i64::from(years).years())
        .ok()
        .and_then(|d| d.checked_sub(1.day()).ok())
}

/// One transfer step as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferStepInput {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub done_on: String,
    #[serde(default)]
    pub document_number: String,
}

/// The procedure form as typed (kept whole on an error). Which fields count depends on the
/// position's mode: recruit the contract fields, transfer `steps`, special the agreement
/// fields (`start_date` and `term_years` serve recruit and special).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureInput {
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub term_years: String,
    #[serde(default)]
    pub probation_months: String,
    #[serde(default)]
    pub steps: Vec<TransferStepInput>,
    #[serde(default)]
    pub agreement_kind: String,
    #[serde(default)]
    pub months_per_year: String,
    /// The version read (edits); `None` for the first record.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ProcedureInput {
    /// The form filled from a stored procedure.
    pub fn from_details(d: &ProcedureDetails, version: i64) -> ProcedureInput {
        let mut input = ProcedureInput {
            version: Some(version),
            ..Default::default()
        };
        match d {
            ProcedureDetails::Recruit(c) => {
                input.contract_number = c.contract_number.clone();
                input.signed_on = c.signed_on.to_string();
                input.start_date = c.start_date.to_string();
                input.end_date = c.end_date.to_string();
                input.term_years = c.term_years.to_string();
                input.probation_months = c.probation_months.to_string();
            }
            ProcedureDetails::Transfer(t) => {
                input.steps = t
                    .steps
                    .iter()
                    .map(|s| TransferStepInput {
                        step: s.step.clone(),
                        done_on: s.done_on.to_string(),
                        document_number: s.document_number.clone(),
                    })
                    .collect();
            }
            ProcedureDetails::Special(a) => {
                input.agreement_kind = a.kind.clone();
                input.start_date = a.start_date.to_string();
                input.term_years = a.term_years.to_string();
                input.months_per_year = a.months_per_year.to_string();
            }
        }
        input
    }
}

/// Checks the form for the position's `mode`; every problem names its field.
pub fn validate_procedure(mode: &str, input: &ProcedureInput) -> Result<ProcedureDetails> {
    let mut errors = Vec::new();
    let details = match mode {
        "recruit" => validate_contract(input, &mut errors).map(ProcedureDetails::Recruit),
        "transfer" => validate_transfer(input, &mut errors).map(ProcedureDetails::Transfer),
        "special" => validate_agreement(input, &mut errors).map(ProcedureDetails::Special),
        other => {
            errors.push(FieldError::new(
                "mode",
                format!("引进方式：岗位的引进方式“{other}”没有对应的引进手续，请联系协调办核对岗位"),
            ));
            None
        }
    };
    match details {
        Some(d) if errors.is_empty() => Ok(d),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// A contract or procedure date: 1990 to 2100 (contracts run for decades; the records were
/// not kept before 1990), through the one date parser of the domain.
fn date_field(value: &str, field: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let range = yincai_domain::dates::DateRange {
        min: jiff::civil::date(1990, 1, 1),
        max: jiff::civil::date(2100, 12, 31),
    };
    yincai_domain::dates::parse_date(label, value, range)
        .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
        .ok()
}

fn number_field(
    value: &str,
    field: &str,
    label: &str,
    range: std::ops::RangeInclusive<u32>,
    errors: &mut Vec<FieldError>,
) -> Option<u32> {
    let v = value.trim();
    let (lo, hi) = (*range.start(), *range.end());
    if v.is_empty() {
        errors.push(FieldError::new(
            field,
            format!("{label}：必填，请填写 {lo} 至 {hi} 的整数"),
        ));
        return None;
    }
    match v.parse::<u32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("{label}：应为 {lo} 至 {hi} 的整数，请核对（填写的是“{v}”）"),
            ));
            None
        }
    }
}

fn validate_contract(input: &ProcedureInput, errors: &mut Vec<FieldError>) -> Option<Contract> {
    let number = input.contract_number.trim();
    if number.is_empty() || number.chars().count() > 50 {
        errors.push(FieldError::new(
            "contract_number",
            "合同编号：必填，最多 50 字，请按合同文本填写",
        ));
    }
    let signed_on = date_field(&input.signed_on, "signed_on", "签订日期", errors);
    let start = date_field(&input.start_date, "start_date", "合同起始日期", errors);
    let end = date_field(&input.end_date, "end_date", "合同终止日期", errors);
    let term = number_field(&input.term_years, "term_years", "合同期限（年）", 1..=30, errors);
    let probation = number_field(
        &input.probation_months,
        "probation_months",
        "试用期（月）",
        0..=6,
        errors,
    );
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        errors.push(FieldError::new(
            "end_date",
            format!("合同终止日期：应晚于合同起始日期 {s}，请核对"),
        ));
    } else if let (Some(s), Some(e), Some(t)) = (start, end, term) {
        // A term of N years runs to the day before the N-th anniversary (or to it).
        let last = last_day_of_term(s, t);
        let anniversary = s.checked_add(i64::from(t).years()).ok();
        if Some(e) != last && Some(e) != anniversary {
            errors.push(FieldError::new(
                "end_date",
                format!(
                    "合同终止日期：与合同期限 {t} 年不符，自 {s} 起 {t} 年应于 {} 终止，请核对日期或期限",
                    last.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
    }
    if let (Some(sig), Some(s)) = (signed_on, start)
        && sig > s
    {
        errors.push(FieldError::new(
            "signed_on",
            format!("签订日期：不应晚于合同起始日期 {s}，请核对"),
        ));
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Contract {
        contract_number: number.to_string(),
        signed_on: signed_on?,
        start_date: start?,
        end_date: end?,
        term_years: term?,
        probation_months: probation?,
    })
}

fn validate_transfer(input: &ProcedureInput, errors: &mut Vec<FieldError>) -> Option<Transfer> {
    let mut steps = Vec::new();
    let typed: Vec<(usize, &TransferStepInput)> = input
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            !(s.step.trim().is_empty() && s.done_on.trim().is_empty() && s.document_number.trim().is_empty())
        })
        .collect();
    for (i, s) in typed {
        let n = i + 1;
        let code = s.step.trim();
        let Some((code, name)) = TRANSFER_STEPS.iter().find(|(c, _)| *c == code) else {
            errors.push(FieldError::new(
                format!("steps[{i}].step"),
                format!("第 {n} 步 手续名称：请从列表中选择"),
            ));
            continue;
        };
        let done_on = date_field(
            &s.done_on,
            &format!("steps[{i}].done_on"),
            &format!("第 {n} 步（{name}）办结日期"),
            errors,
        );
        let document = s.document_number.trim();
        let needs_document = matches!(*code, "org_approval" | "hr_approval" | "transfer_order");
        if needs_document && document.is_empty() {
            errors.push(FieldError::new(
                format!("steps[{i}].document_number"),
                format!("第 {n} 步（{name}）文号：必填，请填写审批或调令文号"),
            ));
        } else if document.chars().count() > 50 {
            errors.push(FieldError::new(
                format!("steps[{i}].document_number"),
                format!("第 {n} 步（{name}）文号：最多 50 字"),
            ));
        }
        if let Some(done_on) = done_on {
            steps.push(TransferStep {
                step: code.to_string(),
                name: name.to_string(),
                done_on,
                document_number: document.to_string(),
            });
        }
    }
    let has = |code: &str| input.steps.iter().any(|s| s.step.trim() == code);
    if !has("org_approval") && !has("hr_approval") {
        errors.push(FieldError::new(
            "steps",
            "调动手续：须有组织部或人社局的调动审批，请添加“组织部调动审批”或“人社局调动审批”一步",
        ));
    }
    if !has("report") {
        errors.push(FieldError::new(
            "steps",
            "调动手续：须有“到岗报到”一步（报到日期即引进开始日期），请添加",
        ));
    }
    for (code, name) in TRANSFER_STEPS {
        if input.steps.iter().filter(|s| s.step.trim() == code).count() > 1 {
            errors.push(FieldError::new(
                "steps",
                format!("调动手续：“{name}”只能填写一次，请删除重复的一步"),
            ));
        }
    }
    // The report comes last: no approval after the person reported.
    if let Some(report) = steps.iter().find(|s| s.step == "report")
        && let Some(late) = steps.iter().find(|s| s.step != "report" && s.done_on > report.done_on)
        && matches!(late.step.as_str(), "org_approval" | "hr_approval")
    {
        errors.push(FieldError::new(
            "steps",
            format!(
                "调动手续：{}（{}）晚于到岗报到（{}），应先审批后报到，请核对日期",
                late.name, late.done_on, report.done_on
            ),
        ));
    }
    if !errors.is_empty() {
        return None;
    }
    steps.sort_by_key(|s| s.done_on);
    Some(Transfer { steps })
}

fn validate_agreement(input: &ProcedureInput, errors: &mut Vec<FieldError>) -> Option<ServiceAgreement> {
    let kind = input.agreement_kind.trim();
    let kind = AGREEMENT_KINDS.iter().find(|(c, _)| *c == kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "agreement_kind",
            "协议类型：请选择聘请、借调、兼职或合作研究",
        ));
    }
    let start = date_field(&input.start_date, "start_date", "服务起始日期", errors);
    let term = number_field(&input.term_years, "term_years", "服务期限（年）", 1..=30, errors);
    let months = number_field(
        &input.months_per_year,
        "months_per_year",
        // Art. 26: a special appointee works in the city at least 6 months a year.
        "每年在阿工作月数（第二十六条：不少于 6 个月）",
        6..=12,
        errors,
    );
    if !errors.is_empty() {
        return None;
    }
    let (code, name) = kind?;
    Some(ServiceAgreement {
        kind: code.to_string(),
        kind_name: name.to_string(),
        start_date: start?,
        term_years: term?,
        months_per_year: months?,
    })
}

/// The procedure of an application, for its page and the API.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureView {
    pub application: ApplicationBrief,
    pub mode: String,
    pub mode_name: String,
    /// The application's workflow item and its state.
    pub item_id: Option<i64>,
    pub state: Option<String>,
    pub state_name: String,
    pub details: Option<ProcedureDetails>,
    pub summary: Option<String>,
    pub version: Option<i64>,
    pub recorded_at: Option<i64>,
    /// The actor may record or edit it now (the unit, while in `procedure`).
    pub editable: bool,
}

pub(super) fn stored_details(p: &ProcedureRow) -> Result<ProcedureDetails> {
    serde_json::from_str(&p.details)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("procedure of application {}: {e}", p.application_id)))
}

impl App {
    /// The procedure of an application (recorded or not yet), for the unit that owns it
    /// and anyone whose scope covers that unit.
    pub async fn procedure(&self, actor: &Actor, application_id: i64) -> Result<ProcedureView> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_read().await?;
        self.procedure_in(&mut tx, actor, application_id).await
    }

    async fn procedure_in(&self, tx: &mut Tx, actor: &Actor, application_id: i64) -> Result<ProcedureView> {
        let app = tx
            .application_brief(application_id)
            .await?
            .filter(|a| actor.can_see_org(a.org_id, a.org_parent_id))
            .ok_or_else(not_found_application)?;
        let item = application_item(tx, application_id).await?;
        let stored = tx.procedure(application_id).await?;
        let details = stored.as_ref().map(stored_details).transpose()?;
        let in_procedure = item.as_ref().is_some_and(|i| i.state == "procedure");
        Ok(ProcedureView {
            mode: app.position_mode.clone(),
            mode_name: name_of(ALL_MODES, &app.position_mode),
            item_id: item.as_ref().map(|i| i.id),
            state: item.as_ref().map(|i| i.state.clone()),
            state_name: item
                .as_ref()
                .map_or_else(|| "未进入流程".to_string(), |i| APPLICATION.state_name(&i.state)),
            summary: details.as_ref().map(ProcedureDetails::summary),
            details,
            version: stored.as_ref().map(|p| p.version),
            recorded_at: stored.as_ref().map(|p| p.recorded_at),
            editable: in_procedure && actor.has(Permission::ProcedureRecord) && actor.org_id == app.org_id,
            application: app,
        })
    }

    /// Records (or corrects) the procedure of an application of the actor's own unit while
    /// it is in `procedure`. One audit record. A stale version is refused.
    pub async fn save_procedure(
        &self,
        actor: &Actor,
        application_id: i64,
        input: &ProcedureInput,
        ctx: &RequestCtx,
    ) -> Result<ProcedureView> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let view = self.procedure_in(&mut tx, actor, application_id).await?;
        if !actor.has(Permission::ProcedureRecord) || actor.org_id != view.application.org_id {
            return Err(AppError::Forbidden("引进手续由用人单位填写".into()));
        }
        if view.state.as_deref() != Some("procedure") {
            return Err(AppError::Forbidden(format!(
                "引进手续只能在“{}”环节填写或修改，当前环节：{}",
                APPLICATION.state_name("procedure"),
                view.state_name
            )));
        }
        let details = validate_procedure(&view.mode, input)?;
        let json = serde_json::to_string(&details).map_err(|e| AppError::Internal(e.into()))?;
        let version = tx
            .save_procedure(
                application_id,
                input.version,
                details.mode(),
                &json,
                actor.user_id,
                self.now(),
            )
            .await?;
        let summary = format!(
            "{}（{}，{}）：{}引进手续{}",
            view.application.candidate_name,
            view.application.position_title,
            view.application.org_name,
            if version == 1 { "填写" } else { "修改" },
            details.summary()
        );
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "procedure_record",
            ("application", application_id.to_string()),
            summary,
        ))
        .await?;
        let view = self.procedure_in(&mut tx, actor, application_id).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The unit reports the procedure done (`procedure` → `confirmation`): refused without
    /// a recorded procedure that is complete for the position's mode.
    pub(crate) async fn procedure_reported(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let application_id = application_id_of(t)?;
        let app = tx
            .application_brief(application_id)
            .await?
            .ok_or_else(not_found_application)?;
        let Some(stored) = tx.procedure(application_id).await? else {
            return Err(AppError::invalid(
                "procedure",
                format!(
                    "引进手续：尚未填写{}，请先在“引进手续”中填写后再报协调办确认",
                    procedure_noun(&app.position_mode)
                ),
            ));
        };
        // Re-check what was stored: complete, and of the position's mode.
        let details = stored_details(&stored)?;
        let again = validate_procedure(
            &app.position_mode,
            &ProcedureInput::from_details(&details, stored.version),
        );
        match again {
            Ok(d) if d.mode() == app.position_mode => Ok(()),
            Ok(_) | Err(_) => Err(AppError::invalid(
                "procedure",
                format!(
                    "引进手续：已填写的手续与岗位的引进方式（{}）不符或不完整，请按{}重新填写",
                    name_of(ALL_MODES, &app.position_mode),
                    procedure_noun(&app.position_mode)
                ),
            )),
        }
    }
}

fn procedure_noun(mode: &str) -> &'static str {
    match mode {
        "recruit" => "劳动（聘用）合同",
        "transfer" => "调动手续",
        "special" => "服务协议",
        _ => "引进手续",
    }
}

pub(super) fn parse_opt(
    value: Option<&str>,
    field: &str,
    label: &str,
    range: std::ops::RangeInclusive<i64>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match v.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("{label}：应为 {} 至 {} 的整数", range.start(), range.end()),
            ));
            None
        }
    }
}
