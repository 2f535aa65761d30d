//! The cluster drawing: the producer, the brokers with their replicas, and every message on
//! the wire, placed along its link by its send and delivery times.

use crate::components::broker_box::BrokerBox;
use crate::geometry::{Layout, Point, VIEW_H, VIEW_W, layout, point_on_link, progress};
use delivery_lab_engine::ids::NodeId;
use delivery_lab_engine::view::{ClusterView, InFlight};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Topology`].
#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    /// The cluster at the play position.
    pub view: Rc<ClusterView>,
}

/// The animated cluster.
#[function_component(Topology)]
pub fn topology(props: &TopologyProps) -> Html {
    let view = &props.view;
    let geometry = layout(view.brokers.len());
    let p = geometry.producer;
    let summary = format!(
        "Cluster of {} brokers at {}; {} messages in flight",
        view.brokers.len(),
        view.time,
        view.in_flight.len()
    );
    html! {
        <svg class="topology" viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} role="img" aria-label={summary}
             preserveAspectRatio="xMidYMid meet">
            { for geometry.brokers.iter().map(|b| {
                let (a, z) = (p.right_mid(), b.left_mid());
                html! { <line class="link" x1={a.x.to_string()} y1={a.y.to_string()} x2={z.x.to_string()} y2={z.y.to_string()} /> }
            }) }
            <g class="producer" role="img" aria-label={format!("Producer: {} sent, {} acknowledged, {} failed", view.sent, view.acknowledged, view.failed)}>
                <rect class="producer-box" x={p.x.to_string()} y={p.y.to_string()} width={p.w.to_string()} height={p.h.to_string()} rx="10" />
                <text class="node-name" x={(p.x + 12.0).to_string()} y={(p.y + 24.0).to_string()}>{"Producer"}</text>
                <text class="node-stat" x={(p.x + 12.0).to_string()} y={(p.y + 52.0).to_string()}>{ format!("sent {}", view.sent) }</text>
                <text class="node-stat" x={(p.x + 12.0).to_string()} y={(p.y + 74.0).to_string()}>{ format!("acked {}", view.acknowledged) }</text>
                <text class="node-stat" x={(p.x + 12.0).to_string()} y={(p.y + 96.0).to_string()}>{ format!("failed {}", view.failed) }</text>
            </g>
            { for view.brokers.iter().zip(&geometry.brokers).map(|(b, rect)| html! {
                <BrokerBox broker={b.clone()} rect={*rect} />
            }) }
            <g class="messages">
                { for view.in_flight.iter().filter_map(|m| message_dot(&geometry, m, view)) }
            </g>
        </svg>
    }
}

fn anchor(geometry: &Layout, node: NodeId) -> Option<Point> {
    match node {
        NodeId::Producer(_) => Some(geometry.producer.right_mid()),
        NodeId::Broker(b) => geometry.brokers.get(b.0 as usize).map(|r| r.left_mid()),
        NodeId::Controller => None,
    }
}

fn message_dot(geometry: &Layout, m: &InFlight, view: &ClusterView) -> Option<Html> {
    let (from, to) = (anchor(geometry, m.from)?, anchor(geometry, m.to)?);
    let between_brokers = matches!((m.from, m.to), (NodeId::Broker(_), NodeId::Broker(_)));
    let t = progress(m.sent_at, m.deliver_at, view.time);
    let at = point_on_link(from, to, t, between_brokers);
    let kind = match m.name {
        "ProduceRequest" => "produce-request",
        "ProduceResponse" => "produce-response",
        "FetchRequest" => "fetch-request",
        _ => "fetch-response",
    };
    let records: Vec<String> = m.records.iter().map(|r| format!("r{}", r.0)).collect();
    let label = if records.is_empty() {
        String::new()
    } else {
        records.join(",")
    };
    let title = format!(
        "{} {} → {}, arrives at {}",
        m.name, m.from, m.to, m.deliver_at
    );
    Some(html! {
        <g class={classes!("message", kind)} transform={format!("translate({:.1} {:.1})", at.x, at.y)}>
            <title>{title}</title>
            <circle r="7" />
            if !label.is_empty() {
                <text class="message-label" x="10" y="-8">{label}</text>
            }
        </g>
    })
}
