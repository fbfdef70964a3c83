//! The qualification review (Art. 12(3)): the checklist, the findings (审查认定) on the facts of
//! Art. 10(3)-(6), and the review decision taken with them.

use super::*;

/// The qualification review's checklist (Art. 12(3)): code and what the reviewer confirms.
pub const CHECKLIST_ITEMS: [(&str, &str); 5] = [
    ("identity", "身份信息已核实"),
    ("degree", "学历、学位证书已核验"),
    ("title", "专业技术职称证书已核验（无职称的注明“无”）"),
    ("qualifications", "职业资格证书已核验（无资格的注明“无”）"),
    ("no_record", "无不良记录，无不得引进的情形"),
];

/// The qualification review's findings (审查认定): the facts of Art. 10(3)-(6) that the
/// registration form does not state, which the reviewer judges from the materials, each
/// recorded with its basis. Code (the policy engine's fact of the same name), label, and
/// what the reviewer finds (with the category it counts towards).
pub const FINDING_ITEMS: [(&str, &str, &str); 4] = [
    (
        "research_results",
        "取得科研成果",
        "具有创新能力和科研成果（第十条第（四）项，须同时具有硕士及以上学位或副高级及以上职称）",
    ),
    (
        "shortage_field",
        "紧缺专业",
        "所学专业属本市主导产业、新兴产业、重点工程、重点行业等急需紧缺专业（第十条第（五）项，须同时具有学士及以上学位、注册师执业资格或中级及以上职称）",
    ),
    (
        "practical_talent",
        "实用型人才",
        "未取得较高学历，但确有真才实学或较高专业技术水平（第十条第（六）项）",
    ),
    (
        "leading_technology",
        "掌握领先技术",
        "具有区内外领先水平或填补区内外空白的科技项目、发明专利、专有技术，来阿拉山口市创业（第十条第（三）项）",
    ),
];

/// The longest basis of a finding, in characters.
pub const FINDING_BASIS_MAX: usize = 200;

/// One line of the checklist as stored and as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItem {
    #[serde(default)]
    pub checked: bool,
    #[serde(default)]
    pub note: String,
}

/// The checklist by item code (see [`CHECKLIST_ITEMS`]).
pub type Checklist = BTreeMap<String, CheckItem>;

/// One finding of the review (审查认定) as stored and as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(default)]
    pub checked: bool,
    /// What the finding rests on: the document, certificate or opinion (required when checked).
    #[serde(default)]
    pub basis: String,
}

/// The review's findings by code (see [`FINDING_ITEMS`]).
pub type Findings = BTreeMap<String, Finding>;

/// One finding as shown.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub code: &'static str,
    pub label: &'static str,
    /// What the reviewer finds, with the category it counts towards.
    pub hint: &'static str,
    pub checked: bool,
    pub basis: String,
}

/// The findings recorded with an application (its stored JSON): `None` when none were
/// recorded (an application reviewed before findings existed stores `{}`).
pub fn recorded_findings(stored: &str) -> Option<Findings> {
    serde_json::from_str::<Findings>(stored).ok().filter(|f| !f.is_empty())
}

/// Sets the person's facts of Art. 10(3)-(6) to what the review found: a fact is true when
/// its finding is checked.
pub fn apply_findings(person: &mut yincai_policy::Person, findings: &Findings) {
    let found = |code: &str| findings.get(code).is_some_and(|f| f.checked);
    person.research_results = found("research_results");
    person.shortage_field = found("shortage_field");
    person.practical_talent = found("practical_talent");
    person.leading_technology = found("leading_technology");
}

pub(super) fn finding_rows(findings: &Findings) -> Vec<FindingRow> {
    FINDING_ITEMS
        .iter()
        .map(|(code, label, hint)| {
            let f = findings.get(*code).cloned().unwrap_or_default();
            FindingRow {
                code,
                label,
                hint,
                checked: f.checked,
                basis: f.basis,
            }
        })
        .collect()
}

/// The findings as the audit record states them: those made (with their basis) and those
/// withdrawn since `before`.
fn findings_summary(now: &Findings, before: &Findings) -> String {
    let found = |f: &Findings, code: &str| f.get(code).is_some_and(|x| x.checked);
    let made: Vec<String> = FINDING_ITEMS
        .iter()
        .filter(|(code, _, _)| found(now, code))
        .map(|(code, label, _)| format!("{label}（依据：{}）", now[*code].basis))
        .collect();
    let withdrawn: Vec<&str> = FINDING_ITEMS
        .iter()
        .filter(|(code, _, _)| found(before, code) && !found(now, code))
        .map(|(_, label, _)| *label)
        .collect();
    let mut out = if made.is_empty() {
        "审查认定：无".to_string()
    } else {
        format!("审查认定：{}", made.join("、"))
    };
    if !withdrawn.is_empty() {
        out.push_str(&format!("；撤销认定：{}", withdrawn.join("、")));
    }
    out
}

/// One line of the checklist as shown.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
    pub note: String,
}

/// The review as typed: the checklist, the findings, and optionally the decision taken
/// with it.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// The application's version as read (optimistic); `None`: the current one.
    pub version: Option<i64>,
    pub checklist: Checklist,
    /// The findings (审查认定); items left out are saved unchecked. `None` keeps the
    /// findings recorded before.
    pub findings: Option<Findings>,
    /// Approve (pass), Return (补正) or Reject, taken in the same transaction.
    pub action: Option<Action>,
    pub reason: String,
    /// The workflow item's version as read, for the action.
    pub item_version: Option<i64>,
}

pub(super) fn checklist_rows(stored: &str) -> Vec<CheckRow> {
    let list: Checklist = serde_json::from_str(stored).unwrap_or_default();
    CHECKLIST_ITEMS
        .iter()
        .map(|(code, label)| {
            let item = list.get(*code).cloned().unwrap_or_default();
            CheckRow {
                code,
                label,
                checked: item.checked,
                note: item.note,
            }
        })
        .collect()
}

impl App {
    /// Saves the review checklist and findings (and the category computed now from the form
    /// and the findings) and, if asked, takes the review decision — pass, return for 补正,
    /// reject — in the same transaction.
    pub async fn review_application(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReviewInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        require_office(actor, Permission::ApplicationReview, "资格审查")?;
        let mut errors = Vec::new();
        for (code, item) in &input.checklist {
            let Some((_, label)) = CHECKLIST_ITEMS.iter().find(|(c, _)| c == code) else {
                errors.push(FieldError::new(
                    "checklist",
                    format!("审查清单：没有“{code}”这一项，请按页面所列填写"),
                ));
                continue;
            };
            if item.note.chars().count() > 500 {
                errors.push(FieldError::new(
                    format!("note_{code}"),
                    format!("审查清单“{label}”的备注：最多 500 字"),
                ));
            }
        }
        for (code, f) in input.findings.iter().flatten() {
            let Some((_, label, _)) = FINDING_ITEMS.iter().find(|(c, _, _)| c == code) else {
                errors.push(FieldError::new(
                    "findings",
                    format!(
                        "审查认定：没有“{code}”这一项，请按页面所列填写（取得科研成果、紧缺专业、实用型人才、掌握领先技术）"
                    ),
                ));
                continue;
            };
            let basis = f.basis.trim();
            if basis.chars().count() > FINDING_BASIS_MAX {
                errors.push(FieldError::new(
                    format!("basis_{code}"),
                    format!("审查认定“{label}”的认定依据：最多 {FINDING_BASIS_MAX} 字，请写明所依据的材料名称即可"),
                ));
            } else if f.checked && basis.is_empty() {
                errors.push(FieldError::new(
                    format!("basis_{code}"),
                    format!(
                        "审查认定“{label}”：请填写认定依据（所依据的材料，如论文、专利证书、获奖证书、项目验收文件或主管部门意见）"
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.store.begin_write().await?;
        let (row, app, pos) = visible_application(&mut tx, actor, id).await?;
        let state = row.state.clone().unwrap_or_default();
        if state != "review" {
            return Err(AppError::invalid(
                "checklist",
                format!(
                    "审查清单：该报名当前为“{}”，只有“资格审查”环节可以填写审查清单",
                    APPLICATION.state_name(&state)
                ),
            ));
        }
        let form: Value = serde_json::from_str(&app.submitted_form).unwrap_or(Value::Null);
        let before = recorded_findings(&app.findings).unwrap_or_default();
        let findings: Option<Findings> = input.findings.as_ref().map(|typed| {
            FINDING_ITEMS
                .iter()
                .map(|(code, _, _)| {
                    let f = typed.get(*code).cloned().unwrap_or_default();
                    (
                        code.to_string(),
                        Finding {
                            checked: f.checked,
                            basis: f.basis.trim().to_string(),
                        },
                    )
                })
                .collect()
        });
        let effective = findings.as_ref().unwrap_or(&before);
        let evaluation = evaluate_form(&form, effective, &pos.mode, &pos.org_kind, self.today());
        let checklist: Checklist = CHECKLIST_ITEMS
            .iter()
            .map(|(code, _)| {
                let item = input.checklist.get(*code).cloned().unwrap_or_default();
                (
                    code.to_string(),
                    CheckItem {
                        checked: item.checked,
                        note: item.note.trim().to_string(),
                    },
                )
            })
            .collect();
        let stored = serde_json::to_string(&checklist).map_err(|e| AppError::Internal(e.into()))?;
        tx.update_application_review(
            id,
            input.version.unwrap_or(app.version),
            &stored,
            evaluation.category.map(i64::from),
            self.now(),
        )
        .await?;
        if let Some(findings) = &findings {
            let stored = serde_json::to_string(findings).map_err(|e| AppError::Internal(e.into()))?;
            tx.update_application_findings(id, &stored).await?;
        }
        let done = checklist.values().filter(|c| c.checked).count();
        let category = evaluation
            .category
            .map_or_else(|| "未认定类别".to_string(), |c| category_zh(c.into()));
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "application_reviewed",
            (OBJECT, id.to_string()),
            format!(
                "资格审查清单：{} → {}（已核 {done}/{} 项；{}；{category}）",
                row.candidate_name,
                row.position_title,
                CHECKLIST_ITEMS.len(),
                findings_summary(effective, &before)
            ),
        ))
        .await?;
        if let Some(action) = input.action {
            let item_id = row
                .item_id
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application {id} has no workflow item")))?;
            let act = ActInput {
                action: Some(action),
                reason: input.reason.clone(),
                ..Default::default()
            };
            let version = input.item_version.or(row.item_version).unwrap_or_default();
            self.act_in(&mut tx, actor, item_id, version, &act, None, ctx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Acts on an application through its workflow item (submit after 补正, accept or
    /// decline the letter, send the letter, …): [`App::act`] with the application's scope.
    pub async fn act_on_application(
        &self,
        actor: &Actor,
        id: i64,
        item_version: i64,
        input: &ActInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        require_reader(actor)?;
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .application_listed(id)
            .await?
            .filter(|r| may_see(actor, r))
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let item_id = row
            .item_id
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application {id} has no workflow item")))?;
        self.act_in(&mut tx, actor, item_id, item_version, input, None, ctx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_states_the_findings_made_and_withdrawn() {
        let f = |pairs: &[(&str, bool)]| -> Findings {
            pairs
                .iter()
                .map(|(c, checked)| {
                    (
                        c.to_string(),
                        Finding {
                            checked: *checked,
                            basis: format!("{c}的材料"),
                        },
                    )
                })
                .collect()
        };
        assert_eq!(findings_summary(&Findings::new(), &Findings::new()), "审查认定：无");
        assert_eq!(
            findings_summary(
                &f(&[("research_results", true), ("shortage_field", false)]),
                &f(&[("shortage_field", true)])
            ),
            "审查认定：取得科研成果（依据：research_results的材料）；撤销认定：紧缺专业"
        );
    }
}
