//! Money: whole fen in `i64`, never floats. Policy files and case files speak whole yuan.

/// An amount in fen (1 yuan = 100 fen).
pub type Fen = i64;

/// Fen to whole yuan for output (every amount the policies define is whole yuan).
pub fn to_yuan(fen: Fen) -> i64 {
    fen / 100
}
