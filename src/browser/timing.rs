//! User Timing marks (`performance.mark`/`measure`): what the e2e timing tests read.

/// `performance.mark(name)`.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// `performance.measure(name, start)`, when the start mark exists (then cleared if `last`).
pub fn measure(name: &str, start: &str, last: bool) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        if p.get_entries_by_name(start).length() == 0 {
            return;
        }
        let _ = p.measure_with_start_mark(name, start);
        if last {
            p.clear_marks_with_mark_name(start);
        }
    }
}
