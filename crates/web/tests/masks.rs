//! Masks that hold (issue 9, security review F3), on every backend: with everything a unit,
//! a department or the leading group sees of a demo applicant's form, and everything the
//! coordination office sees in its candidate list, at least 100,000 valid 身份证号 remain
//! possible; nobody but the applicant gets the birth date without the audited reveal.

use crate::common;

use std::collections::BTreeMap;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use yincai_domain::ids::region_codes;

/// GB 11643 weights (ISO 7064 MOD 11-2) and check characters.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The residues (weighted sum mod 11 over positions `from..from + text.len()`) of every
/// value of one part of the number that agrees with the mask's visible characters.
fn residues(mask: &[u8], from: usize, values: impl Iterator<Item = String>) -> [u64; 11] {
    let mut hist = [0u64; 11];
    for v in values {
        let b = v.as_bytes();
        if b.iter()
            .enumerate()
            .any(|(i, c)| mask[from + i] != b'*' && mask[from + i] != *c)
        {
            continue;
        }
        let sum: u32 = b
            .iter()
            .enumerate()
            .map(|(i, c)| u32::from(c - b'0') * WEIGHTS[from + i])
            .sum();
        hist[(sum % 11) as usize] += 1;
    }
    hist
}

/// How many valid 身份证号 agree with what a viewer sees: the mask (any visible character
/// must match), the birth year and the gender. Brute force over the parts of the number:
/// every region code of the shipped GB/T 2260 list, every date of the year, every sequence
/// number of the gender; the check character (position 18) must be the one GB 11643 gives
/// and agree with the mask.
fn consistent_numbers(mask: &str, birth_year: i16, male: bool) -> u64 {
    let m = mask.as_bytes();
    assert_eq!(m.len(), 18, "a masked 身份证号 has 18 characters: {mask}");
    let regions = residues(m, 0, region_codes().iter().map(|c| format!("{c:06}")));
    let first = jiff::civil::date(birth_year, 1, 1);
    let days = (0..366)
        .filter_map(|d| first.checked_add(jiff::Span::new().days(d)).ok())
        .filter(|d| d.year() == birth_year)
        .map(|d| d.strftime("%Y%m%d").to_string());
    let dates = residues(m, 6, days);
    let parity = u32::from(male);
    let seqs = residues(
        m,
        14,
        (0..1000u32).filter(|s| s % 2 == parity).map(|s| format!("{s:03}")),
    );
    let mut total = 0;
    for (a, ra) in regions.iter().enumerate() {
        for (b, rb) in dates.iter().enumerate() {
            for (c, rc) in seqs.iter().enumerate() {
                let check = CHECK[(a + b + c) % 11];
                if m[17] == b'*' || m[17] == check {
                    total += ra * rb * rc;
                }
            }
        }
    }
    total
}

/// What a staff viewer sees of one form: the masked number, the birth year, the gender.
fn seen(form: &Value) -> (String, i16, bool) {
    (
        form["id_number_masked"].as_str().unwrap_or_default().to_string(),
        form["birth_year"]
            .as_i64()
            .and_then(|y| i16::try_from(y).ok())
            .unwrap_or(0),
        form["gender"] == "male",
    )
}

#[test]
fn the_count_is_the_old_review_result_for_the_old_mask() {
    // The review's case: `652***********0626` with the birth date known left 2-14 numbers.
    // With the old mask and only the birth year known, still far below the bar.
    let old = consistent_numbers("652***********0626", 1991, false);
    assert!(old < 10_000, "{old}");
    // The new mask of the same number.
    let new = consistent_numbers("*****************6", 1991, false);
    assert!(new >= 100_000, "{new}");
}

#[tokio::test]
async fn every_viewer_of_a_demo_applicant_leaves_at_least_100000_numbers_and_no_birth_date() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let coord = app.login("coord").await;
        // The truth, through the reasoned, audited reveal: number and birth date per name.
        let (status, list) = app.get("/api/candidates?limit=100", &coord).await;
        assert_eq!(status, StatusCode::OK, "{l}: {list}");
        let rows = list["rows"].as_array().unwrap().clone();
        let mut truth: BTreeMap<String, (String, String)> = BTreeMap::new();
        for row in &rows {
            let (status, r) = app
                .post(
                    &format!("/api/candidates/{}/reveal", row["id"]),
                    &coord,
                    json!({"reason": "核对掩码强度（测试）"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{l}: {r}");
            let birth = r["birth_date"].as_str().unwrap_or_default().to_string();
            truth.insert(
                row["name"].as_str().unwrap().into(),
                (r["id_number"].as_str().unwrap().into(), birth),
            );
        }
        assert!(truth.len() >= 9, "{l}: the nine demo applicants: {truth:?}");

        // The office's list: birth year, never the date, and a mask that holds.
        for row in &rows {
            let name = row["name"].as_str().unwrap();
            let (number, birth) = &truth[name];
            assert!(row.get("birth_date").is_none(), "{l}: {row}");
            assert!(!row.to_string().contains(birth.as_str()), "{l}: {row}");
            assert!(!row.to_string().contains(&number[6..14]), "{l}: {row}");
            let (mask, year, male) = seen(row);
            assert_eq!(year.to_string(), birth[..4], "{l}: {row}");
            let n = consistent_numbers(&mask, year, male);
            assert!(
                n >= 100_000,
                "{l}: the office's list of {name} leaves {n} numbers ({mask})"
            );
        }

        // Units, the department and the leading group: the application forms.
        let mut forms_seen = 0;
        for viewer in ["unit", "dept", "leader"] {
            let token = app.login(viewer).await;
            let (status, list) = app.get("/api/applications?limit=200", &token).await;
            assert_eq!(status, StatusCode::OK, "{l}: {viewer}: {list}");
            for a in list["rows"].as_array().unwrap() {
                let (status, body) = app.get(&format!("/api/applications/{}", a["id"]), &token).await;
                assert_eq!(status, StatusCode::OK, "{l}: {viewer}: {body}");
                let form = &body["form"];
                let name = form["name"].as_str().unwrap();
                let (number, birth) = &truth[name];
                let text = body.to_string();
                assert!(!text.contains("birth_date"), "{l}: {viewer} gets no birth date: {text}");
                assert!(!text.contains(birth.as_str()), "{l}: {viewer}: {birth} in {text}");
                assert!(!text.contains(&number[6..14]), "{l}: {viewer}: {text}");
                assert!(!text.contains(number.as_str()), "{l}: {viewer}: {text}");
                let (mask, year, male) = seen(form);
                // The model is right: the true number is among those counted.
                assert!(number.ends_with(&mask[17..]), "{l}: {mask} {number}");
                assert_eq!(year.to_string(), birth[..4], "{l}: {viewer}: {form}");
                let n = consistent_numbers(&mask, year, male);
                assert!(
                    n >= 100_000,
                    "{l}: {viewer} sees {name}'s form leaving {n} numbers ({mask})"
                );
                // The page's fields show the birth year, not the date.
                let fields = body["fields"].as_array().unwrap();
                assert!(fields.iter().any(|f| f["key"] == "birth_year"), "{l}: {fields:?}");
                forms_seen += 1;
            }
        }
        assert!(forms_seen >= 3, "{l}: the viewers see demo forms ({forms_seen})");

        // The applicant alone sees their own birth date.
        let (status, me) = app.get("/api/me/profile", &app.login("wanglei").await).await;
        assert_eq!(status, StatusCode::OK, "{l}: {me}");
        assert!(me["birth_date"].as_str().is_some_and(|d| d.len() == 10), "{l}: {me}");
        app.stop().await;
    }
}
