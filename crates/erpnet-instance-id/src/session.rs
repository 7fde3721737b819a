//! Session timing from the token response's `expires_in` and "now".

use serde::{Deserialize, Serialize};

/// When the session (the access token) was issued and when it expires, in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTimes {
    /// When the token response arrived.
    pub issued_at: u64,
    /// `issued_at + expires_in`, or `None` when the provider gave no lifetime.
    pub expires_at: Option<u64>,
}

impl SessionTimes {
    /// Times for a token response received at `now` with `expires_in`.
    pub fn new(now: u64, expires_in: Option<u64>) -> Self {
        SessionTimes {
            issued_at: now,
            expires_at: expires_in.map(|e| now.saturating_add(e)),
        }
    }

    /// Seconds until expiry (0 once expired); `None` when the lifetime is unknown.
    pub fn seconds_left(&self, now: u64) -> Option<u64> {
        self.expires_at.map(|e| e.saturating_sub(now))
    }

    /// Whether the session counts as expired at `now`, `leeway` seconds early (so a request
    /// does not leave with a token about to expire). An unknown lifetime never expires here;
    /// a 401 from the API then ends the session.
    pub fn is_expired(&self, now: u64, leeway: u64) -> bool {
        self.expires_at
            .is_some_and(|e| now.saturating_add(leeway) >= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let t = SessionTimes::new(1_000, Some(3_600));
        assert_eq!(t.expires_at, Some(4_600));
        assert_eq!(t.seconds_left(1_000), Some(3_600));
        assert_eq!(t.seconds_left(5_000), Some(0));
        assert!(!t.is_expired(4_539, 60));
        assert!(t.is_expired(4_540, 60));
        assert!(!t.is_expired(4_599, 0));
        assert!(t.is_expired(4_600, 0));
        let unknown = SessionTimes::new(1_000, None);
        assert_eq!(unknown.seconds_left(9_999), None);
        assert!(!unknown.is_expired(u64::MAX, u64::MAX));
        let huge = SessionTimes::new(u64::MAX - 1, Some(u64::MAX));
        assert_eq!(huge.expires_at, Some(u64::MAX));
    }
}
