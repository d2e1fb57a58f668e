//! How statuses change: the one transition table ([`IMAGE_TRANSITIONS`], [`TASK_TRANSITIONS`],
//! [`SHARE_TRANSITIONS`]) and when a transitional status completes ([`Transition`]).
//!
//! An operation looks up its [`Action`]'s rule, checks the object's current status against
//! `from` ([`Rule::allows`]), sets the transitional status `via` and records a [`Pending`] that
//! ends in `then` (`None`: the object disappears). The store completes pending transitions
//! after a number of *polls* (reads of the image through `detail`/`list`, or of the task through
//! `list-tasks`/`list-import-tasks`) or after an elapsed time; any request touching an object
//! first completes the transitions that are due, so with `Transition::Polls(0)` every transition
//! is complete by the next request.

use std::time::{Duration, Instant};

use super::model::{ImageStatus as I, ShareStatus as S, TaskStatus as T};

/// When transitional statuses complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// After this many polls of the object (`0`: by the next request of any kind).
    Polls(u32),
    /// After this much time since the transition began.
    Elapsed(Duration),
}

impl Default for Transition {
    fn default() -> Self {
        Transition::Polls(2)
    }
}

/// An operation that changes a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `create*`, `copy`, `cross-region-copy`, `create-from-shared`: a new image.
    Create,
    /// `import`: a new image (queued while its import task runs) and a new task.
    Import,
    /// `import` of an unreadable file (object key containing `corrupt`): the task fails.
    ImportCorrupt,
    /// `export`: a new task.
    Export,
    /// `delete`.
    Delete,
    /// `deactivate`.
    Deactivate,
    /// `reactivate`.
    Reactivate,
    /// `action-task` with `cancel`.
    Cancel,
    /// `shared-image/accept`.
    Accept,
    /// `shared-image/reject`.
    Reject,
}

/// One row of the transition table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule<St: 'static> {
    /// The operation.
    pub action: Action,
    /// Statuses the object may be in (empty: the operation creates the object).
    pub from: &'static [St],
    /// The status the object takes at once.
    pub via: St,
    /// The status it ends in when the transition completes; `None`: it disappears. Equal to
    /// `via` for instant changes.
    pub then: Option<St>,
}

const fn rule<St>(action: Action, from: &'static [St], via: St, then: Option<St>) -> Rule<St> {
    Rule { action, from, via, then }
}

/// Images. An imported image's end (`active` or `error`) follows its task ([`image_after_import`]).
pub const IMAGE_TRANSITIONS: &[Rule<I>] = &[
    rule(Action::Create, &[], I::Queued, Some(I::Active)),
    rule(Action::Import, &[], I::Queued, Some(I::Queued)),
    rule(
        Action::Delete,
        &[I::Active, I::Deactivated, I::Deactivating, I::Deleting, I::Error, I::Reactivating],
        I::Deleting,
        None,
    ),
    rule(Action::Deactivate, &[I::Active], I::Deactivating, Some(I::Deactivated)),
    rule(Action::Reactivate, &[I::Deactivated], I::Reactivating, Some(I::Active)),
];

/// Import and export tasks.
pub const TASK_TRANSITIONS: &[Rule<T>] = &[
    rule(Action::Import, &[], T::Importing, Some(T::Imported)),
    rule(Action::ImportCorrupt, &[], T::Importing, Some(T::ImportedFailed)),
    rule(Action::Export, &[], T::Exporting, Some(T::Exported)),
    rule(Action::Cancel, &[T::Importing, T::Exporting], T::Cancelling, Some(T::Cancelled)),
];

/// Shares (instant).
pub const SHARE_TRANSITIONS: &[Rule<S>] = &[
    rule(Action::Accept, &[S::Waiting, S::Rejected], S::Accepted, Some(S::Accepted)),
    rule(Action::Reject, &[S::Waiting, S::Accepted], S::Rejected, Some(S::Rejected)),
];

/// The status an imported image takes when its task ends in `task`.
pub fn image_after_import(task: T) -> I {
    if task == T::Imported {
        I::Active
    } else {
        I::Error
    }
}

/// The rule of `action` in `table`.
///
/// # Panics
///
/// When the table has no such rule (a bug in the fake, caught by its unit tests).
pub fn rule_of<St: Copy>(table: &'static [Rule<St>], action: Action) -> Rule<St> {
    *table.iter().find(|r| r.action == action).unwrap_or_else(|| panic!("no transition for {action:?}"))
}

impl<St: Copy + PartialEq + std::fmt::Display> Rule<St> {
    /// Whether an object in `current` may take this transition.
    pub fn allows(&self, current: St) -> bool {
        self.from.contains(&current)
    }

    /// `a, b or c`: the statuses `from`, for error messages.
    pub fn wanted(&self) -> String {
        let names: Vec<String> = self.from.iter().map(ToString::to_string).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }

    /// The pending transition it starts (none for instant changes).
    pub fn pending(&self) -> Option<Pending<St>> {
        (self.then != Some(self.via)).then(|| Pending::new(self.then))
    }
}

/// A transition in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending<St> {
    /// Where it ends (`None`: the object disappears).
    pub then: Option<St>,
    /// Polls seen so far.
    pub seen: u32,
    /// When it began.
    pub started: Instant,
}

impl<St> Pending<St> {
    /// A transition starting now.
    pub fn new(then: Option<St>) -> Pending<St> {
        Pending { then, seen: 0, started: Instant::now() }
    }

    /// Whether it is complete under `t`.
    pub fn done(&self, t: Transition) -> bool {
        match t {
            Transition::Polls(n) => self.seen >= n,
            Transition::Elapsed(d) => self.started.elapsed() >= d,
        }
    }

    /// Progress to show (0–99) while it runs.
    pub fn percent(&self, t: Transition) -> i64 {
        let p = match t {
            Transition::Polls(n) => i64::from(self.seen) * 100 / (i64::from(n) + 1),
            Transition::Elapsed(d) if d.is_zero() => 99,
            Transition::Elapsed(d) => (self.started.elapsed().as_secs_f64() / d.as_secs_f64() * 100.0) as i64,
        };
        p.clamp(0, 99)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_at_most_one_rule_per_table() {
        fn check<St>(table: &[Rule<St>]) {
            for (i, r) in table.iter().enumerate() {
                assert!(table[i + 1..].iter().all(|o| o.action != r.action), "{:?} twice", r.action);
            }
        }
        check(IMAGE_TRANSITIONS);
        check(TASK_TRANSITIONS);
        check(SHARE_TRANSITIONS);
    }

    #[test]
    fn wanted_lists_the_source_statuses() {
        assert_eq!(rule_of(IMAGE_TRANSITIONS, Action::Reactivate).wanted(), "deactivated");
        assert_eq!(rule_of(SHARE_TRANSITIONS, Action::Accept).wanted(), "waiting or rejected");
        assert!(rule_of(SHARE_TRANSITIONS, Action::Accept).pending().is_none());
        assert!(rule_of(IMAGE_TRANSITIONS, Action::Delete).pending().is_some());
    }
}
