//! The page in Simplified Chinese. Kafka's names (configs, errors, exceptions, requests) stay
//! as Kafka spells them; each anomaly and guarantee keeps its English term in brackets, so
//! a room can match what it reads here with Jepsen's analyses and Kafka's documentation.

use super::Texts;
use crate::edit::FaultKind;
use delivery_lab_engine::AnomalyKind;
use delivery_lab_engine::ledger::Delivery;

fn anomaly(kind: AnomalyKind) -> &'static str {
    match kind {
        AnomalyKind::LostAcknowledgedWrite => "已确认写入丢失（lost acknowledged write）",
        AnomalyKind::Duplicate => "重复（duplicate）",
        AnomalyKind::Reorder => "乱序（reorder）",
        AnomalyKind::DuplicateEffect => "效果重复生效（effect applied twice）",
        AnomalyKind::LostEffect => "效果从未生效（effect never applied）",
        AnomalyKind::AbortedRead => "已中止的记录被应用（aborted record applied）",
        AnomalyKind::WriteCycle => "写入环（write cycle, G0）",
    }
}

fn anomaly_why(kind: AnomalyKind) -> &'static str {
    match kind {
        AnomalyKind::LostAcknowledgedWrite => {
            "生产者已被告知写入成功，最终 leader 的日志里却没有这条记录：持有它的副本被截断了，或从未成为 leader（acks=1、acks=0、unclean 选举，或断电时未刷盘的记录丢失）。"
        }
        AnomalyKind::Duplicate => {
            "日志中这条记录出现了不止一次：一次已经写入成功的写被重试或重新发送。enable.idempotence 只能消除同一生产者会话内自身重试造成的重复；只有 transactional.id 能隔离（fence）第二个实例。"
        }
        AnomalyKind::Reorder => {
            "后发送的记录先于先发送的记录落入日志：max.in.flight.requests.per.connection 大于 1 且未开启幂等时，被重试的批次被后面的批次超过。"
        }
        AnomalyKind::DuplicateEffect => {
            "消费组在崩溃或再均衡（rebalance）之后、位移提交之前再次处理了这条记录：先处理后提交是至少一次，除非下游去重，或把位移与结果存在同一个事务里。"
        }
        AnomalyKind::LostEffect => {
            "消费组在这条记录的效果到达下游之前就越过了它：自动提交配合缓冲处理，或先提交后处理，然后崩溃；或者保留策略（log.retention.ms）在消费组读取之前删除了它，auto.offset.reset 又跳过了它。"
        }
        AnomalyKind::WriteCycle => {
            "两个事务以相反的顺序写入相同的分区：在一个分区上第一个事务的记录在前，在另一个分区上第二个事务的在前。每个分区只按到达顺序排列写入，所以 Kafka 的事务是原子的（全有或全无，read_committed），但不可串行化；G0 是允许的（见 Jepsen 对 Kafka 的分析）。"
        }
        AnomalyKind::AbortedRead => {
            "消费者应用了一条所属事务已中止的记录：isolation.level=read_uncommitted（默认值）时，消费者会读过未完成和已中止的事务；read_committed 会停在最后稳定位移（LSO）处。"
        }
    }
}

fn fault(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::Crash => "崩溃",
        FaultKind::Restart => "重启",
        FaultKind::PowerLoss => "断电",
        FaultKind::DiskLoss => "磁盘损坏",
        FaultKind::Isolate => "网络隔离",
        FaultKind::Reconnect => "恢复网络",
        FaultKind::DropResponse => "丢弃下一个响应",
        FaultKind::Pause => "GC 停顿 15 秒",
        FaultKind::Close => "close()",
        FaultKind::UnsubscribeClose => "unsubscribe + close",
        FaultKind::CutLink => "切断链路",
        FaultKind::SlowLink => "链路变慢 +50 ms",
        FaultKind::HealLink => "修复链路",
        FaultKind::AddPartitions => "增加 2 个分区",
    }
}

fn fault_applies_to(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::Crash | FaultKind::Restart | FaultKind::Isolate | FaultKind::Reconnect => {
            " broker、生产者或消费者"
        }
        FaultKind::PowerLoss | FaultKind::DiskLoss | FaultKind::DropResponse => " broker",
        FaultKind::Pause => "生产者或消费者",
        FaultKind::Close | FaultKind::UnsubscribeClose => "消费者",
        FaultKind::CutLink | FaultKind::SlowLink | FaultKind::HealLink => "链路",
        FaultKind::AddPartitions => "控制器",
    }
}

fn delivery(d: Delivery) -> &'static str {
    match d {
        Delivery::NothingAcknowledged => "没有记录被确认（nothing acknowledged）",
        Delivery::ExactlyOnce => "精确一次（exactly-once）",
        Delivery::AtLeastOnce => "至少一次（at-least-once）",
        Delivery::AtMostOnce => "至多一次（at-most-once）",
        Delivery::NoGuarantee => "没有任何保证（no guarantee）",
    }
}

/// Simplified Chinese.
pub static ZH: Texts = Texts {
    tagline: "Kafka 什么时候会丢消息、重复或乱序？怎样才能避免？",
    workshop_toggle: "工作坊：先预测，再揭晓",
    workshop_toggle_title: "工作坊模式：在大家做出预测之前，整次运行的结论保持隐藏",
    language: "语言",
    scenario: "场景",
    opened_from_file: "— 从文件打开 —",
    open_scenario: "打开场景文件…",
    moment_link: "链接到此刻 ↗",
    open_in_lab: "在 Kafka Delivery Lab 中打开 ↗",
    moment_link_title_edited: "在新标签页中打开这个场景（包含你做的所有修改），停在此刻；可以分享它的地址",
    moment_link_title_preset: "在新标签页中打开这个预设场景，停在此刻；可以分享它的地址",
    hidden_until_reveal: "工作坊模式：场景说明、记录泳道、副本图表、每条记录的时间线，以及播放位置之后的轨迹，会在揭晓结论后显示。",
    rerunning_from: |t| format!("正在从 {t} 的快照重新运行引擎…"),
    rerunning_from_start: "正在从头重新运行引擎…",

    palette_hint: "把故障拖到 broker、生产者、消费者、控制器或链路上——或先选中一个节点（点击，或 Tab 加 Enter），再按故障按钮。",
    palette_hint_selected: |node| format!("已选中 {node}：故障按钮会在播放位置作用于它。"),

    fault,
    fault_title: |kind| format!("{}：作用于{}", fault(kind), fault_applies_to(kind)),

    broker_stopped: "✕ 已停止",
    broker_fenced: "⚠ 已被控制器隔离（fenced）",
    leader: "leader",
    old_leader: "旧 leader",
    in_isr: "在 ISR 中",
    out_of_isr: "不在 ISR 中",
    producer_sent: |n| format!("已发送 {n}"),
    producer_acked: |n| format!("已确认 {n}"),
    producer_failed: |n| format!("失败 {n}"),

    playback: "播放",
    rewind: "回到开头（Home）",
    step_back: "后退一个事件（←）",
    play: "播放（空格）",
    pause: "暂停（空格）",
    step_forward: "前进一个事件（→）",
    to_end: "到结尾（End）",
    play_position: "播放位置",
    fault_marker: |what, at| {
        format!("{what}，于 {at}：Enter 跳到那里，←/→ 移动它，Delete 删除它，也可以拖动")
    },
    speed: "速度 ",
    playback_speed: "播放速度",

    legend: "图例",
    consumer_fetch: "消费者 fetch",
    controller_group: "控制器 / 消费组",
    will_be_lost: "将会丢失",
    committed_below_hw: "已提交（HW 之下）",
    not_yet_committed: "尚未提交",
    high_watermark: "高水位（HW）",
    group_committed_offset: "消费组已提交的位移",
    on_disk: "已落盘（fsync）",

    verdict: "结论",
    at_this_moment: "此刻",
    sent: "已发送",
    acknowledged: "已确认",
    failed: "失败",
    in_flight: "传输中",

    whole_run: "整次运行的结论",
    no_anomaly_headline: "✓ 没有异常",
    observed: ("观察到：", "（生产者 → 日志）"),
    end_to_end: ("端到端：", "（生产者 → 下游）"),
    effects: |applied, twice, processings| {
        format!(
            "{applied} 条记录的效果到达了下游，其中 {twice} 条不止一次；共处理 {processings} 次。"
        )
    },
    record_counts: |sent, acknowledged, failed| {
        format!("共发送 {sent} 条记录，{acknowledged} 条已确认，{failed} 条失败且应用收到了错误；")
    },
    none_lost: "没有丢失、重复或乱序。",
    anomaly_count: |n| format!("{n} 个异常。"),
    cause_on: |event, node| format!("{node} 上的 {event}"),
    show: "查看",
    show_cause_of: |kind, record| format!("查看 {record} 的{kind}的原因"),
    timeline_of: |record| format!("{record} 的时间线"),
    and_more: |n| format!("……还有 {n} 个"),
    offline_partition: |p| format!("{p} 在结束时没有 leader：它的记录不可用，但没有丢失。"),
    invariants_broken: "被破坏的不变式",
    anomaly,
    anomaly_why,
    delivery,

    configs_heading: |v| format!("配置（Kafka {v}）"),
    configs_key: |v| format!("标记为 set 的来自场景或你的修改；其余是 Kafka {v} 的默认值。"),
    consumer_group: "消费组",
    model_simplifies: "这个模型简化了什么（英文）",
    settings_summary: "设置——每个参数，都用 Kafka 的名字",
    trace: "轨迹",
    trace_heading: |at, of| format!("轨迹 · 第 {at} 个事件，共 {of} 个（说明为英文）"),
    untranslated_lang: Some("en"),

    hide: "收起",
    unfold: "展开",
    hide_panel: |title| format!("收起{title}"),
    show_panel: |title| format!("展开{title}"),
    records: "记录",
    records_lanes: "记录，每条一道",
    lanes_summary: |n, anomalous| format!("共 {n} 条记录，{anomalous} 条有异常（排在前面）。"),
    lanes_key: [
        "○ 已发送",
        "| 已追加",
        "● 已确认",
        "◆ 已提交",
        "✕ 失败或中止",
        "■ 已处理",
    ],
    replica_logs: "副本日志随时间的变化",
    replica_span: |end| format!("从开始到 {end}（最后一次变化）。"),
    replica_caption: |p| format!("{p}：每个副本的日志末端位移（LEO，实线）和高水位（HW，虚线）"),

    sends_failed: |n| format!("{n} 次发送失败："),
    failed_in_log: "条仍在最终日志中（重发会造成重复）",
    failed_not_kept: "条写入过，但不在最终日志中（事务中止或被截断）",
    failed_never_written: "条从未写入任何副本",
    failed_not_a_loss: |parts| format!("。这不算丢失：应用已收到错误。其中 {parts}。"),

    predict_question: "揭晓之前保持隐藏。这次运行会出现什么？",
    prediction: "预测",
    no_anomaly: "没有异常",
    reveal: "揭晓结论",
    prediction_right: |what| format!("✓ 预测正确：{what}。"),
    prediction_off: |parts| format!("✗ 预测有误：{parts}。"),
    was_right: |what| format!("{what}预测对了"),
    was_not_predicted: |what| format!("{what}没有被预测到"),
    did_not_happen: |what| format!("{what}并没有发生"),
    list_separator: "、",
    clause_separator: "；",
};
