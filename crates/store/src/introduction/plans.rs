//! Annual introduction plans (年度引进计划, Art. 12(1), 21) with their 特设岗位, and the
//! announcement (公告) each plan is published as. The plan's procedure state lives on its
//! workflow item (object type `plan`, object id the plan id as text); this module stores
//! what the unit and the coordination office wrote.

use serde::Serialize;

use crate::{Page, Result, StoreError, Tx, on_tx};

/// The object type of a plan's workflow item.
pub const PLAN_OBJECT: &str = "plan";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    /// The unit whose plan it is.
    pub org_id: i64,
    pub year: i64,
    pub title: String,
    pub note: String,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub announcement_title: Option<String>,
    pub announcement_body: Option<String>,
    /// ISO date: applications open on this day (Beijing).
    pub open_date: Option<String>,
    /// ISO date: the last day of applications (Beijing).
    pub close_date: Option<String>,
    /// Set when the coordination office publishes the announcement.
    pub published_at: Option<i64>,
    pub published_by: Option<i64>,
}

/// A plan in a list: with its unit's name and its workflow item's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlanListRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub plan: PlanRow,
    pub org_name: String,
    /// The supervising department of the unit.
    pub parent_id: Option<i64>,
    /// The plan's (latest) workflow item.
    pub item_id: Option<i64>,
    pub state: Option<String>,
    /// Number of positions and the openings they add up to.
    pub positions: i64,
    pub openings: i64,
}

/// What a unit writes about its plan.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub org_id: i64,
    pub year: i64,
    pub title: String,
    pub note: String,
    pub created_by: i64,
}

/// The announcement the coordination office sets before publishing.
#[derive(Debug, Clone)]
pub struct NewAnnouncement {
    pub title: String,
    pub body: String,
    pub open_date: String,
    pub close_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PositionRow {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    /// 招聘人数, at least 1.
    pub openings: i64,
    pub field: String,
    /// recruit | transfer | special (招聘 / 调动 / 特聘, Art. 11).
    pub mode: String,
    /// Minimum degree code (none | bachelor | master | doctor).
    pub min_degree: String,
    pub majors: String,
    /// Minimum professional title code (none | junior | … | senior).
    pub min_title: String,
    pub qualifications: String,
    pub requirements: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// The columns of a position that a unit writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosition {
    pub title: String,
    pub openings: i64,
    pub field: String,
    pub mode: String,
    pub min_degree: String,
    pub majors: String,
    pub min_title: String,
    pub qualifications: String,
    pub requirements: String,
}

/// Filters of the plan list.
#[derive(Debug, Clone, Default)]
pub struct PlanQuery {
    /// An organisation and the units it supervises (a unit's or a department's scope);
    /// `None`: the whole city.
    pub scope: Option<i64>,
    /// Exactly this unit.
    pub org_id: Option<i64>,
    pub year: Option<i64>,
    /// The workflow state (draft, department_review, …, published, rejected).
    pub state: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

const PLAN_COLUMNS: &str = "id, org_id, year, title, note, created_by, created_at, updated_at, version, \
     announcement_title, announcement_body, open_date, close_date, published_at, published_by";
const POSITION_COLUMNS: &str = "id, plan_id, title, openings, field, mode, min_degree, majors, min_title, \
     qualifications, requirements, created_at, updated_at, version";

impl Tx {
    pub async fn insert_plan(&mut self, p: &NewPlan, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into plans (org_id, year, title, note, created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6) returning id")
            .bind(p.org_id).bind(p.year).bind(&p.title).bind(&p.note).bind(p.created_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn plan(&mut self, id: i64) -> Result<Option<PlanRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {PLAN_COLUMNS} from plans where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, PlanRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// `Stale` if `version` is no longer current, `NotFound` if there is no such plan.
    async fn plan_changed(&mut self, id: i64, rows: u64) -> Result<()> {
        if rows == 0 {
            return Err(StoreError::stale_or_not_found(self.plan(id).await?.is_some()));
        }
        Ok(())
    }

    /// Rewrites year, title and note if `version` is still current, bumping it.
    pub async fn update_plan(
        &mut self,
        id: i64,
        version: i64,
        year: i64,
        title: &str,
        note: &str,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update plans set year = $3, title = $4, note = $5, updated_at = $6, version = version + 1
             where id = $1 and version = $2")
            .bind(id).bind(version).bind(year).bind(title).bind(note).bind(now)
            .execute(&mut *c).await?.rows_affected());
        self.plan_changed(id, n).await
    }

    /// Sets the announcement if `version` is still current, bumping it.
    pub async fn set_plan_announcement(&mut self, id: i64, version: i64, a: &NewAnnouncement, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update plans set announcement_title = $3, announcement_body = $4, open_date = $5, close_date = $6,
                              updated_at = $7, version = version + 1
             where id = $1 and version = $2")
            .bind(id).bind(version).bind(&a.title).bind(&a.body).bind(&a.open_date).bind(&a.close_date).bind(now)
            .execute(&mut *c).await?.rows_affected());
        self.plan_changed(id, n).await
    }

    /// Marks the plan published, once: `Stale` if it already is.
    pub async fn publish_plan(&mut self, id: i64, by: i64, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update plans set published_at = $2, published_by = $3, updated_at = $2, version = version + 1
             where id = $1 and published_at is null")
            .bind(id).bind(now).bind(by)
            .execute(&mut *c).await?.rows_affected());
        self.plan_changed(id, n).await
    }

    /// Plans with their unit and state, newest year first.
    pub async fn plans(&mut self, q: &PlanQuery) -> Result<Page<PlanListRow>> {
        // The latest workflow item of each plan carries its state.
        let from = "from plans p
             join organisations o on o.id = p.org_id
             left join workflow_items w on w.id = (
                 select max(wi.id) from workflow_items wi
                 where wi.object_type = 'plan' and wi.object_id = cast(p.id as text))";
        let filter = "($1 is null or p.org_id = $1 or o.parent_id = $1)
             and ($2 is null or p.org_id = $2)
             and ($3 is null or p.year = $3)
             and ($4 is null or w.state = $4)";
        let state = q.state.as_deref().filter(|s| !s.is_empty());
        let count_sql = sqlx::AssertSqlSafe(format!("select count(*) {from} where {filter}"));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(q.scope).bind(q.org_id).bind(q.year).bind(state)
            .fetch_one(&mut *c).await?);
        let columns = PLAN_COLUMNS
            .split(", ")
            .map(|col| format!("p.{col}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {columns}, o.name as org_name, o.parent_id as parent_id, w.id as item_id, w.state as state,
                    (select cast(count(*) as bigint) from positions s where s.plan_id = p.id) as positions,
                    (select cast(coalesce(sum(s.openings), 0) as bigint) from positions s where s.plan_id = p.id)
                        as openings
             {from} where {filter}
             order by p.year desc, p.updated_at desc, p.id desc limit $5 offset $6"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, PlanListRow>(rows_sql)
            .bind(q.scope).bind(q.org_id).bind(q.year).bind(state).bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    /// Published announcements (published_at set), the latest closing first.
    pub async fn published_plans(&mut self, limit: i64) -> Result<Vec<PlanRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {PLAN_COLUMNS} from plans where published_at is not null
             order by close_date desc, id desc limit $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, PlanRow>(sql).bind(limit).fetch_all(&mut *c).await?))
    }

    pub async fn insert_position(&mut self, plan_id: i64, p: &NewPosition, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into positions (plan_id, title, openings, field, mode, min_degree, majors, min_title,
                                    qualifications, requirements, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) returning id")
            .bind(plan_id).bind(&p.title).bind(p.openings).bind(&p.field).bind(&p.mode).bind(&p.min_degree)
            .bind(&p.majors).bind(&p.min_title).bind(&p.qualifications).bind(&p.requirements).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Rewrites a position if `version` is still current, bumping it.
    pub async fn update_position(&mut self, id: i64, version: i64, p: &NewPosition, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update positions set title = $3, openings = $4, field = $5, mode = $6, min_degree = $7, majors = $8,
                                  min_title = $9, qualifications = $10, requirements = $11, updated_at = $12,
                                  version = version + 1
             where id = $1 and version = $2")
            .bind(id).bind(version).bind(&p.title).bind(p.openings).bind(&p.field).bind(&p.mode)
            .bind(&p.min_degree).bind(&p.majors).bind(&p.min_title).bind(&p.qualifications).bind(&p.requirements)
            .bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.position(id).await?.is_some()));
        }
        Ok(())
    }

    /// Removes a position of a plan still being drafted (nothing refers to it yet; a
    /// position with applications is protected by its foreign key).
    /// Deletes a plan that never left its draft, with its positions, its workflow item (at
    /// `version`, still in `state`), the item's events, files and tasks. `Stale` if the item
    /// moved meanwhile (submitted by someone else): nothing is deleted then.
    pub async fn delete_draft_plan(&mut self, plan_id: i64, item_id: i64, version: i64, state: &str) -> Result<()> {
        let item = item_id.to_string();
        let n = on_tx!(self, c => sqlx::query(
            "update workflow_items set version = version + 1 where id = $1 and version = $2 and state = $3")
            .bind(item_id).bind(version).bind(state)
            .execute(&mut *c).await?.rows_affected());
        if n != 1 {
            return Err(StoreError::Stale);
        }
        on_tx!(self, c => sqlx::query("delete from tasks where object_type = 'workflow_item' and object_id = $1")
            .bind(&item).execute(&mut *c).await?.rows_affected());
        on_tx!(self, c => sqlx::query("delete from attachments where object_type = 'workflow_item' and object_id = $1")
            .bind(&item).execute(&mut *c).await?.rows_affected());
        on_tx!(self, c => sqlx::query("delete from workflow_events where item_id = $1")
            .bind(item_id).execute(&mut *c).await?.rows_affected());
        on_tx!(self, c => sqlx::query("delete from workflow_items where id = $1")
            .bind(item_id).execute(&mut *c).await?.rows_affected());
        on_tx!(self, c => sqlx::query("delete from positions where plan_id = $1")
            .bind(plan_id).execute(&mut *c).await?.rows_affected());
        let n = on_tx!(self, c => sqlx::query("delete from plans where id = $1")
            .bind(plan_id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_position(&mut self, id: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query("delete from positions where id = $1")
            .bind(id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn position(&mut self, id: i64) -> Result<Option<PositionRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {POSITION_COLUMNS} from positions where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, PositionRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The positions of a plan, in the order they were added.
    pub async fn positions(&mut self, plan_id: i64) -> Result<Vec<PositionRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {POSITION_COLUMNS} from positions where plan_id = $1 order by id"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, PositionRow>(sql).bind(plan_id).fetch_all(&mut *c).await?))
    }
}
