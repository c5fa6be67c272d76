//! When to ask again for a placed call's status (seed 000 `status`): quickly at first, then
//! more and more slowly up to a ceiling, and never again once the call is in a final state.
//! A few failed checks in a row, or a call that stays unfinished for too long, stop the
//! polling too: the page then says so and offers to check again.

/// The wait after the first check (made at once) before the next.
pub(crate) const FIRST_MS: u32 = 1_000;
/// The longest wait between two checks.
pub(crate) const MAX_MS: u32 = 15_000;
/// How long (waits added up) a call may stay unfinished before the polling stops.
pub(crate) const GIVE_UP_AFTER_MS: u64 = 20 * 60 * 1_000;
/// How many failed checks in a row stop the polling.
pub(crate) const MAX_FAILURES: u32 = 3;

/// What one status check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The call is in a final state (Succeeded, Failed, Cancelled).
    Final,
    /// The call is not finished yet.
    Pending,
    /// The check failed (network, proxy or platform).
    Failed,
}

/// What to do after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Check again after this many milliseconds.
    Wait(u32),
    /// Stop: the call is finished.
    Done,
    /// Stop: the checks keep failing.
    GaveUpFailing,
    /// Stop: the call has been unfinished for [`GIVE_UP_AFTER_MS`].
    GaveUpTooLong,
}

/// The polling of one call: how many checks were made, how long was waited, the failures in a
/// row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Poller {
    checks: u32,
    waited_ms: u64,
    failures: u32,
}

/// The wait after check `n` (0 is the first): `FIRST_MS × 1.5ⁿ`, at most [`MAX_MS`].
pub(crate) fn delay_ms(n: u32) -> u32 {
    let mut delay = u64::from(FIRST_MS);
    for _ in 0..n.min(32) {
        delay = delay * 3 / 2;
        if delay >= u64::from(MAX_MS) {
            return MAX_MS;
        }
    }
    delay as u32
}

impl Poller {
    /// A new poller, for a call checked once at once: the next check is due [`FIRST_MS`] after.
    pub(crate) fn new() -> Poller {
        Poller::default()
    }

    /// What to do after a check that found `outcome`.
    pub(crate) fn after(&mut self, outcome: Outcome) -> Step {
        match outcome {
            Outcome::Final => return Step::Done,
            Outcome::Failed => {
                self.failures += 1;
                if self.failures >= MAX_FAILURES {
                    return Step::GaveUpFailing;
                }
            }
            Outcome::Pending => self.failures = 0,
        }
        if self.waited_ms >= GIVE_UP_AFTER_MS {
            return Step::GaveUpTooLong;
        }
        let wait = delay_ms(self.checks);
        self.checks += 1;
        self.waited_ms += u64::from(wait);
        Step::Wait(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_waits_grow_by_half_up_to_the_ceiling() {
        let waits: Vec<u32> = (0..9).map(delay_ms).collect();
        assert_eq!(waits, [1_000, 1_500, 2_250, 3_375, 5_062, 7_593, 11_389, 15_000, 15_000]);
        assert_eq!(delay_ms(u32::MAX), MAX_MS);
    }

    #[test]
    fn a_final_state_stops_the_polling_at_once() {
        let mut p = Poller::new();
        assert_eq!(p.after(Outcome::Pending), Step::Wait(1_000));
        assert_eq!(p.after(Outcome::Pending), Step::Wait(1_500));
        assert_eq!(p.after(Outcome::Pending), Step::Wait(2_250));
        assert_eq!(p.after(Outcome::Final), Step::Done);
    }

    #[test]
    fn failures_in_a_row_give_up_but_a_success_between_them_resets_the_count() {
        let mut p = Poller::new();
        assert!(matches!(p.after(Outcome::Failed), Step::Wait(_)));
        assert!(matches!(p.after(Outcome::Failed), Step::Wait(_)));
        assert!(matches!(p.after(Outcome::Pending), Step::Wait(_)));
        assert!(matches!(p.after(Outcome::Failed), Step::Wait(_)));
        assert!(matches!(p.after(Outcome::Failed), Step::Wait(_)));
        assert_eq!(p.after(Outcome::Failed), Step::GaveUpFailing);
    }

    #[test]
    fn a_call_that_never_finishes_is_given_up_after_the_limit() {
        let mut p = Poller::new();
        let mut waited = 0;
        let mut checks = 1;
        loop {
            match p.after(Outcome::Pending) {
                Step::Wait(ms) => {
                    assert!(ms <= MAX_MS);
                    waited += u64::from(ms);
                    checks += 1;
                }
                Step::GaveUpTooLong => break,
                other => panic!("unexpected {other:?}"),
            }
            assert!(checks < 1_000, "the polling never stops");
        }
        assert!(waited >= GIVE_UP_AFTER_MS && waited < GIVE_UP_AFTER_MS + u64::from(MAX_MS), "{waited}");
        // About 20 minutes at one check every 15 s at most: bounded load on the service.
        assert!(checks <= GIVE_UP_AFTER_MS / u64::from(MAX_MS) + 10, "{checks}");
    }
}
