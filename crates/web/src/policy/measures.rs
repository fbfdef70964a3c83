//! 政策原文: the measures in force, every article in the official words, by chapter, with
//! who issued them and who interprets them (Art. 30). Public, like the calculator: an
//! applicant, a unit or a leader reads the rule where the system cites it.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use yincai_domain::dates::date_in_figures;
use yincai_policy::plan::Plan;
use yincai_policy::report::cite_zh;

use crate::AppState;
use crate::auth::MaybeUser;
use crate::layout::Layout;
use crate::pages::render;
use crate::policy::api::policies;

pub fn routes() -> Router<AppState> {
    Router::new().route("/policy", get(measures))
}

/// One article or item as shown: its citation in Chinese (第十四条第㈡项) and its words.
struct ShownArticle {
    anchor: String,
    cite: String,
    title: String,
    text: String,
    /// An item (㈠…) is shown indented under its article.
    is_item: bool,
}

struct Chapter {
    heading: String,
    articles: Vec<ShownArticle>,
}

#[derive(Template)]
#[template(path = "measures.html")]
struct MeasuresPage {
    layout: Layout,
    title: String,
    document_number: String,
    issuer: String,
    issued: String,
    effective: String,
    interpreted_by: String,
    chapters: Vec<Chapter>,
}

fn chapters(plan: &Plan) -> Vec<Chapter> {
    let mut out: Vec<Chapter> = Vec::new();
    for a in &plan.articles {
        if let Some(heading) = &a.chapter {
            out.push(Chapter {
                heading: heading.clone(),
                articles: Vec::new(),
            });
        } else if out.is_empty() {
            out.push(Chapter {
                heading: String::new(),
                articles: Vec::new(),
            });
        }
        let shown = ShownArticle {
            anchor: format!("art-{}", a.number.replace(['(', ')'], "-").trim_end_matches('-')),
            cite: cite_zh(&a.number),
            title: a.title.clone(),
            text: a.text.clone().unwrap_or_default(),
            is_item: a.number.contains('('),
        };
        out.last_mut().expect("a chapter was opened above").articles.push(shown);
    }
    out
}

async fn measures(State(state): State<AppState>, MaybeUser(actor): MaybeUser) -> Response {
    let today = state.app.today();
    let set = policies();
    let plan = set
        .in_force(today)
        .or_else(|| set.plans().last())
        .expect("a policy is built in");
    let m = &plan.meta;
    render(&MeasuresPage {
        layout: Layout::new("政策原文", actor.as_ref(), "/policy"),
        title: m.title.clone(),
        document_number: m.document_number.clone(),
        issuer: m.issuer.clone(),
        issued: date_in_figures(m.issued),
        effective: date_in_figures(m.effective),
        interpreted_by: m.interpreted_by.clone().unwrap_or_default(),
        chapters: chapters(plan),
    })
}
