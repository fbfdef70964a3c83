//! Seeding shared by the store's contract suites.
#![allow(dead_code)]

use yincai_store::test_support::{new_candidate, new_installment, new_talent, new_user};
use yincai_store::{NewInstallment, NewOrg, NewTalent, StoreError, Tx};

/// An organisation to insert, without a credit code.
pub fn new_org(name: &str, kind: &str, parent: Option<i64>) -> NewOrg {
    NewOrg {
        name: name.into(),
        kind: kind.into(),
        credit_code: None,
        parent_id: parent,
    }
}

/// Inserts an organisation without a credit code; its id.
pub async fn org(tx: &mut Tx, name: &str, kind: &str, parent: Option<i64>) -> i64 {
    tx.insert_org(&new_org(name, kind, parent), 1).await.unwrap()
}

/// A city unit (口岸经济研究中心), a user of it with one registration form (in the first
/// name), and a talent of the unit on that form per name (category 4, policy `p` version 1);
/// returns (org, user, talents).
pub async fn unit_with_talents(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    names: &[&str],
) -> (i64, i64, Vec<i64>) {
    let org = org(tx, "口岸经济研究中心", "city_unit", None).await;
    let user = tx.insert_user(&new_user(username, display_name, org), 1).await.unwrap();
    let candidate = tx.insert_candidate(user, &new_candidate(names[0]), 1).await.unwrap();
    let mut talents = Vec::new();
    for name in names {
        let talent = NewTalent {
            category: Some(4),
            policy_id: "p".into(),
            policy_version: "1".into(),
            ..new_talent(candidate, org, name)
        };
        talents.push(tx.insert_talent(&talent, 1).await.unwrap());
    }
    (org, user, talents)
}

/// A unit, a finance user and a talent (张明); returns (org, user, talent).
pub async fn setup(tx: &mut Tx) -> (i64, i64, i64) {
    let (org, user, talents) = unit_with_talents(tx, "finance", "财政局经办人", &["张明"]).await;
    (org, user, talents[0])
}

/// A living-subsidy installment (Art. 13(2)) of service year `seq`, due on 1 March of
/// 2024 + `seq`.
pub fn installment(talent: i64, org: i64, seq: i64, amount_fen: i64) -> NewInstallment {
    new_installment(talent, org, seq, &format!("{}-03-01", 2024 + seq), amount_fen)
}

/// Asserts that `err` is the violation of the unique key `key` (both backends name it alike).
pub fn assert_unique(err: &StoreError, key: &str, label: &str) {
    assert!(
        matches!(err, StoreError::Unique { key: k } if k == key),
        "{label}: {key}: {err:?}"
    );
}
