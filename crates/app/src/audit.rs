//! Reading the audit trail (audit admin only) and verifying its chain.

use yincai_store::{AuditQuery, AuditRecord, AuditVerdict, Page};

use crate::{Actor, App, Permission, Result};

impl App {
    pub async fn audit_records(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditRecord>> {
        actor.require(Permission::AuditRead)?;
        Ok(self.store.begin_read().await?.audit_records(q).await?)
    }

    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerdict> {
        actor.require(Permission::AuditRead)?;
        Ok(self.store.verify_audit().await?)
    }
}
