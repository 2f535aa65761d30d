//! The controller on the drawing: the KRaft controller's view of each partition — its
//! leader, or `none` when it has none, as `kafka-topics.sh --describe` prints it (leader -1:
//! the partition is offline, counted by `OfflinePartitionsCount`). A fault dropped on it fails
//! the controller over.

use crate::components::selectable::handlers;
use crate::edit::Target;
use crate::geometry::{CONTROLLER_MAX_LINES, CONTROLLER_PER_LINE, Rect};
use delivery_lab_engine::ids::NodeId;
use delivery_lab_engine::message::PartitionState;
use yew::prelude::*;

/// One partition as the controller's box names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// `p0→B1`, `p0→none`, or on a last line `+7 more`.
    pub text: String,
    /// Whether it is (or counts) a partition without a leader.
    pub offline: bool,
}

fn entry(s: &PartitionState) -> Entry {
    match s.leader {
        Some(l) => Entry {
            text: format!("{}→{l}", s.partition),
            offline: false,
        },
        None => Entry {
            text: format!("{}→none", s.partition),
            offline: true,
        },
    }
}

/// The box's lines: [`CONTROLLER_PER_LINE`] partitions to a line, in partition order; when
/// they do not fit in [`CONTROLLER_MAX_LINES`], the last line counts the rest and says how
/// many of them are offline.
pub fn lines(partitions: &[PartitionState]) -> Vec<Vec<Entry>> {
    let room = CONTROLLER_MAX_LINES * CONTROLLER_PER_LINE;
    let shown = if partitions.len() > room {
        room - CONTROLLER_PER_LINE
    } else {
        partitions.len()
    };
    let mut lines: Vec<Vec<Entry>> = partitions[..shown]
        .chunks(CONTROLLER_PER_LINE)
        .map(|chunk| chunk.iter().map(entry).collect())
        .collect();
    let rest = &partitions[shown..];
    if !rest.is_empty() {
        let offline = rest.iter().filter(|s| s.leader.is_none()).count();
        let text = if offline == 0 {
            format!("+{} more", rest.len())
        } else {
            format!("+{} ({offline} offline)", rest.len())
        };
        lines.push(vec![Entry {
            text,
            offline: offline > 0,
        }]);
    }
    lines
}

/// The controller's box at `rect`, selectable as a fault's target.
pub fn controller_box(
    rect: &Rect,
    partitions: &[PartitionState],
    selected: Option<Target>,
    on_select: &Callback<NodeId>,
) -> Html {
    let node = NodeId::Controller;
    let selected = selected == Some(Target::Node(node));
    let (onclick, onkeydown) = handlers(node, on_select);
    let any_offline = partitions.iter().any(|s| s.leader.is_none());
    let label = partitions
        .iter()
        .map(|s| match s.leader {
            Some(l) => format!("{} led by {l}", s.partition),
            None => format!("{} has no leader (offline)", s.partition),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let x = (rect.x + 12.0).to_string();
    html! {
        <g class={classes!("controller", "selectable", any_offline.then_some("has-offline"), selected.then_some("selected"))}
           data-node="C" tabindex="0" role="button" aria-pressed={selected.to_string()}
           aria-label={format!("Controller: {label}")} {onclick} {onkeydown}>
            <rect class="controller-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="10" />
            <text class="node-name" x={x.clone()} y={(rect.y + 24.0).to_string()}>{"Controller"}</text>
            <g class="controller-summary">
                { for lines(partitions).into_iter().enumerate().map(|(i, line)| html! {
                    <text class="node-stat" x={x.clone()} y={(rect.y + 48.0 + 18.0 * i as f64).to_string()}>
                        { for line.into_iter().enumerate().map(|(j, e)| html! {
                            <tspan class={classes!(e.offline.then_some("leaderless"))} dx={if j == 0 { "0" } else { "10" }}>{ e.text }</tspan>
                        }) }
                    </text>
                }) }
            </g>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use delivery_lab_engine::ids::{BrokerId, PartitionId};

    fn partitions(n: u32, offline: &[u32]) -> Vec<PartitionState> {
        (0..n)
            .map(|p| PartitionState {
                partition: PartitionId(p),
                leader: (!offline.contains(&p)).then_some(BrokerId(p % 5)),
                leader_epoch: Default::default(),
                isr: Vec::new(),
                elr: Vec::new(),
            })
            .collect()
    }

    fn texts(lines: &[Vec<Entry>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.iter()
                    .map(|e| e.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn every_partition_is_named_two_to_a_line() {
        let l = lines(&partitions(6, &[]));
        assert_eq!(texts(&l), ["p0→B0 p1→B1", "p2→B2 p3→B3", "p4→B4 p5→B0"]);
    }

    #[test]
    fn an_offline_partition_says_so_in_its_place() {
        let l = lines(&partitions(3, &[1]));
        assert_eq!(texts(&l), ["p0→B0 p1→none", "p2→B2"]);
        assert!(l[0][1].offline && !l[0][0].offline);
    }

    #[test]
    fn partitions_beyond_the_box_are_counted_with_their_offline_ones() {
        let l = lines(&partitions(20, &[15]));
        assert_eq!(l.len(), CONTROLLER_MAX_LINES);
        assert_eq!(texts(&l).last().unwrap(), "+10 (1 offline)");
        assert!(l.last().unwrap()[0].offline);
        let l = lines(&partitions(12, &[]));
        assert_eq!(texts(&l).last().unwrap(), "p10→B0 p11→B1", "12 fit exactly");
    }
}
