#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! The JSON documents match the schemas published in docs/schemas/.

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
    let text = std::fs::read_to_string(root().join("docs/schemas").join(name)).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn check_documents_match_their_schema() {
    let schema = validator("check.schema.json");
    for fixture in ["example-bank", "terraform-paths", "plan", "bad-input"] {
        let doc = document(fixture, &["check", "--format", "json"]);
        assert!(!doc["findings"].as_array().unwrap().is_empty(), "{fixture}");
        assert_valid(&schema, &doc, fixture);
    }
}

#[test]
fn inventory_documents_match_their_schema() {
    let schema = validator("inventory.schema.json");
    for fixture in ["example-bank", "terraform-paths", "plan"] {
        let doc = document(fixture, &["inventory", "--format", "json"]);
        assert!(
            !doc["placements"].as_array().unwrap().is_empty(),
            "{fixture}"
        );
        assert_valid(&schema, &doc, fixture);
    }
}
