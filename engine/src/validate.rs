//! Validation of untrusted scenarios: typed errors that name the field and the limit.
//!
//! A scenario may come from a link, a file or a text box. Every size that drives work is
//! capped here, so no input can freeze a browser tab; the caps are in [`crate::limits`].

use crate::limits;
use crate::scenario::Scenario;

mod configs;
mod consumers;
mod faults;
mod shape;
use std::fmt;
use thiserror::Error;

/// One thing wrong with a scenario, with the path of the field at fault.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ScenarioError {
    /// The text is longer than a scenario may be.
    #[error("the scenario is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Bytes given.
        size: usize,
        /// Bytes allowed.
        limit: usize,
    },
    /// The text is not valid scenario JSON.
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A number outside its allowed range.
    #[error("{path}: {value} is out of range; allowed {min}..={max}")]
    OutOfRange {
        /// Dotted path of the field, e.g. `topic.replication_factor`.
        path: String,
        /// The value given.
        value: u64,
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A value that conflicts with another field.
    #[error("{path}: {reason}")]
    Invalid {
        /// Dotted path of the field.
        path: String,
        /// Why it is wrong.
        reason: String,
    },
}

/// Every problem found in one scenario (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// The problems found so far: a field's own errors, and conflicts between fields (reported
/// after them).
#[derive(Default)]
struct Checks {
    errors: Vec<ScenarioError>,
    conflicts: Vec<ScenarioError>,
}

impl Checks {
    /// `value` at `path` must lie in `min..=max`.
    fn range(&mut self, path: &str, value: u64, min: u64, max: u64) {
        if value < min || value > max {
            self.errors.push(ScenarioError::OutOfRange {
                path: path.into(),
                value,
                min,
                max,
            });
        }
    }
}

impl Scenario {
    /// Parses and validates a scenario from untrusted JSON.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioErrors> {
        if text.len() > limits::MAX_SCENARIO_BYTES {
            return Err(ScenarioErrors(vec![ScenarioError::TooLarge {
                size: text.len(),
                limit: limits::MAX_SCENARIO_BYTES,
            }]));
        }
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            ScenarioErrors(vec![ScenarioError::Malformed {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            }])
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks every field against its limits and against the other fields.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        let mut checks = Checks::default();
        shape::shape(self, &mut checks);
        configs::configs(self, &mut checks);
        consumers::consumers(self, &mut checks);
        configs::retention(self, &mut checks);
        faults::faults(self, &mut checks);
        shape::network(self, &mut checks);
        let Checks {
            mut errors,
            conflicts,
        } = checks;
        errors.extend(conflicts);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "name": "t", "duration_ms": 100,
        "cluster": {"brokers": 3},
        "topic": {"name": "orders", "partitions": 1, "replication_factor": 3},
        "producer": {"records": 2, "interval_ms": 10}
    }"#;

    #[test]
    fn a_good_scenario_parses() {
        let s = Scenario::from_json(GOOD).unwrap();
        assert_eq!(s.cluster.brokers, 3);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = Scenario::from_json("{\n  \"name\": }").unwrap_err();
        match &err.0[0] {
            ScenarioError::Malformed { line, .. } => assert_eq!(*line, 2),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_fields_are_rejected_by_name() {
        let text = GOOD.replace("\"brokers\": 3", "\"brokers\": 3, \"brokres\": 1");
        let err = Scenario::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("brokres"), "{err}");
    }

    #[test]
    fn replication_factor_above_broker_count_is_named() {
        let text = GOOD.replace("\"replication_factor\": 3", "\"replication_factor\": 4");
        let err = Scenario::from_json(&text).unwrap_err();
        assert_eq!(
            err.0,
            vec![ScenarioError::OutOfRange {
                path: "topic.replication_factor".into(),
                value: 4,
                min: 1,
                max: 3
            }]
        );
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let text = GOOD
            .replace("\"brokers\": 3", "\"brokers\": 300")
            .replace("\"records\": 2", "\"records\": 99999999");
        let err = Scenario::from_json(&text).unwrap_err();
        let paths: Vec<String> = err
            .0
            .iter()
            .filter_map(|e| match e {
                ScenarioError::OutOfRange { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect();
        assert!(paths.contains(&"cluster.brokers".to_string()), "{paths:?}");
        assert!(paths.contains(&"producer.records".to_string()), "{paths:?}");
    }

    #[test]
    fn faults_read_flat_and_name_their_broker() {
        let text = GOOD.replace(
            "\"producer\":",
            "\"faults\": [{\"at_ms\": 50, \"type\": \"crash_broker\", \"broker\": 0}], \"producer\":",
        );
        let s = Scenario::from_json(&text).unwrap();
        assert_eq!(s.faults[0].at_ms, 50);
        let bad = text.replace("\"broker\": 0", "\"broker\": 7");
        let err = Scenario::from_json(&bad).unwrap_err().to_string();
        assert!(
            err.contains("faults[0].broker: 7 is out of range; allowed 0..=2"),
            "{err}"
        );
        let late = text.replace("\"at_ms\": 50", "\"at_ms\": 5000");
        let err = Scenario::from_json(&late).unwrap_err().to_string();
        assert!(err.contains("faults[0].at_ms"), "{err}");
    }

    #[test]
    fn an_unknown_fault_type_is_named() {
        let text = GOOD.replace(
            "\"producer\":",
            "\"faults\": [{\"at_ms\": 5, \"type\": \"explode\", \"broker\": 0}], \"producer\":",
        );
        let err = Scenario::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("explode"), "{err}");
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let huge = " ".repeat(crate::limits::MAX_SCENARIO_BYTES + 1);
        let err = Scenario::from_json(&huge).unwrap_err();
        assert!(matches!(err.0[0], ScenarioError::TooLarge { .. }));
    }
}
