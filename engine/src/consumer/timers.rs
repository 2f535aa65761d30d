//! Timers of the consuming side: a member's poll loop, processing and heartbeat thread, and
//! the group coordinator's session and rebalance deadlines.

/// A consumer member's timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerTimer {
    /// The application starts its consumer.
    Start,
    /// The heartbeat thread's tick (`heartbeat.interval.ms`): heartbeat, and check the
    /// poll interval and unanswered requests.
    HeartbeatTick,
    /// The record being processed is done.
    ProcessingDone {
        /// Which processing step this is (a crash makes older ones stale).
        step: u64,
    },
    /// A backoff before retrying a coordinator lookup or a fetch.
    Retry,
}

impl ConsumerTimer {
    /// How many kinds.
    pub const KINDS: usize = 4;

    /// The kind, `0..KINDS` (each has one delay: a lane of the event queue).
    pub fn kind(self) -> usize {
        match self {
            ConsumerTimer::Start => 0,
            ConsumerTimer::HeartbeatTick => 1,
            ConsumerTimer::ProcessingDone { .. } => 2,
            ConsumerTimer::Retry => 3,
        }
    }
}

/// The group coordinator's timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupTimer {
    /// A member's session ends unless a heartbeat came since (`beat` counts them).
    SessionExpiry {
        /// Member id.
        member: u32,
        /// Which heartbeat set this deadline.
        beat: u64,
    },
    /// The rebalance stops waiting for members to rejoin (`rebalance` numbers attempts).
    RebalanceTimeout {
        /// Which rebalance.
        rebalance: u64,
    },
    /// The periodic scan for expired committed offsets.
    OffsetsExpiration,
}

impl GroupTimer {
    /// How many kinds.
    pub const KINDS: usize = 3;

    /// The kind, `0..KINDS`.
    pub fn kind(self) -> usize {
        match self {
            GroupTimer::SessionExpiry { .. } => 0,
            GroupTimer::RebalanceTimeout { .. } => 1,
            GroupTimer::OffsetsExpiration => 2,
        }
    }
}
