//! The cluster drawing: the producer, the brokers with their replicas, and every message on
//! the wire, placed along its link by its send and delivery times.

use crate::components::broker_box::BrokerBox;
use crate::components::consumer_box::{consumer_box, sink_box};
use crate::components::controller_box::controller_box;
use crate::components::selectable::handlers;
use crate::edit::Target;
use crate::geometry::{
    Layout, Point, VIEW_H, VIEW_W, layout, message_label_left, point_on_link, progress,
};
use delivery_lab_engine::consumer::spec::SinkSpec;
use delivery_lab_engine::dense_map::DenseMap;
use delivery_lab_engine::ids::{NodeId, Offset, PartitionId};
use delivery_lab_engine::message::PartitionState;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::view::{BrokerView, ClusterView, InFlight, InstanceStatus, ProducersView};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Topology`].
#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    /// The cluster at the play position.
    pub view: Rc<ClusterView>,
    /// The consumer group's sink, if the scenario has a group.
    #[prop_or_default]
    pub sink: Option<SinkSpec>,
    /// The node or link selected as a fault's target.
    #[prop_or_default]
    pub selected: Option<Target>,
    /// Select a node (click or Enter).
    #[prop_or_default]
    pub on_select_node: Callback<NodeId>,
    /// Select a link (click or Enter).
    #[prop_or_default]
    pub on_select_link: Callback<(NodeId, NodeId)>,
    /// Show a record's timeline.
    #[prop_or_default]
    pub on_select_record: Callback<delivery_lab_engine::ids::RecordId>,
    /// Whether log cells carry their record's name (off while records arrive faster than
    /// they could be read; see [`crate::store::LabState::cell_labels`]).
    #[prop_or(true)]
    pub cell_labels: bool,
    /// While playing faster than logs can be read, the moment the brokers' logs are drawn
    /// at (it moves on a few times a second; see [`crate::store::LabState::logs_position`]);
    /// none to draw them at the view's moment.
    #[prop_or_default]
    pub logs_at: Option<SimTime>,
    /// Workshop mode before the reveal: messages that will be lost look like the others.
    #[prop_or_default]
    pub hide_fate: bool,
}

/// The brokers as drawn: kept while `logs_at` stays the same, so their boxes are not drawn
/// again on every frame.
#[derive(Default)]
struct DrawnBrokers {
    at: Option<SimTime>,
    brokers: Vec<Rc<BrokerView>>,
    partitions: Vec<PartitionState>,
    committed: DenseMap<PartitionId, Offset>,
}

impl DrawnBrokers {
    /// Takes the view's brokers, unless they are drawn at `logs_at` already. A broker equal to
    /// the one drawn keeps it (its box is not drawn again): after a fault dropped at the play
    /// position only the brokers it changed are redrawn, and while playing slowly only those
    /// an event touched.
    fn update(&mut self, view: &ClusterView, logs_at: Option<SimTime>) {
        let kept =
            logs_at.is_some() && self.at == logs_at && self.brokers.len() == view.brokers.len();
        if !kept {
            self.at = logs_at;
            let drawn = std::mem::take(&mut self.brokers);
            self.brokers = view
                .brokers
                .iter()
                .enumerate()
                .map(|(i, b)| match drawn.get(i) {
                    Some(old) if **old == *b => Rc::clone(old),
                    _ => Rc::new(b.clone()),
                })
                .collect();
            self.partitions.clone_from(&view.partitions);
            self.committed.clone_from(&view.group.committed);
        }
    }
}

/// The animated cluster.
#[function_component(Topology)]
pub fn topology(props: &TopologyProps) -> Html {
    let t = crate::texts::use_texts();
    let view = &props.view;
    let drawn = use_mut_ref(DrawnBrokers::default);
    drawn.borrow_mut().update(view, props.logs_at);
    let drawn = drawn.borrow();
    let mut geometry = layout(
        view.brokers.len(),
        view.partitions.len(),
        view.group.consumers.len(),
    );
    let producers = &view.producers;
    // Faults dropped on the producer strike its newest instance.
    let latest = NodeId::Producer(producers.instances.len().saturating_sub(1) as u32);
    let labels = name_messages(view, props.cell_labels);
    let lines = producer_lines(producers);
    // The box grows by a line per instance or transaction; links and messages leave from
    // the middle of the grown box.
    geometry.producer = geometry.producer.grown(22.0 * lines.len() as f64);
    let p = geometry.producer;
    let (producer_click, producer_key) = handlers(latest, &props.on_select_node);
    let producer_selected = props.selected == Some(Target::Node(latest));
    let summary = format!(
        "Cluster of {} brokers at {}; {} messages in flight",
        view.brokers.len(),
        view.time,
        view.in_flight.iter().filter(|m| !m.is_heartbeat()).count()
    );
    html! {
        <svg class="topology" viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} role="img" aria-label={summary}
             preserveAspectRatio="xMidYMid meet">
            { for links(&geometry, view).into_iter().map(|(a, b, from, to)| link(a, b, from, to, props)) }
            <g class={classes!("producer", "selectable", producer_selected.then_some("selected"))}
               data-node={latest.to_string()} tabindex="0" role="button" onclick={producer_click} onkeydown={producer_key}
               aria-pressed={producer_selected.to_string()}
               aria-label={format!("Producer: {} sent, {} acknowledged, {} failed{}", view.sent, view.acknowledged, view.failed,
                   lines.iter().map(|(l, _)| format!("; {l}")).collect::<String>())}>
                <rect class="producer-box" x={p.x.to_string()} y={p.y.to_string()} width={p.w.to_string()} height={p.h.to_string()} rx="10" />
                <text class="node-name" x={(p.x + 12.0).to_string()} y={(p.y + 24.0).to_string()}>{"Producer"}</text>
                <text class="node-stat" x={(p.x + 12.0).to_string()} y={(p.y + 52.0).to_string()}>{ (t.producer_sent)(view.sent) }</text>
                <text class="node-stat" x={(p.x + 12.0).to_string()} y={(p.y + 74.0).to_string()}>{ (t.producer_acked)(view.acknowledged) }</text>
                <text class="node-stat" x={(p.x + 12.0).to_string()} y={(p.y + 96.0).to_string()}>{ (t.producer_failed)(view.failed) }</text>
                { for lines.iter().enumerate().map(|(i, (line, class))| html! {
                    <text class={classes!("node-stat", *class)} x={(p.x + 12.0).to_string()} y={(p.y + 118.0 + 22.0 * i as f64).to_string()}>{ line.clone() }</text>
                }) }
            </g>

            { controller_box(&geometry.controller, &view.partitions, props.selected, &props.on_select_node) }
            { for view.group.consumers.iter().zip(&geometry.consumers).map(|(c, rect)| consumer_box(c, &view.group, rect, props.selected, &props.on_select_node)) }
            if let Some(rect) = geometry.sink {
                { sink_box(&view.group, props.sink, &rect) }
            }
            { for drawn.brokers.iter().zip(&geometry.brokers).map(|(b, rect)| html! {
                <BrokerBox broker={Rc::clone(b)} partitions={drawn.partitions.clone()} rect={*rect} committed={drawn.committed.clone()}
                           selected={props.selected == Some(Target::Node(NodeId::Broker(b.id)))} on_select={props.on_select_node.clone()}
                           on_select_record={props.on_select_record.clone()} cell_labels={props.cell_labels} />
            }) }
            <g class="messages">
                { for view.in_flight.iter().filter_map(|m| message_dot(&geometry, m, view, labels, !props.hide_fate)) }
            </g>
        </svg>
    }
}

/// The producer box's extra lines: its transactions, and each instance once there are
/// several (or transactions), with a class for the ones in trouble.
fn producer_lines(producers: &ProducersView) -> Vec<(String, &'static str)> {
    let mut lines = Vec::new();
    if producers.transactional {
        lines.push((
            format!("txn ✓{} ✗{}", producers.committed, producers.aborted),
            "txn-count",
        ));
    }
    if producers.transactional || producers.instances.len() > 1 {
        // The newest three: older instances are long gone.
        let skip = producers.instances.len().saturating_sub(3);
        for i in producers.instances.iter().skip(skip) {
            let doing = match (i.status, i.open_transaction) {
                (InstanceStatus::Running, Some(t)) => format!("t{t} open"),
                (status, _) => status.label().to_string(),
            };
            let class = match i.status {
                InstanceStatus::Running => "instance",
                _ => "instance instance-down",
            };
            lines.push((format!("P{} {doing}", i.id), class));
        }
    }
    lines
}

/// Every drawn link: producer and controller to each broker, each broker to each consumer.
fn links(geometry: &Layout, view: &ClusterView) -> Vec<(NodeId, NodeId, Point, Point)> {
    let mut out = Vec::new();
    for (i, b) in geometry.brokers.iter().enumerate() {
        let broker = NodeId::Broker(delivery_lab_engine::ids::BrokerId(i as u32));
        out.push((
            NodeId::Producer(0),
            broker,
            geometry.producer.right_mid(),
            b.left_mid(),
        ));
        out.push((
            NodeId::Controller,
            broker,
            geometry.controller.right_mid(),
            b.left_mid(),
        ));
        for (c, rect) in view.group.consumers.iter().zip(&geometry.consumers) {
            out.push((
                broker,
                NodeId::Consumer(c.id),
                b.right_mid(),
                rect.left_mid(),
            ));
        }
    }
    out
}

/// A link: a thin line to see, a wide transparent one to hit, focusable and selectable.
fn link(a: NodeId, b: NodeId, from: Point, to: Point, props: &TopologyProps) -> Html {
    let selected = props.selected == Some(Target::Link(a, b));
    let (click, key) = (props.on_select_link.clone(), props.on_select_link.clone());
    let onclick = Callback::from(move |_| click.emit((a, b)));
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            key.emit((a, b));
        }
    });
    let (x1, y1, x2, y2) = (
        from.x.to_string(),
        from.y.to_string(),
        to.x.to_string(),
        to.y.to_string(),
    );
    html! {
        <g class={classes!("link-target", selected.then_some("selected"))} data-link={Target::link_attr(a, b)}
           tabindex="0" role="button" aria-pressed={selected.to_string()} aria-label={format!("Link {a}–{b}")}
           {onclick} {onkeydown}>
            <line class="link-hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()} />
            <line class="link" {x1} {y1} {x2} {y2} />
        </g>
    }
}

/// Where a message leaves or reaches `node`; a broker talks to consumers from its right
/// edge, to everything else from its left.
fn anchor(geometry: &Layout, node: NodeId, other: NodeId) -> Option<Point> {
    match node {
        NodeId::Producer(_) => Some(geometry.producer.right_mid()),
        NodeId::Broker(b) => geometry.brokers.get(b.0 as usize).map(|r| {
            if matches!(other, NodeId::Consumer(_)) {
                r.right_mid()
            } else {
                r.left_mid()
            }
        }),
        NodeId::Controller => Some(geometry.controller.right_mid()),
        NodeId::Consumer(c) => geometry.consumers.get(c as usize).map(|r| r.left_mid()),
    }
}

/// How many in-flight messages carrying records may be named on the drawing at once: more
/// names pile up on the links near the producer and hide each other (each dot's tooltip
/// still names its records).
const MAX_NAMED_MESSAGES: usize = 6;

/// Whether in-flight messages carry the names of their records: not while records arrive
/// faster than they can be read (`cell_labels` off), nor when too many are in flight.
fn name_messages(view: &ClusterView, cell_labels: bool) -> bool {
    let carrying = view
        .in_flight
        .iter()
        .filter(|m| !m.records.is_empty())
        .count();
    cell_labels && carrying <= MAX_NAMED_MESSAGES
}

fn message_dot(
    geometry: &Layout,
    m: &InFlight,
    view: &ClusterView,
    labels: bool,
    show_fate: bool,
) -> Option<Html> {
    let lost = m.lost && show_fate;
    if m.is_heartbeat() {
        return None; // every two seconds from every broker: noise, not news
    }
    let (from, to) = (
        anchor(geometry, m.from, m.to)?,
        anchor(geometry, m.to, m.from)?,
    );
    let between_brokers = matches!((m.from, m.to), (NodeId::Broker(_), NodeId::Broker(_)));
    let t = progress(m.sent_at, m.deliver_at, view.time);
    let at = point_on_link(from, to, t, between_brokers);
    let kind = match m.name {
        "ProduceRequest" => "produce-request",
        "ProduceResponse" => "produce-response",
        "FetchRequest" | "OffsetsForLeaderEpoch" => "fetch-request",
        "FetchResponse" | "OffsetsForLeaderEpochResponse" => "fetch-response",
        "ConsumerFetch" => "consumer-fetch",
        "ConsumerFetchResponse" => "consumer-fetch-response",
        "OffsetCommit" | "OffsetCommitResponse" => "commit",
        _ => "control",
    };
    // A batch of many records reads as its first and last and how many.
    let label = match m.records.as_slice() {
        _ if !labels => String::new(),
        [] => String::new(),
        [first, .., last] if m.records.len() > 4 => {
            format!("r{}…r{} ({})", first.0, last.0, m.records.len())
        }
        records => records
            .iter()
            .map(|r| format!("r{}", r.0))
            .collect::<Vec<_>>()
            .join(","),
    };
    let title = if lost {
        format!(
            "{} {} → {}, will be lost: dropped at {} (a cut link, a stopped receiver or a dropped response)",
            m.name, m.from, m.to, m.deliver_at
        )
    } else {
        format!(
            "{} {} → {}, arrives at {}",
            m.name, m.from, m.to, m.deliver_at
        )
    };
    Some(html! {
        // Keyed by message: one that arrives takes its element along, the others keep theirs.
        <g key={m.message.0} class={classes!("message", kind, lost.then_some("lost"))} transform={format!("translate({:.1} {:.1})", at.x, at.y)}>
            <title>{title}</title>
            <circle r="7" />
            if !label.is_empty() {
                if message_label_left(geometry, at) {
                    <text class="message-label" x="-10" y="-8" text-anchor="end">{label}</text>
                } else {
                    <text class="message-label" x="10" y="-8">{label}</text>
                }
            }
        </g>
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use delivery_lab_engine::fault::{Fault, ScheduledFault};
    use delivery_lab_engine::ids::BrokerId;
    use delivery_lab_engine::{Scenario, run};

    #[test]
    fn only_the_brokers_a_dropped_fault_changed_are_drawn_again() {
        let scenario =
            Scenario::from_json(include_str!("../../scenarios/replication-acks-all.json")).unwrap();
        let brokers = scenario.cluster.brokers;
        let at = SimTime::from_ms(200);
        let before = ClusterView::at(&run(&scenario).unwrap().trace, brokers, at);
        let mut edited = scenario.clone();
        edited.faults.push(ScheduledFault {
            at_ms: 200,
            fault: Fault::CrashBroker {
                broker: BrokerId(2),
            },
        });
        let after = ClusterView::at(&run(&edited).unwrap().trace, brokers, at);
        let mut drawn = DrawnBrokers::default();
        drawn.update(&before, None);
        let first = drawn.brokers.clone();
        drawn.update(&after, None);
        let mut kept = 0;
        for (i, b) in after.brokers.iter().enumerate() {
            assert_eq!(*drawn.brokers[i], *b, "B{i} is drawn as it is now");
            let same = Rc::ptr_eq(&first[i], &drawn.brokers[i]);
            assert_eq!(same, before.brokers[i] == *b, "B{i} kept only if unchanged");
            kept += usize::from(same);
        }
        assert!(!after.brokers[2].running, "the crash is in the view");
        assert!(kept >= 1 && kept < after.brokers.len(), "{kept} kept");
        // While playing too fast to read, the logs stay as drawn until `logs_at` moves on.
        drawn.update(&before, Some(at));
        let held = drawn.brokers.clone();
        drawn.update(&after, Some(at));
        assert!(Rc::ptr_eq(&held[2], &drawn.brokers[2]));
    }
}
