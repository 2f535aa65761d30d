//! The command-line runner, used as a user would: a file in, a report and an exit status out.

use std::process::Command;

fn delivery_lab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_delivery-lab"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn preset(name: &str) -> String {
    format!("{}/../scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_safe_preset_reports_every_record_and_exits_zero() {
    let (code, stdout, _) = delivery_lab(&["run", &preset("replication-acks-all")]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("8 sent, 8 acknowledged, 0 failed"),
        "{stdout}"
    );
    assert!(stdout.contains("acks=all (set)"), "{stdout}");
    assert!(stdout.contains("verdict: exactly-once"), "{stdout}");
}

#[test]
fn errors_reach_the_report_by_their_exception_name() {
    let (code, stdout, _) = delivery_lab(&["run", &preset("min-isr-above-replication-factor")]);
    assert_eq!(code, 0);
    assert!(stdout.contains("TimeoutException"), "{stdout}");
    assert!(
        stdout.contains("verdict: nothing acknowledged"),
        "failed sends are no exactly-once: {stdout}"
    );
}

#[test]
fn json_output_carries_the_trace_digest() {
    let (code, stdout, _) = delivery_lab(&["run", &preset("replication-acks-all"), "--json"]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["delivery"], "exactly_once");
    assert_eq!(value["trace_digest"].as_str().unwrap().len(), 64);
}

#[test]
fn the_seed_flag_changes_the_run() {
    let digest = |seed: &str| {
        let (_, out, _) = delivery_lab(&[
            "run",
            &preset("replication-acks-all"),
            "--json",
            "--seed",
            seed,
        ]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["trace_digest"].clone()
    };
    assert_ne!(digest("1"), digest("2"));
    assert_eq!(digest("3"), digest("3"));
}

#[test]
fn an_invalid_scenario_names_the_field_and_exits_two() {
    let dir = std::env::temp_dir().join(format!("dlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    let text = std::fs::read_to_string(preset("replication-acks-all"))
        .unwrap()
        .replace("\"replication_factor\": 3", "\"replication_factor\": 5");
    std::fs::write(&path, text).unwrap();
    let (code, _, stderr) = delivery_lab(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("topic.replication_factor: 5 is out of range; allowed 1..=3"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let (code, _, stderr) = delivery_lab(&["run", "/nonexistent/scenario.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn a_lost_write_names_its_cause_and_exits_one() {
    let (code, stdout, _) = delivery_lab(&["run", &preset("legacy-hw-truncation-loses-committed")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("lost acknowledged write"), "{stdout}");
    assert!(stdout.contains("caused by"), "{stdout}");
    assert!(stdout.contains("LogTruncated"), "{stdout}");
    assert!(stdout.contains("verdict: at-most-once"), "{stdout}");
}

#[test]
fn an_offline_partition_is_reported_as_unavailable() {
    let (code, stdout, _) = delivery_lab(&["run", &preset("isr-shrinks-to-leader-clean-election")]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("offline: p0 has no leader"), "{stdout}");
}
