//! Pending work (待办). Every workflow adds a task when a step waits on someone and
//! closes it when the step is done; every workbench reads them with one query.

use serde::Serialize;

use crate::{Result, Tx, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub link: String,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    pub object_type: String,
    pub object_id: String,
    pub due_date: Option<String>,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

/// A task waits either on one user, or on any holder of `role` (in `org_id`, when set).
#[derive(Debug, Clone)]
pub struct NewTask {
    pub kind: String,
    pub title: String,
    pub link: String,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    pub object_type: String,
    pub object_id: String,
    pub due_date: Option<String>,
}

impl Tx {
    pub async fn insert_task(&mut self, t: &NewTask, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into tasks (kind, title, link, role, org_id, user_id, object_type, object_id, due_date, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id")
            .bind(&t.kind).bind(&t.title).bind(&t.link).bind(&t.role).bind(t.org_id).bind(t.user_id)
            .bind(&t.object_type).bind(&t.object_id).bind(&t.due_date).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Closes the open tasks of `kind` on an object; returns how many were closed.
    pub async fn close_tasks(&mut self, kind: &str, object_type: &str, object_id: &str, now: i64) -> Result<u64> {
        Ok(on_tx!(self, c => sqlx::query(
            "update tasks set done_at = $4 where kind = $1 and object_type = $2 and object_id = $3 and done_at is null")
            .bind(kind).bind(object_type).bind(object_id).bind(now)
            .execute(&mut *c).await?.rows_affected()))
    }

    /// The open tasks of one user: those addressed to them, and those addressed to a
    /// role they hold (in their organisation, or in any when the task names none).
    pub async fn open_tasks_for(&mut self, user_id: i64, roles: &[String], org_id: i64) -> Result<Vec<TaskRow>> {
        // Roles travel as one ",a,b," string so that a single portable query serves both backends.
        let role_list = format!(",{},", roles.join(","));
        Ok(on_tx!(self, c => sqlx::query_as::<_, TaskRow>(
            "select id, kind, title, link, role, org_id, user_id, object_type, object_id, due_date, created_at, done_at
             from tasks
             where done_at is null
               and (user_id = $1
                    or (role is not null and $2 like '%,' || role || ',%' and (org_id is null or org_id = $3)))
             order by coalesce(due_date, '9999-12-31'), created_at, id")
            .bind(user_id).bind(&role_list).bind(org_id)
            .fetch_all(&mut *c).await?))
    }
}
