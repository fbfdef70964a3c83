//! Property tests of the upload checks: a file is what its bytes say, whatever its name
//! claims; no input panics; display names are always safe.

use proptest::prelude::*;
use yincai_domain::files::{
    FileError, FileKind, MAX_FILE_BYTES, MAX_NAME_CHARS, check_upload, content_disposition_filename, detect,
    human_size, safe_file_name, sha256_hex,
};

const PNG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn kind() -> impl Strategy<Value = FileKind> {
    proptest::sample::select(FileKind::ALL.to_vec())
}

fn magic(kind: FileKind) -> Vec<u8> {
    match kind {
        FileKind::Pdf => b"%PDF-1.7\n".to_vec(),
        FileKind::Png => PNG.to_vec(),
        FileKind::Jpeg => vec![0xFF, 0xD8, 0xFF, 0xE0],
    }
}

/// A real file of `kind`: its magic followed by arbitrary bytes.
fn file_of(kind: FileKind) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..512).prop_map(move |tail| {
        let mut bytes = magic(kind);
        bytes.extend(tail);
        bytes
    })
}

fn extensions(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Pdf => &["pdf", "PDF", "Pdf"],
        FileKind::Png => &["png", "PNG"],
        FileKind::Jpeg => &["jpg", "jpeg", "JPG", "JPEG", "jpe"],
    }
}

proptest! {
    #[test]
    fn a_real_file_with_a_matching_name_is_accepted(
        k in kind(),
        bytes in kind().prop_flat_map(file_of),
        stem in "[a-zA-Z0-9\u{4e00}-\u{9fa5}_ -]{1,30}",
        ext_pick in 0usize..5,
    ) {
        // Only the kind the bytes really are is accepted under this name.
        let ext = extensions(k)[ext_pick % extensions(k).len()];
        let name = format!("{stem}.{ext}");
        let actual = detect(&bytes).expect("a generated file has its magic");
        let result = check_upload(&name, None, &bytes);
        if actual == k {
            let checked = result.expect("a real file under its own extension is accepted");
            prop_assert_eq!(checked.kind, k);
            prop_assert_eq!(checked.size, bytes.len());
            let lower = checked.display_name.to_ascii_lowercase();
            let ok = extensions(k).iter().any(|e| lower.ends_with(&format!(".{}", e.to_ascii_lowercase())));
            prop_assert!(ok, "{}", checked.display_name);
        } else {
            prop_assert_eq!(result, Err(FileError::Mismatch { claimed: k, actual: Some(actual) }));
        }
    }

    #[test]
    fn a_real_file_declared_with_its_own_type_is_accepted_and_with_another_is_refused(
        k in kind(),
        other in kind(),
        tail in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = magic(k);
        bytes.extend(tail);
        let name = format!("scan.{}", k.extension());
        prop_assert!(check_upload(&name, Some(k.content_type()), &bytes).is_ok());
        prop_assert!(check_upload(&name, Some("application/octet-stream"), &bytes).is_ok());
        let declared = check_upload(&name, Some(other.content_type()), &bytes);
        if other == k {
            prop_assert!(declared.is_ok());
        } else {
            prop_assert!(matches!(declared, Err(FileError::DeclaredTypeMismatch { .. })), "{declared:?}");
        }
        prop_assert!(check_upload(&name, Some("text/plain"), &bytes).is_err());
    }

    #[test]
    fn bytes_without_a_known_magic_are_never_accepted(
        bytes in proptest::collection::vec(any::<u8>(), 1..256),
        k in kind(),
    ) {
        prop_assume!(detect(&bytes).is_none());
        let name = format!("证书.{}", k.extension());
        let result = check_upload(&name, None, &bytes);
        prop_assert_eq!(result.clone(), Err(FileError::Mismatch { claimed: k, actual: None }));
        let e = result.unwrap_err();
        prop_assert_eq!(e.status(), 415);
        prop_assert!(e.to_string().starts_with("文件："));
    }

    #[test]
    fn other_extensions_are_refused_whatever_the_content(
        k in kind(),
        bytes in kind().prop_flat_map(file_of),
        ext in proptest::sample::select(vec!["docx", "exe", "txt", "gif", "zip", "pdf.exe", "", "html"]),
    ) {
        let _ = k;
        let name = if ext.is_empty() { "scan".to_string() } else { format!("scan.{ext}") };
        let result = check_upload(&name, None, &bytes);
        prop_assert!(matches!(result, Err(FileError::UnsupportedType { .. })), "{name}: {result:?}");
        prop_assert_eq!(result.unwrap_err().status(), 415);
    }

    #[test]
    fn no_input_panics_and_every_refusal_names_the_field(
        name in "\\PC{0,60}",
        declared in proptest::option::of("\\PC{0,40}"),
        bytes in proptest::collection::vec(any::<u8>(), 0..128),
    ) {
        if let Err(e) = check_upload(&name, declared.as_deref(), &bytes) {
            prop_assert!(e.to_string().starts_with("文件："), "{e}");
            prop_assert!([400, 413, 415].contains(&e.status()));
        }
    }

    #[test]
    fn display_names_are_safe(raw in "\\PC{0,300}|[\\x00-\\x1f\u{202e}\u{200b}/\\\\<>:\"|?*. a-z\u{4e00}-\u{4e10}]{0,300}", k in kind()) {
        let name = safe_file_name(&raw, k);
        prop_assert!(!name.is_empty());
        prop_assert!(name.chars().count() <= MAX_NAME_CHARS, "{} chars", name.chars().count());
        prop_assert!(!name.contains('/') && !name.contains('\\'));
        prop_assert!(!name.chars().any(|c| c.is_control()));
        let hidden = name.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{200B}'..='\u{200F}'));
        prop_assert!(!hidden, "{:?}", name);
        prop_assert!(!name.starts_with('.') && !name.starts_with(' '));
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        prop_assert_eq!(FileKind::from_extension(ext), Some(k), "{}", name);
        // Idempotent: a safe name stays as it is.
        prop_assert_eq!(safe_file_name(&name, k), name.clone());
        // And it survives the download header.
        let header = content_disposition_filename(&name);
        prop_assert!(header.is_ascii());
        prop_assert!(!header.contains(['"', ';', ' ', '\r', '\n']));
    }

    #[test]
    fn sha256_is_64_hex_and_tells_contents_apart(a in proptest::collection::vec(any::<u8>(), 0..64),
                                                 b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let ha = sha256_hex(&a);
        prop_assert_eq!(ha.len(), 64);
        prop_assert!(ha.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        prop_assert_eq!(ha == sha256_hex(&b), a == b);
    }

    #[test]
    fn sizes_never_panic(n in any::<u64>().prop_map(|n| n % (1u64 << 40))) {
        let s = human_size(n);
        prop_assert!(s.ends_with(" B") || s.ends_with(" KB") || s.ends_with(" MB"));
    }
}

#[test]
fn empty_and_oversized_files_are_refused_with_fitting_statuses() {
    assert_eq!(check_upload("a.pdf", None, b""), Err(FileError::Empty));
    assert_eq!(FileError::Empty.status(), 400);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(MAX_FILE_BYTES, b' ');
    assert!(check_upload("big.pdf", None, &big).is_ok(), "exactly 5 MiB is accepted");
    big.push(b' ');
    let e = check_upload("big.pdf", None, &big).unwrap_err();
    assert_eq!(
        e,
        FileError::TooLarge {
            size: MAX_FILE_BYTES + 1
        }
    );
    assert_eq!(e.status(), 413);
    assert!(e.to_string().contains("超过上限 5 MB"), "{e}");
}

#[test]
fn a_png_called_pdf_and_text_called_pdf_are_named_for_what_they_are() {
    let e = check_upload("scan.pdf", Some("application/pdf"), &PNG).unwrap_err();
    assert_eq!(
        e.to_string(),
        "文件：文件名表明是 PDF，但内容实际是 PNG 文件，两者不符；请上传真实的 PDF 文件，或把文件名改为 .png"
    );
    let e = check_upload("scan.pdf", Some("application/pdf"), b"hello, I am text").unwrap_err();
    assert!(e.to_string().contains("内容不是有效的 PDF 文件"), "{e}");
    let e = check_upload("简历.docx", None, b"PK\x03\x04").unwrap_err();
    assert!(e.to_string().contains("不支持 .docx 类型"), "{e}");
}

#[test]
fn paths_and_tricks_are_stripped_from_names() {
    assert_eq!(
        safe_file_name("C:\\Users\\张三\\身份证.PDF", FileKind::Pdf),
        "身份证.PDF"
    );
    assert_eq!(safe_file_name("../../etc/passwd", FileKind::Png), "passwd.png");
    assert_eq!(
        safe_file_name("scan\u{202E}gpj.exe", FileKind::Jpeg),
        "scan gpj.exe.jpg"
    );
    assert_eq!(safe_file_name("...", FileKind::Pdf), "附件.pdf");
    assert_eq!(safe_file_name("a\r\nb.pdf", FileKind::Pdf), "a b.pdf");
    let long = format!("{}.pdf", "长".repeat(300));
    let safe = safe_file_name(&long, FileKind::Pdf);
    assert_eq!(safe.chars().count(), MAX_NAME_CHARS);
    assert!(safe.ends_with(".pdf"));
}
