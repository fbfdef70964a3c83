//! The workbench's pending tasks (待办), from the one generic task query.

use yincai_store::TaskRow;

use crate::{Actor, App, Permission, Result};

impl App {
    pub async fn my_tasks(&self, actor: &Actor) -> Result<Vec<TaskRow>> {
        actor.require(Permission::TaskRead)?;
        let roles: Vec<String> = actor.role_codes().into_iter().map(String::from).collect();
        Ok(self
            .store
            .begin_read()
            .await?
            .open_tasks_for(actor.user_id, &roles, actor.org_id)
            .await?)
    }
}
