//! The verdict panel: counts at the play position, the run's anomalies and delivery
//! guarantee, the configs in force (set or default), and what the model simplifies.

use delivery_lab_engine::view::ClusterView;
use delivery_lab_engine::{Run, Scenario};
use std::rc::Rc;
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
}

impl PartialEq for VerdictProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run) && self.view == other.view
    }
}

fn anomaly_summary(kinds: &[delivery_lab_engine::AnomalyKind]) -> String {
    let names: Vec<String> = kinds.iter().map(ToString::to_string).collect();
    let text = names.join(", ");
    let mut chars = text.chars();
    chars
        .next()
        .map_or(text.clone(), |c| c.to_uppercase().chain(chars).collect())
}

/// Counts, verdict and configs.
#[function_component(Verdict)]
pub fn verdict(props: &VerdictProps) -> Html {
    let ledger = &props.run.ledger;
    let view = &props.view;
    let c = &props.run.config;
    let delivery = ledger.delivery();
    let safe = ledger.anomalies.is_empty();
    let setting = |name: &'static str, value: String, explicit: bool| {
        html! {
            <li><code>{name}</code>{"="}<strong>{value}</strong>
                <span class={classes!("origin", explicit.then_some("set"))}>{ if explicit { "set" } else { "default" } }</span></li>
        }
    };
    html! {
        <aside class="verdict" aria-label="Verdict">
            <h2>{"At this moment"}</h2>
            <dl class="counts">
                <div><dt>{"sent"}</dt><dd>{view.sent}</dd></div>
                <div><dt>{"acknowledged"}</dt><dd>{view.acknowledged}</dd></div>
                <div><dt>{"failed"}</dt><dd>{view.failed}</dd></div>
                <div><dt>{"in flight"}</dt><dd>{view.in_flight.len()}</dd></div>
            </dl>
            <h2>{"Verdict of the whole run"}</h2>
            <p class={classes!("headline", if safe { "safe" } else { "unsafe" })} data-testid="headline">
                { if safe { "✓ No anomaly".to_string() } else { format!("✗ {}", anomaly_summary(&ledger.anomaly_kinds())) } }
            </p>
            <p class="guarantee">{"Observed: "}<strong data-testid="delivery">{ delivery.to_string() }</strong></p>
            <p class="verdict-detail">
                { format!("{} records sent, {} acknowledged, {} failed with an error the application saw; ", ledger.records.len(), ledger.acknowledged(), ledger.failed()) }
                { if safe { "none lost, duplicated or reordered.".to_string() }
                  else { format!("{} anomalies.", ledger.anomalies.len()) } }
            </p>
            if !safe {
                <ul class="anomalies">
                    { for ledger.anomalies.iter().map(|a| html! { <li>{ format!("{} — r{}", a.kind, a.record.0) }</li> }) }
                </ul>
            }
            <h2>{ format!("Configs (Kafka {})", props.scenario.kafka_version) }</h2>
            <ul class="configs">
                { setting("acks", c.acks.value.to_string(), c.acks.explicit) }
                { setting("min.insync.replicas", c.min_insync_replicas.value.to_string(), c.min_insync_replicas.explicit) }
                { setting("replica.fetch.wait.max.ms", c.replica_fetch_wait_max_ms.value.to_string(), c.replica_fetch_wait_max_ms.explicit) }
            </ul>
            <details class="model-notes">
                <summary>{"What this model simplifies"}</summary>
                <ul>
                    <li>{"No faults yet: brokers, links and the producer never fail in this version."}</li>
                    <li>{"One record per produce request: no batching, no retries, no idempotence."}</li>
                    <li>{"One fetch session per partition (Kafka shares one per broker pair)."}</li>
                    <li>{"The ISR is every replica and never shrinks; there is no controller failover."}</li>
                </ul>
            </details>
        </aside>
    }
}
