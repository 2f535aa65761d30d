//! The producer's `acks` setting: how many replicas must have a record before the leader
//! answers (ProducerConfig `acks`; KIP-679 made `all` the default in 3.0).

use serde::{Deserialize, Serialize};
use std::fmt;

/// `acks`: 0, 1 or all (`-1` is accepted as Kafka accepts it, and means `all`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AcksRepr", into = "String")]
pub enum Acks {
    /// `acks=0`: no response; the record counts as sent once it is on the wire.
    None,
    /// `acks=1`: the leader answers after its own append.
    Leader,
    /// `acks=all` / `-1`: the leader answers once the whole ISR has the record.
    All,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AcksRepr {
    Number(i64),
    Text(String),
}

impl TryFrom<AcksRepr> for Acks {
    type Error = String;
    fn try_from(repr: AcksRepr) -> Result<Acks, String> {
        let text = match repr {
            AcksRepr::Number(n) => n.to_string(),
            AcksRepr::Text(t) => t,
        };
        match text.trim() {
            "0" => Ok(Acks::None),
            "1" => Ok(Acks::Leader),
            "all" | "-1" => Ok(Acks::All),
            other => Err(format!(
                "acks must be 0, 1, all or -1 (Kafka has no acks={other}; acks=2 or 3 is a common myth)"
            )),
        }
    }
}

impl From<Acks> for String {
    fn from(acks: Acks) -> String {
        acks.to_string()
    }
}

impl fmt::Display for Acks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Acks, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_kafka_spellings() {
        assert_eq!(parse("\"all\"").unwrap(), Acks::All);
        assert_eq!(parse("-1").unwrap(), Acks::All);
        assert_eq!(parse("\"-1\"").unwrap(), Acks::All);
        assert_eq!(parse("1").unwrap(), Acks::Leader);
        assert_eq!(parse("\"0\"").unwrap(), Acks::None);
    }

    #[test]
    fn rejects_acks_two_with_an_explanation() {
        let err = parse("2").unwrap_err().to_string();
        assert!(err.contains("no acks=2"), "{err}");
    }
}
