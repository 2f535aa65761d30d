//! Each partition's replicas over time: one chart per partition with every replica's log
//! end offset (solid) and high watermark (dashed) as steps across the run, and the log
//! start offset where retention moved it. A lagging follower, a frozen high watermark and
//! a truncation after an election show as shapes; the play position is a vertical line.
//!
//! The lines are built once per run (thinned to one step per horizontal unit) and drawn by
//! a child that only re-renders when the run changes; playing moves only the position line.
//! The chart stretches to its width, so its numbers and replica names are page text beside
//! it (never squeezed), the names spread apart where lines end together.

use crate::app::PtrEq;
use crate::components::foldable::{heading, is_open};
use delivery_lab_engine::Run;
use delivery_lab_engine::ids::{BrokerId, PartitionId};
use delivery_lab_engine::replica_history::{ReplicaSeries, replica_history};
use delivery_lab_engine::time::SimTime;
use std::rc::Rc;
use yew::prelude::*;

/// How many partitions get a chart.
const MAX_PARTITIONS: usize = 4;
const W: f64 = 1000.0;
/// The chart's height, in units and in CSS pixels (it is stretched in width only).
const H: f64 = 90.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 14.0;
/// The least distance between two replica names, in pixels (a line of their text).
const LABEL_GAP: f64 = 14.0;

/// One replica's lines, ready to draw.
#[derive(Clone, Debug, PartialEq)]
struct Lines {
    broker: BrokerId,
    leo: String,
    hw: String,
    start: Option<String>,
    label_y: f64,
}

/// One partition's chart, ready to draw.
#[derive(Clone, Debug, PartialEq)]
struct Chart {
    partition: PartitionId,
    top: u64,
    replicas: Vec<Lines>,
}

/// Everything the panel draws for a run: the charts and the time the axis spans.
#[derive(Debug, PartialEq)]
struct Charts {
    charts: Vec<Chart>,
    more: usize,
    end: SimTime,
}

/// A step polyline through `(time, value)` changes, held to the end of the axis, with at
/// most one step per horizontal unit (the last value in it).
fn steps(series: &[(SimTime, u64)], x: &dyn Fn(SimTime) -> f64, y: &dyn Fn(u64) -> f64) -> String {
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for &(t, v) in series {
        let (px, py) = (x(t).round(), y(v));
        match points.last_mut() {
            // Same horizontal unit: keep only the newest value.
            Some(p) if p.0 == px => p.1 = py,
            _ => {
                if let Some(prev) = last {
                    points.push((px, prev));
                }
                points.push((px, py));
            }
        }
        last = points.last().map(|p| p.1);
    }
    if let Some(v) = last {
        points.push((W, v));
    }
    let mut out = String::with_capacity(points.len() * 12);
    for (px, py) in points {
        out.push_str(&format!("{px:.0},{py:.1} "));
    }
    out
}

fn build(history: &[ReplicaSeries], run_end: SimTime) -> Charts {
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
            .min(run_end.as_us())
            .max(1),
    );
    let span = end.as_us() as f64;
    let x = move |t: SimTime| W * (t.as_us() as f64 / span).min(1.0);
    let mut groups: Vec<Vec<&ReplicaSeries>> = Vec::new();
    for s in history {
        match groups.last_mut() {
            Some(group) if group[0].partition == s.partition => group.push(s),
            _ => groups.push(vec![s]),
        }
    }
    let more = groups.len().saturating_sub(MAX_PARTITIONS);
    let charts = groups
        .iter()
        .take(MAX_PARTITIONS)
        .map(|group| {
            let top = group.iter().map(|s| s.max_leo()).max().unwrap_or(0).max(1);
            let y = move |v: u64| TOP + (H - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
            let mut replicas: Vec<Lines> = group
                .iter()
                .map(|s| Lines {
                    broker: s.broker,
                    leo: steps(&s.leo, &x, &y),
                    hw: steps(&s.hw, &x, &y),
                    start: (!s.start.is_empty()).then(|| steps(&s.start, &x, &y)),
                    label_y: s.leo.last().map_or(y(0), |(_, v)| y(*v)),
                })
                .collect();
            let mut ys: Vec<f64> = replicas.iter().map(|r| r.label_y).collect();
            spread(&mut ys, LABEL_GAP, LABEL_GAP / 2.0, H - LABEL_GAP / 2.0);
            for (r, y) in replicas.iter_mut().zip(ys) {
                r.label_y = y;
            }
            Chart {
                partition: group[0].partition,
                top,
                replicas,
            }
        })
        .collect();
    Charts { charts, more, end }
}

/// Moves positions `ys` apart until any two are at least `gap` apart, each as little as
/// it can and in the same order, inside `lo..=hi` when they fit there.
fn spread(ys: &mut [f64], gap: f64, lo: f64, hi: f64) {
    let mut order: Vec<usize> = (0..ys.len()).collect();
    order.sort_by(|&a, &b| ys[a].total_cmp(&ys[b]).then(a.cmp(&b)));
    let mut sorted: Vec<f64> = order.iter().map(|&i| ys[i]).collect();
    // Down from the top, then back up from the bottom.
    let mut floor = lo;
    for y in sorted.iter_mut() {
        *y = y.max(floor);
        floor = *y + gap;
    }
    let mut ceiling = hi;
    for y in sorted.iter_mut().rev() {
        *y = y.min(ceiling);
        ceiling = *y - gap;
    }
    for (&i, y) in order.iter().zip(sorted) {
        ys[i] = y;
    }
}

#[derive(Properties)]
struct ChartProps {
    chart: Rc<Charts>,
    index: usize,
}

impl PartialEq for ChartProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.chart, &other.chart) && self.index == other.index
    }
}

/// One chart's lines: re-rendered only when the run changes.
#[function_component(ChartLines)]
fn chart_lines(props: &ChartProps) -> Html {
    let Some(c) = props.chart.charts.get(props.index) else {
        return Html::default();
    };
    let y0 = H - BOTTOM;
    html! {
        <>
            <line class="chart-axis" x1="0" x2={W.to_string()} y1={y0.to_string()} y2={y0.to_string()} />
            { for c.replicas.iter().map(|r| html! {
                <g class={format!("replica-line broker-{}", r.broker.0 % 6)}>
                    <polyline class="leo" points={r.leo.clone()} />
                    <polyline class="hw" points={r.hw.clone()} />
                    if let Some(start) = &r.start {
                        <polyline class="start" points={start.clone()} />
                    }
                </g>
            }) }
        </>
    }
}

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

/// A style placing a line of text centred on height `y` of the chart.
fn at(y: f64) -> String {
    format!("top: {:.1}px", y - LABEL_GAP / 2.0)
}

/// The panel.
#[function_component(ReplicaHistory)]
pub fn replica_history_panel(props: &ReplicaHistoryProps) -> Html {
    let end = props.end;
    let t = crate::texts::use_texts();
    let choice = use_state(|| None::<bool>);
    let open = is_open(&choice, props.run.trace.events.len());
    let charts = use_memo((PtrEq(props.run.clone()), end, open), |(run, end, open)| {
        if *open {
            build(&replica_history(&run.0.trace), *end)
        } else {
            build(&[], *end)
        }
    });
    if !open {
        return html! {
            <section class="replica-history folded" aria-label={t.replica_logs} data-testid="replica-history">
                { heading(t, t.replica_logs, &choice, open) }
            </section>
        };
    }
    let span = charts.end.as_us().max(1) as f64;
    let now = W * (props.position.as_us() as f64 / span).min(1.0);
    let shared: Rc<Charts> = charts.clone();
    html! {
        <section class="replica-history" aria-label={t.replica_logs} data-testid="replica-history">
            { heading(t, t.replica_logs, &choice, open) }
            <p class="lanes-summary">{ (t.replica_span)(&charts.end.to_string()) }</p>
            { for charts.charts.iter().enumerate().map(|(i, c)| html! {
                <figure class="replica-chart">
                    <figcaption>{ (t.replica_caption)(&c.partition.to_string()) }</figcaption>
                    <div class="chart-body">
                        <div class="chart-ticks" aria-hidden="true">
                            <span style={at(TOP)}>{ c.top.to_string() }</span>
                            <span style={at(H - BOTTOM)}>{"0"}</span>
                        </div>
                        <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                             aria-label={format!("{}: each replica's log end offset and high watermark over time, up to offset {}", c.partition, c.top)}>
                            <ChartLines chart={shared.clone()} index={i} />
                            <line class="lane-now" x1={now.to_string()} x2={now.to_string()} y1="0" y2={H.to_string()} />
                        </svg>
                        <div class="chart-labels" aria-hidden="true">
                            { for c.replicas.iter().map(|r| html! {
                                <span class={format!("replica-label broker-{}", r.broker.0 % 6)} style={at(r.label_y)}>{ r.broker.to_string() }</span>
                            }) }
                        </div>
                    </div>
                </figure>
            }) }
            if charts.more > 0 {
                <p class="lanes-more">{ format!("… and {} more partitions.", charts.more) }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_lines_that_end_together_are_spread_a_line_apart() {
        let mut ys = [40.0, 40.0, 40.0];
        spread(&mut ys, 12.0, 6.0, 84.0);
        assert_eq!(ys, [40.0, 52.0, 64.0], "in replica order, the first stays");
    }

    #[test]
    fn names_far_apart_stay_where_their_lines_end() {
        let mut ys = [70.0, 10.0, 40.0];
        spread(&mut ys, 12.0, 6.0, 84.0);
        assert_eq!(ys, [70.0, 10.0, 40.0]);
    }

    #[test]
    fn names_at_the_edge_move_inwards_and_keep_their_order() {
        let mut ys = [84.0, 84.0, 80.0];
        spread(&mut ys, 12.0, 6.0, 84.0);
        assert_eq!(ys, [72.0, 84.0, 60.0]);
        let mut ys = [0.0, 0.0];
        spread(&mut ys, 12.0, 6.0, 84.0);
        assert_eq!(ys, [6.0, 18.0]);
    }
}
