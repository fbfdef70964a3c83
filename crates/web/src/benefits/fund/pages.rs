//! The special fund in the browser (Art. 29): `/fund` (each year's budget with its growth
//! over the previous year, what is committed, paid and available, the ledger with the
//! balance after each posting, and finance's budget form), `/fund/batches` (payment
//! batches, and certified releases to put in a new one) and `/fund/batches/{id}` (pay the
//! batch, export it to Excel for the bank).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{get, post};
use yincai_app::Permission;
use yincai_app::clock::format_beijing;
use yincai_app::fund::{BatchInput, BatchPayment, BatchView, BudgetInput, FundOverview};
use yincai_app::talents::PayeeBank;
use yincai_domain::lifecycle::{BatchState, InstallmentState};
use yincai_domain::money::Fen;
use yincai_policy::report::cite_zh;
use yincai_store::{InstallmentRow, Page, PaymentBatchRow, PostingKind};

use crate::auth::{Form, PageCall};
use crate::export::{Cell, Column, col, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fund", get(overview))
        .route("/fund/budgets", post(save_budget))
        .route("/fund/batches", get(batches).post(create_batch))
        .route("/fund/batches/{id}", get(batch))
        .route("/fund/batches/{id}/pay", post(pay_batch))
        .route("/fund/batches/{id}/export.xlsx", get(export_batch))
}

/// Helpers every fund template uses.
trait Money {
    fn yuan(&self, fen: &i64) -> String {
        Fen(*fen).yuan_string()
    }
    fn time(&self, ms: &i64) -> String {
        format_beijing(*ms)
    }
    fn status(&self, s: &InstallmentState) -> &'static str {
        s.name_zh()
    }
    fn article(&self, a: &str) -> String {
        cite_zh(a)
    }
}

// ---- /fund ------------------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct OverviewQuery {
    year: Option<String>,
    edit: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

#[derive(Template)]
#[template(path = "fund.html")]
struct OverviewPage {
    layout: Layout,
    o: FundOverview,
    form: BudgetInput,
    editing: bool,
    errors: FieldErrors,
    ledger_year: String,
    pager: Pager,
}

impl Money for OverviewPage {}

impl OverviewPage {
    fn growth(&self, fen: &Option<i64>, pct: &Option<String>) -> String {
        match (fen, pct) {
            (Some(f), Some(p)) => format!("{}（{p}）", Fen(*f).yuan_string()),
            (Some(f), None) => Fen(*f).yuan_string(),
            _ => "—".into(),
        }
    }
    fn kind(&self, code: &str) -> &'static str {
        PostingKind::from_code(code).map_or("—", PostingKind::name_zh)
    }
}

async fn overview_page(
    call: &PageCall,
    q: &OverviewQuery,
    form: Option<BudgetInput>,
    errors: FieldErrors,
) -> PageResult {
    let ledger_year = q.year.clone().unwrap_or_default();
    let year = ledger_year.trim().parse::<i64>().ok();
    let paging = Paging {
        page: q.paging.page.clone(),
        per_page: Some("50".into()),
    };
    let o = call.app.fund_overview(&call.actor, year, paging.offset()).await?;
    let pager = Pager::new(o.ledger.total, &paging, &[("year", ledger_year.as_str())]);
    let edit = q.edit.as_deref().and_then(|e| e.parse::<i64>().ok());
    let (form, editing) = match form {
        Some(f) => {
            let editing = !f.version.is_empty();
            (f, editing)
        }
        None => match edit.and_then(|e| o.years.iter().find(|y| y.year == e)) {
            Some(y) => (
                BudgetInput {
                    year: y.year.to_string(),
                    amount: Fen(y.budget_fen).to_string(),
                    note: y.note.clone(),
                    version: y.version.to_string(),
                },
                true,
            ),
            None => (BudgetInput::default(), false),
        },
    };
    Ok(render_with(
        crate::pages::form_status(&errors),
        &OverviewPage {
            layout: call.layout("专项资金", "/fund"),
            o,
            form,
            editing,
            errors,
            ledger_year,
            pager,
        },
    ))
}

async fn overview(call: PageCall, Query(q): Query<OverviewQuery>) -> PageResult {
    overview_page(&call, &q, None, FieldErrors::default()).await
}

async fn save_budget(call: PageCall, form: Form<BudgetInput>) -> PageResult {
    let result = call.app.set_budget(&call.actor, &form.value, &call.ctx).await;
    after_submit(
        result,
        |row| format!("/fund?saved={}", row.year),
        |errors| async move { overview_page(&call, &OverviewQuery::default(), Some(form.value), errors).await },
    )
    .await
}

// ---- /fund/batches ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "fund_batches.html")]
struct BatchesPage {
    layout: Layout,
    batches: Page<PaymentBatchRow>,
    releasable: Vec<InstallmentRow>,
    may_pay: bool,
    chosen: Vec<i64>,
    note: String,
    errors: FieldErrors,
    pager: Pager,
}

impl Money for BatchesPage {}

impl BatchesPage {
    fn is_chosen(&self, id: &i64) -> bool {
        self.chosen.contains(id)
    }
    fn batch_status(&self, s: &BatchState) -> &'static str {
        s.name_zh()
    }
}

async fn batches_page(
    call: &PageCall,
    paging: &Paging,
    chosen: Vec<i64>,
    note: String,
    errors: FieldErrors,
) -> PageResult {
    let batches = call.app.batches(&call.actor, paging.offset()).await?;
    let overview = call.app.fund_overview(&call.actor, None, 0).await?;
    let pager = Pager::new(batches.total, paging, &[]);
    Ok(render_with(
        crate::pages::form_status(&errors),
        &BatchesPage {
            layout: call.layout("支付批次", "/fund"),
            batches,
            releasable: overview.releasable,
            may_pay: overview.may_pay,
            chosen,
            note,
            errors,
            pager,
        },
    ))
}

async fn batches(call: PageCall, Query(paging): Query<Paging>) -> PageResult {
    batches_page(&call, &paging, Vec::new(), String::new(), FieldErrors::default()).await
}

/// Makes a batch of the ticked installments: repeated `installment` fields and a `note`.
async fn create_batch(call: PageCall, form: Form<Vec<(String, String)>>) -> PageResult {
    let mut input = BatchInput::default();
    for (k, v) in &form.value {
        match k.as_str() {
            "installment" => input.installment_ids.extend(v.parse::<i64>().ok()),
            "note" => input.note.clone_from(v),
            _ => {}
        }
    }
    let result = call.app.create_batch(&call.actor, &input, &call.ctx).await;
    after_submit(
        result,
        |b| format!("/fund/batches/{}", b.id),
        |errors| async move {
            batches_page(
                &call,
                &Paging::default(),
                input.installment_ids,
                input.note,
                errors,
            )
            .await
        },
    )
    .await
}

// ---- /fund/batches/{id} -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "fund_batch.html")]
struct BatchPage {
    layout: Layout,
    v: BatchView,
    /// A fresh idempotency key for the pay form: a double submission pays nothing twice.
    pay_key: String,
    result: Option<BatchPayment>,
    can_export: bool,
}

impl Money for BatchPage {}

impl BatchPage {
    fn batch_status(&self, s: &BatchState) -> &'static str {
        s.name_zh()
    }
    fn paid_total(&self) -> String {
        let sum = self
            .result
            .as_ref()
            .map_or(0, |r| r.paid.iter().map(|p| p.amount_fen).sum::<i64>());
        Fen(sum).yuan_string()
    }
    fn can_pay(&self) -> bool {
        self.v.may_pay && self.v.batch.status == BatchState::Open
    }
}

async fn batch_page(call: &PageCall, id: i64, result: Option<BatchPayment>) -> PageResult {
    let v = call.app.batch(&call.actor, id).await?;
    Ok(render_with(
        StatusCode::OK,
        &BatchPage {
            layout: call.layout(format!("支付批次 {}", v.batch.number), "/fund"),
            can_export: call.actor.has(Permission::FundPay),
            v,
            pay_key: yincai_domain::crypto::random_token(16),
            result,
        },
    ))
}

async fn batch(call: PageCall, Path(id): Path<i64>) -> PageResult {
    batch_page(&call, id, None).await
}

#[derive(Debug, Default, serde::Deserialize)]
struct PayForm {
    #[serde(default)]
    idempotency_key: String,
}

async fn pay_batch(call: PageCall, Path(id): Path<i64>, form: Form<PayForm>) -> PageResult {
    let key = Some(form.value.idempotency_key.as_str()).filter(|k| !k.trim().is_empty());
    let result = call.app.pay_batch(&call.actor, id, key, &call.ctx).await?;
    batch_page(&call, id, Some(result)).await
}

const BATCH_COLUMNS: [Column; 12] = [
    col("序号", 6.0),
    col("收款人", 12.0),
    col("身份证号", 22.0),
    col("开户行", 28.0),
    col("银行账号", 26.0),
    col("金额（元）", 16.0),
    col("单位", 28.0),
    col("待遇", 20.0),
    col("政策条款", 16.0),
    col("期次", 6.0),
    col("证明编号", 22.0),
    col("批复文号", 24.0),
];

/// The rows of the bank's file: what a bank needs to transfer first (payee, ID number, bank,
/// account, amount as a number), then what the payment is for; the total row follows.
fn batch_rows(v: &BatchView, payees: &[PayeeBank]) -> Vec<Vec<Cell>> {
    v.installments
        .iter()
        .zip(payees)
        .enumerate()
        .map(|(n, (i, p))| {
            vec![
                Cell::Int(n as i64 + 1),
                i.talent_name.as_str().into(),
                p.id_number.as_str().into(),
                p.bank_name.as_str().into(),
                p.account.as_str().into(),
                Cell::Money(i.amount_fen),
                i.org_name.as_str().into(),
                i.benefit_name.as_str().into(),
                cite_zh(&i.article).into(),
                Cell::Int(i.seq),
                i.certificate_number.clone().unwrap_or_default().into(),
                i.resolution_number.clone().unwrap_or_default().into(),
            ]
        })
        .collect()
}

async fn export_batch(call: PageCall, Path(id): Path<i64>) -> PageResult {
    let (v, payees) = call.app.export_batch(&call.actor, id, &call.ctx).await?;
    let rows = batch_rows(&v, &payees);
    let total = rows.len() as i64;
    Ok(xlsx(
        &format!("支付批次{}", v.batch.number),
        "支付批次",
        &BATCH_COLUMNS,
        &rows,
        total,
    ))
}
