//! Property tests across the domain's parsers: generated valid identifiers are accepted,
//! one changed character is rejected, and no input (including multi-byte text) panics.

use jiff::civil::Date;
use proptest::prelude::*;
use yincai_domain::calendar::WorkCalendar;
use yincai_domain::crypto::FieldCipher;
use yincai_domain::dates::{DateRange, parse_date};
use yincai_domain::ids::{
    CREDIT_AUTHORITIES, CitizenId, CreditCode, IdError, citizen_id_check_char, credit_code_check_char,
    org_code_check_char, region_codes,
};
use yincai_domain::money::Fen;
use yincai_domain::{mask, password};

const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CHECK_CHARS: &str = "0123456789X";

/// "Today" of the properties (the app passes its clock; the parsers take it as an argument).
const TODAY: Date = jiff::civil::date(2026, 12, 2);

/// A valid 身份证号 from a region of the shipped GB/T 2260 list, a real past date and a
/// sequence number.
fn citizen_id() -> impl Strategy<Value = (String, Date)> {
    (
        proptest::sample::select(region_codes().to_vec()),
        (1900i16..=2026, 1i8..=12, 1i8..=31),
        0u32..1000,
    )
        .prop_filter_map("date must exist and be past", |(region, (y, m, d), seq)| {
            let date = Date::new(y, m, d).ok().filter(|d| *d <= TODAY)?;
            let first17 = format!("{region:06}{y:04}{m:02}{d:02}{seq:03}");
            let check = citizen_id_check_char(&first17)?;
            Some((format!("{first17}{check}"), date))
        })
}

/// A valid 统一社会信用代码.
fn credit_code() -> impl Strategy<Value = String> {
    let alpha: Vec<char> = CREDIT_ALPHABET.chars().collect();
    let pairs: Vec<(char, char)> = CREDIT_AUTHORITIES
        .iter()
        .flat_map(|(a, kinds)| kinds.chars().map(move |k| (*a, k)))
        .collect();
    (
        proptest::sample::select(pairs),
        0u32..1_000_000,
        proptest::collection::vec(proptest::sample::select(alpha), 8),
    )
        .prop_map(|((authority, kind), region, body)| {
            let body: String = body.into_iter().collect();
            let org_check = org_code_check_char(&body).unwrap();
            let first17 = format!("{authority}{kind}{region:06}{body}{org_check}");
            let check = credit_code_check_char(&first17).unwrap();
            format!("{first17}{check}")
        })
}

proptest! {
    #[test]
    fn generated_citizen_ids_parse((id, date) in citizen_id()) {
        let parsed = CitizenId::parse_as_of(&id, TODAY).unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert_eq!(parsed.birth_date(), date);
        prop_assert_eq!(parsed.masked().chars().count(), 18);
        prop_assert!(!parsed.to_string().contains(&id[6..14]));
        // Lower-case x is the same number.
        prop_assert_eq!(CitizenId::parse(&id.to_lowercase()).unwrap(), parsed);
    }

    #[test]
    fn flipped_check_char_is_rejected((id, _) in citizen_id(), pick in 0usize..10) {
        let current = id.chars().last().unwrap();
        let other = CHECK_CHARS.chars().filter(|&c| c != current).nth(pick).unwrap();
        let bad = format!("{}{other}", &id[..17]);
        prop_assert_eq!(
            CitizenId::parse(&bad),
            Err(IdError::CheckDigit { kind: yincai_domain::ids::IdKind::CitizenId })
        );
    }

    #[test]
    fn one_changed_digit_is_rejected((id, _) in citizen_id(), pos in 0usize..17, delta in 1u8..10) {
        let mut bytes = id.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let bad = String::from_utf8(bytes).unwrap();
        // MOD 11-2 detects every single-digit error; the date or region may fail first.
        prop_assert!(CitizenId::parse(&bad).is_err());
    }

    #[test]
    fn future_birth_dates_are_refused(region in proptest::sample::select(region_codes().to_vec()), days in 1i32..40_000, seq in 0u32..1000) {
        let birth = TODAY.checked_add(jiff::Span::new().days(days)).unwrap();
        let first17 = format!("{region:06}{}{seq:03}", birth.strftime("%Y%m%d"));
        let id = format!("{first17}{}", citizen_id_check_char(&first17).unwrap());
        prop_assert!(
            matches!(CitizenId::parse_as_of(&id, TODAY), Err(IdError::FutureBirth { .. })),
            "{} accepted", id
        );
    }

    #[test]
    fn typed_dates_outside_their_range_are_refused(y in 0i16..=9999, m in 1i8..=12, d in 1i8..=28) {
        let date = Date::new(y, m, d).unwrap();
        let text = format!("{y:04}-{m:02}-{d:02}");
        let range = DateRange::record(TODAY);
        let parsed = parse_date("日期", &text, range);
        prop_assert_eq!(parsed.is_ok(), range.contains(date));
        if let Err(e) = parsed {
            prop_assert!(e.to_string().starts_with("日期："));
        }
    }

    #[test]
    fn generated_credit_codes_parse(code in credit_code()) {
        let parsed = CreditCode::parse(&code).unwrap();
        prop_assert_eq!(parsed.as_str(), code.as_str());
        prop_assert_eq!(CreditCode::parse(&code.to_lowercase()).unwrap(), parsed);
    }

    #[test]
    fn credit_code_one_changed_char_is_rejected(code in credit_code(), pos in 0usize..18, delta in 1usize..31) {
        let alpha: Vec<char> = CREDIT_ALPHABET.chars().collect();
        let mut chars: Vec<char> = code.chars().collect();
        let i = alpha.iter().position(|&c| c == chars[pos]).unwrap();
        chars[pos] = alpha[(i + delta) % 31];
        let bad: String = chars.into_iter().collect();
        // The base-31 check detects every single-character substitution.
        prop_assert!(CreditCode::parse(&bad).is_err());
    }

    #[test]
    fn id_parsers_never_panic(s in any::<String>()) {
        let _ = CitizenId::parse(&s);
        let _ = CreditCode::parse(&s);
    }

    #[test]
    fn id_parsers_never_panic_on_18_multibyte_chars(s in "[0-9Xx中文￥é𝟘 ]{16,20}") {
        if let Err(e) = CitizenId::parse(&s) {
            prop_assert_eq!(e.field(), "id_number");
            prop_assert!(!e.to_string().is_empty());
            prop_assert!(!e.message_en().is_empty());
        }
        if let Err(e) = CreditCode::parse(&s) {
            prop_assert_eq!(e.field(), "credit_code");
        }
    }

    #[test]
    fn masks_never_panic_and_keep_char_count(s in any::<String>()) {
        let n = s.trim().chars().count();
        prop_assert_eq!(mask::phone(&s).chars().count(), n);
        prop_assert_eq!(mask::citizen_id(&s).chars().count(), n);
        prop_assert_eq!(mask::name(&s).chars().count(), n);
        let _ = mask::bank_account(&s);
    }

    #[test]
    fn password_check_never_panics(pw in any::<String>(), user in any::<String>()) {
        let _ = password::check_strength(&pw, &user);
    }

    #[test]
    fn calendar_csv_never_panics(body in any::<String>()) {
        let _ = WorkCalendar::from_csv(&body);
        let _ = WorkCalendar::from_csv(&format!("date,kind,name\n{body}"));
    }

    #[test]
    fn field_cipher_round_trips(s in any::<String>()) {
        let c = FieldCipher::from_master_key(&[42u8; 32]);
        prop_assert_eq!(c.decrypt(&c.encrypt(&s)).unwrap(), s);
    }

    #[test]
    fn field_cipher_decrypt_never_panics(s in any::<String>()) {
        let c = FieldCipher::from_master_key(&[42u8; 32]);
        prop_assert!(c.decrypt(&s).is_err());
        let prefixed = format!("v1:{s}");
        prop_assert!(c.decrypt(&prefixed).is_err());
    }
}

/// Reads capital numerals back (the test's own reader, independent of the writer).
fn read_uppercase(s: &str) -> i64 {
    let digit = |c| "零壹贰叁肆伍陆柒捌玖".chars().position(|d| d == c).map(|d| d as i64);
    let (negative, s) = match s.strip_prefix('负') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mut yi, mut wan, mut section, mut last) = (0i128, 0i128, 0i128, 0i128);
    let (mut yuan, mut fen) = (0i128, 0i128);
    for c in s.chars() {
        match c {
            '拾' => section += last * 10,
            '佰' => section += last * 100,
            '仟' => section += last * 1000,
            '万' => {
                wan = (section + last) * 10_000;
                section = 0;
            }
            '亿' => {
                yi = (yi + wan + section + last) * 100_000_000;
                wan = 0;
                section = 0;
            }
            '元' => {
                yuan = yi + wan + section + last;
                (yi, wan, section) = (0, 0, 0);
            }
            '角' => fen += last * 10,
            '分' => fen += last,
            '整' => {}
            c => {
                last = i128::from(digit(c).expect("a capital digit"));
                continue;
            }
        }
        last = 0;
    }
    let total = i64::try_from(yuan * 100 + fen).expect("in range");
    if negative { -total } else { total }
}

proptest! {
    #[test]
    fn capital_numerals_read_back_to_the_amount(fen in any::<i64>().prop_filter("not MIN", |f| *f != i64::MIN)) {
        let text = Fen(fen).uppercase_cn();
        prop_assert_eq!(read_uppercase(&text), fen, "{}", text);
        prop_assert!(!text.contains("零零"), "{}", text);
        prop_assert!(!text.ends_with('零'), "{}", text);
        prop_assert!(text.ends_with('整') || text.ends_with('角') || text.ends_with('分'), "{}", text);
    }

    #[test]
    fn capital_numerals_of_everyday_amounts_read_back(fen in -10_000_000_000i64..10_000_000_000) {
        let text = Fen(fen).uppercase_cn();
        prop_assert_eq!(read_uppercase(&text), fen, "{}", text);
    }
}
