//! The verdict panel: counts at the play position, the run's anomalies and delivery
//! guarantee, the configs in force (set or default), and what the model simplifies.

use crate::components::also_set::also_set;
use crate::components::config_name::config_name;
use crate::components::prediction::{Pick, Prediction, offered};
use crate::components::whole_run::WholeRun;
use delivery_lab_engine::acks::Acks;
use delivery_lab_engine::profile::Setting;
use delivery_lab_engine::scenario::Idempotence;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::view::ClusterView;
use delivery_lab_engine::{Run, Scenario};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`Verdict`].
#[derive(Properties)]
pub struct VerdictProps {
    /// The scenario.
    pub scenario: Rc<Scenario>,
    /// Its run.
    pub run: Rc<Run>,
    /// The cluster at the play position.
    pub view: Rc<ClusterView>,
    /// Move the play position (to an anomaly's cause).
    pub on_seek: Callback<SimTime>,
    /// Show a record's timeline.
    #[prop_or_default]
    pub on_select_record: Callback<delivery_lab_engine::ids::RecordId>,
    /// Change `acks`.
    #[prop_or_default]
    pub on_set_acks: Callback<Acks>,
    /// Change `min.insync.replicas`.
    #[prop_or_default]
    pub on_set_min_isr: Callback<u32>,
    /// Workshop mode before the reveal: the whole run's verdict is hidden behind a prediction.
    #[prop_or_default]
    pub hide_outcome: bool,
    /// What the room predicted, once revealed.
    #[prop_or_default]
    pub prediction: Option<Rc<Vec<Pick>>>,
    /// Reveal the verdict, with the prediction.
    #[prop_or_default]
    pub on_reveal: Callback<Vec<Pick>>,
}

impl PartialEq for VerdictProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && self.view == other.view
            && self.on_seek == other.on_seek
            && self.on_set_acks == other.on_set_acks
            && self.on_set_min_isr == other.on_set_min_isr
            && self.hide_outcome == other.hide_outcome
            && self.prediction == other.prediction
            && self.on_reveal == other.on_reveal
    }
}

fn origin(explicit: bool) -> Html {
    if explicit {
        html! { <span class="origin set" title="set by the scenario or by you">{"set"}</span> }
    } else {
        Html::default()
    }
}

/// `acks` as a choice: changing it re-runs the engine.
fn acks_setting(acks: Setting<Acks>, on_set: &Callback<Acks>) -> Html {
    let on_set = on_set.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let acks = match select.value().as_str() {
            "0" => Acks::None,
            "1" => Acks::Leader,
            _ => Acks::All,
        };
        on_set.emit(acks);
    });
    html! {
        <li><label><code>{"acks"}</code>{"="}
            <select class="setting" data-testid="acks" aria-label="acks" {onchange}>
                { for [Acks::None, Acks::Leader, Acks::All].into_iter().map(|a| html! {
                    <option value={a.to_string()} selected={a == acks.value}>{ a.to_string() }</option>
                }) }
            </select></label>
            { origin(acks.explicit) }</li>
    }
}

/// `min.insync.replicas` as a number from 1 to the replication factor.
fn min_isr_setting(value: Setting<u32>, rf: u32, on_set: &Callback<u32>) -> Html {
    let on_set = on_set.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(n) = input.value().parse::<u32>() {
            on_set.emit(n);
        }
    });
    html! {
        <li><label><code>{"min.insync.replicas"}</code>{"="}
            <input class="setting" type="number" min="1" max={rf.max(1).to_string()} data-testid="min-isr"
                   aria-label="min.insync.replicas" value={value.value.to_string()} {onchange} /></label>
            { origin(value.explicit) }</li>
    }
}

fn processing_name(p: delivery_lab_engine::consumer::spec::Processing) -> &'static str {
    use delivery_lab_engine::consumer::spec::Processing;
    match p {
        Processing::Synchronous => "synchronous processing",
        Processing::Buffered => "buffered processing",
    }
}

fn commit_name(c: delivery_lab_engine::consumer::spec::CommitStrategy) -> &'static str {
    use delivery_lab_engine::consumer::spec::CommitStrategy;
    match c {
        CommitStrategy::None => "auto only",
        CommitStrategy::SyncAfterBatch => "commitSync after each batch",
        CommitStrategy::AsyncAfterBatch => "commitAsync after each batch",
        CommitStrategy::SyncPerRecord => "commitSync after each record",
        CommitStrategy::SyncBeforeProcessing => "commitSync before processing",
        CommitStrategy::InSinkTransaction => "offsets in the sink's transaction",
        CommitStrategy::KafkaTransaction => "read-process-write in a Kafka transaction",
    }
}

fn flush(value: Option<u64>) -> String {
    value.map_or_else(|| "never (Long.MAX)".to_string(), |n| n.to_string())
}

/// `enable.idempotence` as it acts: a defaulted `true` that Kafka switches off (acks=1, …)
/// reads as off, with the reason, so the list agrees with the warning below it.
fn idempotence_value(scenario: &Scenario, configured: bool) -> String {
    match scenario.idempotence() {
        Ok(Idempotence::SilentlyDisabled(reason)) => format!("false (default true, off: {reason})"),
        _ => configured.to_string(),
    }
}

/// Counts, verdict and configs.
#[function_component(Verdict)]
pub fn verdict(props: &VerdictProps) -> Html {
    let t = crate::texts::use_texts();
    let view = &props.view;
    html! {
        <aside class="verdict" aria-label={t.verdict}>
            <section class="moment">
                <h2>{ t.at_this_moment }</h2>
                <dl class="counts">
                    <div><dt>{ t.sent }</dt><dd>{view.sent}</dd></div>
                    <div><dt>{ t.acknowledged }</dt><dd>{view.acknowledged}</dd></div>
                    <div><dt>{ t.failed }</dt><dd>{view.failed}</dd></div>
                    <div><dt>{ t.in_flight }</dt><dd>{view.in_flight.iter().filter(|m| !m.is_heartbeat()).count()}</dd></div>
                </dl>
            </section>
            <RunVerdict scenario={Rc::clone(&props.scenario)} run={Rc::clone(&props.run)} on_seek={props.on_seek.clone()}
                        on_select_record={props.on_select_record.clone()} on_set_acks={props.on_set_acks.clone()}
                        on_set_min_isr={props.on_set_min_isr.clone()} hide_outcome={props.hide_outcome}
                        prediction={props.prediction.clone()} on_reveal={props.on_reveal.clone()} />
        </aside>
    }
}

/// Props of [`RunVerdict`].
#[derive(Properties)]
struct RunVerdictProps {
    scenario: Rc<Scenario>,
    run: Rc<Run>,
    on_seek: Callback<SimTime>,
    on_select_record: Callback<delivery_lab_engine::ids::RecordId>,
    on_set_acks: Callback<Acks>,
    on_set_min_isr: Callback<u32>,
    hide_outcome: bool,
    prediction: Option<Rc<Vec<Pick>>>,
    on_reveal: Callback<Vec<Pick>>,
}

/// Equal for the same run of the same scenario, whatever the callbacks: the page makes new
/// ones on every frame, and what they do does not change while the run stays (they name
/// the run's scenario); the verdict of a whole run need not be drawn again while it plays.
impl PartialEq for RunVerdictProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && Rc::ptr_eq(&self.scenario, &other.scenario)
            && self.hide_outcome == other.hide_outcome
            && self.prediction == other.prediction
    }
}

/// The whole run's verdict, its anomalies and the configs in force.
#[function_component(RunVerdict)]
fn run_verdict(props: &RunVerdictProps) -> Html {
    let t = crate::texts::use_texts();
    let c = &props.run.config;
    let setting = |name: &'static str, value: String, explicit: bool| {
        html! {
            <li><span>{ config_name(name) }{"="}<strong>{value}</strong></span>{ origin(explicit) }</li>
        }
    };
    html! {
        <>
            if props.hide_outcome {
                <Prediction offered={offered(&props.scenario)} on_reveal={props.on_reveal.clone()} />
            } else {
                <WholeRun run={Rc::clone(&props.run)} on_seek={props.on_seek.clone()} on_select_record={props.on_select_record.clone()}
                          prediction={props.prediction.clone()} />
            }
            <section class="in-force">
                <h2>{ (t.configs_heading)(&props.scenario.kafka_version.to_string()) }</h2>
                <p class="configs-key">{ (t.configs_key)(&props.scenario.kafka_version.to_string()) }</p>
                <ul class="configs">
                    { acks_setting(c.acks, &props.on_set_acks) }
                    { min_isr_setting(c.min_insync_replicas, props.scenario.topic.replication_factor, &props.on_set_min_isr) }
                    { setting("unclean.leader.election.enable", c.unclean_leader_election_enable.value.to_string(), c.unclean_leader_election_enable.explicit) }
                    { setting("replica.lag.time.max.ms", c.replica_lag_time_max_ms.value.to_string(), c.replica_lag_time_max_ms.explicit) }
                    { setting("log.flush.interval.messages", flush(c.log_flush_interval_messages.value), c.log_flush_interval_messages.explicit) }
                    { setting("eligible.leader.replicas.version", c.eligible_leader_replicas_version.value.to_string(), c.eligible_leader_replicas_version.explicit) }
                    { setting("message.max.bytes", c.message_max_bytes.value.to_string(), c.message_max_bytes.explicit) }
                    { setting("request.timeout.ms", c.request_timeout_ms.value.to_string(), c.request_timeout_ms.explicit) }
                    { setting("retries", c.retries.value.to_string(), c.retries.explicit) }
                    { setting("delivery.timeout.ms", c.delivery_timeout_ms.value.to_string(), c.delivery_timeout_ms.explicit) }
                    { setting("max.in.flight.requests.per.connection", c.max_in_flight_requests_per_connection.value.to_string(), c.max_in_flight_requests_per_connection.explicit) }
                    { setting("max.request.size", c.max_request_size.value.to_string(), c.max_request_size.explicit) }
                    { setting("enable.idempotence", idempotence_value(&props.scenario, c.enable_idempotence.value), c.enable_idempotence.explicit) }
                    { for also_set(&props.scenario, false).into_iter().map(|(name, value)| setting(name, value, true)) }
                </ul>
                if let (Some(g), Some(cs)) = (&props.scenario.consumer_group, props.scenario.consumer_settings()) {
                    <h2>{ t.consumer_group }</h2>
                    <ul class="configs">
                        <li>{ format!("{} member{} · {} · commit: {} · {} ms per record", g.members, if g.members == 1 { "" } else { "s" }, processing_name(g.processing), commit_name(g.commit), g.processing_ms) }</li>
                        { setting("enable.auto.commit", cs.enable_auto_commit.value.to_string(), cs.enable_auto_commit.explicit) }
                        { setting("auto.commit.interval.ms", cs.auto_commit_interval_ms.value.to_string(), cs.auto_commit_interval_ms.explicit) }
                        { setting("auto.offset.reset", cs.auto_offset_reset.value.to_string(), cs.auto_offset_reset.explicit) }
                        { setting("max.poll.records", cs.max_poll_records.value.to_string(), cs.max_poll_records.explicit) }
                        { setting("max.poll.interval.ms", cs.max_poll_interval_ms.value.to_string(), cs.max_poll_interval_ms.explicit) }
                        { setting("session.timeout.ms", cs.session_timeout_ms.value.to_string(), cs.session_timeout_ms.explicit) }
                        { setting("heartbeat.interval.ms", cs.heartbeat_interval_ms.value.to_string(), cs.heartbeat_interval_ms.explicit) }
                        { setting("partition.assignment.strategy", cs.partition_assignment_strategy.value.to_string(), cs.partition_assignment_strategy.explicit) }
                        { for also_set(&props.scenario, true).into_iter().map(|(name, value)| setting(name, value, true)) }
                        if g.commit_on_revoke {
                            <li>{"onPartitionsRevoked → commitSync()"}</li>
                        }
                    </ul>
                }
                if let Ok(Idempotence::SilentlyDisabled(reason)) = props.scenario.idempotence() {
                    <p class="warning" data-testid="idempotence-off">
                        { format!("⚠ Idempotence is silently off: {reason}. Kafka switches a defaulted enable.idempotence off without an error (it only logs it), so retries can duplicate and reorder.") }
                    </p>
                }
                <details class="model-notes">
                    <summary>{ t.model_simplifies }</summary>
                    <ul lang={t.untranslated_lang}>
                        <li>{"Records without keys, spread round-robin over the partitions (the partitioner before 2.4; the sticky partitioners of KIP-480 / KIP-794 are not modelled). One produce request carries one partition's batch (Kafka puts every partition the broker leads in one request). A too-large batch is split in halves when batch.size would leave it whole. A non-transactional idempotent producer gets its producer id without an InitProducerId round trip."}</li>
                        <li>{"One fetch session per partition (Kafka shares one per broker pair)."}</li>
                        <li>{"Time is counted in microseconds and a fault strikes before anything else due at the same microsecond (faults are placed at whole milliseconds)."}</li>
                        <li>{"One controller that never fails; brokers learn partition changes from it directly (KRaft brokers read the metadata log)."}</li>
                        <li>{"A restarted broker's log recovery keeps exactly the fsynced prefix (an inference; real recovery validates batches)."}</li>
                        <li>{"Every broker stop is an unclean shutdown (there is no clean shutdown fault yet)."}</li>
                        <li>{"Consumers: one group on the classic protocol, with the eager range assignor (the default) or cooperative-sticky (members in id order stand in for the assignor's sorting by partitions owned); SyncGroup and OffsetFetch are folded into the JoinGroup answer, so RebalanceInProgressException comes only from the client side (a commit while the member's own JoinGroup is unanswered), never from the CompletingRebalance state; the coordinator sits on the first live broker and keeps the group's members and offsets when it moves (Kafka reloads them from __consumer_offsets); group.protocol=consumer models only the 3.7–3.9 auto-commit timing (KAFKA-18641), the rebalance stays classic."}</li>
                        <li>{"Retention: segments roll by time only (log.roll.ms, no segment.bytes); a follower far behind the leader's log start still copies the deleted prefix. Producer state expires per replica on its own clock."}</li>
                        <li>{"Several producing applications (producer.count) each get their own transactional.id (the configured one with -0, -1, … appended) and cannot yet be restarted."}</li>
                        <li>{"Transactions: a restarted instance keeps its application's transactional.id or takes a new one (restart_producer with transactional_id); write cycles (G0) are found between two or more committed transactions over the final read_committed logs; the coordinator sits on the first live broker and keeps its state when it moves (Kafka reloads __transaction_state); read-process-write's output topic is the sink as a read_committed reader sees it, and its commit is one synchronous call to the group coordinator."}</li>
                    </ul>
                </details>
            </section>
        </>
    }
}
