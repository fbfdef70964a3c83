//! The workbench's pending tasks (待办): the workflow's stored tasks, and for whoever pays
//! from the fund the money that waits (computed from the fund's state, so they are done when
//! the money is paid; such a task has id 0).

use yincai_domain::lifecycle::{BatchState, InstallmentState};
use yincai_domain::money::Fen;
use yincai_store::{InstallmentQuery, TaskRow, Tx};

use crate::{Actor, App, Permission, Result};

/// The kinds of the tasks computed from the fund's state.
pub const TASK_FUND_TO_BATCH: &str = "fund_to_batch";
pub const TASK_FUND_BATCH_TO_PAY: &str = "fund_batch_to_pay";

impl App {
    pub async fn my_tasks(&self, actor: &Actor) -> Result<Vec<TaskRow>> {
        actor.require(Permission::TaskRead)?;
        let roles: Vec<String> = actor.role_codes().into_iter().map(String::from).collect();
        let mut tx = self.store.begin_read().await?;
        let mut tasks = tx.open_tasks_for(actor.user_id, &roles, actor.org_id).await?;
        if actor.has(Permission::FundPay) {
            tasks.extend(self.payments_waiting(&mut tx).await?);
        }
        Ok(tasks)
    }

    /// What finance has to do with money already certified: put the certified installments
    /// into a payment batch, and pay each open batch.
    async fn payments_waiting(&self, tx: &mut Tx) -> Result<Vec<TaskRow>> {
        let mut out = Vec::new();
        let certified = tx
            .installments(&InstallmentQuery {
                status: Some(InstallmentState::Certified.code().into()),
                unbatched: true,
                limit: 100_000,
                ..InstallmentQuery::default()
            })
            .await?
            .rows;
        if !certified.is_empty() {
            let total = certified.iter().fold(0i64, |sum, i| sum.saturating_add(i.amount_fen));
            let oldest = certified.iter().map(|i| i.due_on.as_str()).min().map(String::from);
            out.push(fund_task(
                TASK_FUND_TO_BATCH,
                format!(
                    "编入支付批次：{} 笔已出具证明的待遇，合计 {}",
                    certified.len(),
                    Fen(total).format_cn()
                ),
                "/fund/batches".into(),
                ("fund", String::new()),
                oldest,
                self.now(),
            ));
        }
        for b in tx.payment_batches(0, 200).await?.rows {
            if b.status != BatchState::Open || b.paid_items >= b.items {
                continue;
            }
            out.push(fund_task(
                TASK_FUND_BATCH_TO_PAY,
                format!(
                    "支付批次 {}：{} 笔待支付，合计 {}",
                    b.number,
                    b.items - b.paid_items,
                    Fen(b.total_fen.saturating_sub(b.paid_fen)).format_cn()
                ),
                format!("/fund/batches/{}", b.id),
                ("payment_batch", b.id.to_string()),
                None,
                b.created_at,
            ));
        }
        Ok(out)
    }
}

fn fund_task(
    kind: &str,
    title: String,
    link: String,
    (object_type, object_id): (&str, String),
    due_date: Option<String>,
    created_at: i64,
) -> TaskRow {
    TaskRow {
        id: 0,
        kind: kind.into(),
        title,
        link,
        role: None,
        org_id: None,
        user_id: None,
        object_type: object_type.into(),
        object_id,
        due_date,
        created_at,
        done_at: None,
    }
}
