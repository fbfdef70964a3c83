//! Masking of personal data for display (PIPL): screens, exports and logs show
//! `*******5678`, never the full value. All functions count characters, not bytes, so
//! Chinese text is masked correctly, trim surrounding whitespace first, and return an empty
//! string for empty input.
//!
//! A mask must hold together with everything else a viewer sees (ADR 0005, amendment of
//! 2026-12): with the birth year and gender shown beside it, at least 100,000 numbers must
//! remain possible. Hence the 身份证号 keeps only its last character (a check character:
//! region and birth date stay hidden, millions of candidates), a phone only its last four
//! digits (70 mobile prefixes × 10,000), another document at least five hidden characters.
//! Each mask keeps a subset of the characters the older, weaker masks kept, so applying it
//! again to a stored old mask gives the new one ([`citizen_id`] of `110***********1233` is
//! `*****************3`).

fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    let n = chars.len();
    if n < head + tail + 1 {
        return "*".repeat(n);
    }
    let mut out = String::with_capacity(value.len());
    out.extend(&chars[..head]);
    out.extend(std::iter::repeat_n('*', n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// The fewest characters a mask hides: five digits are 100,000 possibilities.
const MIN_HIDDEN: usize = 5;

/// Keeps `head` + `tail` characters only if at least [`MIN_HIDDEN`] stay hidden; otherwise
/// everything is `*`.
fn keep_ends_hiding_enough(value: &str, head: usize, tail: usize) -> String {
    let n = value.trim().chars().count();
    if n < head + tail + MIN_HIDDEN {
        return "*".repeat(n);
    }
    keep_ends(value, head, tail)
}

/// Phone number: the last 4 digits kept (`13812345678` → `*******5678`): the first
/// three (the carrier's prefix) would narrow the hidden part to 10,000 numbers. Values
/// shorter than 9 characters are all `*`.
pub fn phone(value: &str) -> String {
    keep_ends_hiding_enough(value, 0, 4)
}

/// 身份证号: only the last character kept (`110101199003071233` → `*****************3`).
/// The region (positions 1-6) and the birth date (7-14) stay hidden, so the birth year
/// and gender shown beside it leave millions of numbers; shorter values are all `*`.
pub fn citizen_id(value: &str) -> String {
    keep_ends_hiding_enough(value, 0, 1)
}

/// Another document's number (passport, 通行证): first character and last 2 kept when at
/// least 5 characters stay hidden (`E12345678` → `E******78`), otherwise all `*`.
pub fn document_number(value: &str) -> String {
    keep_ends_hiding_enough(value, 1, 2)
}

/// The mask of a document number of type `id_type` (`citizen_id`, `passport`, ...).
pub fn id_number(id_type: &str, value: &str) -> String {
    if id_type == "citizen_id" {
        citizen_id(value)
    } else {
        document_number(value)
    }
}

/// Bank account: only the last 4 digits, behind a fixed prefix that does not reveal the
/// length (`6222021234567890123` → `**** **** **** 0123`). Whitespace inside the value is
/// ignored; 4 characters or fewer are all `*`.
pub fn bank_account(value: &str) -> String {
    let chars: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n <= 4 {
        return "*".repeat(n);
    }
    let mut out = String::from("**** **** **** ");
    out.extend(&chars[n - 4..]);
    out
}

/// Person's name: first character kept, every other one `*` (`张三` → `张*`,
/// `欧阳娜娜` → `欧***`). A one-character name becomes `*`.
pub fn name(value: &str) -> String {
    let mut chars = value.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest = chars.count();
    if rest == 0 {
        return "*".to_owned();
    }
    let mut out = String::with_capacity(first.len_utf8() + rest);
    out.push(first);
    out.extend(std::iter::repeat_n('*', rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(phone("13812345678"), "*******5678");
        assert_eq!(phone(" 13812345678 "), "*******5678");
        assert_eq!(phone("123456789"), "*****6789");
        assert_eq!(phone("12345678"), "********");
        assert_eq!(phone(""), "");
        assert_eq!(phone("+8613812345678"), "**********5678");
    }

    #[test]
    fn citizen_ids() {
        assert_eq!(citizen_id("110101199003071233"), "*****************3");
        assert_eq!(citizen_id("11010519491231002X"), "*****************X");
        assert_eq!(citizen_id("123"), "***");
    }

    #[test]
    fn documents() {
        assert_eq!(document_number("E12345678"), "E******78");
        assert_eq!(document_number("12345678"), "1*****78");
        assert_eq!(document_number("1234567"), "*******");
        assert_eq!(id_number("passport", "E12345678"), "E******78");
        assert_eq!(id_number("citizen_id", "110101199003071233"), "*****************3");
    }

    #[test]
    fn masking_an_old_mask_again_gives_the_new_mask() {
        assert_eq!(citizen_id("110***********1233"), citizen_id("110101199003071233"));
        assert_eq!(phone("138****5678"), phone("13812345678"));
        assert_eq!(document_number("E12**5678"), document_number("E12345678"));
    }

    #[test]
    fn bank_accounts() {
        assert_eq!(bank_account("6222021234567890123"), "**** **** **** 0123");
        assert_eq!(bank_account("6222 0212 3456 7890"), "**** **** **** 7890");
        assert_eq!(bank_account("1234"), "****");
        assert_eq!(bank_account(""), "");
    }

    #[test]
    fn names_are_char_based() {
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("欧阳娜娜"), "欧***");
        assert_eq!(name("王"), "*");
        assert_eq!(name("买买提·艾力"), "买*****");
        assert_eq!(name(" 李四 "), "李*");
        assert_eq!(name(""), "");
    }

    #[test]
    fn multibyte_never_panics_and_never_splits() {
        assert_eq!(phone("一二三四五六七八九"), "*****六七八九");
        assert_eq!(bank_account("账号一二三四五"), "**** **** **** 二三四五");
    }
}
