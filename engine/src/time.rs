//! Simulated time: integer microseconds from the start of the run.
//!
//! The engine never reads a wall clock; every duration in a scenario (Kafka's `*.ms`
//! configs included) is converted to `SimTime` once, so native and wasm runs agree.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A point in simulated time, in microseconds since the run started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);

    /// A time given in milliseconds, as Kafka's configs give durations.
    pub const fn from_ms(ms: u64) -> SimTime {
        SimTime(ms.saturating_mul(1_000))
    }

    /// This time plus a duration in microseconds, saturating rather than wrapping.
    pub const fn plus_us(self, us: u64) -> SimTime {
        SimTime(self.0.saturating_add(us))
    }

    /// This time plus a duration in milliseconds.
    pub const fn plus_ms(self, ms: u64) -> SimTime {
        self.plus_us(ms.saturating_mul(1_000))
    }

    /// Whole microseconds since the start.
    pub const fn as_us(self) -> u64 {
        self.0
    }
}

impl fmt::Display for SimTime {
    /// Milliseconds with three decimals, e.g. `12.345ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}ms", self.0 / 1_000, self.0 % 1_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_milliseconds_with_three_decimals() {
        assert_eq!(SimTime(12_345).to_string(), "12.345ms");
        assert_eq!(SimTime::from_ms(7).to_string(), "7.000ms");
    }

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(SimTime(u64::MAX).plus_ms(1), SimTime(u64::MAX));
    }
}
