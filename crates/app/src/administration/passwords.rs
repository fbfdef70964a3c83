//! Password hashing with argon2id, off the async runtime (it takes tens of milliseconds).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::AppError;

pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

pub async fn verify(password: &str, stored_hash: &str) -> bool {
    let (password, stored_hash) = (password.to_owned(), stored_hash.to_owned());
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), stored_hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash that matches no password: verifying against it costs the same time as a
/// real check, so an unknown user name cannot be told from a wrong password by timing.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lq3zUKzD1ZnK7U8QGo7nKbbWfUVOcBbZpSLOXqvWkJg";

/// A one-time password for a new or reset account: 16 characters with all four classes.
pub fn one_time_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const OTHER: &[u8] = b"!@#%*-_+=?";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let set = match i % 4 {
                0 => UPPER,
                1 => LOWER,
                2 => DIGIT,
                _ => OTHER,
            };
            set[*b as usize % set.len()] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("Correct-horse-42").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Correct-horse-42", &h).await);
        assert!(!verify("Correct-horse-43", &h).await);
        assert!(!verify("anything", DUMMY_HASH).await);
    }

    #[test]
    fn one_time_passwords_meet_the_policy() {
        for _ in 0..50 {
            let p = one_time_password();
            assert!(yincai_domain::password::check_strength(&p, "someone").is_ok(), "{p}");
        }
    }
}
