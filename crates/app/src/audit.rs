//! Reading the audit trail (audit admin only) and verifying its chain.

use yincai_store::{AuditQuery, AuditRecord, AuditVerdict, Page};

use crate::{Actor, App, Permission, RequestCtx, Result};

impl App {
    pub async fn audit_records(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditRecord>> {
        actor.require(Permission::AuditRead)?;
        Ok(self.store.begin_read().await?.audit_records(q).await?)
    }

    /// The records for an export; taking a copy of the trail out of the system is itself
    /// recorded, with the filter and the number of rows.
    pub async fn export_audit_records(
        &self,
        actor: &Actor,
        q: &AuditQuery,
        ctx: &RequestCtx,
    ) -> Result<Page<AuditRecord>> {
        let page = self.audit_records(actor, q).await?;
        let mut tx = self.store.begin_write().await?;
        let summary = format!(
            "导出审计日志 {} 条（操作={}，操作人={}，关键词={}）",
            page.rows.len(),
            q.action.as_deref().unwrap_or("全部"),
            q.actor.as_deref().unwrap_or("全部"),
            q.text.as_deref().unwrap_or("无"),
        );
        tx.append_audit(&self.audit_by(actor, ctx, "audit_exported", ("audit_log", "export".into()), summary))
            .await?;
        tx.commit().await?;
        Ok(page)
    }

    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerdict> {
        actor.require(Permission::AuditRead)?;
        Ok(self.store.verify_audit().await?)
    }
}
