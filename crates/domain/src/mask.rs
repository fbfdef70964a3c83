//! Masking of personal data for display (PIPL): screens, exports and logs show
//! `138****5678`, never the full value. All functions count characters, not bytes, so
//! Chinese text is masked correctly, trim surrounding whitespace first, and return an empty
//! string for empty input.

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

/// Phone number: first 3 and last 4 kept (`13812345678` → `138****5678`). Values of 8
/// characters or more keep 3 + 4; shorter ones are all `*` (keeping 7 of 7 would reveal
/// everything).
pub fn phone(value: &str) -> String {
    keep_ends(value, 3, 4)
}

/// 身份证号: first 3 and last 4 kept (`110101199003071233` → `110***********1233`); same
/// rule as [`phone`] for short values.
pub fn citizen_id(value: &str) -> String {
    keep_ends(value, 3, 4)
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
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone(" 13812345678 "), "138****5678");
        assert_eq!(phone("12345678"), "123*5678");
        assert_eq!(phone("1234567"), "*******");
        assert_eq!(phone(""), "");
        assert_eq!(phone("+8613812345678"), "+86*******5678");
    }

    #[test]
    fn citizen_ids() {
        assert_eq!(citizen_id("110101199003071233"), "110***********1233");
        assert_eq!(citizen_id("11010519491231002X"), "110***********002X");
        assert_eq!(citizen_id("123"), "***");
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
        assert_eq!(phone("一二三四五六七八九"), "一二三**六七八九");
        assert_eq!(bank_account("账号一二三四五"), "**** **** **** 二三四五");
    }
}
