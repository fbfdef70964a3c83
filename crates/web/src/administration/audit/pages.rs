//! The audit admin's page: search and read the trail, verify the chain.

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use yincai_app::audit::{AUDIT_OBJECTS, AuditLine, action_label, object_label, result_label, roles_label};
use yincai_app::clock::format_beijing;
use yincai_store::{AuditQuery, AuditRecord, AuditVerdict};

use crate::auth::PageCall;
use crate::export::{Column, MAX_ROWS, col, text_rows, xlsx};
use crate::layout::Layout;
use crate::pages::{Pager, Paging, render};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(search))
        .route("/audit/export.xlsx", get(export))
        .route("/audit/verify", get(verify))
}

#[derive(Debug, Default, serde::Deserialize)]
struct SearchQuery {
    q: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// The object's kind (its code, chosen from a list) and number.
    object_type: Option<String>,
    object_id: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

/// One record as a sentence: "2026-11-24 10:32 赵敏（人才工作协调办）审批：同意 — 年度计划 3：…",
/// the object a link to its page where it has one, the result only when it was not a success.
struct Sentence {
    at: String,
    actor: String,
    role: String,
    action: String,
    object: String,
    link: Option<String>,
    summary: String,
    reason: String,
    /// Empty for a success.
    failure: String,
}

fn sentence(l: AuditLine) -> Sentence {
    let r = l.record;
    Sentence {
        at: format_beijing(r.at),
        actor: if r.actor_name.is_empty() {
            "未登录用户".into()
        } else {
            r.actor_name
        },
        role: if r.actor_role.is_empty() {
            String::new()
        } else {
            roles_label(&r.actor_role)
        },
        action: action_label(&r.action),
        object: object_label(&r.object_type, &r.object_id),
        link: l.link,
        summary: r.summary,
        reason: r.reason,
        failure: if r.result == "ok" {
            String::new()
        } else {
            result_label(&r.result).to_string()
        },
    }
}

struct Line {
    seq: i64,
    at: String,
    actor: String,
    role: String,
    action: String,
    object: String,
    summary: String,
    reason: String,
    result: String,
    request_id: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct SearchPage {
    layout: Layout,
    rows: Vec<Sentence>,
    q: String,
    action: String,
    actor: String,
    from: String,
    to: String,
    object_type: String,
    object_id: String,
    /// The kinds of object to filter by: (code, Chinese name), each name once.
    objects: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
    pager: Pager,
    export_link: String,
}

/// A `YYYY-MM-DD` in Beijing time as epoch ms (start of that day), or the day after.
fn day_start_ms(text: &str, next_day: bool) -> Option<i64> {
    let date: jiff::civil::Date = text.trim().parse().ok()?;
    let date = if next_day { date.tomorrow().ok()? } else { date };
    let zoned = date
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .ok()?;
    Some(zoned.timestamp().as_millisecond())
}

/// The filters as typed, and the store query they mean.
struct Filters {
    q: String,
    action: String,
    actor: String,
    from: String,
    to: String,
    object_type: String,
    object_id: String,
    /// What is wrong with the filters, each naming its field.
    errors: Vec<String>,
    query: AuditQuery,
}

impl Filters {
    fn read(query: &SearchQuery) -> Filters {
        let text = |o: &Option<String>| o.clone().unwrap_or_default().trim().to_string();
        let (q, action, actor, from, to, object_type, object_id) = (
            text(&query.q),
            text(&query.action),
            text(&query.actor),
            text(&query.from),
            text(&query.to),
            text(&query.object_type),
            text(&query.object_id),
        );
        let from_ms = if from.is_empty() {
            None
        } else {
            day_start_ms(&from, false)
        };
        let to_ms = if to.is_empty() { None } else { day_start_ms(&to, true) };
        let mut errors = Vec::new();
        if (!from.is_empty() && from_ms.is_none()) || (!to.is_empty() && to_ms.is_none()) {
            errors.push("日期：请按“年-月-日”填写，例如 2026-11-24".to_string());
        }
        if !object_type.is_empty() && !AUDIT_OBJECTS.iter().any(|(code, _)| *code == object_type) {
            errors.push("对象类型：请从列表中选择".to_string());
        }
        if !object_id.is_empty() && !object_id.chars().all(|c| c.is_ascii_digit()) {
            errors.push("对象编号：请填写数字，例如 3".to_string());
        }
        let nonempty = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        let query = AuditQuery {
            action: nonempty(&action),
            actor: nonempty(&actor),
            text: nonempty(&q),
            object_type: nonempty(&object_type),
            object_id: nonempty(&object_id),
            from: from_ms,
            to: to_ms,
            offset: query.paging.offset(),
            limit: query.paging.limit(),
        };
        Filters {
            q,
            action,
            actor,
            from,
            to,
            object_type,
            object_id,
            errors,
            query,
        }
    }

    fn pairs(&self) -> [(&'static str, &str); 7] {
        [
            ("q", &self.q),
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
            ("object_type", &self.object_type),
            ("object_id", &self.object_id),
        ]
    }
}

fn line(r: AuditRecord) -> Line {
    Line {
        seq: r.seq,
        at: format_beijing(r.at),
        actor: r.actor_name,
        role: roles_label(&r.actor_role),
        action: action_label(&r.action),
        object: object_label(&r.object_type, &r.object_id),
        summary: r.summary,
        reason: r.reason,
        result: result_label(&r.result).to_string(),
        request_id: r.request_id,
    }
}

async fn search(call: PageCall, Query(query): Query<SearchQuery>) -> PageResult {
    let f = Filters::read(&query);
    let page = call.app.audit_lines(&call.actor, &f.query).await?;
    let pager = Pager::new(page.total, &query.paging, &f.pairs());
    let export_link = format!("/audit/export.xlsx?{}", pager.base);
    let rows = page.rows.into_iter().map(sentence).collect();
    let mut objects: Vec<(&'static str, &'static str)> = Vec::new();
    for &(code, name) in AUDIT_OBJECTS {
        if !objects.iter().any(|(_, n)| *n == name) {
            objects.push((code, name));
        }
    }
    Ok(render(&SearchPage {
        layout: call.layout("审计日志", "/audit"),
        rows,
        q: f.q,
        action: f.action,
        actor: f.actor,
        from: f.from,
        to: f.to,
        object_type: f.object_type,
        object_id: f.object_id,
        objects,
        errors: f.errors,
        pager,
        export_link,
    }))
}

const AUDIT_COLUMNS: [Column; 10] = [
    col("序号", 8.0),
    col("时间（北京）", 18.0),
    col("操作人", 12.0),
    col("角色", 14.0),
    col("操作", 18.0),
    col("对象", 18.0),
    col("内容", 48.0),
    col("原因", 24.0),
    col("结果", 8.0),
    col("请求编号", 20.0),
];

/// The records under the current filters as .xlsx; the export itself is audited.
async fn export(call: PageCall, Query(query): Query<SearchQuery>) -> PageResult {
    let mut f = Filters::read(&query);
    f.query.offset = 0;
    f.query.limit = MAX_ROWS;
    let page = call.app.export_audit_records(&call.actor, &f.query, &call.ctx).await?;
    let rows: Vec<Vec<String>> = page
        .rows
        .into_iter()
        .map(line)
        .map(|l| {
            vec![
                l.seq.to_string(),
                l.at,
                l.actor,
                l.role,
                l.action,
                l.object,
                l.summary,
                l.reason,
                l.result,
                l.request_id,
            ]
        })
        .collect();
    Ok(xlsx(
        "审计日志",
        "审计日志",
        &AUDIT_COLUMNS,
        &text_rows(rows),
        page.total,
    ))
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyFragment {
    intact: bool,
    message: String,
}

/// The chain check, as an htmx fragment.
async fn verify(call: PageCall) -> PageResult {
    let verdict = call.app.verify_audit(&call.actor).await?;
    let (intact, message) = match verdict {
        AuditVerdict::Intact { records, head_hash } => (
            true,
            format!("完整：共 {records} 条记录，链尾哈希 {}…", &head_hash[..16]),
        ),
        AuditVerdict::Broken { seq, problem } => (
            false,
            format!(
                "发现篡改：第 {seq} 条记录异常（{}）",
                yincai_app::audit::problem_zh(problem)
            ),
        ),
    };
    Ok(render(&VerifyFragment { intact, message }))
}
