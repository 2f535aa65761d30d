//! Kafka version profiles: which defaults and rules apply.
//!
//! A scenario names the Kafka version it runs on; every config it leaves unset takes that
//! version's default. Defaults and their history come from `kafka-semantics.md` §A:
//! `acks` became `all` in 3.0 (KIP-679); the high watermark stopped advancing while the ISR
//! is below `min.insync.replicas` in 3.7 (KAFKA-15583).

use crate::acks::Acks;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The Kafka release whose defaults and rules a scenario follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KafkaVersion {
    /// 0.10.x: ZooKeeper, acks=1, unclean election on, high-watermark truncation.
    #[serde(rename = "0.10")]
    V0_10,
    /// 2.8: acks=1 still the default; epoch-based truncation (KIP-101/279/320).
    #[serde(rename = "2.8")]
    V2_8,
    /// 3.9: acks=all and idempotence by default; HW frozen under min ISR (3.7+).
    #[serde(rename = "3.9")]
    V3_9,
    /// 4.0: KRaft only, `linger.ms=5`; current.
    #[default]
    #[serde(rename = "4.0")]
    V4_0,
}

impl KafkaVersion {
    /// Every profile, oldest first.
    pub const ALL: [KafkaVersion; 4] = [
        KafkaVersion::V0_10,
        KafkaVersion::V2_8,
        KafkaVersion::V3_9,
        KafkaVersion::V4_0,
    ];

    /// The defaults of this version for the configs the engine models.
    pub fn defaults(self) -> Defaults {
        let modern = self >= KafkaVersion::V3_9;
        let legacy = self == KafkaVersion::V0_10;
        Defaults {
            acks: if modern { Acks::All } else { Acks::Leader },
            min_insync_replicas: 1,
            replica_fetch_wait_max_ms: 500,
            // KIP-537 raised it from 10 s to 30 s in 2.5.
            replica_lag_time_max_ms: if legacy { 10_000 } else { 30_000 },
            // KIP-106 turned it off by default in 0.11.
            unclean_leader_election_enable: legacy,
            log_flush_interval_messages: None,
            log_flush_interval_ms: None,
            request_timeout_ms: 30_000,
            // KIP-91 (2.1): retries from 0 to MAX_INT, bounded by delivery.timeout.ms.
            retries: if legacy { 0 } else { 2_147_483_647 },
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            // KIP-580 (3.7): exponential backoff with ±20 % jitter.
            exponential_backoff: modern,
            delivery_timeout_ms: 120_000,
            max_in_flight_requests_per_connection: 5,
            max_request_size: 1_048_576,
            // KIP-1030 (4.0): 0 → 5.
            linger_ms: if self >= KafkaVersion::V4_0 { 5 } else { 0 },
            // KIP-679 (3.0; effective from 3.0.1/3.1.1/3.2 after KAFKA-13598).
            enable_idempotence: modern,
            // KIP-966: opt-in in 4.0, on by default for new clusters from 4.1.
            eligible_leader_replicas_version: 0,
            message_max_bytes: 1_048_588,
            // ZooKeeper session (6 s in 0.10, 18 s from 2.5) vs KRaft broker session (9 s).
            broker_session_timeout_ms: match self {
                KafkaVersion::V0_10 => 6_000,
                KafkaVersion::V2_8 => 18_000,
                _ => 9_000,
            },
            broker_heartbeat_interval_ms: 2_000,
            // KIP-735 (3.0): 10 s → 45 s.
            consumer_session_timeout_ms: if self >= KafkaVersion::V3_9 {
                45_000
            } else {
                10_000
            },
            // KIP-134 (0.11).
            group_initial_rebalance_delay_ms: if legacy { 0 } else { 3_000 },
            replica_fetch_backoff_ms: 1_000,
            high_watermark_checkpoint_interval_ms: 5_000,
            high_watermark_frozen_below_min_isr: modern,
            truncation: if legacy {
                Truncation::HighWatermark
            } else {
                Truncation::LeaderEpoch
            },
        }
    }
}

impl fmt::Display for KafkaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KafkaVersion::V0_10 => "0.10",
            KafkaVersion::V2_8 => "2.8",
            KafkaVersion::V3_9 => "3.9",
            KafkaVersion::V4_0 => "4.0",
        })
    }
}

/// A version's defaults and behaviour switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Defaults {
    /// Producer `linger.ms`.
    pub linger_ms: u64,
    /// Producer `acks`.
    pub acks: Acks,
    /// Broker/topic `min.insync.replicas`.
    pub min_insync_replicas: u32,
    /// Broker `replica.fetch.wait.max.ms`: how long a leader holds an empty follower fetch.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: u64,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
    /// `log.flush.interval.messages` (unset: Long.MAX, never).
    pub log_flush_interval_messages: Option<u64>,
    /// `log.flush.interval.ms` (unset: never on a timer).
    pub log_flush_interval_ms: Option<u64>,
    /// Producer `request.timeout.ms`.
    pub request_timeout_ms: u64,
    /// Producer `retries`.
    pub retries: u32,
    /// Producer `retry.backoff.ms`.
    pub retry_backoff_ms: u64,
    /// Producer `retry.backoff.max.ms`.
    pub retry_backoff_max_ms: u64,
    /// Whether backoff grows exponentially with jitter (3.7+) or stays constant.
    pub exponential_backoff: bool,
    /// Producer `delivery.timeout.ms`.
    pub delivery_timeout_ms: u64,
    /// Producer `max.in.flight.requests.per.connection`.
    pub max_in_flight_requests_per_connection: u32,
    /// Producer `max.request.size`.
    pub max_request_size: u32,
    /// Producer `enable.idempotence`.
    pub enable_idempotence: bool,
    /// Feature level `eligible.leader.replicas.version` (1 turns ELR on).
    pub eligible_leader_replicas_version: u8,
    /// Broker `message.max.bytes` (1 MiB + 12 bytes of log overhead).
    pub message_max_bytes: u32,
    /// `broker.session.timeout.ms` (KRaft), or the ZooKeeper session timeout before it.
    pub broker_session_timeout_ms: u64,
    /// `broker.heartbeat.interval.ms`.
    pub broker_heartbeat_interval_ms: u64,
    /// Consumer `session.timeout.ms`.
    pub consumer_session_timeout_ms: u64,
    /// Broker `group.initial.rebalance.delay.ms`.
    pub group_initial_rebalance_delay_ms: u64,
    /// `replica.fetch.backoff.ms`.
    pub replica_fetch_backoff_ms: u64,
    /// `replica.high.watermark.checkpoint.interval.ms`.
    pub high_watermark_checkpoint_interval_ms: u64,
    /// 3.7+ (KAFKA-15583): the HW does not advance while the ISR is below min ISR.
    pub high_watermark_frozen_below_min_isr: bool,
    /// How a replica that becomes a follower finds where its log diverges.
    pub truncation: Truncation,
}

/// How a new follower truncates its log before fetching (kafka-semantics.md §B.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truncation {
    /// Before 0.11: truncate to the local high watermark, which may be stale (loses
    /// committed records: the reason KIP-101 replaced it).
    HighWatermark,
    /// 0.11+ (KIP-101/279, fenced by KIP-320): ask the leader where this replica's last
    /// leader epoch ends, and truncate there.
    LeaderEpoch,
}

/// A config's value and where it came from, so the app can show what was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// True when the scenario set it; false when it is the profile's default.
    pub explicit: bool,
}

impl<T: Copy> Setting<T> {
    /// The scenario's value if it set one, else the profile's default.
    pub fn resolve(explicit: Option<T>, default: T) -> Setting<T> {
        match explicit {
            Some(value) => Setting {
                value,
                explicit: true,
            },
            None => Setting {
                value: default,
                explicit: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_default_changed_to_all_in_3_0() {
        assert_eq!(KafkaVersion::V2_8.defaults().acks, Acks::Leader);
        assert_eq!(KafkaVersion::V3_9.defaults().acks, Acks::All);
        assert_eq!(KafkaVersion::V4_0.defaults().acks, Acks::All);
    }

    #[test]
    fn explicit_setting_wins_over_default() {
        let s = Setting::resolve(Some(Acks::Leader), Acks::All);
        assert_eq!(
            s,
            Setting {
                value: Acks::Leader,
                explicit: true
            }
        );
        let d = Setting::resolve(None, Acks::All);
        assert_eq!(
            d,
            Setting {
                value: Acks::All,
                explicit: false
            }
        );
    }
}
