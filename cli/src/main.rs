//! `delivery-lab`: run a Kafka Delivery Lab scenario natively and print what happened.
//!
//! Exit status: 0 when the run shows no anomaly, 1 when it shows one (a lost acknowledged
//! write, a duplicate or a reorder), 2 when the scenario or the command line is wrong.

mod report;

use delivery_lab_engine::{Scenario, run_with_seed};
use std::process::ExitCode;

const USAGE: &str = "usage: delivery-lab run SCENARIO.json [--seed N] [--json] [--trace]

Runs the scenario and prints each record's fate, the anomalies and the verdict.
  --seed N   use seed N instead of the scenario's own
  --json     print the result as JSON
  --trace    also print the whole trace, one event per line
Exit status: 0 no anomaly, 1 anomaly found, 2 bad input.";

struct Options {
    path: String,
    seed: Option<u64>,
    json: bool,
    trace: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("run") => {}
        Some("-h" | "--help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command `{other}`")),
    }
    let mut options = Options {
        path: String::new(),
        seed: None,
        json: false,
        trace: false,
    };
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--json" => options.json = true,
            "--trace" => options.trace = true,
            "--seed" => {
                let value = rest.next().ok_or("--seed needs a number")?;
                options.seed = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--seed: `{value}` is not a number"))?,
                );
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            path if options.path.is_empty() => options.path = path.to_string(),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    if options.path.is_empty() {
        return Err("missing the scenario file".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_args(&args) {
        Ok(o) => o,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("delivery-lab: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&options.path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("delivery-lab: cannot read {}: {e}", options.path);
            return ExitCode::from(2);
        }
    };
    let scenario = match Scenario::from_json(&text) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!("delivery-lab: {} is not a valid scenario:", options.path);
            for e in &errors.0 {
                eprintln!("  {e}");
            }
            return ExitCode::from(2);
        }
    };
    let seed = options.seed.unwrap_or(scenario.seed);
    let result = match run_with_seed(&scenario, seed) {
        Ok(r) => r,
        Err(errors) => {
            eprintln!("delivery-lab: {errors}");
            return ExitCode::from(2);
        }
    };
    if options.json {
        println!("{}", report::json(&scenario, &result, options.trace));
    } else {
        print!("{}", report::text(&scenario, &result));
        if options.trace {
            print!("\n{}", result.trace.to_text());
        }
    }
    if result.ledger.anomalies.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
