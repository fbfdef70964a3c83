//! The audit admin's page: search and read the trail, verify the chain.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use yincai_app::clock::format_beijing;
use yincai_store::{AuditQuery, AuditVerdict};

use super::{Pager, Paging, render};
use crate::auth::PageUser;
use crate::layout::Layout;
use crate::{AppState, PageError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(search))
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

async fn search(
    State(state): State<AppState>,
    user: PageUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
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
        "日期：请按 YYYY-MM-DD 填写，例如 2026-11-24".to_string()
    } else {
        String::new()
    };
    let nonempty = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let page = state
        .app
        .audit_records(
            &user.actor,
            &AuditQuery {
                action: nonempty(&action),
                actor: nonempty(&actor),
                text: nonempty(&q),
                from: from_ms,
                to: to_ms,
                offset: query.paging.offset(),
                limit: query.paging.limit(),
                ..Default::default()
            },
        )
        .await?;
    let pager = Pager::new(
        page.total,
        &query.paging,
        &[
            ("q", &q),
            ("action", &action),
            ("actor", &actor),
            ("from", &from),
            ("to", &to),
        ],
    );
    let rows = page
        .rows
        .into_iter()
        .map(|r| Line {
            seq: r.seq,
            at: format_beijing(r.at),
            actor: r.actor_name,
            role: r.actor_role,
            action: r.action,
            object: format!("{}#{}", r.object_type, r.object_id),
            summary: r.summary,
            reason: r.reason,
            result: r.result,
            request_id: r.request_id,
        })
        .collect();
    Ok(render(&SearchPage {
        layout: Layout::new("审计日志", Some(&user.actor), "/audit"),
        rows,
        q,
        action,
        actor,
        from,
        to,
        date_error,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyFragment {
    intact: bool,
    message: String,
}

/// The chain check, as an htmx fragment.
async fn verify(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let verdict = state.app.verify_audit(&user.actor).await?;
    let (intact, message) = match verdict {
        AuditVerdict::Intact { records, head_hash } => (
            true,
            format!("完整：共 {records} 条记录，链尾哈希 {}…", &head_hash[..16]),
        ),
        AuditVerdict::Broken { seq, problem } => (false, format!("发现篡改：第 {seq} 条记录异常（{problem}）")),
    };
    Ok(render(&VerifyFragment { intact, message }))
}
