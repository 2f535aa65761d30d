//! Each partition's replicas over time: one chart per partition with every replica's log
//! end offset (solid) and high watermark (dashed) as steps across the run, and the log
//! start offset where retention moved it. A lagging follower, a frozen high watermark and
//! a truncation after an election show as shapes; the play position is a vertical line.

use crate::app::PtrEq;
use delivery_lab_engine::Run;
use delivery_lab_engine::replica_history::{ReplicaSeries, replica_history};
use delivery_lab_engine::time::SimTime;
use std::rc::Rc;
use yew::prelude::*;

/// How many partitions get a chart.
const MAX_PARTITIONS: usize = 4;
const W: f64 = 1000.0;
const H: f64 = 90.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 14.0;

/// Props of [`ReplicaHistory`].
#[derive(Properties)]
pub struct ReplicaHistoryProps {
    /// The run.
    pub run: Rc<Run>,
    /// The play position.
    pub position: SimTime,
    /// The end of the run.
    pub end: SimTime,
}

impl PartialEq for ReplicaHistoryProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && self.position == other.position
            && self.end == other.end
    }
}

/// A step polyline through `(time, value)` changes, held to the end of the run.
fn steps(
    series: &[(SimTime, u64)],
    x: &dyn Fn(SimTime) -> f64,
    y: &dyn Fn(u64) -> f64,
    end: SimTime,
) -> String {
    let mut points = Vec::with_capacity(series.len() * 2 + 1);
    let mut last: Option<u64> = None;
    for &(t, v) in series {
        if let Some(prev) = last {
            points.push(format!("{:.1},{:.1}", x(t), y(prev)));
        }
        points.push(format!("{:.1},{:.1}", x(t), y(v)));
        last = Some(v);
    }
    if let Some(v) = last {
        points.push(format!("{:.1},{:.1}", x(end), y(v)));
    }
    points.join(" ")
}

fn chart(partition: &[&ReplicaSeries], x: &dyn Fn(SimTime) -> f64, end: SimTime, now: f64) -> Html {
    let top = partition
        .iter()
        .map(|s| s.max_leo())
        .max()
        .unwrap_or(0)
        .max(1);
    let y = |v: u64| TOP + (H - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
    let name = partition
        .first()
        .map(|s| s.partition.to_string())
        .unwrap_or_default();
    html! {
        <figure class="replica-chart">
            <figcaption>{ format!("{name}: log end offset (solid) and high watermark (dashed) per replica") }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                 aria-label={format!("{name}: each replica's log end offset and high watermark over time, up to offset {top}")}>
                <line class="chart-axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y(0).to_string()} y2={y(0).to_string()} />
                <text class="chart-tick" x={(LEFT - 4.0).to_string()} y={(y(top) + 4.0).to_string()}>{ top.to_string() }</text>
                <text class="chart-tick" x={(LEFT - 4.0).to_string()} y={(y(0) + 4.0).to_string()}>{"0"}</text>
                { for partition.iter().map(|s| {
                    let class = format!("replica-line broker-{}", s.broker.0 % 6);
                    let label_y = s.leo.last().map_or(y(0), |(_, v)| y(*v));
                    html! {
                        <g class={class}>
                            <polyline class="leo" points={steps(&s.leo, x, &y, end)} />
                            <polyline class="hw" points={steps(&s.hw, x, &y, end)} />
                            if !s.start.is_empty() {
                                <polyline class="start" points={steps(&s.start, x, &y, end)} />
                            }
                            <text class="replica-label" x={(W - RIGHT + 4.0).to_string()} y={(label_y + 4.0).to_string()}>{ s.broker.to_string() }</text>
                        </g>
                    }
                }) }
                <line class="lane-now" x1={now.to_string()} x2={now.to_string()} y1="0" y2={H.to_string()} />
            </svg>
        </figure>
    }
}

/// The panel.
#[function_component(ReplicaHistory)]
pub fn replica_history_panel(props: &ReplicaHistoryProps) -> Html {
    let history = use_memo(PtrEq(props.run.clone()), |run| {
        replica_history(&run.0.trace)
    });
    // The time axis ends a little after the last change, so a short burst of activity in a
    // long run is not squeezed against the left edge.
    let last_change = history
        .iter()
        .flat_map(|s| [s.leo.last(), s.hw.last(), s.start.last()])
        .flatten()
        .map(|(t, _)| t.as_us())
        .max()
        .unwrap_or(0);
    let end = SimTime(
        (last_change + last_change / 20 + 1_000)
            .min(props.end.as_us())
            .max(1),
    );
    let span = end.as_us() as f64;
    let x = move |t: SimTime| LEFT + (W - LEFT - RIGHT) * (t.as_us() as f64 / span).min(1.0);
    let now = x(props.position);
    let mut partitions: Vec<Vec<&ReplicaSeries>> = Vec::new();
    for s in history.iter() {
        match partitions.last_mut() {
            Some(group) if group[0].partition == s.partition => group.push(s),
            _ => partitions.push(vec![s]),
        }
    }
    let more = partitions.len().saturating_sub(MAX_PARTITIONS);
    html! {
        <section class="replica-history" aria-label="Replica logs over time" data-testid="replica-history">
            <h2>{"Replica logs over time"}</h2>
            <p class="lanes-summary">{ format!("From the start to {} (the last change).", end) }</p>
            { for partitions.iter().take(MAX_PARTITIONS).map(|p| chart(p, &x, end, now)) }
            if more > 0 {
                <p class="lanes-more">{ format!("… and {more} more partitions.") }</p>
            }
        </section>
    }
}
