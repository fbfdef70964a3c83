//! Password strength rules (等保 2.0 level 3 practice): at least 12 characters, at most
//! 128, at least 3 of the 4 classes (lower-case letter, upper-case letter, digit, other),
//! and not containing the user name. Lengths count characters, not bytes.
//!
//! Classes: a character is lower- or upper-case by Unicode (`char::is_lowercase` /
//! `is_uppercase`), a digit only if it is an ASCII digit; everything else (symbols, spaces,
//! Chinese characters, full-width digits) is "other".

/// Minimum length in characters.
pub const MIN_CHARS: usize = 12;
/// Maximum length in characters (bounds the cost of hashing).
pub const MAX_CHARS: usize = 128;
/// Number of the 4 character classes a password must use.
pub const MIN_CLASSES: usize = 3;

/// Why a password was rejected. Field name `"password"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码：至少 12 位，当前 {chars} 位，请加长")]
    TooShort { chars: usize },
    #[error("密码：最多 128 位，当前 {chars} 位，请缩短")]
    TooLong { chars: usize },
    #[error("密码：需包含小写字母、大写字母、数字、其他符号中的至少 3 类，当前只有 {classes} 类，请加入其他种类的字符")]
    TooFewClasses { classes: usize },
    #[error("密码：不能包含用户名，请换一个密码")]
    ContainsUsername,
}

impl PasswordError {
    /// Stable machine field name.
    pub fn field(&self) -> &'static str {
        "password"
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            PasswordError::TooShort { chars } => {
                format!("Password: at least 12 characters, got {chars}; please make it longer")
            }
            PasswordError::TooLong { chars } => {
                format!("Password: at most 128 characters, got {chars}; please make it shorter")
            }
            PasswordError::TooFewClasses { classes } => format!(
                "Password: use at least 3 of lower-case letters, upper-case letters, digits and other symbols (found {classes}); please add another kind of character"
            ),
            PasswordError::ContainsUsername => {
                "Password: must not contain the user name; please choose another".to_owned()
            }
        }
    }
}

/// Check a new password against the rules. `username` is compared case-insensitively
/// (after trimming) and only when it is at least 3 characters long.
pub fn check_strength(pw: &str, username: &str) -> Result<(), PasswordError> {
    let chars = pw.chars().count();
    if chars > MAX_CHARS {
        return Err(PasswordError::TooLong { chars });
    }
    if chars < MIN_CHARS {
        return Err(PasswordError::TooShort { chars });
    }
    let (mut lower, mut upper, mut digit, mut other) = (false, false, false, false);
    for c in pw.chars() {
        if c.is_ascii_digit() {
            digit = true;
        } else if c.is_lowercase() {
            lower = true;
        } else if c.is_uppercase() {
            upper = true;
        } else {
            other = true;
        }
    }
    let classes = [lower, upper, digit, other].iter().filter(|&&b| b).count();
    if classes < MIN_CLASSES {
        return Err(PasswordError::TooFewClasses { classes });
    }
    let user = username.trim();
    if user.chars().count() >= 3 && pw.to_lowercase().contains(&user.to_lowercase()) {
        return Err(PasswordError::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_good_passwords() {
        assert_eq!(check_strength("Correct-Horse-9", "zhangsan"), Ok(()));
        assert_eq!(check_strength("abcdefgh1234!", "li"), Ok(()));
        assert_eq!(check_strength("ABCDEFGH1234!", ""), Ok(()));
        // Chinese characters count as "other" and as one character each.
        assert_eq!(check_strength("引才平台密码abcd12", "admin"), Ok(()));
        assert_eq!(check_strength(&"aA1".repeat(42), "admin"), Ok(()));
    }

    #[test]
    fn length_is_in_chars() {
        let e = check_strength("Abc1234!", "x").unwrap_err();
        assert_eq!(e, PasswordError::TooShort { chars: 8 });
        assert_eq!(e.to_string(), "密码：至少 12 位，当前 8 位，请加长");
        assert_eq!(e.field(), "password");
        // 11 Chinese characters are 33 bytes but 11 characters.
        assert_eq!(
            check_strength("引才平台密码一二三四A", "x"),
            Err(PasswordError::TooShort { chars: 11 })
        );
        assert_eq!(
            check_strength(&"aA1!".repeat(33), "x"),
            Err(PasswordError::TooLong { chars: 132 })
        );
    }

    #[test]
    fn needs_three_classes() {
        assert_eq!(
            check_strength("abcdefghijkl", "x"),
            Err(PasswordError::TooFewClasses { classes: 1 })
        );
        assert_eq!(
            check_strength("abcdefgh1234", "x"),
            Err(PasswordError::TooFewClasses { classes: 2 })
        );
    }

    #[test]
    fn must_not_contain_username() {
        assert_eq!(
            check_strength("xxZhangSan2024!", "zhangsan"),
            Err(PasswordError::ContainsUsername)
        );
        // Short user names are not checked (everything would contain "li").
        assert_eq!(check_strength("Aliceli2024!!", "li"), Ok(()));
        let e = check_strength("xxZhangSan2024!", "zhangsan").unwrap_err();
        assert!(e.message_en().contains("user name"));
    }
}
