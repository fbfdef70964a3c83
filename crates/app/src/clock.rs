//! Time comes from a clock so that lockouts and idle timeouts can be tested without waiting.

use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }
}

/// A clock that stands still until told to move (tests).
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(start_ms: i64) -> ManualClock {
        ManualClock(AtomicI64::new(start_ms))
    }

    pub fn advance_minutes(&self, minutes: i64) {
        self.0.fetch_add(minutes * 60_000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Formats epoch milliseconds as Beijing time, `2026-11-24 09:42`.
pub fn format_beijing(ms: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let zoned = ts.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    zoned.strftime("%Y-%m-%d %H:%M").to_string()
}

/// The calendar date in Beijing of an epoch-ms time.
pub fn beijing_date(ms: i64) -> jiff::civil::Date {
    let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

#[cfg(test)]
mod tests {
    #[test]
    fn beijing_time_is_utc_plus_8() {
        // 2026-11-24T01:42:00Z
        assert_eq!(super::format_beijing(1_795_484_520_000), "2026-11-24 09:42");
    }
}
