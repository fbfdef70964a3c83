//! Excel exports of lists: the rows a list shows under its current filters, as a real
//! .xlsx (header row frozen and filterable), named in Chinese. Numbers are numbers, dates
//! are dates and money is yuan with two decimals, so a clerk can sum and sort; where a list
//! has money a total row follows.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, XlsxError};

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

/// One cell of an export, typed as a spreadsheet should hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Whole fen, written as yuan with two decimals (and summed in the total row).
    Money(i64),
    /// An ISO date (YYYY-MM-DD), written as a date; anything else is kept as text.
    Date(String),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

/// Text rows as cells (the lists whose columns are all text).
pub fn text_rows(rows: Vec<Vec<String>>) -> Vec<Vec<Cell>> {
    rows.into_iter()
        .map(|r| r.into_iter().map(Cell::Text).collect())
        .collect()
}

fn workbook(sheet_name: &str, columns: &[Column], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let heading = Format::new().set_bold().set_background_color("EEF1F4");
    let money = Format::new().set_num_format("#,##0.00");
    let money_total = Format::new().set_num_format("#,##0.00").set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, column) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, column.heading, &heading)?;
        sheet.set_column_width(c, column.width)?;
    }
    // Column → sum of its money cells in fen (the total row's cached value).
    let mut money_columns: std::collections::BTreeMap<u16, i64> = std::collections::BTreeMap::new();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                Cell::Text(s) => sheet.write_string(r, c, s)?,
                Cell::Int(n) => sheet.write_number(r, c, *n as f64)?,
                Cell::Money(fen) => {
                    let sum = money_columns.entry(c).or_insert(0);
                    *sum = sum.saturating_add(*fen);
                    // Fen to yuan for the sheet only: the stored amount stays whole fen.
                    sheet.write_number_with_format(r, c, *fen as f64 / 100.0, &money)?
                }
                Cell::Date(d) => match ExcelDateTime::parse_from_str(d) {
                    Ok(when) if d.len() == 10 => sheet.write_datetime_with_format(r, c, &when, &date)?,
                    _ => sheet.write_string(r, c, d)?,
                },
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if !columns.is_empty() {
        sheet.autofilter(0, 0, rows.len() as u32, columns.len() as u16 - 1)?;
    }
    if !money_columns.is_empty() && !rows.is_empty() {
        let total_row = rows.len() as u32 + 1;
        sheet.write_string_with_format(total_row, 0, "合计", &heading)?;
        for (c, fen) in money_columns {
            let letter = column_letter(c);
            let formula = Formula::new(format!("=SUM({letter}2:{letter}{total_row})"))
                .set_result(yincai_domain::money::Fen(fen).to_string());
            sheet.write_formula_with_format(total_row, c, formula, &money_total)?;
        }
    }
    book.save_to_buffer()
}

/// The spreadsheet's name of column `c` (0 → A, 26 → AA).
fn column_letter(c: u16) -> String {
    let mut n = u32::from(c) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The .xlsx as a download named `file_stem.xlsx` (UTF-8 file name per RFC 6266).
pub fn xlsx(file_stem: &str, sheet_name: &str, columns: &[Column], rows: &[Vec<Cell>], total: i64) -> Response {
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

#[cfg(test)]
mod tests {
    use super::column_letter;

    #[test]
    fn columns_are_lettered_as_a_spreadsheet_does() {
        assert_eq!(
            [0, 1, 25, 26, 27, 51, 52, 701, 702].map(column_letter),
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }
}
