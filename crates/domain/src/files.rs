//! Uploaded files (附件): what a file really is, told by its content, never by its name.
//!
//! Only PDF, PNG and JPEG are accepted. The real type is read from the first bytes (the
//! "magic": `%PDF-`, the PNG signature, `FF D8 FF`); the file name's extension and the
//! content type the client declared must agree with it, so a PNG renamed `.pdf`, a text
//! file called `scan.pdf` or a `.docx` is refused with a message that names the field
//! and says what to do. A file is at most [`MAX_FILE_BYTES`] and never empty. The name
//! shown and offered on download is made safe by [`safe_file_name`].

use std::fmt;

use sha2::{Digest, Sha256};

/// The largest file accepted: 5 MiB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The longest display name kept, in characters (extension included).
pub const MAX_NAME_CHARS: usize = 100;

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
}

impl FileKind {
    pub const ALL: [FileKind; 3] = [FileKind::Pdf, FileKind::Png, FileKind::Jpeg];

    /// The content type stored and sent on download.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    /// The name people know the kind by ("PDF", "PNG", "JPG").
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Png => "PNG",
            FileKind::Jpeg => "JPG",
        }
    }

    /// The usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
        }
    }

    /// The kind an extension (lower or upper case, without the dot) names, if accepted.
    pub fn from_extension(ext: &str) -> Option<FileKind> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(FileKind::Pdf),
            "png" => Some(FileKind::Png),
            "jpg" | "jpeg" | "jpe" => Some(FileKind::Jpeg),
            _ => None,
        }
    }

    /// The kind a stored content type names.
    pub fn from_content_type(ct: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.content_type() == ct)
    }

    /// Whether a content type a client declared agrees with this kind. Browsers send
    /// a few variants; `application/octet-stream` means "unknown" and says nothing.
    fn accepts_declared(self, declared: &str) -> bool {
        let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence.is_empty() || essence == "application/octet-stream" || essence == "binary/octet-stream" {
            return true;
        }
        match self {
            FileKind::Pdf => matches!(essence.as_str(), "application/pdf" | "application/x-pdf"),
            FileKind::Png => matches!(essence.as_str(), "image/png" | "image/x-png"),
            FileKind::Jpeg => matches!(essence.as_str(), "image/jpeg" | "image/jpg" | "image/pjpeg"),
        }
    }
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The real kind of a file, from its first bytes; `None` for anything else.
pub fn detect(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(&PNG_SIGNATURE) {
        Some(FileKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else {
        None
    }
}

/// Why a file is refused. Every message names the field (文件) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No file, or a file of 0 bytes.
    Empty,
    /// Over [`MAX_FILE_BYTES`].
    TooLarge { size: usize },
    /// The name's extension is not PDF/JPG/PNG (or there is none).
    UnsupportedType { extension: String },
    /// The content is not what the name or the declared type says: `actual` is what the
    /// bytes are (`None`: not a PDF, PNG or JPEG at all).
    Mismatch {
        claimed: FileKind,
        actual: Option<FileKind>,
    },
    /// The declared content type contradicts the (agreeing) name and content.
    DeclaredTypeMismatch { declared: String, actual: FileKind },
}

impl FileError {
    /// The HTTP status that fits: 400 for a missing file, 413 too large, 415 a wrong type.
    pub fn status(&self) -> u16 {
        match self {
            FileError::Empty => 400,
            FileError::TooLarge { .. } => 413,
            FileError::UnsupportedType { .. } | FileError::Mismatch { .. } | FileError::DeclaredTypeMismatch { .. } => {
                415
            }
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Empty => write!(
                f,
                "文件：未选择文件或文件为空（0 字节），请选择要上传的 PDF、JPG 或 PNG 文件"
            ),
            FileError::TooLarge { size } => write!(
                f,
                "文件：大小为 {}，超过上限 5 MB，请压缩或分页扫描后再上传",
                human_size(*size as u64)
            ),
            FileError::UnsupportedType { extension } if extension.is_empty() => write!(
                f,
                "文件：文件名没有扩展名，无法确认类型；只接受 PDF、JPG、PNG 文件，请另存为其中一种后再上传"
            ),
            FileError::UnsupportedType { extension } => write!(
                f,
                "文件：不支持 .{extension} 类型，只接受 PDF、JPG、PNG 文件，请另存为其中一种后再上传"
            ),
            FileError::Mismatch {
                claimed,
                actual: Some(actual),
            } => write!(
                f,
                "文件：文件名表明是 {}，但内容实际是 {} 文件，两者不符；请上传真实的 {} 文件，或把文件名改为 .{}",
                claimed.label(),
                actual.label(),
                claimed.label(),
                actual.extension()
            ),
            FileError::Mismatch { claimed, actual: None } => write!(
                f,
                "文件：文件名表明是 {}，但内容不是有效的 {} 文件（也不是 PDF、JPG、PNG）；文件可能已损坏或被改名，请重新导出或扫描后上传",
                claimed.label(),
                claimed.label()
            ),
            FileError::DeclaredTypeMismatch { declared, actual } => write!(
                f,
                "文件：上传时声明的类型为 {declared}，但内容是 {} 文件，两者不符；请按实际类型重新上传",
                actual.label()
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// A file that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub kind: FileKind,
    /// The name to show and offer on download ([`safe_file_name`]).
    pub display_name: String,
    pub size: usize,
}

/// The extension of a name as typed (after the last dot of the last path segment),
/// lower case; empty if none.
fn extension_of(name: &str) -> String {
    let base = base_name(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() || !ext.is_empty() => ext.trim().to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The last segment of a path, with `/` and `\` both taken as separators.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Checks an upload: not empty, at most 5 MiB, an accepted extension, content that is
/// what the extension says, and a declared content type (if any) that agrees.
pub fn check_upload(file_name: &str, declared_type: Option<&str>, bytes: &[u8]) -> Result<CheckedFile, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge { size: bytes.len() });
    }
    let extension = extension_of(file_name);
    let claimed = FileKind::from_extension(&extension).ok_or(FileError::UnsupportedType {
        extension: extension
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(10)
            .collect(),
    })?;
    let actual = detect(bytes);
    if actual != Some(claimed) {
        return Err(FileError::Mismatch { claimed, actual });
    }
    if let Some(declared) = declared_type
        && !claimed.accepts_declared(declared)
    {
        return Err(FileError::DeclaredTypeMismatch {
            declared: declared.chars().filter(|c| !c.is_control()).take(60).collect(),
            actual: claimed,
        });
    }
    Ok(CheckedFile {
        kind: claimed,
        display_name: safe_file_name(file_name, claimed),
        size: bytes.len(),
    })
}

/// A name safe to show and to offer on download: no directories (`/`, `\`), no control
/// or format characters, no leading dots, none of `<>:"|?*`, trimmed, at most
/// [`MAX_NAME_CHARS`] characters with the extension kept, and ending in an extension of
/// `kind`. An empty result becomes `附件.<ext>`.
pub fn safe_file_name(raw: &str, kind: FileKind) -> String {
    let base = base_name(raw);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || is_format_char(c) || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                ' '
            } else {
                c
            }
        })
        .collect();
    // Collapse runs of blanks; drop leading dots (hidden files) and blanks.
    let mut collapsed = String::with_capacity(cleaned.len());
    for part in cleaned.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(part);
    }
    let trimmed = collapsed.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']);
    let (stem, ext) = match trimmed.rsplit_once('.') {
        Some((s, e)) if FileKind::from_extension(e) == Some(kind) => (s.trim_end_matches(['.', ' ']), e.to_string()),
        _ => (trimmed, kind.extension().to_string()),
    };
    let room = MAX_NAME_CHARS - ext.chars().count() - 1;
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    if stem.is_empty() {
        format!("附件.{ext}")
    } else {
        format!("{stem}.{ext}")
    }
}

/// Invisible characters that reorder or hide text (bidi overrides, zero-width marks):
/// a name like `scan\u{202E}fdp.exe` must not show as something it is not.
fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// The SHA-256 of the content, lower-case hex (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A size as people read it: `512 B`, `123 KB`, `4.8 MB` (1 KB = 1024 B).
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        // One decimal, rounded half up, in integer arithmetic.
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// `filename*=` of RFC 5987/6266: UTF-8, percent-encoded except the attribute characters.
pub fn content_disposition_filename(name: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in name.as_bytes() {
        let c = *b as char;
        if c.is_ascii_alphanumeric() || "!#$&+-.^_`|~".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_magic() {
        assert_eq!(detect(b"%PDF-1.4\n"), Some(FileKind::Pdf));
        assert_eq!(detect(&PNG_SIGNATURE), Some(FileKind::Png));
        assert_eq!(detect(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpeg));
        assert_eq!(detect(b"PK\x03\x04"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn sizes_read_like_people_say_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1 KB");
        assert_eq!(human_size(125_000), "123 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn sha256_of_nothing() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn disposition_encodes_utf8() {
        assert_eq!(
            content_disposition_filename("证件 a.pdf"),
            "UTF-8''%E8%AF%81%E4%BB%B6%20a.pdf"
        );
    }
}
