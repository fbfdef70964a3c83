//! Cryptographic primitives, all on the Chinese national algorithms (商用密码): SM3 for
//! hashing, HMAC-SM3 for keyed hashing and key derivation, SM4-GCM for field encryption.
//!
//! - [`sm3_hex`], [`audit_chain_hash`]: the hash chain over the audit log.
//! - [`FieldCipher`]: encryption of personal data in the database (ID numbers, phones, bank
//!   accounts) plus a keyed blind index for exact-match lookups and uniqueness.
//! - [`random_token`], [`token_digest`]: session, CSRF and API tokens; the store keeps only
//!   the digest.
//!
//! Randomness comes from the operating system (getrandom). If the OS cannot supply it the
//! functions that need it panic: continuing with weak randomness would be worse.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{AesGcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sm3::{Digest, Sm3};
use sm4::Sm4;

/// SM4 in Galois/Counter Mode with a 96-bit nonce and 128-bit tag (RFC 8998's SM4-GCM).
type Sm4Gcm = AesGcm<Sm4, U12>;
type HmacSm3 = Hmac<Sm3>;

/// The `prev_hex` of the first record of an audit chain: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Separator between the previous hash and the payload in [`audit_chain_hash`]
/// (ASCII "record separator"; a hex digest never contains it).
pub const CHAIN_SEPARATOR: u8 = 0x1e;

/// Prefix of every value produced by [`FieldCipher::encrypt`]: the format version, so keys
/// or algorithms can be rotated later while old rows still decrypt.
pub const FIELD_CIPHER_PREFIX: &str = "v1:";

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const LABEL_ENC: &[u8] = b"yincai/field-cipher/v1/sm4-gcm-key";
const LABEL_INDEX: &[u8] = b"yincai/field-cipher/v1/blind-index-key";

/// Why decryption or key loading failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The stored value is not `v1:` + base64 of at least nonce and tag.
    #[error("加密字段：密文格式不正确（应为 v1: 开头的加密数据），数据可能已损坏，请联系系统管理员")]
    Format,
    /// Authentication failed: the value was changed, or it was encrypted under another key.
    #[error("加密字段：解密失败，数据可能被篡改或主密钥不匹配，请联系系统管理员核对主密钥")]
    Decrypt,
    /// Decrypted, but not UTF-8 (cannot happen for values written by `encrypt`).
    #[error("加密字段：解密结果不是有效文本，数据可能已损坏，请联系系统管理员")]
    NotUtf8,
    /// The master key text is not 64 hex characters.
    #[error("主密钥：应为 64 位十六进制字符（32 字节），{problem}，请检查配置")]
    KeyFormat { problem: String },
    /// The master key is all zeros (an unfilled placeholder).
    #[error("主密钥：不能全为 0，请生成新的随机主密钥（32 字节，64 位十六进制）并配置")]
    WeakKey,
}

impl CryptoError {
    /// Stable machine field name: `"encrypted_field"` or `"master_key"`.
    pub fn field(&self) -> &'static str {
        match self {
            CryptoError::Format | CryptoError::Decrypt | CryptoError::NotUtf8 => "encrypted_field",
            CryptoError::KeyFormat { .. } | CryptoError::WeakKey => "master_key",
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            CryptoError::Format => "Encrypted field: not a valid encrypted value (expected 'v1:' and base64); the data may be damaged, contact the system administrator".into(),
            CryptoError::Decrypt => "Encrypted field: decryption failed, the data was altered or the master key does not match; contact the system administrator".into(),
            CryptoError::NotUtf8 => "Encrypted field: the decrypted value is not text; the data may be damaged, contact the system administrator".into(),
            CryptoError::KeyFormat { .. } => "Master key: must be 64 hexadecimal characters (32 bytes); please check the configuration".into(),
            CryptoError::WeakKey => "Master key: must not be all zeros; generate a random master key and configure it".into(),
        }
    }
}

/// SM3 of `data`, as 64 lower-case hex characters.
pub fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

/// One link of the audit hash chain:
/// `SM3(prev_hex as ASCII bytes || 0x1e || payload)`, lower-case hex.
///
/// `prev_hex` is the previous record's hash as stored (lower-case hex); the first record
/// uses [`GENESIS_HASH`] (64 zeros). The payload is the record's canonical serialisation,
/// which the caller must keep stable. Changing any byte of any record changes every later
/// hash.
pub fn audit_chain_hash(prev_hex: &str, payload: &[u8]) -> String {
    let mut h = Sm3::new();
    h.update(prev_hex.as_bytes());
    h.update([CHAIN_SEPARATOR]);
    h.update(payload);
    hex::encode(h.finalize())
}

fn hmac_sm3(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSm3 as hmac::KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn random_bytes(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random number generator failed");
}

/// Field-level encryption of personal data, with a blind index for lookups.
///
/// Encryption is SM4-GCM (RFC 8998) with a fresh random 96-bit nonce per value; the
/// stored text is `v1:` + standard base64 of `nonce (12) || ciphertext || tag (16)`. Two
/// encryptions of the same value differ, so equality search uses [`FieldCipher::blind_index`].
///
/// Keys: both are derived from one 32-byte master key with HMAC-SM3 under distinct labels
/// (`yincai/field-cipher/v1/sm4-gcm-key`, truncated to SM4's 16 bytes, and
/// `yincai/field-cipher/v1/blind-index-key`), so a leaked blind-index key does not decrypt
/// and the master key itself is never used directly.
///
/// Random nonces of 96 bits stay safe for far more than the 2^32 values per key that GCM
/// allows; a city's talent registry is many orders of magnitude below that.
#[derive(Clone)]
pub struct FieldCipher {
    aead: Sm4Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher { .. }")
    }
}

impl FieldCipher {
    /// Derive the encryption and blind-index keys from the master key.
    pub fn from_master_key(key: &[u8; 32]) -> FieldCipher {
        let enc = hmac_sm3(key, LABEL_ENC);
        let aead = <Sm4Gcm as KeyInit>::new_from_slice(&enc[..16]).expect("SM4 key is 16 bytes");
        FieldCipher {
            aead,
            index_key: hmac_sm3(key, LABEL_INDEX),
        }
    }

    /// A new random master key (for `yincai` key generation and tests).
    pub fn generate_master_key() -> [u8; 32] {
        let mut key = [0u8; 32];
        random_bytes(&mut key);
        key
    }

    /// Same as the free function [`parse_master_key_hex`].
    pub fn parse_master_key_hex(text: &str) -> Result<[u8; 32], CryptoError> {
        parse_master_key_hex(text)
    }

    /// Encrypt a value for storage: `v1:` + base64(nonce || ciphertext || tag).
    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        random_bytes(&mut nonce);
        let sealed = self
            .aead
            .encrypt(&Nonce::<U12>::from(nonce), plaintext.as_bytes())
            .expect("SM4-GCM encryption cannot fail for field-sized values");
        let mut raw = Vec::with_capacity(NONCE_LEN + sealed.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&sealed);
        let mut out = String::with_capacity(FIELD_CIPHER_PREFIX.len() + raw.len() * 4 / 3 + 4);
        out.push_str(FIELD_CIPHER_PREFIX);
        STANDARD.encode_string(&raw, &mut out);
        out
    }

    /// Decrypt a value written by [`FieldCipher::encrypt`]. Any change to the stored text
    /// and any other master key give an error, never wrong plaintext.
    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let b64 = stored
            .trim()
            .strip_prefix(FIELD_CIPHER_PREFIX)
            .ok_or(CryptoError::Format)?;
        let raw = STANDARD.decode(b64).map_err(|_| CryptoError::Format)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Format);
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        let plain = self
            .aead
            .decrypt(&Nonce::<U12>::from(nonce), sealed)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::NotUtf8)
    }

    /// Deterministic keyed index of a value: lower-case hex of
    /// HMAC-SM3(blind-index key, normalised value), where normalised means trimmed and
    /// upper-cased (so `11010519491231002x` and `11010519491231002X` match). Store it in a
    /// unique column to find or reject the same person twice without storing the value in
    /// clear. Normalise further (e.g. remove spaces in phone numbers) before calling, if the
    /// field needs it.
    pub fn blind_index(&self, plaintext: &str) -> String {
        let normalised = plaintext.trim().to_uppercase();
        hex::encode(hmac_sm3(&self.index_key, normalised.as_bytes()))
    }
}

/// Parse a master key written as 64 hex characters (surrounding whitespace ignored).
/// An all-zero key is refused as a forgotten placeholder.
pub fn parse_master_key_hex(text: &str) -> Result<[u8; 32], CryptoError> {
    let t = text.trim();
    let n = t.chars().count();
    if n != 64 {
        return Err(CryptoError::KeyFormat {
            problem: format!("当前 {n} 位"),
        });
    }
    let mut key = [0u8; 32];
    hex::decode_to_slice(t, &mut key).map_err(|_| CryptoError::KeyFormat {
        problem: "含有非十六进制字符".to_owned(),
    })?;
    if key.iter().all(|&b| b == 0) {
        return Err(CryptoError::WeakKey);
    }
    Ok(key)
}

/// A random token of `bytes` random bytes from the OS, as URL-safe base64 without padding
/// (for session ids, CSRF tokens, API tokens; use at least 32 bytes).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    random_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(&buf)
}

/// What the store keeps of a token: [`sm3_hex`] of its text. A database leak then reveals
/// no usable session. (Tokens are 256-bit random values, so an unkeyed hash suffices.)
pub fn token_digest(token: &str) -> String {
    sm3_hex(token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_known_answers() {
        assert_eq!(
            sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        // GB/T 32905-2016 example 2: "abcd" repeated 16 times.
        assert_eq!(
            sm3_hex("abcd".repeat(16).as_bytes()),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    #[test]
    fn hmac_sm3_known_answer() {
        // openssl dgst -sm3 -hmac key <<< -n abc
        assert_eq!(
            hex::encode(hmac_sm3(b"key", b"abc")),
            "28e63256e7c5a087b1f073265dc53092163f7b82729735d06f28f10af9d52393"
        );
    }

    #[test]
    fn sm4_gcm_rfc8998_known_answer() {
        // RFC 8998, Appendix A.1 (SM4-GCM).
        let key = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
        let nonce: [u8; 12] = hex::decode("00001234567800000000ABCD").unwrap().try_into().unwrap();
        let aad = hex::decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").unwrap();
        let pt = hex::decode(concat!(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD",
            "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
        ))
        .unwrap();
        let cipher = <Sm4Gcm as KeyInit>::new_from_slice(&key).unwrap();
        let out = cipher
            .encrypt(
                &Nonce::<U12>::from(nonce),
                aes_gcm::aead::Payload { msg: &pt, aad: &aad },
            )
            .unwrap();
        assert_eq!(
            hex::encode_upper(out),
            concat!(
                "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735",
                "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
                "83DE3541E4C2B58177E065A9BF7B62EC"
            )
        );
    }

    #[test]
    fn audit_chain() {
        let first = audit_chain_hash(GENESIS_HASH, b"{\"action\":\"login\"}");
        assert_eq!(first.len(), 64);
        let mut manual = GENESIS_HASH.as_bytes().to_vec();
        manual.push(0x1e);
        manual.extend_from_slice(b"{\"action\":\"login\"}");
        assert_eq!(first, sm3_hex(&manual));
        let second = audit_chain_hash(&first, b"{\"action\":\"approve\"}");
        // A one-byte change anywhere changes the link.
        assert_ne!(audit_chain_hash(&first, b"{\"action\":\"apprOve\"}"), second);
        let mut other_prev = first.clone().into_bytes();
        other_prev[0] ^= 1;
        assert_ne!(
            audit_chain_hash(std::str::from_utf8(&other_prev).unwrap(), b"{\"action\":\"approve\"}"),
            second
        );
    }

    fn cipher() -> FieldCipher {
        FieldCipher::from_master_key(&[7u8; 32])
    }

    #[test]
    fn field_round_trip_and_format() {
        let c = cipher();
        for value in ["110101199003071233", "", "张三 13812345678", &"长".repeat(1000)] {
            let stored = c.encrypt(value);
            assert!(stored.starts_with("v1:"));
            assert!(!stored.contains("1990"));
            assert_eq!(c.decrypt(&stored).unwrap(), value);
        }
        let stored = c.encrypt("110101199003071233");
        let raw = STANDARD.decode(&stored[3..]).unwrap();
        assert_eq!(raw.len(), 12 + 18 + 16);
    }

    #[test]
    fn field_nonces_differ() {
        let c = cipher();
        assert_ne!(c.encrypt("13812345678"), c.encrypt("13812345678"));
    }

    #[test]
    fn field_tamper_and_wrong_key_fail() {
        let c = cipher();
        let stored = c.encrypt("110101199003071233");
        let mut raw = STANDARD.decode(&stored[3..]).unwrap();
        for i in [0, 12, raw.len() - 1] {
            raw[i] ^= 0x01;
            let bad = format!("v1:{}", STANDARD.encode(&raw));
            assert_eq!(c.decrypt(&bad), Err(CryptoError::Decrypt), "byte {i}");
            raw[i] ^= 0x01;
        }
        let other = FieldCipher::from_master_key(&[8u8; 32]);
        assert_eq!(other.decrypt(&stored), Err(CryptoError::Decrypt));
        assert_eq!(c.decrypt("110101199003071233"), Err(CryptoError::Format));
        assert_eq!(c.decrypt("v1:!!!"), Err(CryptoError::Format));
        assert_eq!(c.decrypt("v1:AAAA"), Err(CryptoError::Format));
        assert_eq!(c.decrypt("v2:AAAA"), Err(CryptoError::Format));
        let e = c.decrypt("v1:AAAA").unwrap_err();
        assert_eq!(e.field(), "encrypted_field");
        assert!(e.to_string().starts_with("加密字段："));
    }

    #[test]
    fn blind_index_is_keyed_normalised_and_separate_from_encryption() {
        let c = cipher();
        let a = c.blind_index("11010519491231002X");
        assert_eq!(a, c.blind_index(" 11010519491231002x "));
        assert_eq!(a.len(), 64);
        assert_ne!(a, sm3_hex(b"11010519491231002X"));
        assert_ne!(
            a,
            FieldCipher::from_master_key(&[8u8; 32]).blind_index("11010519491231002X")
        );
        // Pinned: the index is stored, so its derivation must never change silently.
        let index_key = hmac_sm3(&[7u8; 32], LABEL_INDEX);
        assert_eq!(a, hex::encode(hmac_sm3(&index_key, b"11010519491231002X")));
        assert_ne!(index_key[..16], hmac_sm3(&[7u8; 32], LABEL_ENC)[..16]);
        assert!(!format!("{c:?}").contains('7'));
    }

    #[test]
    fn master_keys() {
        let k = FieldCipher::generate_master_key();
        assert_ne!(k, FieldCipher::generate_master_key());
        assert_eq!(parse_master_key_hex(&format!(" {} \n", hex::encode(k))), Ok(k));
        assert_eq!(parse_master_key_hex(&hex::encode_upper(k)), Ok(k));
        assert_eq!(FieldCipher::parse_master_key_hex(&hex::encode(k)), Ok(k));
        assert!(matches!(
            parse_master_key_hex("abcd"),
            Err(CryptoError::KeyFormat { .. })
        ));
        assert!(matches!(
            parse_master_key_hex(&"g".repeat(64)),
            Err(CryptoError::KeyFormat { .. })
        ));
        assert!(matches!(
            parse_master_key_hex(&"é".repeat(64)),
            Err(CryptoError::KeyFormat { .. })
        ));
        assert_eq!(parse_master_key_hex(&"0".repeat(64)), Err(CryptoError::WeakKey));
        assert_eq!(parse_master_key_hex("abcd").unwrap_err().field(), "master_key");
    }

    #[test]
    fn tokens() {
        let t = random_token(32);
        assert_eq!(t.len(), 43);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(t, random_token(32));
        assert_eq!(token_digest(&t), sm3_hex(t.as_bytes()));
        assert_eq!(random_token(0), "");
    }
}
