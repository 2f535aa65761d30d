//! One broker on the cluster drawing: its replicas, each a row of log cells with the high
//! watermark and log end offset marked, a badge on the replica that leads, its ISR
//! membership, and which records are on disk (fsynced) rather than only in the page cache.

use crate::components::log_cells::{CellRow, log_cells};
use crate::components::selectable::handlers;
use crate::geometry::{
    LOG_LABEL_W, LOG_TEXT_W, Rect, RowMetrics, cells_that_fit, row_metrics, visible_cells,
};
use delivery_lab_engine::dense_map::DenseMap;
use delivery_lab_engine::ids::{BrokerId, NodeId, Offset, PartitionId, RecordId};
use delivery_lab_engine::message::PartitionState;
use delivery_lab_engine::view::{BrokerView, ReplicaView};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`BrokerBox`].
#[derive(Properties, PartialEq)]
pub struct BrokerBoxProps {
    /// The broker at the play position (shared: a box whose broker did not change is not
    /// drawn again).
    pub broker: Rc<BrokerView>,
    /// Each partition's state as the controller decided it.
    pub partitions: Vec<PartitionState>,
    /// Where to draw it.
    pub rect: Rect,
    /// The consumer group's committed offset per partition (marked on leader rows).
    #[prop_or_default]
    pub committed: DenseMap<PartitionId, Offset>,
    /// Whether it is the selected fault target.
    #[prop_or_default]
    pub selected: bool,
    /// Select it (click or Enter).
    #[prop_or_default]
    pub on_select: Callback<NodeId>,
    /// Show a record's timeline (click on its log cell).
    #[prop_or_default]
    pub on_select_record: Callback<RecordId>,
    /// Whether log cells carry their record's name.
    #[prop_or(true)]
    pub cell_labels: bool,
}

/// A broker and its replicas.
#[function_component(BrokerBox)]
pub fn broker_box(props: &BrokerBoxProps) -> Html {
    let t = crate::texts::use_texts();
    let BrokerBoxProps {
        broker,
        partitions,
        rect,
        committed,
        selected,
        on_select,
        on_select_record,
        cell_labels,
    } = props;
    let node = NodeId::Broker(broker.id);
    let (onclick, onkeydown) = handlers(node, on_select);
    let metrics = row_metrics(rect.h, broker.replicas.len());
    let fit = cells_that_fit(rect.w, metrics.cell_w);
    let status = match (broker.running, broker.fenced) {
        (false, _) => "stopped",
        (true, true) => "fenced",
        (true, false) => "",
    };
    let aria = format!(
        "Broker {}{}: {} replica{}",
        broker.id.0,
        if status.is_empty() {
            String::new()
        } else {
            format!(" ({status})")
        },
        broker.replicas.len(),
        if broker.replicas.len() == 1 { "" } else { "s" }
    );
    html! {
        <g class={classes!("broker", "selectable", (!broker.running).then_some("stopped"), selected.then_some("selected"))}
           data-node={node.to_string()} tabindex="0" role="button" aria-pressed={selected.to_string()}
           aria-label={aria} {onclick} {onkeydown}>
            <rect class="broker-box" x={rect.x.to_string()} y={rect.y.to_string()}
                  width={rect.w.to_string()} height={rect.h.to_string()} rx="8" />
            <text class="broker-name" x={(rect.x + 10.0).to_string()} y={(rect.y + 18.0).to_string()}>
                { format!("Broker {}", broker.id.0) }
            </text>
            if !status.is_empty() {
                <text class={classes!("broker-status", status)} x={(rect.x + 96.0).to_string()} y={(rect.y + 18.0).to_string()}>
                    { if status == "stopped" { t.broker_stopped } else { t.broker_fenced } }
                </text>
            }
            { for broker.replicas.iter().enumerate().map(|(i, r)| {
                let y = rect.y + 26.0 + i as f64 * metrics.row_h;
                let state = partitions.iter().find(|s| s.partition == r.partition);
                let row = Row { x: rect.x + 10.0, y, metrics, fit, labels: *cell_labels, texts: t };
                replica_row(r, broker.id, state, committed.get(&r.partition).copied(), row, on_select_record)
            }) }
        </g>
    }
}

/// Where one replica row goes and how many cells it has room for.
struct Row {
    x: f64,
    y: f64,
    metrics: RowMetrics,
    fit: usize,
    labels: bool,
    texts: &'static crate::texts::Texts,
}

fn replica_row(
    replica: &ReplicaView,
    me: BrokerId,
    state: Option<&PartitionState>,
    committed: Option<Offset>,
    row: Row,
    on_select_record: &Callback<RecordId>,
) -> Html {
    let Row {
        x,
        y,
        metrics,
        fit,
        labels,
        texts: t,
    } = row;
    let RowMetrics { cell_h, cell_w, .. } = metrics;
    let leo = replica.log_end_offset().0 as usize;
    let cells = visible_cells(leo, fit.min(replica.log.len()));
    let first = cells.start;
    let hw = replica.high_watermark.0 as usize;
    let flushed = replica.flushed.0 as usize;
    let cell_x = |offset: usize| x + LOG_LABEL_W + (offset - first) as f64 * cell_w;
    let hw_x = if hw >= first {
        Some(cell_x(hw.min(leo)) - 1.5)
    } else {
        None
    };
    let lso = replica.last_stable_offset().0 as usize;
    let lso_x = (lso < hw && lso >= first).then(|| cell_x(lso) - 1.5);
    let label_x = cell_x(leo.max(first)) + 6.0;
    let room = x + LOG_LABEL_W + fit as f64 * cell_w + LOG_TEXT_W - label_x;
    let text_y = (y + cell_h / 2.0 + 4.0).to_string();
    let in_isr = state.is_some_and(|s| s.isr.contains(&me));
    let true_leader = state.and_then(|s| s.leader) == Some(me);
    let (shown_label, full_label) = offsets_label(hw, leo, replica, state, true_leader, room);
    let (badge, badge_class) = match (replica.is_leader, true_leader) {
        (true, true) => (t.leader, "leader-badge"),
        (true, false) => (t.old_leader, "leader-badge stale"),
        _ => ("", ""),
    };
    let isr_text = if in_isr { t.in_isr } else { t.out_of_isr };
    html! {
        <g class={classes!("replica", replica.is_leader.then_some("leader"), (!in_isr).then_some("out-of-isr"))}>
            <text class="partition-label" x={x.to_string()} y={text_y.clone()}>{ replica.partition.to_string() }</text>
            if badge.is_empty() {
                <text class="follower-label" x={(x + 26.0).to_string()} y={text_y.clone()}>{ isr_text }</text>
            } else {
                <rect class={badge_class} x={(x + 24.0).to_string()} y={(y + cell_h / 2.0 - 8.0).to_string()} width="70" height="16" rx="8" />
                <text class="leader-badge-text" x={(x + 59.0).to_string()} y={(y + cell_h / 2.0 + 4.0).to_string()}>{ badge }</text>
            }
            if first > 0 {
                <text class="log-elided" x={(x + LOG_LABEL_W - 14.0).to_string()} y={text_y.clone()}>{"…"}</text>
            }
            if let Some(c) = committed.filter(|c| true_leader && (c.0 as usize) < first) {
                // The group's committed offset is further back than the cells drawn.
                <text class="commit-behind" x={(x + LOG_LABEL_W - 16.0).to_string()} y={(y - 2.0).to_string()}>
                    <title>{ format!("consumer group's committed offset {c}, behind the records drawn") }</title>
                    { format!("▼{c}") }
                </text>
            }
            { log_cells(replica.entries(cells.clone()), CellRow {
                x: x + LOG_LABEL_W,
                y,
                metrics,
                slots: fit,
                offsets: cells,
                high_watermark: hw,
                flushed,
                log_start: replica.log_start.0 as usize,
                details: labels,
                on_select_record,
            }) }
            if let Some(c) = committed.filter(|c| true_leader && c.0 as usize >= first && c.0 as usize <= leo) {
                { commit_marker(cell_x(c.0 as usize) - 1.5, y, c) }
            }
            if let Some(hx) = hw_x {
                <line class="hw-marker" x1={hx.to_string()} x2={hx.to_string()} y1={(y - 3.0).to_string()} y2={(y + cell_h + 3.0).to_string()} />
            }
            if let Some(lx) = lso_x {
                <line class="lso-marker" x1={lx.to_string()} x2={lx.to_string()} y1={(y - 3.0).to_string()} y2={(y + cell_h + 3.0).to_string()}>
                    <title>{ format!("last stable offset {lso}: read_committed consumers stop here while a transaction is open") }</title>
                </line>
            }
            <text class="offsets-label" x={label_x.to_string()} y={text_y}>
                <title>{ full_label }</title>
                { shown_label }
            </text>
        </g>
    }
}

/// The group's committed offset: a small flag above the cell boundary where the next
/// owner of the partition would resume.
fn commit_marker(x: f64, y: f64, committed: Offset) -> Html {
    let points = format!(
        "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        x - 5.0,
        y - 9.0,
        x + 5.0,
        y - 9.0,
        x,
        y - 2.0
    );
    html! {
        <polygon class="commit-marker" points={points}>
            <title>{ format!("consumer group's committed offset {committed}: a new owner resumes here") }</title>
        </polygon>
    }
}

/// Approximate width of one character of the 12 px offsets label.
const LABEL_CHAR_PX: f64 = 6.8;

/// The replica's offsets, as much as fits in `room` pixels (the rest is in the tooltip):
/// HW and LEO always; then the LSO when a transaction holds it back, the ISR on the leader,
/// the leader epoch, and the log start once retention moved it. Returns (shown, full).
fn offsets_label(
    hw: usize,
    leo: usize,
    replica: &ReplicaView,
    state: Option<&PartitionState>,
    leads: bool,
    room: f64,
) -> (String, String) {
    let lso = replica.last_stable_offset().0 as usize;
    let start = replica.log_start.0 as usize;
    let core = format!("HW {hw} · LEO {leo}");
    let lso_part = (lso < hw).then(|| format!("LSO {lso} · "));
    let isr_part = state.filter(|_| leads).map(|s| {
        let isr: Vec<String> = s.isr.iter().map(ToString::to_string).collect();
        format!(" · ISR {}", isr.join(","))
    });
    let epoch_part = Some(format!(" · e{}", replica.leader_epoch.0));
    let start_part = (start > 0).then(|| format!("start {start} · "));
    let assemble = |lso: &Option<String>,
                    isr: &Option<String>,
                    epoch: &Option<String>,
                    start: &Option<String>| {
        format!(
            "{}{}{core}{}{}",
            start.as_deref().unwrap_or(""),
            lso.as_deref().unwrap_or(""),
            epoch.as_deref().unwrap_or(""),
            isr.as_deref().unwrap_or("")
        )
    };
    let full = assemble(&lso_part, &isr_part, &epoch_part, &start_part);
    let fits = |text: &str| text.chars().count() as f64 * LABEL_CHAR_PX <= room;
    let (mut lso_s, mut isr_s, mut epoch_s, mut start_s) = (None, None, None, None);
    for piece in 0..4 {
        let trial = match piece {
            0 => (
                lso_part.clone(),
                isr_s.clone(),
                epoch_s.clone(),
                start_s.clone(),
            ),
            1 => (
                lso_s.clone(),
                isr_part.clone(),
                epoch_s.clone(),
                start_s.clone(),
            ),
            2 => (
                lso_s.clone(),
                isr_s.clone(),
                epoch_part.clone(),
                start_s.clone(),
            ),
            _ => (
                lso_s.clone(),
                isr_s.clone(),
                epoch_s.clone(),
                start_part.clone(),
            ),
        };
        if fits(&assemble(&trial.0, &trial.1, &trial.2, &trial.3)) {
            (lso_s, isr_s, epoch_s, start_s) = trial;
        }
    }
    (assemble(&lso_s, &isr_s, &epoch_s, &start_s), full)
}
