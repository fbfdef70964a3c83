//! The special fund's ledger (Art. 29): its accounts and what each kind of posting moves
//! between them. Double entry: the legs of every posting sum to zero, so the store only
//! writes the legs this module gives it.

use serde::Serialize;

/// The accounts of the fund's ledger. `available` = budget − open commitments − payments.
pub const ACCOUNTS: [&str; 4] = ["appropriation", "available", "committed", "paid"];

/// What a ledger posting records; its legs follow from the kind, so every posting balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingKind {
    /// A year's budget (or a revision by the difference): appropriation → available.
    Budget,
    /// A release approved: available → committed.
    Commitment,
    /// A commitment released when paid (or cancelled): committed → available.
    ReleaseOfCommitment,
    /// Money paid out: available → paid.
    Payment,
    /// Money recovered (Art. 27) back into the fund: paid → available.
    Recovery,
}

impl PostingKind {
    pub const ALL: [PostingKind; 5] = [
        PostingKind::Budget,
        PostingKind::Commitment,
        PostingKind::ReleaseOfCommitment,
        PostingKind::Payment,
        PostingKind::Recovery,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PostingKind::Budget => "budget",
            PostingKind::Commitment => "commitment",
            PostingKind::ReleaseOfCommitment => "release_of_commitment",
            PostingKind::Payment => "payment",
            PostingKind::Recovery => "recovery",
        }
    }

    pub fn from_code(code: &str) -> Option<PostingKind> {
        PostingKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PostingKind::Budget => "年度预算",
            PostingKind::Commitment => "兑现审批占用",
            PostingKind::ReleaseOfCommitment => "释放占用",
            PostingKind::Payment => "支付",
            PostingKind::Recovery => "追回",
        }
    }

    /// The two legs (account, amount) of a posting of `amount` fen; they sum to zero.
    pub fn legs(self, amount: i64) -> [(&'static str, i64); 2] {
        let (from, to) = match self {
            PostingKind::Budget => ("appropriation", "available"),
            PostingKind::Commitment => ("available", "committed"),
            PostingKind::ReleaseOfCommitment => ("committed", "available"),
            PostingKind::Payment => ("available", "paid"),
            PostingKind::Recovery => ("paid", "available"),
        };
        [(from, -amount), (to, amount)]
    }
}

/// The fund year an installment due on `due_on` (ISO date) is charged to: the year it is due.
pub fn fund_year_of(due_on: &str) -> Option<i64> {
    due_on.get(..4).and_then(|y| y.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_posting_balances_between_known_accounts() {
        for kind in PostingKind::ALL {
            let legs = kind.legs(123);
            assert_eq!(legs[0].1 + legs[1].1, 0, "{kind:?}");
            assert!(legs.iter().all(|(a, _)| ACCOUNTS.contains(a)), "{kind:?}");
            assert_eq!(PostingKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(fund_year_of("2027-03-01"), Some(2027));
        assert_eq!(fund_year_of(""), None);
    }
}
