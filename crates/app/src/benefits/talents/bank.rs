//! The bank account a talent is paid into (issue 12): the talent records it on their own
//! record, or the coordination office (which prepares what the fund pays) on the talent's;
//! finance reads it in full only in a batch's bank file. The number is encrypted like the
//! ID number and shown masked everywhere else.

use serde::{Deserialize, Serialize};
use yincai_domain::mask;
use yincai_store::{BankAccountRow, TalentRow, Tx};

use super::not_found_talent;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// A bank account as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BankAccountInput {
    /// 银行账号: digits, spaces allowed between groups.
    pub account: String,
    /// 开户行, e.g. 中国工商银行阿拉山口支行.
    pub bank_name: String,
}

/// What a screen shows of an account: the mask and the bank; empty when none is recorded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BankAccountView {
    pub masked: String,
    pub bank_name: String,
}

impl BankAccountView {
    pub fn recorded(&self) -> bool {
        !self.masked.is_empty()
    }
}

impl From<BankAccountRow> for BankAccountView {
    fn from(r: BankAccountRow) -> Self {
        BankAccountView {
            masked: r.bank_account_masked.unwrap_or_default(),
            bank_name: r.bank_name.unwrap_or_default(),
        }
    }
}

/// The account's digits (spaces and hyphens between groups dropped) and the bank, or the
/// errors naming each field.
fn check(input: &BankAccountInput) -> Result<(String, String)> {
    let mut errors = Vec::new();
    let account: String = input
        .account
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !(8..=30).contains(&account.chars().count()) || !account.chars().all(|c| c.is_ascii_digit()) {
        errors.push(FieldError::new(
            "account",
            "银行账号：请填写 8 至 30 位数字（可用空格分组），例如 6222 0212 3456 7890 123",
        ));
    }
    let bank_name = input.bank_name.trim();
    if bank_name.chars().count() < 2 || bank_name.chars().count() > 100 {
        errors.push(FieldError::new(
            "bank_name",
            "开户行：必填，最多 100 字，例如 中国工商银行阿拉山口支行",
        ));
    }
    if errors.is_empty() {
        Ok((account, bank_name.to_string()))
    } else {
        Err(AppError::Invalid(errors))
    }
}

impl App {
    /// The coordination office records the account of a talent in its scope.
    pub async fn record_bank_account(
        &self,
        actor: &Actor,
        talent_id: i64,
        input: &BankAccountInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        // The office that starts the releases of what a talent is owed keeps where it is paid.
        actor.require(Permission::ReleaseStart)?;
        let mut tx = self.store.begin_write().await?;
        let talent = tx
            .talent(talent_id)
            .await?
            .filter(|t| actor.can_see_org(t.org_id, t.org_parent_id))
            .ok_or_else(not_found_talent)?;
        self.store_bank_account(tx, actor, &talent, input, ctx).await
    }

    /// The talent records the account of their own record (the latest one).
    pub async fn record_my_bank_account(
        &self,
        actor: &Actor,
        input: &BankAccountInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let talent = self.my_talent(actor).await?.ok_or_else(not_found_talent)?;
        let tx = self.store.begin_write().await?;
        self.store_bank_account(tx, actor, &talent.row, input, ctx).await
    }

    async fn store_bank_account(
        &self,
        mut tx: Tx,
        actor: &Actor,
        talent: &TalentRow,
        input: &BankAccountInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let (account, bank_name) = check(input)?;
        let masked = mask::bank_account(&account);
        let enc = self.cipher.encrypt(&account);
        if !tx
            .set_bank_account(talent.id, &enc, &masked, &bank_name, self.now())
            .await?
        {
            return Err(not_found_talent());
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "bank_account_recorded",
            ("talent", talent.id.to_string()),
            format!("记录收款银行账户：{}，{bank_name} {masked}", talent.name),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A payee's bank facts in full, for the bank's payment file only: the ID number, the bank
/// and the account (empty where none is recorded).
#[derive(Debug, Clone, Default)]
pub struct PayeeBank {
    pub id_number: String,
    pub bank_name: String,
    pub account: String,
}

impl App {
    /// The payee's full bank facts of a talent (decrypted: the caller audits the use).
    pub(crate) async fn payee_bank(&self, tx: &mut Tx, talent_id: i64) -> Result<PayeeBank> {
        let decrypt = |s: &str| {
            self.cipher
                .decrypt(s)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("talent {talent_id}: cannot decrypt: {e}")))
        };
        let row = tx.bank_account(talent_id).await?;
        let id_number = match tx.talent(talent_id).await? {
            Some(t) => match tx.candidate(t.candidate_id).await? {
                Some(c) => decrypt(&c.id_number_enc)?,
                None => String::new(),
            },
            None => String::new(),
        };
        Ok(PayeeBank {
            id_number,
            bank_name: row.bank_name.unwrap_or_default(),
            account: match row.bank_account_enc {
                Some(enc) => decrypt(&enc)?,
                None => String::new(),
            },
        })
    }
}
