//! A whole scenario carried in the page's address — its cluster, configs, workload, faults and
//! seed — so that one link reopens exactly what is on screen: the scenario's JSON, DEFLATE
//! compressed (RFC 1951) and written in URL-safe base64 without padding (RFC 4648 §5).
//!
//! The address is untrusted input: its length is capped, it must decompress to at most
//! [`MAX_SCENARIO_BYTES`] (a small address cannot unpack into a huge one), and the JSON is
//! validated like a scenario file; each failure is said in a sentence.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use delivery_lab_engine::Scenario;
use delivery_lab_engine::limits::MAX_SCENARIO_BYTES;
use miniz_oxide::inflate::{DecompressError, TINFLStatus};

/// The longest scenario an address may carry, in characters of its encoding.
pub const MAX_ENCODED_CHARS: usize = 48 * 1024;

/// The address parameter's value for `scenario`.
pub fn encode(scenario: &Scenario) -> String {
    let json = serde_json::to_vec(scenario).expect("a scenario serializes to JSON");
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 9))
}

/// The scenario an address parameter's value carries, validated.
pub fn decode(value: &str) -> Result<Scenario, String> {
    if value.len() > MAX_ENCODED_CHARS {
        return Err(format!(
            "The address's scenario is {} characters long, more than the {MAX_ENCODED_CHARS} it may have.",
            value.len()
        ));
    }
    let packed = URL_SAFE_NO_PAD.decode(value).map_err(|e| {
        format!("The address's scenario is not URL-safe base64 ({e}); was the link cut short?")
    })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCENARIO_BYTES)
        .map_err(|e| unpack_error(&e))?;
    let text = std::str::from_utf8(&json)
        .map_err(|_| "The address's scenario is not UTF-8 text.".to_string())?;
    Scenario::from_json(text).map_err(|e| {
        let e = e.to_string();
        let stop = if e.ends_with('.') { "" } else { "." };
        format!("The address's scenario is not valid: {e}{stop}")
    })
}

/// Why a packed scenario would not unpack, for a person.
fn unpack_error(e: &DecompressError) -> String {
    match e.status {
        TINFLStatus::HasMoreOutput => format!(
            "The address's scenario unpacks to more than {MAX_SCENARIO_BYTES} bytes, the most a scenario may have."
        ),
        _ => "The address's scenario does not unpack (DEFLATE data damaged or cut short); was the link cut short?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{PRESETS, scenario as preset};

    #[test]
    fn every_preset_comes_back_as_it_went() {
        for p in PRESETS {
            let s = Scenario::from_json(p.json).expect("valid");
            let value = encode(&s);
            assert!(
                value.len() < 4096,
                "{}: {} characters in an address",
                p.id,
                value.len()
            );
            assert!(
                value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{}: only characters an address keeps as they are",
                p.id
            );
            assert_eq!(decode(&value), Ok(s), "{}", p.id);
        }
    }

    #[test]
    fn a_damaged_or_cut_link_is_named() {
        let value = encode(&preset("acks-0-leader-crash"));
        let cut = &value[..value.len() / 2];
        assert!(decode(cut).unwrap_err().contains("cut short"));
        assert!(decode("not base64!").unwrap_err().contains("base64"));
        let long = "A".repeat(MAX_ENCODED_CHARS + 1);
        assert!(decode(&long).unwrap_err().contains("more than"));
    }

    #[test]
    fn a_small_address_cannot_unpack_into_a_huge_scenario() {
        let bomb = vec![b' '; MAX_SCENARIO_BYTES + 10];
        let value = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bomb, 9));
        assert!(value.len() < 2048, "a bomb is small");
        assert!(decode(&value).unwrap_err().contains("unpacks to more than"));
    }

    #[test]
    fn a_valid_package_of_an_invalid_scenario_names_the_field() {
        let json = preset("acks-0-leader-crash");
        let mut v = serde_json::to_value(&json).unwrap();
        v["cluster"]["brokers"] = serde_json::json!(0);
        let packed = miniz_oxide::deflate::compress_to_vec(v.to_string().as_bytes(), 9);
        let e = decode(&URL_SAFE_NO_PAD.encode(packed)).unwrap_err();
        assert!(e.contains("cluster.brokers"), "{e}");
    }
}
