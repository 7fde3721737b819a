//! The JWKS prefetch's bookkeeping: one in flight at a time, no waiter ever dropped.

use crate::auth::in_flight::InFlight;

#[test]
fn a_second_start_while_in_flight_is_refused_and_keeps_the_first_ones_waiters() {
    let mut work = InFlight::idle();
    assert!(work.start());
    assert_eq!(work.wait(|| (1, "first")), Some("first"));
    assert!(!work.start(), "already in flight");
    assert_eq!(work.wait(|| (2, "second")), Some("second"));
    assert_eq!(
        work.finish(),
        vec![1, 2],
        "both waiters woken, none dropped"
    );
    assert_eq!(work.finish(), Vec::<i32>::new(), "each woken once");
}

#[test]
fn nothing_in_flight_means_nothing_to_wait_for_and_a_new_start() {
    let mut work = InFlight::<i32>::idle();
    let mut made = false;
    assert_eq!(
        work.wait(|| {
            made = true;
            (1, ())
        }),
        None
    );
    assert!(!made, "no channel made when idle");
    assert!(work.start());
    assert!(work.finish().is_empty());
    assert!(work.start(), "a finished prefetch can be started again");
}
