//! What the application workflow's steps record, called from `App::transition_effects`.

use super::*;

impl App {
    /// After a 补正 (draft → review following a return): the form is snapshotted again,
    /// the last submitted one kept as the previous, and the category recomputed from the new
    /// form and the review's findings, which are kept.
    pub(crate) async fn application_resubmitted(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let events = tx.workflow_events(t.item.id).await?;
        if !events.iter().any(|e| e.action == Action::Return.code()) {
            return Ok(()); // the first submission: the snapshot was taken on applying
        }
        let id = parse_id(&t.item.object_id)?;
        let app = tx
            .application(id)
            .await?
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let candidate = tx
            .candidate(app.candidate_id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才登记表".into()))?;
        let pos = tx
            .application_position(app.position_id)
            .await?
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let form = serde_json::to_value(CandidateView::from(candidate).for_staff())
            .map_err(|e| AppError::Internal(e.into()))?;
        let findings = recorded_findings(&app.findings).unwrap_or_default();
        let evaluation = evaluate_form(&form, &findings, &pos.mode, &pos.org_kind, self.today());
        tx.resnapshot_application(id, &form.to_string(), evaluation.category.map(i64::from), self.now())
            .await?;
        Ok(())
    }

    /// Passing the review (review → passed) needs every checklist item checked.
    pub(crate) async fn application_passing(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let id = parse_id(&t.item.object_id)?;
        let app = tx
            .application(id)
            .await?
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let missing: Vec<&str> = checklist_rows(&app.checklist)
            .into_iter()
            .filter(|r| !r.checked)
            .map(|r| r.label)
            .collect();
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "checklist",
                format!(
                    "资格审查通过：请先核对并勾选审查清单的全部项目（尚未勾选：{}）",
                    missing.join("；")
                ),
            ));
        }
        Ok(())
    }

    /// Sending the letter (passed → offered) needs a generated letter, and the position's
    /// approved openings must not be exceeded by the applications holding one.
    pub(crate) async fn application_offering(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let id = parse_id(&t.item.object_id)?;
        let app = tx
            .application(id)
            .await?
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        if tx.intent_letter_for(id).await?.is_none() {
            return Err(AppError::invalid(
                "letter",
                "发出意向书：尚未生成意向书，请先“生成意向书”并核对后再发出",
            ));
        }
        let pos = tx
            .application_position(app.position_id)
            .await?
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let holding = tx
            .count_applications_in_states(pos.position_id, id, &HOLDING_STATES)
            .await?;
        if holding + 1 > pos.openings {
            return Err(AppError::invalid(
                "openings",
                format!(
                    "发出意向书：“{}”岗位核定引进 {} 人，已发出意向书（含已接受、审批中、办理中和已引进）{} 人，再发出将超出核定人数，不能发出",
                    pos.title, pos.openings, holding
                ),
            ));
        }
        Ok(())
    }

    /// The applicant accepted the letter (offered → accepted).
    pub(crate) async fn application_letter_accepted(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let id = parse_id(&t.item.object_id)?;
        tx.accept_intent_letter(id, self.now()).await.map_err(|e| match e {
            yincai_store::StoreError::NotFound => {
                AppError::invalid("letter", "接受意向书：意向书不存在，请联系人才工作协调办公室")
            }
            other => other.into(),
        })
    }
}
