#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! The JSON documents match the schemas published in docs/schemas/, and the SARIF log matches the
//! official SARIF 2.1.0 schema (copied in tests/schemas/) and what GitHub code scanning requires.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn document(fixture: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .args(["--as-of", "2026-11-23"])
        .current_dir(root().join("fixtures").join(fixture))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validator(name: &str) -> jsonschema::Validator {
    validator_at(&root().join("docs/schemas").join(name))
}

fn validator_at(path: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// The fixtures whose `check` documents are validated, in JSON and in SARIF.
const CHECKED: [&str; 5] = [
    "example-bank",
    "terraform-paths",
    "terraform-var-files",
    "plan",
    "bad-input",
];

#[test]
fn check_documents_match_their_schema() {
    let schema = validator("check.schema.json");
    for fixture in CHECKED {
        let doc = document(fixture, &["check", "--format", "json"]);
        assert!(!doc["findings"].as_array().unwrap().is_empty(), "{fixture}");
        assert_valid(&schema, &doc, fixture);
    }
}

#[test]
fn inventory_documents_match_their_schema() {
    let schema = validator("inventory.schema.json");
    for fixture in [
        "example-bank",
        "terraform-paths",
        "plan",
        "context-bank",
        "k8s-parse",
    ] {
        let doc = document(fixture, &["inventory", "--format", "json"]);
        assert!(
            !doc["placements"].as_array().unwrap().is_empty(),
            "{fixture}"
        );
        assert_valid(&schema, &doc, fixture);
    }
}

#[test]
fn sarif_logs_match_the_official_schema_and_github_rules() {
    let schema = validator_at(&root().join("tests/schemas/sarif-2.1.0.json"));
    for fixture in CHECKED {
        let log = document(fixture, &["check", "--format", "sarif"]);
        assert_valid(&schema, &log, fixture);
        // the schema is really enforced: a 0 column (a classic SARIF bug) is refused
        let mut broken = log.clone();
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] =
            0.into();
        assert!(!schema.is_valid(&broken), "{fixture}");

        // GitHub: one run per upload (per category), ruleIndex consistent with the rules array
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "{fixture}");
        let rules = runs[0]["tool"]["driver"]["rules"].as_array().unwrap();
        for rule in rules {
            for key in ["shortDescription", "fullDescription"] {
                assert!(!rule[key]["text"].as_str().unwrap().is_empty(), "{rule}");
            }
            assert!(rule["help"]["markdown"].as_str().unwrap().contains("## "));
            assert!(rule["helpUri"].as_str().unwrap().ends_with(".md"));
        }
        let results = runs[0]["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{fixture}");
        let mut fingerprints = std::collections::BTreeSet::new();
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "{fixture}: {result}");
            let all = result["locations"]
                .as_array()
                .unwrap()
                .iter()
                .chain(result["relatedLocations"].as_array().into_iter().flatten());
            for location in all {
                let physical = &location["physicalLocation"];
                let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
                assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
                assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
                assert!(!uri.contains(' '), "{uri}");
                let region = &physical["region"];
                assert!(region["startColumn"].as_u64().unwrap() >= 1);
                assert!(region["endLine"].as_u64() >= region["startLine"].as_u64());
            }
            let fingerprint = result["partialFingerprints"]["yunlint/v1"]
                .as_str()
                .unwrap();
            assert!(
                fingerprints.insert(fingerprint.to_owned()),
                "{fixture}: {fingerprint}"
            );
        }
    }
}

/// The fingerprints of one descriptor's findings, with their start lines.
fn sarif_fingerprints(dir: &Path) -> Vec<(String, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args([
            "check",
            "--format",
            "sarif",
            "--isolated",
            "--as-of",
            "2026-11-23",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["yunlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_added_above_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let descriptor = "[[workload]]\nname = \"edge\"\nprovider = \"tencentcloud\"\nregion = \"ap-singapore\"\ndata_class = 2\n";
    let file = dir.path().join("edge.deploy.toml");
    std::fs::write(&file, descriptor).unwrap();
    let before = sarif_fingerprints(dir.path());
    std::fs::write(&file, format!("# moved down\n\n{descriptor}")).unwrap();
    let after = sarif_fingerprints(dir.path());
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].1, before[0].1 + 2);
    assert_eq!(after[0].0, before[0].0);
}

#[test]
fn inventory_csv_is_rfc_4180_with_one_record_per_placement_and_replica() {
    let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(["inventory", "--format", "csv", "payments"])
        .current_dir(root().join("fixtures/example-bank"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // CRLF after every record, and no bare line feed
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());

    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["address", "role", "kind"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records.iter().all(|r| r.len() == header.len()));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let ledger: Vec<&csv::StringRecord> = records
        .iter()
        .filter(|r| &r[column("address")] == "payments/ledger.deploy.toml#ledger-db")
        .collect();
    let roles: Vec<&str> = ledger.iter().map(|r| &r[column("role")]).collect();
    assert_eq!(roles, ["primary", "dr", "read-replica"]);
    // a field holding a comma was quoted, and reads back whole
    assert_eq!(
        &ledger[0][column("zones")],
        "cn-shanghai-finance-1f,cn-shanghai-finance-1g"
    );
    assert!(text.contains("\"cn-shanghai-finance-1f,cn-shanghai-finance-1g\""));
}
