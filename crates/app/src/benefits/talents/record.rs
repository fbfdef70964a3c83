//! The talent record (Art. 6 talent database) that the confirmation creates, with the policy
//! evaluation frozen on it, and its views: the list, one record, the talent's own.

use super::*;
use yincai_domain::lifecycle::InstallmentState;

/// One obligation of the talent (Art. 26), as frozen on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    pub code: String,
    pub name: String,
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous_years: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months_per_year: Option<u32>,
    /// For a special appointee: the months a year the service agreement requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_months_per_year: Option<u32>,
    /// The last day of the service period, when the duty is a number of years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// What it means, in one sentence.
    pub text: String,
}

/// One entitlement of the frozen report, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct EntitlementView {
    pub code: String,
    pub name: String,
    /// Amounts and terms in words.
    pub terms: String,
    pub article: String,
    pub schedule: Vec<InstallmentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstallmentView {
    pub year: u32,
    pub amount: i64,
    pub due_on: Date,
    pub status: String,
}

/// One step of what led to the record, linking to the case history.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub label: String,
    pub done: bool,
    pub at: String,
    pub actor: String,
    pub detail: String,
    pub link: Option<String>,
}

/// A talent record as shown: the row, the frozen evaluation in words, the chain of steps.
#[derive(Debug, Clone, Serialize)]
pub struct TalentView {
    #[serde(flatten)]
    pub row: TalentRow,
    pub mode_name: String,
    pub employer_name: String,
    pub category_reasons: Vec<String>,
    pub obligations: Vec<Obligation>,
    pub entitlements: Vec<EntitlementView>,
    /// Non-monetary benefits (name and article).
    pub benefits: Vec<(String, String)>,
    pub policy_title: String,
    pub item_id: Option<i64>,
    pub resolution_number: Option<String>,
    pub steps: Vec<ChainStep>,
    /// Where the talent is paid, masked (empty until recorded).
    pub bank: super::BankAccountView,
}

/// A row of the talent list.
#[derive(Debug, Clone, Serialize)]
pub struct TalentListRow {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub mode: String,
    pub mode_name: String,
    pub category: Option<i64>,
    pub start_date: String,
    /// The end of the agreed term, or of the relation once it ended early.
    pub end_date: Option<String>,
}

impl From<TalentRow> for TalentListRow {
    fn from(r: TalentRow) -> Self {
        TalentListRow {
            mode_name: name_of(ALL_MODES, &r.mode),
            id: r.id,
            name: r.name,
            org_id: r.org_id,
            org_name: r.org_name,
            mode: r.mode,
            category: r.category,
            start_date: r.start_date,
            end_date: r.end_date,
        }
    }
}

/// Filters of the talent list, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TalentFilter {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub start_year: Option<String>,
}

fn terms_text(t: &Terms) -> String {
    match t {
        Terms::Monthly {
            monthly, max_months, ..
        } => format!("每月 {monthly} 元，最长 {max_months} 个月"),
        Terms::PerYear {
            per_year, cap, years, ..
        } => {
            let mut s = format!("每年 {per_year} 元");
            if let Some(y) = years {
                s.push_str(&format!("，共 {y} 年"));
            }
            if let Some(c) = cap {
                s.push_str(&format!("，累计不超过 {c} 元"));
            }
            s
        }
        Terms::LumpSum { amount, .. } => format!("一次性 {amount} 元"),
        Terms::Housing { area_m2, .. } => {
            format!("住房 {area_m2} 平方米，{}", t.gift_zh().unwrap_or_default())
        }
        Terms::Range { min, max } => format!("{min} 至 {max} 元"),
        Terms::Discretionary { .. } => "由领导小组一事一议确定".into(),
    }
}

/// The frozen schedule of one entitlement, each year with where its installment stands now:
/// paid (with its 证明), certified, approved (with its 批复), cancelled, not yet due, or, while
/// none of these, what the report said it waits for.
fn schedule_view(
    code: &str,
    s: &[Installment],
    installments: &[yincai_store::InstallmentRow],
    today: Date,
) -> Vec<InstallmentView> {
    s.iter()
        .map(|i| {
            let row = installments
                .iter()
                .find(|r| r.benefit_code == code && r.service_year == Some(i64::from(i.year)));
            let with = |state: InstallmentState, number: &Option<String>| match number {
                Some(n) if !n.is_empty() => format!("{}（{n}）", state.name_zh()),
                _ => state.name_zh().to_string(),
            };
            let status = match row {
                Some(r) => match r.status {
                    InstallmentState::Paid | InstallmentState::Certified => with(r.status, &r.certificate_number),
                    InstallmentState::Approved => with(r.status, &r.resolution_number),
                    InstallmentState::Cancelled => r.status.name_zh().to_string(),
                    InstallmentState::Scheduled if i.due_on > today => "未到期".to_string(),
                    InstallmentState::Scheduled => InstallmentStatus::label_zh(i.status).to_string(),
                },
                None if i.due_on > today => "未到期".to_string(),
                None => InstallmentStatus::label_zh(i.status).to_string(),
            };
            InstallmentView {
                year: i.year,
                amount: i.amount,
                due_on: i.due_on,
                status,
            }
        })
        .collect()
}

/// The obligations of Art. 26 that the report lists, with their duty from the policy and,
/// for a special appointee, the months the agreement requires.
fn obligations_of(report: &Report, facts: &Facts, details: &ProcedureDetails) -> Vec<Obligation> {
    let plan = crate::policies().select(facts, None).ok();
    report
        .obligations
        .iter()
        .map(|o| {
            let duty = plan
                .and_then(|p| p.obligations.iter().find(|d| d.id == o.code))
                .map(|d| d.duty);
            let mut ob = Obligation {
                code: o.code.clone(),
                name: o.name.clone(),
                article: cite_zh(&o.article),
                continuous_years: None,
                months_per_year: None,
                agreed_months_per_year: None,
                until: None,
                text: o.name.clone(),
            };
            match duty {
                Some(Duty::ContinuousYears(y)) => {
                    ob.continuous_years = Some(y);
                    ob.until = last_day_of_term(facts.start, y);
                    if let Some(u) = ob.until {
                        ob.text = format!("自 {} 起在阿拉山口市连续工作不少于 {y} 年（至 {u}）", facts.start);
                    }
                }
                Some(Duty::MonthsPerYear(m)) => {
                    ob.months_per_year = Some(u32::from(m));
                    if let ProcedureDetails::Special(a) = details {
                        ob.agreed_months_per_year = Some(a.months_per_year);
                        ob.text = format!(
                            "每个服务年度在阿拉山口市工作不少于 {m} 个月（服务协议约定 {} 个月）",
                            a.months_per_year
                        );
                    } else {
                        ob.text = format!("每个服务年度在阿拉山口市工作不少于 {m} 个月");
                    }
                }
                None => {}
            }
            ob
        })
        .collect()
}

impl App {
    /// The coordination office confirms (`confirmation` → `introduced`): creates the talent
    /// record with the policy evaluation frozen. Exactly one per application.
    pub(crate) async fn talent_on_confirmation(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let application_id = application_id_of(t)?;
        let app = tx
            .application_brief(application_id)
            .await?
            .ok_or_else(not_found_application)?;
        if tx.talent_by_application(application_id).await?.is_some() {
            return Err(AppError::invalid("application", "该申请已建立人才档案，不能重复确认"));
        }
        let stored = tx
            .procedure(application_id)
            .await?
            .ok_or_else(|| AppError::invalid("procedure", "引进手续：尚未填写，请退回用人单位补填引进手续后再确认"))?;
        let details = stored_details(&stored)?;
        let start = details.start_date().ok_or_else(|| {
            AppError::invalid(
                "procedure",
                "引进手续：缺少开始日期（合同起始、报到或服务起始日期），请退回用人单位补填",
            )
        })?;
        let mode = parse_mode(&app.position_mode).ok_or_else(|| {
            AppError::invalid(
                "mode",
                format!(
                    "引进方式：岗位的引进方式“{}”无法计算待遇，请联系系统管理员",
                    app.position_mode
                ),
            )
        })?;
        let candidate = tx
            .candidate(app.candidate_id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才登记表".into()))?;
        // The review's findings (审查认定) on the facts of Art. 10(3)-(6) the form does not state.
        let findings = tx
            .application(application_id)
            .await?
            .and_then(|a| crate::applications::recorded_findings(&a.findings));
        let employer = employer_of(&app.org_kind);
        let today = self.today();
        let facts = Facts {
            name: Some(candidate.name.clone()),
            policy: None,
            as_of: if today < start { start } else { today },
            person: person_of(&candidate, findings.as_ref(), app.category),
            employer,
            mode,
            start,
            end: None,
            ended_for_cause: false,
            assessments: Vec::new(),
            service_months: Vec::new(),
            project_verified: false,
            project_benefit_significant: false,
        };
        let report = crate::policies()
            .evaluate(&facts, false)
            .map_err(|e| AppError::invalid("procedure", format!("政策计算失败：{e}；请核对引进手续的日期")))?;
        let obligations = obligations_of(&report, &facts, &details);
        let new = yincai_store::NewTalent {
            candidate_id: app.candidate_id,
            application_id: Some(application_id),
            special_case_id: None,
            org_id: app.org_id,
            name: candidate.name.clone(),
            mode: app.position_mode.clone(),
            employer: employer_code(employer).into(),
            start_date: start.to_string(),
            end_date: details.end_date().map(|d| d.to_string()),
            category: report.category.map(i64::from),
            obligations: json(&obligations)?,
            policy_id: report.policy.id.clone(),
            policy_version: report.policy.version.clone(),
            facts: json(&facts)?,
            report: json(&report)?,
        };
        let id = tx.insert_talent(&new, self.now()).await?;
        // The money of the frozen entitlements becomes installments now (issue 5).
        self.schedule_installments(tx, id).await?;
        let category = report
            .category
            .map_or_else(|| "未达到第十条所列类别".to_string(), |c| format!("第{c}类"));
        let summary = format!(
            "建立人才档案：{}，{}，{}引进，{} 起，{}，依据 {} {}",
            candidate.name,
            app.org_name,
            name_of(ALL_MODES, &app.position_mode),
            start,
            category,
            report.policy.id,
            report.policy.version
        );
        tx.append_audit(&self.audit_by(actor, ctx, "talent_create", ("talent", id.to_string()), summary))
            .await?;
        Ok(())
    }

    /// The talent database within the actor's scope (Art. 6).
    /// The talent database under `filter` for an Excel export (at most `limit` rows); taking
    /// personal records out of the system is recorded, with the filter and the count.
    pub async fn export_talents(
        &self,
        actor: &Actor,
        filter: &TalentFilter,
        limit: i64,
        ctx: &RequestCtx,
    ) -> Result<Page<TalentListRow>> {
        let page = self.talents(actor, filter, 0, limit).await?;
        let shown = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or("全部")
                .to_string()
        };
        let summary = format!(
            "导出人才库 {} 条（姓名={}，用人单位={}，人才类别={}，引进方式={}，引进年份={}）",
            page.rows.len(),
            shown(&filter.name),
            shown(&filter.unit),
            shown(&filter.category),
            shown(&filter.mode),
            shown(&filter.start_year),
        );
        self.record_export(actor, ctx, "talents_exported", "talent", summary)
            .await?;
        Ok(page)
    }

    pub async fn talents(
        &self,
        actor: &Actor,
        filter: &TalentFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Page<TalentListRow>> {
        actor.require(Permission::TalentRead)?;
        let mut errors = Vec::new();
        let category = parse_opt(filter.category.as_deref(), "category", "人才类别", 1..=9, &mut errors);
        let start_year = parse_opt(
            filter.start_year.as_deref(),
            "start_year",
            "引进年份",
            1990..=2100,
            &mut errors,
        );
        let mode = filter.mode.as_deref().map(str::trim).filter(|m| !m.is_empty());
        if let Some(m) = mode
            && !ALL_MODES.iter().any(|(c, _)| *c == m)
        {
            errors.push(FieldError::new("mode", "引进方式：请从列表中选择"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let q = TalentQuery {
            name: filter.name.clone(),
            unit: filter.unit.clone(),
            category,
            mode: mode.map(String::from),
            start_year,
            candidate_id: None,
            scope_root: actor.org_scope(),
            offset,
            limit,
        };
        let mut tx = self.store.begin_read().await?;
        let page = tx.talents(&q).await?;
        Ok(Page {
            rows: page.rows.into_iter().map(TalentListRow::from).collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// One talent record with its frozen evaluation and the steps that led to it.
    pub async fn talent(&self, actor: &Actor, id: i64) -> Result<TalentView> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        let row = tx
            .talent(id)
            .await?
            .filter(|t| actor.can_see_org(t.org_id, t.org_parent_id))
            .ok_or_else(not_found_talent)?;
        talent_view(&mut tx, row, self.today()).await
    }

    /// The applicant's own talent record (the latest), if they were introduced.
    pub async fn my_talent(&self, actor: &Actor) -> Result<Option<TalentView>> {
        actor.require(Permission::ProfileEdit)?;
        let mut tx = self.store.begin_read().await?;
        let Some(candidate) = tx.candidate_by_user(actor.user_id).await? else {
            return Ok(None);
        };
        let q = TalentQuery {
            candidate_id: Some(candidate.id),
            offset: 0,
            limit: 1,
            ..Default::default()
        };
        match tx.talents(&q).await?.rows.into_iter().next() {
            Some(row) => Ok(Some(talent_view(&mut tx, row, self.today()).await?)),
            None => Ok(None),
        }
    }
}

async fn talent_view(tx: &mut Tx, row: TalentRow, today: Date) -> Result<TalentView> {
    // What has happened to each installment since the record was frozen.
    let installments = tx
        .installments(&yincai_store::InstallmentQuery {
            talent_id: Some(row.id),
            limit: 1000,
            ..Default::default()
        })
        .await?
        .rows;
    let report: Option<Report> = serde_json::from_str(&row.report).ok();
    let obligations: Vec<Obligation> = serde_json::from_str(&row.obligations).unwrap_or_default();
    let (item, events, letter, procedure, position) = match row.application_id {
        Some(app_id) => {
            let item = application_item(tx, app_id).await?;
            let events = match &item {
                Some(i) => tx.workflow_events(i.id).await?,
                None => Vec::new(),
            };
            let letter = tx.intent_letter_brief(app_id).await?;
            let procedure = match tx.procedure(app_id).await? {
                Some(p) => stored_details(&p).ok(),
                None => None,
            };
            let position = tx.application_brief(app_id).await?.map(|a| a.position_title);
            (item, events, letter, procedure, position)
        }
        None => (None, Vec::new(), None, None, None),
    };
    let link = item.as_ref().map(|i| format!("/workflow/{}", i.id));
    let decision = entered(&events, "group_decision", "procedure");
    let resolution_number = decision.and_then(|e| e.resolution_number.clone());
    let step = |label: &str, e: Option<&WorkflowEventRow>, detail: String| ChainStep {
        label: label.into(),
        done: e.is_some(),
        at: e.map(|e| format_beijing(e.at)).unwrap_or_default(),
        actor: e.map(|e| e.actor_name.clone()).unwrap_or_default(),
        detail,
        link: link.clone(),
    };
    let steps = if row.application_id.is_some() {
        let submitted = events
            .iter()
            .find(|e| e.from_state == "draft" && e.to_state == "review");
        let letter_text = letter.as_ref().map_or_else(String::new, |l| {
            let kind = match l.kind.as_str() {
                "recruit" | "recruitment" => "招聘意向书",
                "special" | "special_appointment" => "特聘意向书",
                other => other,
            };
            let accepted = if l.accepted_at.is_some() {
                "，本人已接受"
            } else {
                ""
            };
            format!("{kind} {}{accepted}", l.number)
        });
        vec![
            step(
                "报名",
                submitted,
                position.clone().map(|p| format!("报名岗位：{p}")).unwrap_or_default(),
            ),
            step(
                "资格审查",
                entered(&events, "review", "passed"),
                "协调办资格审查通过".into(),
            ),
            step(
                "意向书",
                entered(&events, "offered", "accepted").or_else(|| entered(&events, "passed", "offered")),
                letter_text,
            ),
            step(
                "领导小组审定",
                decision,
                resolution_number
                    .as_ref()
                    .map(|r| format!("批复文号：{r}"))
                    .unwrap_or_default(),
            ),
            step(
                "引进手续",
                entered(&events, "procedure", "confirmation"),
                procedure.as_ref().map(ProcedureDetails::summary).unwrap_or_default(),
            ),
            step(
                "协调办确认入库",
                entered(&events, "confirmation", "introduced"),
                "建立人才档案".into(),
            ),
        ]
    } else {
        Vec::new()
    };
    let (category_reasons, entitlements, benefits, policy_title) = match &report {
        Some(r) => (
            r.categories
                .iter()
                .filter(|c| Some(c.number) == r.category)
                .map(|c| format!("{}（{}）", c.reason, cite_zh(&c.article)))
                .collect(),
            r.entitlements
                .iter()
                .map(|(code, e)| EntitlementView {
                    code: code.clone(),
                    name: e.name.clone(),
                    terms: terms_text(&e.terms),
                    article: cite_zh(&e.article),
                    schedule: schedule_view(code, &e.schedule, &installments, today),
                })
                .collect(),
            r.benefits
                .iter()
                .map(|b| (b.name.clone(), cite_zh(&b.article)))
                .collect(),
            format!("{}（{}）", r.policy.title, r.policy.document_number),
        ),
        None => (Vec::new(), Vec::new(), Vec::new(), String::new()),
    };
    Ok(TalentView {
        mode_name: name_of(ALL_MODES, &row.mode),
        employer_name: name_of(&EMPLOYERS, &row.employer),
        category_reasons,
        obligations,
        entitlements,
        benefits,
        policy_title,
        item_id: item.map(|i| i.id),
        resolution_number,
        steps,
        bank: tx.bank_account(row.id).await?.into(),
        row,
    })
}
