//! The candidate's registration form (人才登记表, Art. 12(2)) and who may see it.
//!
//! Personal data (PIPL): the ID number and phone are encrypted with [`App::cipher`]
//! (SM4-GCM) before they reach the store, with a keyed blind index on the ID number so one
//! person is one record, and shown masked (`*****************3`, `*******5678`). The full
//! values are shown only to a role with [`Permission::PersonalDataView`], with a reason,
//! and every such view is audited in the same transaction as the read. Audit summaries
//! never carry the clear values.
//!
//! Masks that hold (ADR 0005, amendment 2026-12): nobody but the applicant sees the birth
//! date beside a masked number. Staff views ([`CandidateView::for_staff`]) and the form
//! snapshot of an application ([`staff_form`]) carry the birth year only; the birth date
//! comes with the full number through the reasoned, audited reveal.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use yincai_domain::dates::{DateRange, parse_date};
use yincai_domain::ids::CitizenId;
use yincai_domain::mask;
use yincai_store::{CandidateQuery, CandidateRow, NewCandidate, Page};

use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// Document types (证件类型): code and name.
pub const ID_TYPES: [(&str, &str); 4] = [
    ("citizen_id", "居民身份证"),
    ("passport", "护照"),
    ("hk_macao_pass", "港澳居民来往内地通行证"),
    ("taiwan_pass", "台湾居民来往大陆通行证"),
];
pub const GENDERS: [(&str, &str); 2] = [("male", "男"), ("female", "女")];
// Degrees, titles and honours: the policy engine's codes with their one set of names.
pub use yincai_policy::vocabulary::{DEGREES, HONOURS, TITLES};
/// 985 / 211 status of the institution.
pub const SCHOOL_TIERS: [(&str, &str); 3] = [("none", "否"), ("211", "“211工程”高校"), ("985", "“985工程”高校")];
/// The name of a code in one of the tables above (the code itself if unknown).
pub fn name_of(table: &[(&'static str, &'static str)], code: &str) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, n)| n.to_string())
}

fn known(table: &[(&str, &str)], code: &str) -> bool {
    table.iter().any(|(c, _)| *c == code)
}

/// One row of education, as stored (JSON) and as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    /// none | bachelor | master | doctor
    pub degree: String,
    pub institution: String,
    #[serde(default)]
    pub major: String,
    /// 全日制
    #[serde(default)]
    pub full_time: bool,
    /// none | 211 | 985
    #[serde(default)]
    pub school_tier: String,
    /// Four digits, as typed (kept on an error).
    #[serde(default)]
    pub graduation_year: String,
}

/// The registration form as typed: kept whole on an error so nothing is lost. On an
/// edit, an empty `id_number` or `phone` keeps the stored value (the form shows it masked).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    pub id_type: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub gender: String,
    /// ISO date; taken from the 身份证号 when that is the document.
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub qualifications: String,
    #[serde(default)]
    pub honours: Vec<String>,
    #[serde(default)]
    pub projects: String,
    /// Optimistic version when editing.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A registration form as shown: ID number and phone masked.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub id_type: String,
    pub id_type_name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub email: String,
    pub gender: String,
    pub gender_name: String,
    /// Only in the applicant's own view (never beside the masked number for staff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// The year of birth, shown to staff instead of the date.
    pub birth_year: Option<i16>,
    pub education: Vec<Education>,
    pub highest_degree: String,
    pub highest_degree_name: String,
    pub title: String,
    pub title_name: String,
    pub qualifications: String,
    pub honours: Vec<String>,
    pub honour_names: Vec<String>,
    pub projects: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl From<CandidateRow> for CandidateView {
    fn from(r: CandidateRow) -> Self {
        let education: Vec<Education> = serde_json::from_str(&r.education).unwrap_or_default();
        let honours: Vec<String> = serde_json::from_str(&r.honours).unwrap_or_default();
        // Rows saved before the 2026-12 masks keep the older, weaker mask: masking it again
        // gives the current one (each mask keeps a subset of the old one's characters).
        let id_number_masked = mask::id_number(&r.id_type, &r.id_number_masked);
        let phone_masked = mask::phone(&r.phone_masked);
        CandidateView {
            birth_year: r.birth_date.as_deref().and_then(birth_year_of),
            id: r.id,
            user_id: r.user_id,
            id_type_name: name_of(&ID_TYPES, &r.id_type),
            gender_name: name_of(&GENDERS, &r.gender),
            highest_degree_name: name_of(DEGREES, &r.highest_degree),
            title_name: name_of(TITLES, &r.title),
            honour_names: honours.iter().map(|h| name_of(HONOURS, h)).collect(),
            name: r.name,
            id_type: r.id_type,
            id_number_masked,
            phone_masked,
            email: r.email,
            gender: r.gender,
            birth_date: r.birth_date,
            education,
            highest_degree: r.highest_degree,
            title: r.title,
            qualifications: r.qualifications,
            honours,
            projects: r.projects,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

impl CandidateView {
    /// The view for anyone but the applicant: the birth date is dropped (the birth year
    /// stays), so it never stands beside the masked number.
    pub fn for_staff(mut self) -> CandidateView {
        self.birth_date = None;
        self
    }
}

/// The year of an ISO birth date.
fn birth_year_of(date: &str) -> Option<i16> {
    date.get(0..4)?.parse().ok()
}

/// A form snapshot (JSON of a [`CandidateView`]) as staff may see it: no birth date (the
/// birth year instead) and the current masks. Snapshots taken before the 2026-12 masks
/// carry `birth_date` and the older masks; this makes them safe on every read.
pub fn staff_form(mut form: Value) -> Value {
    let Some(obj) = form.as_object_mut() else {
        return form;
    };
    if let Some(date) = obj.remove("birth_date")
        && obj.get("birth_year").is_none_or(Value::is_null)
    {
        let year = date.as_str().and_then(birth_year_of);
        obj.insert("birth_year".into(), year.map_or(Value::Null, Value::from));
    }
    let id_type = obj
        .get("id_type")
        .and_then(Value::as_str)
        .unwrap_or("citizen_id")
        .to_string();
    if let Some(Value::String(m)) = obj.get_mut("id_number_masked") {
        *m = mask::id_number(&id_type, m);
    }
    if let Some(Value::String(m)) = obj.get_mut("phone_masked") {
        *m = mask::phone(m);
    }
    form
}

/// The full ID number, phone and birth date, shown once after a reasoned, audited request.
#[derive(Debug, Clone, Serialize)]
pub struct Revealed {
    pub id_number: String,
    pub phone: String,
    pub birth_date: Option<String>,
}

const UNIQUE_CANDIDATE: [(&str, &str, &str); 2] = [
    (
        "candidates.id_number_index",
        "id_number",
        "证件号码：该证件号码已有人才登记表（一人只能登记一次），请核对；如非本人登记，请联系人才工作协调办公室",
    ),
    ("candidates.user_id", "", "本账号已有人才登记表，请刷新后修改原表"),
];

/// Personal-data fields the stored row holds apart from the form's clear values.
struct Sealed {
    enc: String,
    index: String,
    masked: String,
}

fn is_phone(s: &str) -> bool {
    s.len() == 11 && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit())
}

impl App {
    /// Checks the form and seals the personal data. `stored` is the current row on an edit.
    /// The identity document (type, number, and for a citizen ID the gender and birth date it
    /// encodes): the number typed, or kept from the stored row on an edit. Returns the
    /// normalised number and the birth date.
    fn validate_identity(
        &self,
        input: &ProfileInput,
        stored: Option<&CandidateRow>,
        errors: &mut Vec<FieldError>,
    ) -> (Option<String>, Option<String>) {
        let id_type = input.id_type.trim();
        if !known(&ID_TYPES, id_type) {
            errors.push(FieldError::new("id_type", "证件类型：请从列表中选择"));
        }
        // The ID number: typed, or kept from the stored row on an edit.
        let typed = input.id_number.trim();
        let id_clear: Option<String> = if typed.is_empty() {
            match stored {
                Some(row) => self.cipher.decrypt(&row.id_number_enc).ok(),
                None => {
                    errors.push(FieldError::new("id_number", "证件号码：必填，请填写"));
                    None
                }
            }
        } else {
            Some(typed.to_string())
        };
        let today = self.today();
        let gender = input.gender.trim();
        let mut birth_date: Option<String> = None;
        let mut id_number: Option<String> = None;
        if let Some(number) = id_clear {
            if id_type == "citizen_id" {
                match CitizenId::parse_as_of(&number, today) {
                    Ok(id) => {
                        // Position 17 against the form's 性别; the message names both.
                        if let Some(male) = match gender {
                            "male" => Some(true),
                            "female" => Some(false),
                            _ => None,
                        } && let Err(e) = id.check_gender(male)
                        {
                            errors.push(FieldError::new("id_number", e.to_string()));
                            errors.push(FieldError::new("gender", e.to_string()));
                        }
                        birth_date = Some(id.birth_date().to_string());
                        id_number = Some(id.as_str().to_string());
                    }
                    Err(e) => errors.push(FieldError::new("id_number", e.to_string())),
                }
            } else {
                let n = number.trim().to_uppercase();
                if n.chars().count() < 5
                    || n.chars().count() > 20
                    || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    errors.push(FieldError::new(
                        "id_number",
                        "证件号码：应为 5-20 位字母或数字，请按证件填写",
                    ));
                } else {
                    id_number = Some(n);
                }
            }
        }
        if id_type != "citizen_id" {
            let bd = input.birth_date.trim();
            if bd.is_empty() {
                birth_date = None;
            } else {
                match parse_date("出生日期", bd, DateRange::birth(today)) {
                    Ok(d) => birth_date = Some(d.to_string()),
                    Err(e) => errors.push(FieldError::new("birth_date", e.to_string())),
                }
            }
        }
        (id_number, birth_date)
    }

    /// The mobile number: typed (spaces and dashes dropped), or kept from the stored row.
    fn validate_phone(
        &self,
        input: &ProfileInput,
        stored: Option<&CandidateRow>,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        let typed_phone: String = input
            .phone
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if typed_phone.is_empty() {
            match stored {
                Some(row) => self.cipher.decrypt(&row.phone_enc).ok(),
                None => {
                    errors.push(FieldError::new("phone", "手机号码：必填，11 位，请填写"));
                    None
                }
            }
        } else if is_phone(&typed_phone) {
            Some(typed_phone)
        } else {
            errors.push(FieldError::new("phone", "手机号码：应为以 1 开头的 11 位数字，请核对"));
            None
        }
    }

    fn validate_profile(&self, input: &ProfileInput, stored: Option<&CandidateRow>) -> Result<NewCandidate> {
        let mut errors = Vec::new();
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            errors.push(FieldError::new("name", "姓名：必填，最多 50 字，请填写"));
        }
        let id_type = input.id_type.trim();
        let gender = input.gender.trim();
        let (id_number, birth_date) = self.validate_identity(input, stored, &mut errors);
        let phone = self.validate_phone(input, stored, &mut errors);
        let email = input.email.trim();
        if !email.is_empty() && (!email.contains('@') || email.chars().count() > 100 || email.contains(' ')) {
            errors.push(FieldError::new("email", "电子邮箱：格式不正确，例如 name@example.com"));
        }
        if !known(&GENDERS, gender) {
            errors.push(FieldError::new("gender", "性别：请选择"));
        }
        // The current year, near enough for a plausibility bound (mean Gregorian year).
        let this_year = i16::try_from(1970 + self.now() / 31_556_952_000).unwrap_or(i16::MAX - 10);
        let education = validate_education(&input.education, this_year, &mut errors);
        if education.len() > 10 {
            errors.push(FieldError::new("education", "学历：最多 10 行"));
        }
        let title = if input.title.trim().is_empty() {
            "none"
        } else {
            input.title.trim()
        };
        if !known(TITLES, title) {
            errors.push(FieldError::new("title", "专业技术职称：请从列表中选择"));
        }
        let honours = validate_honours(&input.honours, &mut errors);
        if input.qualifications.chars().count() > 2000 {
            errors.push(FieldError::new("qualifications", "职业资格：最多 2000 字"));
        }
        if input.projects.chars().count() > 10000 {
            errors.push(FieldError::new("projects", "项目与科研成果：最多 10000 字"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (Some(id_number), Some(phone)) = (id_number, phone) else {
            return Err(AppError::invalid(
                "id_number",
                "证件号码：无法读取已保存的号码，请重新填写",
            ));
        };
        let highest_degree = DEGREES
            .iter()
            .rev()
            .find(|(code, _)| education.iter().any(|e| e.degree == *code))
            .map_or("none", |(code, _)| code);
        let id = Sealed {
            enc: self.cipher.encrypt(&id_number),
            index: self.cipher.blind_index(&id_number),
            masked: mask::id_number(id_type, &id_number),
        };
        Ok(NewCandidate {
            name: name.to_string(),
            id_type: id_type.to_string(),
            id_number_enc: id.enc,
            id_number_index: id.index,
            id_number_masked: id.masked,
            phone_enc: self.cipher.encrypt(&phone),
            phone_masked: mask::phone(&phone),
            email: email.to_string(),
            gender: gender.to_string(),
            birth_date,
            education: serde_json::to_string(&education).expect("education serialises"),
            highest_degree: highest_degree.to_string(),
            title: title.to_string(),
            qualifications: input.qualifications.trim().to_string(),
            honours: serde_json::to_string(&honours).expect("honours serialise"),
            projects: input.projects.trim().to_string(),
        })
    }

    /// Creates or edits the actor's own registration form; returns its id.
    pub async fn save_my_profile(&self, actor: &Actor, input: &ProfileInput, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::ProfileEdit)?;
        let mut tx = self.store.begin_write().await?;
        let stored = tx.candidate_by_user(actor.user_id).await?;
        let form = self.validate_profile(input, stored.as_ref())?;
        let now = self.now();
        let (id, summary) = match &stored {
            None => {
                let id = tx
                    .insert_candidate(actor.user_id, &form, now)
                    .await
                    .map_err(|e| AppError::from_store(e, &UNIQUE_CANDIDATE))?;
                (id, format!("新建人才登记表：{}", form.name))
            }
            Some(before) => {
                let version = input.version.unwrap_or(before.version);
                tx.update_candidate(before.id, version, &form, now)
                    .await
                    .map_err(|e| AppError::from_store(e, &UNIQUE_CANDIDATE))?;
                (before.id, describe_changes(before, &form))
            }
        };
        let action = if stored.is_some() {
            "candidate_updated"
        } else {
            "candidate_created"
        };
        tx.append_audit(&self.audit_by(actor, ctx, action, ("candidate", id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The actor's own registration form, masked; `None` before the first save.
    pub async fn my_profile(&self, actor: &Actor) -> Result<Option<CandidateView>> {
        actor.require(Permission::ProfileEdit)?;
        let mut tx = self.store.begin_read().await?;
        Ok(tx.candidate_by_user(actor.user_id).await?.map(CandidateView::from))
    }

    /// The candidates, masked (coordination office).
    pub async fn candidates(&self, actor: &Actor, q: CandidateQuery) -> Result<Page<CandidateView>> {
        actor.require(Permission::CandidateRead)?;
        let page = self.store.begin_read().await?.candidates(&q).await?;
        Ok(Page {
            rows: page
                .rows
                .into_iter()
                .map(|r| CandidateView::from(r).for_staff())
                .collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// The candidates under the list's filters for an export (masked as on screen, up to
    /// `q.limit` from the first); audited with the filters.
    pub async fn export_candidates(
        &self,
        actor: &Actor,
        q: CandidateQuery,
        ctx: &RequestCtx,
    ) -> Result<Page<CandidateView>> {
        let all = CandidateQuery { offset: 0, ..q.clone() };
        let page = self.candidates(actor, all).await?;
        let degree = q.degree.as_deref().map(|d| name_of(DEGREES, d.trim()));
        let title = q.title.as_deref().map(|t| name_of(TITLES, t.trim()));
        let summary = App::export_summary(
            "人才登记表",
            page.rows.len(),
            &[
                ("姓名", q.text.as_deref()),
                ("最高学位", degree.as_deref()),
                ("专业", q.major.as_deref()),
                ("职称", title.as_deref()),
            ],
        );
        self.record_export(actor, ctx, "candidates_exported", "candidate", summary)
            .await?;
        Ok(page)
    }

    /// One candidate, masked: the coordination office sees every one, an applicant only
    /// their own (any other answers "not found").
    pub async fn candidate(&self, actor: &Actor, id: i64) -> Result<CandidateView> {
        let own_only = !actor.has(Permission::CandidateRead);
        if own_only {
            actor.require(Permission::ProfileEdit)?;
        } else {
            actor.require(Permission::CandidateRead)?;
        }
        let mut tx = self.store.begin_read().await?;
        tx.candidate(id)
            .await?
            .filter(|c| !own_only || c.user_id == actor.user_id)
            .map(|c| {
                let own = c.user_id == actor.user_id;
                let view = CandidateView::from(c);
                if own { view } else { view.for_staff() }
            })
            .ok_or_else(|| AppError::NotFound("人才登记表".into()))
    }

    /// The full ID number and phone of a candidate: needs [`Permission::PersonalDataView`]
    /// and a reason of at least 4 characters; the view is audited in the same transaction.
    pub async fn reveal_candidate(&self, actor: &Actor, id: i64, reason: &str, ctx: &RequestCtx) -> Result<Revealed> {
        actor.require(Permission::PersonalDataView)?;
        let reason = reason.trim();
        if reason.chars().count() < 4 {
            return Err(AppError::invalid(
                "reason",
                "查看理由：必填，至少 4 个字，请说明为何需要查看完整证件号",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .candidate(id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才登记表".into()))?;
        let decrypt = |s: &str| {
            self.cipher
                .decrypt(s)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("candidate {id}: cannot decrypt: {e}")))
        };
        let revealed = Revealed {
            id_number: decrypt(&row.id_number_enc)?,
            phone: decrypt(&row.phone_enc)?,
            birth_date: row.birth_date.clone(),
        };
        let mut audit = self.audit_by(
            actor,
            ctx,
            "personal_data_viewed",
            ("candidate", id.to_string()),
            format!(
                "查看完整身份证号：{}（{}）",
                row.name,
                mask::id_number(&row.id_type, &row.id_number_masked)
            ),
        );
        audit.reason = reason.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(revealed)
    }
}

/// What an edit changed, by field name only for personal data (never the values).
fn describe_changes(before: &CandidateRow, after: &NewCandidate) -> String {
    let mut changed = Vec::new();
    if before.name != after.name {
        changed.push("姓名");
    }
    if before.id_type != after.id_type || before.id_number_index != after.id_number_index {
        changed.push("证件");
    }
    if before.phone_masked != after.phone_masked {
        changed.push("手机号码");
    }
    if before.email != after.email {
        changed.push("电子邮箱");
    }
    if before.gender != after.gender || before.birth_date != after.birth_date {
        changed.push("性别或出生日期");
    }
    if before.education != after.education {
        changed.push("学历");
    }
    if before.title != after.title {
        changed.push("职称");
    }
    if before.qualifications != after.qualifications {
        changed.push("职业资格");
    }
    if before.honours != after.honours {
        changed.push("荣誉");
    }
    if before.projects != after.projects {
        changed.push("项目与成果");
    }
    if changed.is_empty() {
        format!("保存人才登记表：{}（无变化）", after.name)
    } else {
        format!("修改人才登记表：{}（{}）", after.name, changed.join("、"))
    }
}

/// The education rows of the form, each checked; empty rows are skipped. A graduation year
/// may lie up to six years ahead (a student who will graduate).
fn validate_education(rows: &[Education], this_year: i16, errors: &mut Vec<FieldError>) -> Vec<Education> {
    let mut education = Vec::new();
    for (i, e) in rows.iter().enumerate() {
        let n = i + 1;
        let blank = e.institution.trim().is_empty() && e.major.trim().is_empty() && e.graduation_year.trim().is_empty();
        if blank && (e.degree.is_empty() || e.degree == "none") {
            continue; // an empty row of the form
        }
        if !known(DEGREES, e.degree.trim()) {
            errors.push(FieldError::new("education", format!("学历第 {n} 行：请选择学位")));
        }
        if e.institution.trim().is_empty() || e.institution.chars().count() > 100 {
            errors.push(FieldError::new(
                "education",
                format!("学历第 {n} 行：请填写毕业院校（最多 100 字）"),
            ));
        }
        let tier = if e.school_tier.trim().is_empty() {
            "none"
        } else {
            e.school_tier.trim()
        };
        if !known(&SCHOOL_TIERS, tier) {
            errors.push(FieldError::new(
                "education",
                format!("学历第 {n} 行：985/211 请从列表中选择"),
            ));
        }
        let year = e.graduation_year.trim();
        if !year.is_empty() && !year.parse::<i16>().is_ok_and(|y| (1940..=this_year + 6).contains(&y)) {
            errors.push(FieldError::new(
                "education",
                format!("学历第 {n} 行：毕业年份应为 4 位年份，例如 2015"),
            ));
        }
        education.push(Education {
            degree: e.degree.trim().to_string(),
            institution: e.institution.trim().to_string(),
            major: e.major.trim().to_string(),
            full_time: e.full_time,
            school_tier: tier.to_string(),
            graduation_year: year.to_string(),
        });
    }
    education
}

/// The honours ticked on the form, each once, each from the list.
fn validate_honours(typed: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut honours: Vec<String> = Vec::new();
    for h in typed {
        let h = h.trim();
        if h.is_empty() || honours.iter().any(|x| x == h) {
            continue;
        }
        if known(HONOURS, h) {
            honours.push(h.to_string());
        } else {
            errors.push(FieldError::new("honours", "荣誉称号：请从列表中勾选"));
        }
    }
    honours
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::staff_form;

    #[test]
    fn an_old_snapshot_loses_its_birth_date_and_takes_the_current_masks() {
        let old = json!({
            "name": "高峰", "id_type": "citizen_id", "id_number_masked": "652***********0318",
            "phone_masked": "139****0002", "gender": "male", "birth_date": "1988-05-12",
        });
        let form = staff_form(old);
        assert!(form.get("birth_date").is_none(), "{form}");
        assert_eq!(form["birth_year"], 1988);
        assert_eq!(form["id_number_masked"], "*****************8");
        assert_eq!(form["phone_masked"], "*******0002");
        assert!(!form.to_string().contains("1988-05-12") && !form.to_string().contains("652"));
        // A passport keeps its first character and last two.
        let passport = staff_form(json!({"id_type": "passport", "id_number_masked": "E12**5678"}));
        assert_eq!(passport["id_number_masked"], "E******78");
        // A current snapshot is unchanged.
        let current = staff_form(form.clone());
        assert_eq!(current, form);
    }
}
