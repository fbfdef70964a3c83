//! The audit admin's page: search and read the trail, verify the chain.

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use yincai_app::audit::{action_label, object_label, result_label, roles_label};
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
    #[serde(flatten)]
    paging: Paging,
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
    rows: Vec<Line>,
    q: String,
    action: String,
    actor: String,
    from: String,
    to: String,
    date_error: String,
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
    date_error: String,
    query: AuditQuery,
}

impl Filters {
    fn read(query: &SearchQuery) -> Filters {
        let text = |o: &Option<String>| o.clone().unwrap_or_default().trim().to_string();
        let (q, action, actor, from, to) = (
            text(&query.q),
            text(&query.action),
            text(&query.actor),
            text(&query.from),
            text(&query.to),
        );
        let from_ms = if from.is_empty() {
            None
        } else {
            day_start_ms(&from, false)
        };
        let to_ms = if to.is_empty() { None } else { day_start_ms(&to, true) };
        let date_error = if (!from.is_empty() && from_ms.is_none()) || (!to.is_empty() && to_ms.is_none()) {
            "日期：请按“年-月-日”填写，例如 2026-11-24".to_string()
        } else {
            String::new()
        };
        let nonempty = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        let query = AuditQuery {
            action: nonempty(&action),
            actor: nonempty(&actor),
            text: nonempty(&q),
            from: from_ms,
            to: to_ms,
            offset: query.paging.offset(),
            limit: query.paging.limit(),
            ..Default::default()
        };
        Filters {
            q,
            action,
            actor,
            from,
            to,
            date_error,
            query,
        }
    }

    fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            ("q", &self.q),
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
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
    let page = call.app.audit_records(&call.actor, &f.query).await?;
    let pager = Pager::new(page.total, &query.paging, &f.pairs());
    let export_link = format!("/audit/export.xlsx?{}", pager.base);
    let rows = page.rows.into_iter().map(line).collect();
    Ok(render(&SearchPage {
        layout: call.layout("审计日志", "/audit"),
        rows,
        q: f.q,
        action: f.action,
        actor: f.actor,
        from: f.from,
        to: f.to,
        date_error: f.date_error,
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
