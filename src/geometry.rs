//! Where things go on the cluster drawing: pure functions of counts and times, tested natively.

use delivery_lab_engine::time::SimTime;
use std::ops::Range;

/// Width of the drawing's coordinate space.
pub const VIEW_W: f64 = 1000.0;
/// Height of the drawing's coordinate space.
pub const VIEW_H: f64 = 560.0;
/// Left edge of the broker column (messages enter brokers here).
pub const BROKER_X: f64 = 330.0;
/// Room to the left of the first log cell, for the partition label and leader badge.
pub const LOG_LABEL_W: f64 = 120.0;
/// Room right of the last log cell, for "HW · LEO · epoch · ISR".
pub const LOG_TEXT_W: f64 = 190.0;

/// A point in the drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal.
    pub x: f64,
    /// Vertical.
    pub y: f64,
}

/// A box in the drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// The same box, `dh` taller.
    pub fn grown(self, dh: f64) -> Rect {
        Rect {
            h: self.h + dh,
            ..self
        }
    }

    /// The middle of the left edge.
    pub fn left_mid(&self) -> Point {
        Point {
            x: self.x,
            y: self.y + self.h / 2.0,
        }
    }
    /// The middle of the right edge.
    pub fn right_mid(&self) -> Point {
        Point {
            x: self.x + self.w,
            y: self.y + self.h / 2.0,
        }
    }
}

/// Width of the consumer column, when there is a consumer group.
pub const CONSUMER_W: f64 = 168.0;

/// The producer's box and one box per broker, stacked in a column; with a consumer group,
/// a column of consumer boxes on the right and the sink below them.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The producing application.
    pub producer: Rect,
    /// The controller.
    pub controller: Rect,
    /// Brokers, by id.
    pub brokers: Vec<Rect>,
    /// Consumer group members, by id (empty without a group).
    pub consumers: Vec<Rect>,
    /// The downstream sink (only with a group).
    pub sink: Option<Rect>,
}

/// Partitions named on one line of the controller's box.
pub const CONTROLLER_PER_LINE: usize = 2;
/// Lines of partitions the controller's box holds at most; more partitions are counted on
/// the last line.
pub const CONTROLLER_MAX_LINES: usize = 6;

/// How many lines the controller's box gives `partitions` partitions.
pub fn controller_lines(partitions: usize) -> usize {
    partitions
        .div_ceil(CONTROLLER_PER_LINE)
        .clamp(1, CONTROLLER_MAX_LINES)
}

/// Lays out a producer, the controller naming `partitions` partitions' leaders, `brokers`
/// brokers and `consumers` consumers.
pub fn layout(brokers: usize, partitions: usize, consumers: usize) -> Layout {
    let n = brokers.max(1) as f64;
    let margin = 16.0;
    let gap = 12.0;
    let h = (VIEW_H - 2.0 * margin - gap * (n - 1.0)) / n;
    // With consumers the brokers move left to leave room for the consumer column.
    let (broker_x, consumer_room) = if consumers > 0 {
        (BROKER_X - 100.0, CONSUMER_W + 36.0)
    } else {
        (BROKER_X, 0.0)
    };
    let boxes = (0..brokers)
        .map(|i| Rect {
            x: broker_x,
            y: margin + i as f64 * (h + gap),
            w: VIEW_W - broker_x - margin - consumer_room,
            h,
        })
        .collect();
    let sink_h = 96.0;
    let column_h = VIEW_H - 2.0 * margin - sink_h - 2.0 * gap;
    let m = consumers.max(1) as f64;
    let ch = ((column_h - gap * (m - 1.0)) / m).min(110.0);
    let cx = VIEW_W - margin - CONSUMER_W;
    let consumer_boxes = (0..consumers)
        .map(|i| Rect {
            x: cx,
            y: margin + i as f64 * (ch + gap),
            w: CONSUMER_W,
            h: ch,
        })
        .collect();
    let sink = (consumers > 0).then_some(Rect {
        x: cx,
        y: VIEW_H - margin - sink_h,
        w: CONSUMER_W,
        h: sink_h,
    });
    Layout {
        producer: Rect {
            x: 24.0,
            y: VIEW_H / 2.0 - 150.0,
            w: 150.0,
            h: 120.0,
        },
        controller: Rect {
            x: 24.0,
            y: VIEW_H / 2.0 + 60.0,
            w: 150.0,
            h: 46.0 + 18.0 * controller_lines(partitions) as f64,
        },
        brokers: boxes,
        consumers: consumer_boxes,
        sink,
    }
}

/// How far along its link a message is at `now`, from 0 (just sent) to 1 (arriving).
pub fn progress(sent_at: SimTime, deliver_at: SimTime, now: SimTime) -> f64 {
    if deliver_at <= sent_at {
        return 1.0;
    }
    let done = now.as_us().saturating_sub(sent_at.as_us()) as f64;
    (done / (deliver_at.as_us() - sent_at.as_us()) as f64).clamp(0.0, 1.0)
}

/// A point a fraction `t` along the link from `from` to `to`. Links between two brokers bow
/// out to the left of the broker column so they do not cross the boxes.
pub fn point_on_link(from: Point, to: Point, t: f64, between_brokers: bool) -> Point {
    if !between_brokers {
        return Point {
            x: from.x + (to.x - from.x) * t,
            y: from.y + (to.y - from.y) * t,
        };
    }
    let bow = 40.0 + (to.y - from.y).abs() * 0.25;
    let control = Point {
        x: from.x.min(to.x) - bow,
        y: (from.y + to.y) / 2.0,
    };
    let u = 1.0 - t;
    Point {
        x: u * u * from.x + 2.0 * u * t * control.x + t * t * to.x,
        y: u * u * from.y + 2.0 * u * t * control.y + t * t * to.y,
    }
}

/// Room a message's name takes right of its dot, in drawing units ("r12…r19 (8)").
const MESSAGE_LABEL_W: f64 = 64.0;

/// Whether a message at `at` names its records left of its dot: a name on the right would
/// run into the box of a broker or consumer the dot is about to reach.
pub fn message_label_left(layout: &Layout, at: Point) -> bool {
    layout.brokers.iter().chain(&layout.consumers).any(|r| {
        (r.x - MESSAGE_LABEL_W..=r.x + 8.0).contains(&at.x)
            && (r.y - 24.0..=r.y + r.h + 8.0).contains(&at.y)
    })
}

/// Sizes of one replica's row inside a broker box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowMetrics {
    /// Distance between two rows.
    pub row_h: f64,
    /// Height of a log cell.
    pub cell_h: f64,
    /// Width of a log cell (cells grow with the room there is, for projectors).
    pub cell_w: f64,
}

/// Rows for `rows` replicas in a broker box of height `box_h`: as large as fits, within
/// limits that keep a one-partition cluster from drawing giant cells.
pub fn row_metrics(box_h: f64, rows: usize) -> RowMetrics {
    let row_h = ((box_h - 30.0) / rows.max(1) as f64).clamp(16.0, 52.0);
    let cell_h = (row_h - 8.0).clamp(12.0, 40.0);
    RowMetrics {
        row_h,
        cell_h,
        cell_w: (cell_h + 4.0).clamp(26.0, 44.0),
    }
}

/// How many log cells of `cell_w` fit in a row of `width` (leaving room for the labels).
pub fn cells_that_fit(width: f64, cell_w: f64) -> usize {
    ((width - LOG_LABEL_W - LOG_TEXT_W) / cell_w)
        .floor()
        .max(1.0) as usize
}

/// Which offsets of a log of `len` records to draw in `fit` cells: the tail, so the newest
/// records and the high watermark stay in sight. Once the log is longer than the row, the
/// row moves on by half its length at a time, not by one cell per append: the cells stay put
/// while records arrive (calmer to watch, and the browser need not set every cell's text
/// again on every frame), and at least half a row of older records stays in sight.
pub fn visible_cells(len: usize, fit: usize) -> Range<usize> {
    if len <= fit {
        return 0..len;
    }
    let step = (fit / 2).max(1);
    let start = (len - fit).div_ceil(step) * step;
    start..len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_boxes_fit_the_drawing_without_overlapping() {
        for n in 1..=9 {
            let l = layout(n, 3, 0);
            assert_eq!(l.brokers.len(), n);
            for pair in l.brokers.windows(2) {
                assert!(pair[0].y + pair[0].h < pair[1].y, "{n} brokers overlap");
            }
            let last = l.brokers.last().unwrap();
            assert!(last.y + last.h <= VIEW_H + 0.001);
        }
    }

    #[test]
    fn the_controller_grows_with_its_partitions_and_stays_in_the_drawing() {
        let one = layout(3, 1, 0).controller;
        assert_eq!(
            one.h,
            layout(3, 2, 0).controller.h,
            "two partitions share a line"
        );
        assert!(layout(3, 6, 0).controller.h > one.h);
        for partitions in [1, 6, 12, 13, 1_000] {
            let l = layout(5, partitions, 0);
            assert!(
                l.controller.y > l.producer.y + l.producer.h,
                "below the producer"
            );
            assert!(
                l.controller.y + l.controller.h <= VIEW_H - 16.0,
                "{partitions}"
            );
            assert!(l.controller.x + l.controller.w < l.brokers[0].x);
        }
    }

    #[test]
    fn consumers_sit_right_of_the_brokers_and_above_the_sink() {
        for n in 1..=8 {
            let l = layout(5, 6, n);
            let sink = l.sink.unwrap();
            assert_eq!(l.consumers.len(), n);
            for c in &l.consumers {
                assert!(
                    c.x > l.brokers[0].x + l.brokers[0].w,
                    "right of the brokers"
                );
                assert!(c.y + c.h < sink.y, "above the sink");
            }
            for pair in l.consumers.windows(2) {
                assert!(pair[0].y + pair[0].h < pair[1].y, "{n} consumers overlap");
            }
        }
        assert!(layout(3, 1, 0).sink.is_none());
    }

    #[test]
    fn progress_runs_from_zero_to_one_and_clamps() {
        let (s, d) = (SimTime(1_000), SimTime(3_000));
        assert_eq!(progress(s, d, SimTime(1_000)), 0.0);
        assert_eq!(progress(s, d, SimTime(2_000)), 0.5);
        assert_eq!(progress(s, d, SimTime(9_000)), 1.0);
        assert_eq!(progress(s, s, SimTime(0)), 1.0);
    }

    #[test]
    fn links_start_and_end_at_their_anchors() {
        let a = Point { x: 330.0, y: 50.0 };
        let b = Point { x: 330.0, y: 400.0 };
        for bowed in [false, true] {
            assert_eq!(point_on_link(a, b, 0.0, bowed), a);
            assert_eq!(point_on_link(a, b, 1.0, bowed), b);
        }
        assert!(
            point_on_link(a, b, 0.5, true).x < 330.0,
            "bows left of the brokers"
        );
    }

    #[test]
    fn rows_fit_their_box_and_cells_stay_readable() {
        for rows in 1..=8 {
            let m = row_metrics(160.0, rows);
            assert!(m.cell_h < m.row_h, "cells leave a gap between rows");
            assert!(m.cell_w >= 26.0 && m.cell_w <= 44.0);
        }
        assert!(
            row_metrics(160.0, 1).cell_h > row_metrics(160.0, 4).cell_h,
            "fewer rows, bigger cells"
        );
        assert!(cells_that_fit(650.0, 30.0) > cells_that_fit(650.0, 44.0));
    }

    #[test]
    fn the_tail_of_a_long_log_is_visible() {
        assert_eq!(visible_cells(5, 10), 0..5);
        assert_eq!(visible_cells(100, 10), 90..100);
        let mut moves = 0;
        for len in 11..=200 {
            let cells = visible_cells(len, 10);
            assert_eq!(cells.end, len, "the newest record is drawn");
            assert!((6..=10).contains(&cells.len()), "{len}: {cells:?}");
            moves += usize::from(cells.start != visible_cells(len - 1, 10).start);
        }
        assert_eq!(
            moves, 38,
            "the row moves on by half a row, once every 5 appends"
        );
    }
    #[test]
    fn a_message_about_to_enter_a_box_is_named_on_its_left() {
        let l = layout(3, 1, 0);
        let b = l.brokers[1];
        let near = Point {
            x: b.x - 10.0,
            y: b.y + b.h / 2.0,
        };
        assert!(message_label_left(&l, near));
        let far = Point {
            x: b.x - 120.0,
            y: b.y + b.h / 2.0,
        };
        assert!(!message_label_left(&l, far), "half way along its link");
        let producer = l.producer.right_mid();
        assert!(!message_label_left(&l, producer), "leaving the producer");
    }
}
