//! Workflow items (one per object going through a workflow) and their appended events,
//! which are the case history. The table of allowed transitions lives in
//! `yincai_domain::workflow`; this module only stores what happened.

pub mod tasks;

use serde::Serialize;

use crate::{Result, StoreError, Tx, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WorkflowItemRow {
    pub id: i64,
    pub workflow: String,
    pub object_type: String,
    pub object_id: String,
    pub state: String,
    pub version: i64,
    /// The owning unit (for scope).
    pub org_id: i64,
    /// Who moved the item into its current state (maker ≠ checker).
    pub maker_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// ISO date the pending step is due, if any.
    pub due_date: Option<String>,
    /// The person the item belongs to (an applicant's own application), if any.
    pub owner_user_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewWorkflowItem {
    pub workflow: String,
    pub object_type: String,
    pub object_id: String,
    pub state: String,
    pub org_id: i64,
    pub maker_id: Option<i64>,
    pub due_date: Option<String>,
    pub owner_user_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WorkflowEventRow {
    pub id: i64,
    pub item_id: i64,
    /// 1, 2, 3 … per item.
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    pub resolution_number: Option<String>,
    /// A JSON list (may be `[]`).
    pub attachments: String,
    /// The leading-group agenda item in which this decision was taken.
    pub meeting_item_id: Option<i64>,
    /// Shown to the applicant; `false`: internal to the staff.
    pub shared: bool,
}

#[derive(Debug, Clone)]
pub struct NewWorkflowEvent {
    pub item_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    pub resolution_number: Option<String>,
    /// A JSON list; empty text is stored as `[]`.
    pub attachments: String,
    pub meeting_item_id: Option<i64>,
    /// Shown to the applicant; `false`: internal to the staff.
    pub shared: bool,
}

const ITEM_COLUMNS: &str = "id, workflow, object_type, object_id, state, version, org_id, maker_id, created_at, updated_at, due_date, owner_user_id";
const EVENT_COLUMNS: &str = "id, item_id, seq, at, actor_id, actor_name, actor_role, action, from_state, to_state, \
     reason, resolution_number, attachments, meeting_item_id, shared";

impl Tx {
    pub async fn insert_workflow_item(&mut self, item: &NewWorkflowItem, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into workflow_items (workflow, object_type, object_id, state, org_id, maker_id, created_at, updated_at,
                                         due_date, owner_user_id)
             values ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) returning id")
            .bind(&item.workflow).bind(&item.object_type).bind(&item.object_id).bind(&item.state)
            .bind(item.org_id).bind(item.maker_id).bind(now).bind(&item.due_date).bind(item.owner_user_id)
            .fetch_one(&mut *c).await?))
    }

    pub async fn workflow_item(&mut self, id: i64) -> Result<Option<WorkflowItemRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {ITEM_COLUMNS} from workflow_items where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, WorkflowItemRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The items of one object, oldest first (an object may go through several workflows).
    pub async fn workflow_items_for_object(
        &mut self,
        object_type: &str,
        object_id: &str,
    ) -> Result<Vec<WorkflowItemRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {ITEM_COLUMNS} from workflow_items where object_type = $1 and object_id = $2 order by id"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, WorkflowItemRow>(sql)
            .bind(object_type).bind(object_id).fetch_all(&mut *c).await?))
    }

    /// The items of a workflow in one state, oldest first.
    pub async fn workflow_items_in_state(&mut self, workflow: &str, state: &str) -> Result<Vec<WorkflowItemRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {ITEM_COLUMNS} from workflow_items where workflow = $1 and state = $2 order by id"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, WorkflowItemRow>(sql)
            .bind(workflow).bind(state).fetch_all(&mut *c).await?))
    }

    /// Holds an item in `state` until the transaction ends: false if it is no longer in that
    /// state. A record edited only in one step (a plan in `draft`) takes this first, so on
    /// PostgreSQL a transition racing with the edit waits for it (and the edit loses if the
    /// transition committed first); SQLite already serialises writers.
    pub async fn hold_workflow_item(&mut self, id: i64, state: &str) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update workflow_items set updated_at = updated_at where id = $1 and state = $2")
            .bind(id).bind(state)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// Moves an item to `state` if `expected_version` is still current, bumping the
    /// version: `Stale` if someone else moved it first, `NotFound` if there is no item.
    pub async fn advance_workflow_item(
        &mut self,
        id: i64,
        expected_version: i64,
        state: &str,
        maker_id: Option<i64>,
        due_date: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update workflow_items set state = $3, maker_id = $4, due_date = $5, updated_at = $6, version = version + 1
             where id = $1 and version = $2")
            .bind(id).bind(expected_version).bind(state).bind(maker_id).bind(due_date).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.workflow_item(id).await?.is_some()));
        }
        Ok(())
    }

    /// Appends an event with the item's next sequence number; returns (id, seq). Callers
    /// advance the item's version first in the same transaction, which serialises appends.
    pub async fn append_workflow_event(&mut self, e: &NewWorkflowEvent) -> Result<(i64, i64)> {
        let attachments = if e.attachments.trim().is_empty() {
            "[]"
        } else {
            e.attachments.as_str()
        };
        Ok(on_tx!(self, c => sqlx::query_as(
            "insert into workflow_events (item_id, seq, at, actor_id, actor_name, actor_role, action, from_state,
                                          to_state, reason, resolution_number, attachments, meeting_item_id, shared)
             select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
             from workflow_events where item_id = $1
             returning id, seq")
            .bind(e.item_id).bind(e.at).bind(e.actor_id).bind(&e.actor_name).bind(&e.actor_role)
            .bind(&e.action).bind(&e.from_state).bind(&e.to_state).bind(&e.reason)
            .bind(&e.resolution_number).bind(attachments).bind(e.meeting_item_id)
            .bind(e.shared)
            .fetch_one(&mut *c).await?))
    }

    /// The case history of an item, in order.
    pub async fn workflow_events(&mut self, item_id: i64) -> Result<Vec<WorkflowEventRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {EVENT_COLUMNS} from workflow_events where item_id = $1 order by seq"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, WorkflowEventRow>(sql).bind(item_id).fetch_all(&mut *c).await?))
    }

    /// The latest event of an item (who handled it last, and when).
    pub async fn last_workflow_event(&mut self, item_id: i64) -> Result<Option<WorkflowEventRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {EVENT_COLUMNS} from workflow_events where item_id = $1 order by seq desc limit 1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, WorkflowEventRow>(sql).bind(item_id).fetch_optional(&mut *c).await?))
    }
}
