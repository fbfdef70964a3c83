//! Chinese numerals as official documents write small counts: 第十三条, 第二类, 十一月二十四日.
//! The one definition: the domain's dates and this crate's citations both use it.

/// 0-99 in Chinese numerals (零, 十, 十二, 二十四); 100 and above stay in figures, which
/// no article, category, month or day reaches.
pub fn number_zh(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS[d as usize];
    match n {
        0..=9 => digit(n).to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", digit(n % 10)),
        20..=99 if n.is_multiple_of(10) => format!("{}十", digit(n / 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::number_zh;

    #[test]
    fn small_counts_in_numerals_larger_in_figures() {
        for (n, zh) in [
            (0, "零"),
            (2, "二"),
            (10, "十"),
            (13, "十三"),
            (20, "二十"),
            (31, "三十一"),
            (99, "九十九"),
            (100, "100"),
        ] {
            assert_eq!(number_zh(n), zh, "{n}");
        }
    }
}
