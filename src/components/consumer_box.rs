//! A consumer group member's box (status, partitions, records processed) and the sink's
//! box (effects applied, applied again, de-duplicated), right of the brokers.

use crate::components::selectable::handlers;
use crate::edit::Target;
use crate::geometry::Rect;
use delivery_lab_engine::consumer::spec::SinkSpec;
use delivery_lab_engine::ids::NodeId;
use delivery_lab_engine::view::{ConsumerStatus, ConsumerView, GroupView};
use yew::prelude::*;

fn text(rect: &Rect, line: usize, class: &'static str, content: String) -> Html {
    let y = rect.y + 22.0 + line as f64 * 19.0;
    if y > rect.y + rect.h - 4.0 {
        return html! {};
    }
    html! { <text class={class} x={(rect.x + 10.0).to_string()} y={y.to_string()}>{content}</text> }
}

/// One member.
pub fn consumer_box(
    c: &ConsumerView,
    group: &GroupView,
    rect: &Rect,
    selected: Option<Target>,
    on_select: &Callback<NodeId>,
) -> Html {
    let node = NodeId::Consumer(c.id);
    let is_selected = selected == Some(Target::Node(node));
    let (onclick, onkeydown) = handlers(node, on_select);
    let partitions: Vec<String> = c
        .partitions
        .iter()
        .map(|p| match group.committed.get(p) {
            Some(o) => format!("{p}@{o}"),
            None => p.to_string(),
        })
        .collect();
    let owns = if partitions.is_empty() {
        "no partitions".to_string()
    } else {
        partitions.join(" ")
    };
    let down = matches!(c.status, ConsumerStatus::Crashed | ConsumerStatus::Closed);
    let label = format!(
        "Consumer C{}: {}, owns {owns}, processed {}",
        c.id,
        c.status.label(),
        c.processed
    );
    html! {
        <g class={classes!("consumer", "selectable", format!("status-{}", c.status.label().replace(' ', "-")), down.then_some("stopped"), is_selected.then_some("selected"))}
           data-node={node.to_string()} tabindex="0" role="button" aria-pressed={is_selected.to_string()}
           aria-label={label} {onclick} {onkeydown}>
            <rect class="consumer-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="10" />
            { text(rect, 0, "node-name", format!("C{} · {}", c.id, c.status.label())) }
            { text(rect, 1, "node-stat", owns) }
            { text(rect, 2, "node-stat", format!("processed {}", c.processed)) }
            { text(rect, 3, "node-stat", c.last_record.map(|r| format!("last {r}")).unwrap_or_default()) }
        </g>
    }
}

/// The sink and the group's generation.
pub fn sink_box(group: &GroupView, spec: Option<SinkSpec>, rect: &Rect) -> Html {
    let kind = match spec {
        Some(SinkSpec::Plain) | None => "plain sink".to_string(),
        Some(SinkSpec::Dedup { window: None }) => "dedup by id".to_string(),
        Some(SinkSpec::Dedup { window: Some(n) }) => format!("dedup, last {n} ids"),
        Some(SinkSpec::Upsert) => "upsert by key".to_string(),
        Some(SinkSpec::OffsetGuard) => "offset as a lock".to_string(),
    };
    let s = group.sink;
    let twice = s.applied_again > 0;
    let absorbed = s.deduplicated + s.overwritten;
    let label = format!(
        "Sink, {kind}: {} effects applied, {} applied again, {absorbed} repeats absorbed; group generation {}",
        s.applied, s.applied_again, group.generation
    );
    html! {
        <g class={classes!("sink", twice.then_some("has-duplicates"))} role="img" aria-label={label}>
            <rect class="sink-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="10" />
            { text(rect, 0, "node-name", format!("Sink · {kind}")) }
            { text(rect, 1, "node-stat", format!("applied {}", s.applied)) }
            { text(rect, 2, if twice { "node-stat sink-again" } else { "node-stat" }, format!("applied again {}", s.applied_again)) }
            { text(rect, 3, "node-stat", if group.rebalancing { format!("gen {} · rebalancing", group.generation) } else { format!("gen {} · absorbed {absorbed}", group.generation) }) }
        </g>
    }
}
