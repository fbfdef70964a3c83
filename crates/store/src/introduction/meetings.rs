//! Leading-group meetings (领导小组会议): the meeting, its agenda items and the workflow
//! items each agenda item decides. Decisions are recorded once: an agenda item whose
//! decision is set cannot be decided again (the update is conditional on `decision is null`).

use serde::Serialize;

use yincai_domain::lifecycle::MeetingState;

use crate::{Result, Tx, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    /// e.g. 2026年第3次
    pub number: String,
    pub title: String,
    /// ISO date.
    pub held_on: String,
    #[sqlx(try_from = "String")]
    pub status: MeetingState,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AgendaItemRow {
    pub id: i64,
    pub meeting_id: i64,
    /// 1, 2, 3 … within the meeting.
    pub seq: i64,
    /// The workflow of its subjects: annual_plan | application | special_case.
    pub kind: String,
    pub title: String,
    /// approve | reject | return, once decided; removed when taken off the agenda undecided.
    pub decision: Option<String>,
    pub resolution_number: Option<String>,
    pub decision_note: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<i64>,
}

/// A recorded decision on an agenda item.
#[derive(Debug, Clone)]
pub struct AgendaDecisionRecord<'a> {
    pub decision: &'a str,
    /// None when the item is taken off the agenda (no decision of the group, no number).
    pub resolution_number: Option<&'a str>,
    pub note: &'a str,
    pub decided_by: i64,
    pub decided_at: i64,
}

const MEETING_COLUMNS: &str = "id, number, title, held_on, status, created_by, created_at, updated_at, version";
const AGENDA_COLUMNS: &str =
    "id, meeting_id, seq, kind, title, decision, resolution_number, decision_note, decided_by, decided_at";

impl Tx {
    pub async fn insert_meeting(&mut self, number: &str, title: &str, held_on: &str, by: i64, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into meetings (number, title, held_on, status, created_by, created_at, updated_at)
             values ($1, $2, $3, 'scheduled', $4, $5, $5) returning id")
            .bind(number).bind(title).bind(held_on).bind(by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn meeting(&mut self, id: i64) -> Result<Option<MeetingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {MEETING_COLUMNS} from meetings where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, MeetingRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Every meeting, the latest first.
    pub async fn meetings(&mut self) -> Result<Vec<MeetingRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {MEETING_COLUMNS} from meetings order by held_on desc, id desc"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, MeetingRow>(sql).fetch_all(&mut *c).await?))
    }

    /// Sets the status if `expected_version` is current; false if someone changed it first.
    pub async fn set_meeting_status(
        &mut self,
        id: i64,
        expected_version: i64,
        status: MeetingState,
        now: i64,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update meetings set status = $3, updated_at = $4, version = version + 1 where id = $1 and version = $2")
            .bind(id).bind(expected_version).bind(status.code()).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// Moves the meeting to another date if `expected_version` is current; false if someone
    /// changed it first.
    pub async fn set_meeting_date(&mut self, id: i64, expected_version: i64, held_on: &str, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update meetings set held_on = $3, updated_at = $4, version = version + 1 where id = $1 and version = $2")
            .bind(id).bind(expected_version).bind(held_on).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// Appends an agenda item with the meeting's next number; returns its id.
    pub async fn insert_agenda_item(&mut self, meeting_id: i64, kind: &str, title: &str) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into meeting_items (meeting_id, seq, kind, title, decision_note)
             select $1, coalesce(max(seq), 0) + 1, $2, $3, '' from meeting_items where meeting_id = $1
             returning id")
            .bind(meeting_id).bind(kind).bind(title)
            .fetch_one(&mut *c).await?))
    }

    pub async fn add_agenda_subject(&mut self, agenda_item_id: i64, workflow_item_id: i64) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "insert into meeting_item_subjects (meeting_item_id, workflow_item_id) values ($1, $2)")
            .bind(agenda_item_id).bind(workflow_item_id)
            .execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    pub async fn agenda_items(&mut self, meeting_id: i64) -> Result<Vec<AgendaItemRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {AGENDA_COLUMNS} from meeting_items where meeting_id = $1 order by seq"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AgendaItemRow>(sql).bind(meeting_id).fetch_all(&mut *c).await?))
    }

    pub async fn agenda_item(&mut self, id: i64) -> Result<Option<AgendaItemRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {AGENDA_COLUMNS} from meeting_items where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AgendaItemRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The workflow items an agenda item decides, in the order they were added.
    pub async fn agenda_subjects(&mut self, agenda_item_id: i64) -> Result<Vec<i64>> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "select workflow_item_id from meeting_item_subjects where meeting_item_id = $1 order by workflow_item_id")
            .bind(agenda_item_id)
            .fetch_all(&mut *c).await?))
    }

    /// Takes one workflow item off an agenda item (it left the step the meeting decides);
    /// the item's other subjects stay.
    pub async fn remove_agenda_subject(&mut self, agenda_item_id: i64, workflow_item_id: i64) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "delete from meeting_item_subjects where meeting_item_id = $1 and workflow_item_id = $2")
            .bind(agenda_item_id).bind(workflow_item_id)
            .execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    /// The undecided agenda items a workflow item is on (at most one in practice).
    pub async fn pending_agenda_for(&mut self, workflow_item_id: i64) -> Result<Vec<AgendaItemRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {} from meeting_items m join meeting_item_subjects s on s.meeting_item_id = m.id
             where s.workflow_item_id = $1 and m.decision is null order by m.id",
            AGENDA_COLUMNS
                .split(", ")
                .map(|c| format!("m.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AgendaItemRow>(sql).bind(workflow_item_id).fetch_all(&mut *c).await?))
    }

    /// Records the decision once: false if the item was already decided.
    pub async fn record_agenda_decision(&mut self, id: i64, d: &AgendaDecisionRecord<'_>) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update meeting_items set decision = $2, resolution_number = $3, decision_note = $4, decided_by = $5,
                    decided_at = $6
             where id = $1 and decision is null")
            .bind(id).bind(d.decision).bind(d.resolution_number).bind(d.note).bind(d.decided_by).bind(d.decided_at)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }
}
