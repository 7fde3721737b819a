//! The device clock versus the Instance ID's: HTTP dates (RFC 9110 5.6.7) and a bounded
//! [`ClockOffset`] applied to "now" in the ID-token time rules.
//!
//! IdentityServer4 issues ID tokens with `nbf` = `iat` and a lifetime of 300 s. A device clock a
//! few minutes behind therefore fails `nbf`/`iat` (the token seems to come from the future), one
//! a few minutes ahead fails `exp`, and the person can do nothing but fix the clock. The app estimates the offset from a server `Date` header
//! ([`ClockOffset::from_server_date`]) and the core applies it
//! ([`crate::IdTokenVerifier::set_clock_offset`]); when a time rule still fails,
//! [`crate::IdTokenError::clock_skew_minutes`] says by how much the device clock looks wrong.
use crate::quoted::Quoted;

/// Parses an HTTP date (RFC 9110 5.6.7) into unix seconds.
///
/// Accepted, as a recipient must: the preferred IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`)
/// and the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
/// (`Sun Nov  6 08:49:37 1994`) forms. Surrounding whitespace is ignored. A two-digit RFC 850
/// year is read as 1970–2069 (`70`–`99` → 19xx, `00`–`69` → 20xx), a fixed window instead of
/// RFC 9110's "not more than 50 years ahead of now" because this function has no clock; the two
/// agree for every date before 2020. The weekday name must be a valid one but is not checked
/// against the date (it carries no information a sender could get wrong usefully). Second `60`
/// (a leap second) is accepted and counts as the next minute's `00`.
///
/// `None` for anything else: other time zones, dates before 1970, out-of-range fields,
/// missing or extra characters. Never panics, whatever the input.
pub fn parse_http_date(input: &str) -> Option<u64> {
    let s = input.trim();
    if !s.is_ascii() {
        return None;
    }
    if let Some((day_name, rest)) = s.split_once(", ") {
        if SHORT_DAYS.contains(&day_name) {
            return imf_fixdate(rest);
        }
        if LONG_DAYS.contains(&day_name) {
            return rfc850(rest);
        }
        return None;
    }
    asctime(s)
}

const SHORT_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `06 Nov 1994 08:49:37 GMT`
fn imf_fixdate(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 24 || b[2] != b' ' || b[6] != b' ' || b[11] != b' ' || &s[20..] != " GMT" {
        return None;
    }
    let day = digits(&s[0..2])?;
    let month = month(&s[3..6])?;
    let year = digits(&s[7..11])?;
    timestamp(year, month, day, &s[12..20])
}

/// `06-Nov-94 08:49:37 GMT`
fn rfc850(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 22 || b[2] != b'-' || b[6] != b'-' || b[9] != b' ' || &s[18..] != " GMT" {
        return None;
    }
    let day = digits(&s[0..2])?;
    let month = month(&s[3..6])?;
    let yy = digits(&s[7..9])?;
    let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
    timestamp(year, month, day, &s[10..18])
}

/// `Sun Nov  6 08:49:37 1994` (day padded with a space, or two digits)
fn asctime(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 24 || b[3] != b' ' || b[7] != b' ' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    if !SHORT_DAYS.contains(&&s[0..3]) {
        return None;
    }
    let month = month(&s[4..7])?;
    let day = match (b[8], b[9]) {
        (b' ', d) if d.is_ascii_digit() => u64::from(d - b'0'),
        _ => digits(&s[8..10])?,
    };
    let year = digits(&s[20..24])?;
    timestamp(year, month, day, &s[11..19])
}

/// A fixed-width run of ASCII digits (the callers pass at most four, so no overflow).
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.bytes()
        .try_fold(0u64, |n, b| Some(n * 10 + u64::from(b - b'0')))
}

fn month(s: &str) -> Option<u64> {
    MONTHS
        .iter()
        .position(|m| *m == s)
        .and_then(|i| u64::try_from(i + 1).ok())
}

/// `hh:mm:ss` on the given date, in unix seconds.
fn timestamp(year: u64, month: u64, day: u64, time: &str) -> Option<u64> {
    let t = time.as_bytes();
    if t.len() != 8 || t[2] != b':' || t[5] != b':' {
        return None;
    }
    let (h, m, sec) = (
        digits(&time[0..2])?,
        digits(&time[3..5])?,
        digits(&time[6..8])?,
    );
    if year < 1970 || h > 23 || m > 59 || sec > 60 || day == 0 || day > days_in(year, month) {
        return None;
    }
    let days = days_since_epoch(year, month, day);
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

fn is_leap(y: u64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date (year >= 1970, month 1..=12; at most four-digit years).
fn days_since_epoch(year: u64, month: u64, day: u64) -> u64 {
    let leap_days = |y: u64| y / 4 - y / 100 + y / 400; // leap years in 1..=y
    let years = (year - 1970) * 365 + leap_days(year - 1) - leap_days(1969);
    let before_month: u64 = (1..month).map(|m| days_in(year, m)).sum();
    years + before_month + day - 1
}

/// The estimated difference between the Instance ID's clock and the device's, in seconds
/// (`server - device`): positive when the device clock is behind.
///
/// It is a value: the app measures it once (from a response's `Date` header, see
/// [`Self::from_server_date`]), keeps it in memory and passes it with every ID-token
/// validation ([`crate::IdTokenVerifier::set_clock_offset`], for the sign-in's and the
/// refreshed ID tokens alike). [`ClockOffset::ZERO`] (the default) changes
/// nothing.
///
/// **Bound.** |offset| ≤ [`Self::MAX_SECS`] (24 hours). A wrong device clock is typically off
/// by minutes (no network time) or by whole hours (a wrong time zone entered as local time);
/// beyond a day the `Date` header itself is more likely wrong (a cache replaying an old
/// response without `Age`, a misconfigured proxy). Such an estimate is refused
/// ([`ClockOffsetError::OutOfRange`]), never clamped, so the time rules then run on the device
/// clock and fail with a message that says how wrong it looks.
///
/// **Noise.** An HTTP date has a resolution of one second and is taken before the response
/// travels, so an estimate of up to [`Self::NOISE_SECS`] either way says nothing: it becomes
/// zero. The ID-token rules have their own leeway (60 s) on top.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ClockOffset {
    secs: i64,
}

/// Why a clock offset estimate was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockOffsetError {
    /// The `Date` header is not an HTTP date.
    #[error("the server's Date header {} is not an HTTP date", Quoted(.0))]
    InvalidDate(String),
    /// The `Age` header is not a number of seconds.
    #[error("the Age header {} is not a number of seconds", Quoted(.0))]
    InvalidAge(String),
    /// The estimate is beyond [`ClockOffset::MAX_SECS`] either way.
    #[error("the server clock and the device clock differ by {secs} s, more than the 24 h this client believes")]
    OutOfRange {
        /// The estimate, `server - device`, in seconds.
        secs: i64,
    },
}

impl ClockOffsetError {
    /// The stable error code: `"clock_offset_invalid"` (only for diagnostics; never fatal).
    pub fn code(&self) -> &'static str {
        "clock_offset_invalid"
    }
}

impl ClockOffset {
    /// No correction.
    pub const ZERO: ClockOffset = ClockOffset { secs: 0 };
    /// The largest accepted |offset|: 24 hours (see the type's documentation).
    pub const MAX_SECS: i64 = 24 * 3600;
    /// Estimates within this many seconds either way are read as zero.
    pub const NOISE_SECS: i64 = 2;

    /// An offset of `secs` (`server - device`); refused beyond [`Self::MAX_SECS`]. Within
    /// [`Self::NOISE_SECS`] it is zero.
    pub fn from_secs(secs: i64) -> Result<Self, ClockOffsetError> {
        if secs.unsigned_abs() > Self::MAX_SECS.unsigned_abs() {
            return Err(ClockOffsetError::OutOfRange { secs });
        }
        if secs.abs() <= Self::NOISE_SECS {
            return Ok(Self::ZERO);
        }
        Ok(ClockOffset { secs })
    }

    /// Estimates the offset from a response received at `device_now` (unix seconds, the
    /// device clock) with the server's `Date` header and, if the response came through a cache,
    /// its `Age` header (seconds it waited there, added to the date).
    ///
    /// Use a response of the Instance ID (token, JWKS, discovery) fetched with
    /// `cache: "no-store"`. In a cross-origin fetch the browser hides `Date` unless the server
    /// lists it in `Access-Control-Expose-Headers`.
    pub fn from_server_date(
        date: &str,
        age: Option<&str>,
        device_now: u64,
    ) -> Result<Self, ClockOffsetError> {
        let server =
            parse_http_date(date).ok_or_else(|| ClockOffsetError::InvalidDate(date.into()))?;
        let age = match age.map(str::trim) {
            None => 0,
            // RFC 9111 5.1: a delta-seconds too large to represent is "2147483648"; anything
            // beyond the bound is refused below anyway, so saturating is exact enough.
            Some(a) if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) => {
                a.parse::<u64>().unwrap_or(u64::MAX)
            }
            Some(a) => return Err(ClockOffsetError::InvalidAge(a.into())),
        };
        let server_now = i128::from(server) + i128::from(age);
        let diff = server_now - i128::from(device_now);
        let secs = i64::try_from(diff).unwrap_or(if diff < 0 { i64::MIN } else { i64::MAX });
        Self::from_secs(secs)
    }

    /// The offset in seconds, `server - device`.
    pub fn secs(self) -> i64 {
        self.secs
    }

    /// The offset in whole minutes, rounded to the nearest (for a message such as "your device
    /// clock is about 10 minutes behind").
    pub fn minutes(self) -> i64 {
        round_minutes(self.secs)
    }

    /// The server's time for the device time `device_now`: `device_now + offset`, saturating
    /// at the ends of `u64`.
    pub fn apply(self, device_now: u64) -> u64 {
        device_now.saturating_add_signed(self.secs)
    }
}

/// Seconds to minutes, rounded half away from zero.
pub(crate) fn round_minutes(secs: i64) -> i64 {
    let abs = (secs.unsigned_abs().saturating_add(30) / 60) as i64;
    if secs < 0 {
        -abs
    } else {
        abs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_match_known_dates() {
        assert_eq!(days_since_epoch(1970, 1, 1), 0);
        assert_eq!(days_since_epoch(2000, 3, 1), 11_017);
        assert_eq!(days_since_epoch(2024, 2, 29), 19_782);
        assert_eq!(days_in(1900, 2), 28);
        assert_eq!(days_in(2000, 2), 29);
    }

    #[test]
    fn rounding() {
        assert_eq!(round_minutes(0), 0);
        assert_eq!(round_minutes(29), 0);
        assert_eq!(round_minutes(30), 1);
        assert_eq!(round_minutes(-600), -10);
        assert_eq!(round_minutes(-629), -10);
        assert_eq!(round_minutes(i64::MIN), -(i64::MAX / 60));
    }
}
