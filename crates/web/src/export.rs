//! Excel exports of lists: the rows a list shows under its current filters, as a real
//! .xlsx (header row frozen and filterable), named in Chinese.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::auth::url_encode;
use crate::error::error_page;

/// The most rows one export holds; a larger result asks for a narrower filter.
pub const MAX_ROWS: i64 = 100_000;

/// One column: its heading and width in characters.
pub struct Column {
    pub heading: &'static str,
    pub width: f64,
}

pub const fn col(heading: &'static str, width: f64) -> Column {
    Column { heading, width }
}

fn workbook(sheet_name: &str, columns: &[Column], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let heading = Format::new().set_bold().set_background_color("EEF1F4");
    for (c, column) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, column.heading, &heading)?;
        sheet.set_column_width(c, column.width)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, value)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if !columns.is_empty() {
        sheet.autofilter(0, 0, rows.len() as u32, columns.len() as u16 - 1)?;
    }
    book.save_to_buffer()
}

/// The .xlsx as a download named `file_stem.xlsx` (UTF-8 file name per RFC 6266).
pub fn xlsx(file_stem: &str, sheet_name: &str, columns: &[Column], rows: &[Vec<String>], total: i64) -> Response {
    if total > MAX_ROWS {
        return error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("导出：符合条件的记录有 {total} 条，超过单次导出上限 {MAX_ROWS} 条，请缩小筛选范围后再导出"),
        );
    }
    match workbook(sheet_name, columns, rows) {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}.xlsx",
                        url_encode(file_stem)
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "xlsx export failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "导出失败，请稍后重试".into())
        }
    }
}
