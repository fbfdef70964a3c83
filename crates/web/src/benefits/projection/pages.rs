//! The special fund's projection in the browser (`/fund/projection`, Art. 29): what the fund
//! owes for the next ten years in two scenarios, against the budgets, by benefit kind and by
//! unit, with a chart (ECharts, vendored, fed from JSON in the page: no network) and an
//! Excel export (`/fund/projection.xlsx`).

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use yincai_app::projection::{DEFAULT_DEPARTURE_PER_MILLE, ProjectionRow, ProjectionView};
use yincai_domain::money::Fen;

use crate::auth::PageCall;
use crate::export::{Column, col, text_rows, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, form_status, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fund/projection", get(page))
        .route("/fund/projection.xlsx", get(export))
}

#[derive(Debug, Default, serde::Deserialize)]
struct ProjectionQuery {
    departure_rate: Option<String>,
}

impl ProjectionQuery {
    /// What was typed, or the default rate when the form was not sent yet.
    fn typed(&self) -> String {
        self.departure_rate
            .clone()
            .unwrap_or_else(|| DEFAULT_DEPARTURE_PER_MILLE.to_string())
    }
}

#[derive(Template)]
#[template(path = "projection.html")]
struct ProjectionPage {
    layout: Layout,
    departure_rate: String,
    errors: FieldErrors,
    p: Option<ProjectionView>,
    /// The chart's data, JSON safe to embed in a `<script>` element.
    chart_json: String,
    export_link: String,
}

impl ProjectionPage {
    /// A gap for people: "缺口 x" when owed exceeds the budget, "结余 x" otherwise.
    fn gap(&self, g: &Option<Fen>) -> String {
        match *g {
            None => "—".into(),
            Some(g) if g.0 > 0 => format!("缺口 {}", g.yuan_string()),
            Some(g) => format!("结余 {}", Fen(-g.0).yuan_string()),
        }
    }

    /// Whether the with-departures scenario differs anywhere (then tables show it too).
    fn departures_differ(&self) -> bool {
        self.p.as_ref().is_some_and(|p| p.total.base != p.total.expected)
    }

    fn last_year(&self) -> i32 {
        self.p.as_ref().map_or(0, |p| p.start_year + p.horizon as i32 - 1)
    }
}

/// The chart's data: years, the two scenarios, the budget and the base per kind, in fen.
fn chart_json(p: &ProjectionView) -> String {
    let data = serde_json::json!({
        "years": p.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        "base": p.years.iter().map(|y| y.base.0).collect::<Vec<_>>(),
        "expected": p.years.iter().map(|y| y.expected.0).collect::<Vec<_>>(),
        "budget": p.years.iter().map(|y| y.budget.map(|b| b.0)).collect::<Vec<_>>(),
        "budget_assumed": p.years.iter().map(|y| y.budget_assumed_from.is_some()).collect::<Vec<_>>(),
        "rate_per_mille": p.departure_per_mille,
        "kinds": p.by_kind.iter().map(|k| serde_json::json!({
            "name": k.label,
            "base": k.years.iter().map(|a| a.base.0).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    // Inside <script>, "</" and "<!--" must not appear; \u003c is the same string to JSON.
    data.to_string().replace('<', "\\u003c")
}

async fn page(call: PageCall, Query(q): Query<ProjectionQuery>) -> PageResult {
    let typed = q.typed();
    let (p, errors) = match call.app.fund_projection(&call.actor, &typed).await {
        Ok(p) => (Some(p), FieldErrors::default()),
        Err(e) if !e.field_errors().is_empty() => (None, e.field_errors().into()),
        Err(e) => return Err(e.into()),
    };
    let chart_json = p.as_ref().map(chart_json).unwrap_or_default();
    let export_link = format!(
        "/fund/projection.xlsx?{}",
        serde_urlencoded::to_string([("departure_rate", typed.as_str())]).unwrap_or_default()
    );
    Ok(render_with(
        form_status(&errors),
        &ProjectionPage {
            layout: call.layout("专项资金预测", "/fund"),
            departure_rate: typed,
            errors,
            p,
            chart_json,
            export_link,
        },
    ))
}

const COLUMNS: [Column; 10] = [
    col("年度", 10.0),
    col("口径", 12.0),
    col("项目", 30.0),
    col("基本情形应付（元）", 20.0),
    col("考虑离职应付（元）", 20.0),
    col("其中以前年度欠付（元）", 22.0),
    col("预算（元）", 18.0),
    col("预算说明", 26.0),
    col("缺口：基本情形（元）", 22.0),
    col("缺口：考虑离职（元）", 22.0),
];

/// The projection as .xlsx, one row per year (against the budget), per year and kind, per
/// year and unit, then the ten-year totals and the assumptions: a flat table for filters.
async fn export(call: PageCall, Query(q): Query<ProjectionQuery>) -> PageResult {
    let p = call.app.fund_projection(&call.actor, &q.typed()).await?;
    let money = |f: Fen| f.to_string();
    let opt = |f: Option<Fen>| f.map(|f| f.to_string()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for y in &p.years {
        rows.push(vec![
            y.year.to_string(),
            "年度合计".into(),
            "全部待遇".into(),
            money(y.base),
            money(y.expected),
            money(y.arrears),
            opt(y.budget),
            match (y.budget, y.budget_assumed_from) {
                (None, _) => "未录入预算".into(),
                (Some(_), Some(from)) => format!("假设：沿用 {from} 年预算"),
                (Some(_), None) => "已录入".into(),
            },
            opt(y.gap_base),
            opt(y.gap_expected),
        ]);
    }
    let detail = |rows: &mut Vec<Vec<String>>, kind: &str, list: &[ProjectionRow]| {
        for (i, y) in p.years.iter().enumerate() {
            for r in list {
                let a = r.years[i];
                if a.base == Fen::ZERO {
                    continue;
                }
                rows.push(vec![
                    y.year.to_string(),
                    kind.into(),
                    r.label.clone(),
                    money(a.base),
                    money(a.expected),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        for r in list {
            rows.push(vec![
                format!("{}-{}", p.start_year, p.start_year + p.horizon as i32 - 1),
                kind.into(),
                r.label.clone(),
                money(r.total.base),
                money(r.total.expected),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    };
    detail(&mut rows, "按待遇类别", &p.by_kind);
    detail(&mut rows, "按用人单位", &p.by_unit);
    let note = |text: String| {
        let mut row = vec![String::new(); COLUMNS.len()];
        row[1] = "说明".into();
        row[2] = text;
        row
    };
    rows.push(note(format!(
        "{} 编制：{} 年起 {} 年；基本情形假设考核全部合格、无人离职；考虑离职情形年离职率 {} ‰，第 i 年应付 × (1 − 离职率)^i，逐项向下取整到分",
        p.as_of, p.start_year, p.horizon, p.departure_per_mille
    )));
    rows.push(note(format!(
        "以前年度到期未付 {} 元（{} 笔）计入 {} 年；{} 年以后到期 {} 元（{} 笔）不在预测期内",
        p.arrears,
        p.arrears_installments,
        p.start_year,
        p.start_year + p.horizon as i32 - 1,
        p.beyond,
        p.beyond_installments
    )));
    let total = rows.len() as i64;
    Ok(xlsx(
        &format!("专项资金预测_{}年起_离职率{}‰", p.start_year, p.departure_per_mille),
        "专项资金预测",
        &COLUMNS,
        &text_rows(rows),
        total,
    ))
}
