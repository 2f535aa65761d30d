//! The sends whose callback reported an error: which exceptions the application saw, and
//! whether those records are in the log anyway. A failed send is neither lost nor
//! acknowledged (Jepsen counts it as indeterminate or failed); whether the record was
//! written anyway decides what a resend does.

use delivery_lab_engine::ledger::{Ledger, ProduceOutcome};
use std::collections::BTreeMap;
use yew::prelude::*;

/// What the failed sends of a run add up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failures {
    /// Per exception the application saw (with the error behind it), how many sends.
    pub by_exception: BTreeMap<(&'static str, String), usize>,
    /// Failed sends whose record is in its partition's final log anyway, as a
    /// read_committed reader sees it (a resend duplicates these).
    pub in_log: usize,
    /// Failed sends whose record some replica appended but the final log does not show
    /// (its transaction aborted, or truncated away).
    pub written_not_kept: usize,
    /// All failed sends.
    pub total: usize,
}

/// The failed sends of `ledger`, or none when every send succeeded or is pending.
pub fn failures(ledger: &Ledger) -> Option<Failures> {
    let mut by_exception = BTreeMap::new();
    let (mut in_log, mut written_not_kept, mut total) = (0, 0, 0);
    for r in &ledger.records {
        if let ProduceOutcome::Failed { error, .. } = r.outcome {
            *by_exception
                .entry((error.exception(), error.to_string()))
                .or_insert(0) += 1;
            total += 1;
            in_log += usize::from(r.copies > 0);
            written_not_kept += usize::from(r.copies == 0 && !r.placements.is_empty());
        }
    }
    (total > 0).then_some(Failures {
        by_exception,
        in_log,
        written_not_kept,
        total,
    })
}

/// Props of [`FailedSends`].
#[derive(Properties, PartialEq)]
pub struct FailedSendsProps {
    /// What the failed sends add up to.
    pub failures: Failures,
}

/// One paragraph under the verdict: the exceptions, and what a resend would do.
#[function_component(FailedSends)]
pub fn failed_sends(props: &FailedSendsProps) -> Html {
    let t = crate::texts::use_texts();
    let f = &props.failures;
    let never = f.total - f.in_log - f.written_not_kept;
    let parts: Vec<String> = [
        (f.in_log, t.failed_in_log),
        (f.written_not_kept, t.failed_not_kept),
        (never, t.failed_never_written),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    html! {
        <p class="failed-sends" data-testid="failed-sends">
            <strong>{ (t.sends_failed)(f.total) }</strong>
            { for f.by_exception.iter().enumerate().map(|(i, ((exception, error), n))| html! {
                <>
                    if i > 0 { { t.list_separator } }
                    <code>{ *exception }</code>
                    { if exception == error { format!(" ×{n}") } else { format!(" ({error}) ×{n}") } }
                </>
            }) }
            { (t.failed_not_a_loss)(&parts.join(t.clause_separator)) }
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use delivery_lab_engine::run;

    fn ledger(id: &str) -> Ledger {
        run(&crate::presets::scenario(id)).expect("runs").ledger
    }

    #[test]
    fn a_full_buffer_throws_timeouts_for_records_never_sent() {
        let f = failures(&ledger("buffer-full-send-blocks-then-throws")).expect("failures");
        assert_eq!((f.in_log, f.written_not_kept), (0, 0), "never sent");
        assert_eq!(f.total, f.by_exception.values().sum::<usize>());
        assert!(
            f.by_exception.keys().all(|(e, _)| *e == "TimeoutException"),
            "{f:?}"
        );
    }

    #[test]
    fn an_aborted_transaction_was_written_but_is_not_kept() {
        let f =
            failures(&ledger("aborted-transaction-invisible-to-read-committed")).expect("failures");
        assert_eq!(f.written_not_kept, f.total, "{f:?}");
        assert!(f.total > 0);
    }

    #[test]
    fn a_clean_run_has_no_failures() {
        assert_eq!(failures(&ledger("replication-acks-all")), None);
    }
}
