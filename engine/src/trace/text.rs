//! An event's details as one line of text, `key=value` separated by spaces: the golden
//! files' format after the time, node and name columns.

use super::EventKind;
use std::fmt;

impl fmt::Display for EventKind {
    /// The event's details after its name, `key=value` separated by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::PartitionCreated {
                partition,
                replicas,
                leader,
                leader_epoch,
            } => {
                let list: Vec<String> = replicas.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "{partition} replicas=[{}] leader={leader} epoch={leader_epoch}",
                    list.join(",")
                )
            }
            EventKind::SendBlocked { record } => write!(f, "{record} waits for buffer.memory"),
            EventKind::BatchSplit {
                record,
                partition,
                records,
                into,
            } => write!(
                f,
                "{partition} batch of {records} records from {record} too large for the broker: split into {into}"
            ),
            EventKind::RecordSent {
                record,
                partition,
                app,
            } => {
                write!(f, "{record} to {partition}")?;
                if *app > 0 {
                    write!(f, " app={app}")?;
                }
                Ok(())
            }
            EventKind::MessageSent {
                message,
                to,
                deliver_at,
            } => {
                write!(f, "{message} to={to} arrives={deliver_at}")
            }
            EventKind::RecordAppended {
                partition,
                offset,
                record,
                leader_epoch,
                transactional,
                control,
                ..
            } => {
                match control {
                    Some(marker) => write!(f, "{partition} offset={offset} {marker} marker")?,
                    None => write!(f, "{partition} offset={offset} {record}")?,
                }
                write!(f, " epoch={leader_epoch}")?;
                if *transactional {
                    f.write_str(" transactional")?;
                }
                Ok(())
            }
            EventKind::HighWatermarkUpdated {
                partition,
                high_watermark,
            } => {
                write!(f, "{partition} hw={high_watermark}")
            }
            EventKind::ProduceAcknowledged {
                record,
                partition,
                offset,
            } => match offset {
                Some(o) => write!(f, "{record} {partition} offset={o}"),
                None => write!(f, "{record} {partition} offset=-1 (acks=0)"),
            },
            EventKind::ProduceFailed {
                record,
                partition,
                error,
            } => {
                write!(f, "{record} {partition} {error} ({})", error.exception())
            }
            EventKind::EventLimitReached { events } => write!(f, "after {events} events"),
            EventKind::MessageDropped {
                message,
                from,
                reason,
            } => {
                write!(f, "{message} from={from} ({reason})")
            }
            EventKind::FaultApplied { fault } => write!(f, "{fault}"),
            EventKind::ProducerEpochBumped { epoch } => {
                write!(f, "epoch={epoch}, sequences restart at 0")
            }
            EventKind::ProduceRetried {
                record,
                partition,
                error,
                attempt,
            } => {
                write!(f, "{record} {partition} after {error}, retry {attempt}")
            }
            EventKind::BrokerStopped | EventKind::BrokerStarted => Ok(()),
            EventKind::BrokerFenced { broker } | EventKind::BrokerUnfenced { broker } => {
                write!(f, "{broker}")
            }
            EventKind::LeaderElected { state, unclean } => {
                write!(f, "{state}{}", if *unclean { " UNCLEAN" } else { "" })
            }
            EventKind::IsrChanged { state } => write!(f, "{state}"),
            EventKind::BecameLeader {
                partition,
                leader_epoch,
            } => {
                write!(f, "{partition} epoch={leader_epoch}")
            }
            EventKind::BecameFollower {
                partition,
                leader,
                leader_epoch,
            } => {
                write!(f, "{partition} of {leader} epoch={leader_epoch}")
            }
            EventKind::LogTruncated {
                partition,
                to,
                removed,
                reason,
            } => {
                write!(f, "{partition} to={to} removed={removed} ({reason})")
            }
            EventKind::LogFlushed { partition, offset } => write!(f, "{partition} upto={offset}"),
            EventKind::LogStartMoved {
                partition,
                log_start,
            } => write!(f, "{partition} log_start={log_start}"),
            EventKind::ProducerStateExpired {
                partition,
                producer_id,
            } => write!(f, "{partition} producer_id={producer_id}"),
            EventKind::InvariantViolated {
                invariant,
                partition,
                detail,
            } => {
                write!(f, "{invariant} {partition}: {detail}")
            }
            EventKind::Consumer(fact) => write!(f, "{fact}"),
            EventKind::Transaction(fact) => write!(f, "{fact}"),
        }
    }
}
