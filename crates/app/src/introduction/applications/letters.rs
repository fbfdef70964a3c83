//! The intent letter (招聘意向书 / 特聘意向书, Art. 12) of a passed application: generated,
//! numbered, shown and printed.

use super::*;

/// An intent letter as shown and printed.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    pub id: i64,
    pub application_id: i64,
    /// recruit | special
    pub kind: String,
    /// 招聘意向书 | 特聘意向书
    pub kind_name: String,
    pub number: String,
    /// The whole text, one paragraph a line.
    pub body: String,
    pub salutation: String,
    pub paragraphs: Vec<String>,
    /// Issuer and date, right-aligned at the foot.
    pub signature: Vec<String>,
    pub issued_at: i64,
    pub issued_at_text: String,
    pub accepted_at: Option<i64>,
    pub accepted_at_text: String,
}

impl From<IntentLetterRow> for LetterView {
    fn from(r: IntentLetterRow) -> Self {
        let lines: Vec<String> = r.body.lines().map(str::to_string).collect();
        let (head, rest) = lines
            .split_first()
            .map_or((String::new(), &[][..]), |(h, t)| (h.clone(), t));
        let split = rest.len().saturating_sub(2);
        LetterView {
            kind_name: letter_kind_name(&r.kind).into(),
            issued_at_text: format_beijing(r.issued_at),
            accepted_at_text: r.accepted_at.map(format_beijing).unwrap_or_default(),
            salutation: head,
            paragraphs: rest[..split].to_vec(),
            signature: rest[split..].to_vec(),
            id: r.id,
            application_id: r.application_id,
            kind: r.kind,
            number: r.number,
            body: r.body,
            issued_at: r.issued_at,
            accepted_at: r.accepted_at,
        }
    }
}

fn letter_kind_name(kind: &str) -> &'static str {
    if kind == "special" {
        "特聘意向书"
    } else {
        "招聘意向书"
    }
}

impl App {
    /// Generates (or, after a withdrawal, regenerates with the same number) the intent
    /// letter of a passed application: 特聘意向书 for a special appointment, 招聘意向书
    /// otherwise, numbered 阿人才意〔year〕n号.
    pub async fn generate_letter(&self, actor: &Actor, id: i64, ctx: &RequestCtx) -> Result<LetterView> {
        require_office(actor, Permission::IntentLetterIssue, "意向书")?;
        let mut tx = self.store.begin_write().await?;
        let (row, app, pos) = visible_application(&mut tx, actor, id).await?;
        let state = row.state.clone().unwrap_or_default();
        if state != "passed" {
            return Err(AppError::invalid(
                "letter",
                format!(
                    "意向书：该报名当前为“{}”，只有资格审查通过、待发意向书的报名可以生成意向书",
                    APPLICATION.state_name(&state)
                ),
            ));
        }
        let form: Value = serde_json::from_str(&app.submitted_form).unwrap_or(Value::Null);
        let today = self.today();
        let findings = recorded_findings(&app.findings).unwrap_or_default();
        let evaluation = evaluate_form(&form, &findings, &pos.mode, &pos.org_kind, today);
        let kind = if pos.mode == "special" { "special" } else { "recruit" };
        let body = letter_body(&row, &pos, &evaluation, today);
        let now = self.now();
        let existing = tx.intent_letter_for(id).await?;
        let number = match &existing {
            Some(l) => {
                tx.update_intent_letter(l.id, kind, &body, actor.user_id, now).await?;
                l.number.clone()
            }
            None => {
                let prefix = format!("阿人才意〔{}〕", today.year());
                let issued = tx.count_intent_letters_numbered(&prefix).await?;
                let n = tx
                    .next_document_number("intent_letter", i64::from(today.year()), issued)
                    .await?;
                let number = format!("{prefix}{n}号");
                tx.insert_intent_letter(
                    &NewIntentLetter {
                        application_id: id,
                        kind: kind.into(),
                        number: number.clone(),
                        body,
                        issued_by: actor.user_id,
                    },
                    now,
                )
                .await
                .map_err(|e| match e {
                    yincai_store::StoreError::Unique { .. } => {
                        AppError::AlreadyHandled("意向书：文号已被同时生成的另一份意向书占用，请刷新后重新生成".into())
                    }
                    other => other.into(),
                })?;
                number
            }
        };
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "intent_letter_generated",
            (OBJECT, id.to_string()),
            format!(
                "{}{}：{} → {}（{}）",
                if existing.is_some() { "重新生成" } else { "生成" },
                letter_kind_name(kind),
                row.candidate_name,
                row.position_title,
                number
            ),
        ))
        .await?;
        let letter = tx
            .intent_letter_for(id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("letter of application {id} vanished")))?;
        tx.commit().await?;
        Ok(letter.into())
    }

    /// The intent letter of an application: for reviewers once generated, for the
    /// applicant once sent.
    pub async fn letter(&self, actor: &Actor, id: i64) -> Result<LetterView> {
        require_reader(actor)?;
        let mut tx = self.store.begin_read().await?;
        let row = tx
            .application_listed(id)
            .await?
            .filter(|r| may_see(actor, r))
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let sent = row.state.as_deref() != Some("passed");
        tx.intent_letter_for(id)
            .await?
            .filter(|_| sent || row.candidate_user_id != actor.user_id)
            .map(LetterView::from)
            .ok_or_else(|| AppError::NotFound("意向书".into()))
    }
}

/// The letter's text: salutation, paragraphs, issuer and date (one a line).
fn letter_body(
    row: &ApplicationListRow,
    pos: &ApplicationPosition,
    eval: &CategoryEvaluation,
    today: jiff::civil::Date,
) -> String {
    let mode_name = name_of(MODES, &pos.mode);
    let category = eval.categories.iter().find(|c| Some(c.number) == eval.category);
    let mut articles = vec!["第十一条".to_string(), "第十二条第（三）项".to_string()];
    if let Some(c) = category {
        articles.insert(0, category_zh(c.number.into()));
    }
    let procedure = match pos.mode.as_str() {
        "transfer" => "由市委组织部、市人力资源和社会保障局为您办理调入手续",
        "special" => {
            "由用人单位与您签订服务协议（聘请、借调、兼职或合作研究），人才工作协调办公室协调有关部门为您提供服务、落实待遇"
        }
        _ => "由用人单位与您签订岗位聘任（用）合同，办理相关人事手续",
    };
    let category_line = match category {
        Some(c) => format!(
            "四、人才类别：经初步审查，您符合该办法{}“{}”的条件，最终以市人才工作领导小组审定为准。",
            category_zh(c.number.into()),
            c.reason
        ),
        None => "四、人才类别：由人才工作协调办公室结合有关材料认定，以市人才工作领导小组审定为准。".to_string(),
    };
    [
        format!("{}同志：", row.candidate_name),
        format!(
            "根据《阿拉山口市高层次和急需紧缺人才引进暂行办法》（阿市党办发〔2014〕90号）{}的规定，经资格审查，您符合{}“{}”岗位的引进条件。按照双方自愿的原则，{}拟以{}方式引进您。现将有关事项告知如下：",
            articles.join("、"),
            pos.org_name,
            pos.title,
            pos.org_name,
            mode_name
        ),
        format!("一、用人单位：{}。", pos.org_name),
        format!("二、引进岗位：{}（{}）。", pos.title, pos.plan_title),
        format!("三、引进方式：{mode_name}（第十一条）。"),
        category_line,
        format!(
            "五、您确认接受本意向书后，将列入拟聘人员名单报市人才工作领导小组审批；经批准后，{procedure}（第十二条第（四）项）。"
        ),
        "六、请自收到本意向书之日起十个工作日内，登录阿拉山口市人才引进服务平台，在“我的报名”中确认接受或放弃。本意向书不作为聘用合同或服务协议。"
            .to_string(),
        "阿拉山口市人才工作协调办公室".to_string(),
        yincai_domain::dates::date_in_numerals(today),
    ]
    .join("\n")
}
