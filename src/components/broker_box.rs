//! One broker on the cluster drawing: its replicas, each a row of log cells with the high
//! watermark and log end offset marked, and a badge on the replica that leads.

use crate::geometry::{LOG_LABEL_W, Rect, RowMetrics, cells_that_fit, row_metrics, visible_cells};
use delivery_lab_engine::view::{BrokerView, ReplicaView};
use yew::prelude::*;

/// Props of [`BrokerBox`].
#[derive(Properties, PartialEq)]
pub struct BrokerBoxProps {
    /// The broker at the play position.
    pub broker: BrokerView,
    /// Where to draw it.
    pub rect: Rect,
}

/// A broker and its replicas.
#[function_component(BrokerBox)]
pub fn broker_box(props: &BrokerBoxProps) -> Html {
    let BrokerBoxProps { broker, rect } = props;
    let metrics = row_metrics(rect.h, broker.replicas.len());
    let fit = cells_that_fit(rect.w, metrics.cell_w);
    let label = format!("Broker {}", broker.id.0);
    let aria = format!(
        "Broker {}: {} replica{}",
        broker.id.0,
        broker.replicas.len(),
        if broker.replicas.len() == 1 { "" } else { "s" }
    );
    html! {
        <g class="broker" role="img" aria-label={aria}>
            <rect class="broker-box" x={rect.x.to_string()} y={rect.y.to_string()}
                  width={rect.w.to_string()} height={rect.h.to_string()} rx="8" />
            <text class="broker-name" x={(rect.x + 10.0).to_string()} y={(rect.y + 18.0).to_string()}>{label}</text>
            { for broker.replicas.iter().enumerate().map(|(i, r)| {
                let y = rect.y + 26.0 + i as f64 * metrics.row_h;
                replica_row(r, rect.x + 10.0, y, metrics, fit)
            }) }
        </g>
    }
}

fn replica_row(replica: &ReplicaView, x: f64, y: f64, metrics: RowMetrics, fit: usize) -> Html {
    let RowMetrics { cell_h, cell_w, .. } = metrics;
    let cells = visible_cells(replica.log.len(), fit);
    let first = cells.start;
    let hw = replica.high_watermark.0 as usize;
    let cell_x = |offset: usize| x + LOG_LABEL_W + (offset - first) as f64 * cell_w;
    let font = format!("font-size: {:.0}px", (cell_h * 0.42).clamp(10.0, 15.0));
    let hw_x = if hw >= first {
        Some(cell_x(hw.min(replica.log.len())) - 1.5)
    } else {
        None
    };
    let leo = replica.log.len();
    let text_y = (y + cell_h / 2.0 + 4.0).to_string();
    html! {
        <g class={classes!("replica", replica.is_leader.then_some("leader"))}>
            <text class="partition-label" x={x.to_string()} y={text_y.clone()}>
                { format!("{}", replica.partition) }
            </text>
            if replica.is_leader {
                <rect class="leader-badge" x={(x + 30.0).to_string()} y={(y + cell_h / 2.0 - 8.0).to_string()} width="58" height="16" rx="8" />
                <text class="leader-badge-text" x={(x + 59.0).to_string()} y={(y + cell_h / 2.0 + 4.0).to_string()}>{"leader"}</text>
            } else {
                <text class="follower-label" x={(x + 34.0).to_string()} y={text_y.clone()}>{"follower"}</text>
            }
            if first > 0 {
                <text class="log-elided" x={(x + LOG_LABEL_W - 14.0).to_string()} y={text_y.clone()}>{"…"}</text>
            }
            { for replica.log[cells].iter().map(|entry| {
                let offset = entry.offset.0 as usize;
                let committed = offset < hw;
                let cx = cell_x(offset);
                let title = format!(
                    "offset {}: record {} (leader epoch {}){}",
                    offset, entry.record.0, entry.leader_epoch.0,
                    if committed { ", below the high watermark" } else { ", not yet committed" }
                );
                html! {
                    <g class={classes!("log-cell", if committed { "committed" } else { "uncommitted" })}>
                        <title>{title}</title>
                        <rect x={(cx + 1.0).to_string()} y={y.to_string()} width={(cell_w - 3.0).to_string()} height={cell_h.to_string()} rx="3" />
                        <text x={(cx + cell_w / 2.0 - 0.5).to_string()} y={text_y.clone()} style={font.clone()}>{ format!("r{}", entry.record.0) }</text>
                    </g>
                }
            }) }
            if let Some(hx) = hw_x {
                <line class="hw-marker" x1={hx.to_string()} x2={hx.to_string()} y1={(y - 3.0).to_string()} y2={(y + cell_h + 3.0).to_string()} />
            }
            <text class="offsets-label" x={(cell_x(leo.max(first)) + 6.0).to_string()} y={text_y}>
                { format!("HW {} · LEO {}", hw, leo) }
            </text>
        </g>
    }
}
