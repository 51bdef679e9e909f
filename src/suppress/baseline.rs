//! The baseline: today's findings recorded once (`--write-baseline`), hidden on later runs
//! (`--baseline`) so that only new problems fail. A finding's fingerprint is its identity: code,
//! file, placement address and where it is about (the placement's provider and region, and the
//! replica's role, provider and region), so a workload that moves is a new finding; line numbers
//! are not part of it, so moving or reformatting code keeps it. A finding about no placement (a
//! file that does not parse) is identified by its message instead.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::source::SourceMap;

/// Version 2: fingerprints include where a finding is about. Version 1 fingerprints did not, so a
/// baselined finding hid its workload's move abroad; such a baseline is refused with a message.
pub const BASELINE_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub file: String,
    pub address: Option<String>,
    /// Where the finding is about (`alicloud cn-hangzhou`, `dr alicloud cn-shenzhen`).
    #[serde(default)]
    pub places: Vec<String>,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// FNV-1a, 64 bits: stable across platforms and releases, unlike std's hasher.
pub fn stable_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A finding's identity across runs: code, file (relative to the project root), then the address
/// and places of what it is about, or its message when it is about no placement.
pub fn entry(finding: &Finding, sources: &SourceMap) -> Entry {
    let file = sources.get(finding.primary.span.source).rel.to_string();
    let address = finding.subject.as_ref().map(|s| s.address.clone());
    let places = finding
        .subject
        .as_ref()
        .map(|s| s.places.iter().map(|p| p.to_string()).collect())
        .unwrap_or_default();
    let what = match &finding.subject {
        Some(subject) => format!("{}\u{1f}{}", subject.address, subject.places.join("\u{1e}")),
        None => finding.message.clone(),
    };
    let key = format!("{}\u{1f}{file}\u{1f}{what}", finding.rule.code);
    Entry {
        fingerprint: stable_hash(&key),
        code: finding.rule.code.to_owned(),
        file,
        address,
        places,
        message: finding.message.clone(),
    }
}

impl Baseline {
    pub fn from_findings(findings: &[Finding], sources: &SourceMap) -> Self {
        let mut findings: Vec<Entry> = findings.iter().map(|f| entry(f, sources)).collect();
        findings.sort();
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the baseline serializes");
        text.push('\n');
        text
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| format!("not a yunlint baseline: {e}"))?;
        if baseline.version == 1 {
            return Err("baseline version 1 was written by an earlier yunlint, whose fingerprints did not say where a workload runs (a baselined finding could hide its move abroad); review today's findings and write a new baseline with `yunlint check --write-baseline FILE`".into());
        }
        if baseline.version != BASELINE_VERSION {
            return Err(format!(
                "baseline version {} is not supported (this yunlint reads version {BASELINE_VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Removes the findings the baseline records (each entry hides one finding): what is left,
    /// how many of the hidden ones `reported` counts, and for each entry whether a finding
    /// matched it (the others are fixed since the baseline).
    pub fn filter(
        &self,
        findings: Vec<Finding>,
        sources: &SourceMap,
        reported: &dyn Fn(&Finding) -> bool,
    ) -> (Vec<Finding>, usize, Vec<bool>) {
        // the entries of each fingerprint not matched yet, last first
        let mut remaining: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, e) in self.findings.iter().enumerate().rev() {
            remaining.entry(e.fingerprint.as_str()).or_default().push(i);
        }
        let mut matched = vec![false; self.findings.len()];
        let mut hidden = 0;
        let mut new = Vec::new();
        for finding in findings {
            let fingerprint = entry(&finding, sources).fingerprint;
            match remaining.get_mut(fingerprint.as_str()).and_then(Vec::pop) {
                Some(i) => {
                    matched[i] = true;
                    hidden += usize::from(reported(&finding));
                }
                None => new.push(finding),
            }
        }
        (new, hidden, matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a() {
        assert_eq!(stable_hash(""), "cbf29ce484222325");
        assert_eq!(stable_hash("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn other_versions_and_other_documents_are_refused() {
        assert!(
            Baseline::parse("{\"version\": 3, \"findings\": []}")
                .unwrap_err()
                .contains("version 3")
        );
        assert!(
            Baseline::parse("{\"version\": 1, \"findings\": []}")
                .unwrap_err()
                .contains("write a new baseline with `yunlint check --write-baseline FILE`")
        );
        assert!(
            Baseline::parse("[]")
                .unwrap_err()
                .starts_with("not a yunlint baseline")
        );
        assert!(Baseline::parse("{\"version\": 2, \"findings\": []}").is_ok());
    }
}
