//! Applying (Art. 12(2)): the preview of a position, the application itself, and the
//! applicant's own list.

use super::*;

/// What the applicant sees before applying to a position.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyPreview {
    pub position: ApplicationPosition,
    pub mode_name: String,
    /// open | not_yet | closed | no_dates
    pub status: &'static str,
    pub status_text: String,
    /// The applicant has a registration form.
    pub has_profile: bool,
    /// The applicant's application to this position, if any.
    pub existing: Option<i64>,
}

impl App {
    /// Applies to a position: the applicant's registration form is snapshotted (masked),
    /// a workflow item is started and submitted to the qualification review. Returns the
    /// application's id.
    pub async fn apply(&self, actor: &Actor, position_id: i64, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::Apply)?;
        let mut tx = self.store.begin_write().await?;
        let candidate = tx.candidate_by_user(actor.user_id).await?.ok_or_else(|| {
            AppError::invalid(
                "profile",
                "报名：请先填写人才登记表（菜单“我的登记表”，/me/profile），保存后再报名",
            )
        })?;
        let pos = tx
            .application_position(position_id)
            .await?
            .filter(|p| p.published_at.is_some())
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let today = self.today();
        let date = |d: &Option<String>| d.as_deref().and_then(|s| s.parse::<jiff::civil::Date>().ok());
        let (Some(open), Some(close)) = (date(&pos.open_date), date(&pos.close_date)) else {
            return Err(AppError::invalid(
                "position_id",
                "报名：该公告未载明报名起止日期，暂不能报名，请咨询人才工作协调办公室",
            ));
        };
        if today < open {
            return Err(AppError::invalid(
                "position_id",
                format!("报名：“{}”岗位的报名自 {open} 开始，请届时再报名", pos.title),
            ));
        }
        if today > close {
            return Err(AppError::invalid(
                "position_id",
                format!("报名：“{}”岗位的报名已于 {close} 截止，不能再报名", pos.title),
            ));
        }
        let duplicate = || {
            AppError::Duplicate(FieldError::new(
                "position_id",
                format!(
                    "报名：您已报名“{}”岗位，每个岗位只能报名一次，请在“我的报名”中查看办理进度",
                    pos.title
                ),
            ))
        };
        if tx.application_of(candidate.id, position_id).await?.is_some() {
            return Err(duplicate());
        }
        // Snapshotted as staff see it: birth year, never the birth date (ADR 0005).
        let view = CandidateView::from(candidate).for_staff();
        let form = serde_json::to_value(&view).map_err(|e| AppError::Internal(e.into()))?;
        let evaluation = evaluate_form(&form, &Findings::new(), &pos.mode, &pos.org_kind, today);
        let now = self.now();
        let id = tx
            .insert_application(
                &NewApplication {
                    candidate_id: view.id,
                    position_id,
                    org_id: pos.org_id,
                    submitted_form: form.to_string(),
                    category: evaluation.category.map(i64::from),
                },
                now,
            )
            .await
            .map_err(|e| match e {
                yincai_store::StoreError::Unique { .. } => duplicate(),
                other => other.into(),
            })?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "application_created",
            (OBJECT, id.to_string()),
            format!("报名：{} → {}（{}）", view.name, pos.title, pos.org_name),
        ))
        .await?;
        let object = WorkflowObject::new(OBJECT, id);
        let item_id = self
            .start_in(
                &mut tx,
                actor,
                &APPLICATION,
                &object,
                pos.org_id,
                Some(actor.user_id),
                ctx,
            )
            .await?;
        let version = tx.workflow_item(item_id).await?.map_or(1, |i| i.version);
        self.act_in(
            &mut tx,
            actor,
            item_id,
            version,
            &ActInput::new(Action::Submit),
            None,
            ctx,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The position an applicant is about to apply to, with whether it is open now and
    /// whether they have a registration form (a plan not yet published is not found).
    pub async fn apply_preview(&self, actor: &Actor, position_id: i64) -> Result<ApplyPreview> {
        actor.require(Permission::Apply)?;
        let mut tx = self.store.begin_read().await?;
        let position = tx
            .application_position(position_id)
            .await?
            .filter(|p| p.published_at.is_some())
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let candidate = tx.candidate_by_user(actor.user_id).await?;
        let existing = match &candidate {
            Some(c) => tx.application_of(c.id, position_id).await?.map(|a| a.id),
            None => None,
        };
        let today = self.today();
        let date = |d: &Option<String>| d.as_deref().and_then(|s| s.parse::<jiff::civil::Date>().ok());
        let (status, status_text) = match (date(&position.open_date), date(&position.close_date)) {
            (Some(open), _) if today < open => ("not_yet", format!("报名自 {open} 开始")),
            (_, Some(close)) if today > close => ("closed", format!("报名已于 {close} 截止")),
            (Some(open), Some(close)) => ("open", format!("报名中（{open} 至 {close}，含当日）")),
            _ => ("no_dates", "公告未载明报名日期".to_string()),
        };
        Ok(ApplyPreview {
            mode_name: name_of(MODES, &position.mode),
            position,
            status,
            status_text,
            has_profile: candidate.is_some(),
            existing,
        })
    }

    /// The applicant's own applications with their history and the actions open to them.
    pub async fn my_applications(&self, actor: &Actor) -> Result<Vec<MyApplication>> {
        actor.require(Permission::Apply)?;
        let mut tx = self.store.begin_read().await?;
        let page = tx
            .applications(&ApplicationQuery {
                candidate_user_id: Some(actor.user_id),
                limit: 500,
                ..Default::default()
            })
            .await?;
        let mut out = Vec::with_capacity(page.rows.len());
        for row in page.rows {
            let (events, maker) = match row.item_id {
                Some(item) => (
                    events_seen_by(actor, tx.workflow_events(item).await?),
                    tx.workflow_item(item).await?.and_then(|i| i.maker_id),
                ),
                None => (vec![], None),
            };
            let actions = actions_for(actor, &row, maker);
            let state = row.state.clone().unwrap_or_default();
            let letter = if HOLDING_STATES.contains(&state.as_str()) || state == "declined" {
                tx.intent_letter_for(row.id).await?.map(LetterView::from)
            } else {
                None
            };
            let return_reason = (state == "draft")
                .then(|| events.iter().rev().find(|e| e.action == Action::Return.code()))
                .flatten()
                .map(|e| e.reason.clone());
            out.push(MyApplication {
                summary: row.into(),
                events,
                actions,
                letter,
                return_reason,
            });
        }
        Ok(out)
    }
}
