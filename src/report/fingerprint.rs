//! Fingerprints for tools that track an alert across runs (SARIF `partialFingerprints`, GitLab Code
//! Quality `fingerprint`).
//!
//! The recipe and the hash are the baseline's ([`baseline::entry`]): rule code, file relative to
//! the project root, placement address and where it is about (provider and region, and a
//! replica's role, provider and region), never a line number, so an alert survives edits above it,
//! a workload that moves is a new alert, and `--baseline` and code scanning agree on what "the
//! same finding" is. Those
//! tools also want fingerprints unique within a report, so findings that share one (the same
//! message twice in a file for one placement) are told apart by their rank among equals, in output
//! order.

use std::collections::BTreeMap;

use crate::finding::Finding;
use crate::source::SourceMap;
use crate::suppress::baseline::{self, stable_hash};

/// One fingerprint per finding, in the same order: 16 lowercase hex digits, unique within the run.
pub fn fingerprints(sources: &SourceMap, findings: &[Finding]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|finding| {
            let base = baseline::entry(finding, sources).fingerprint;
            let rank = seen.entry(base.clone()).or_insert(0);
            let fingerprint = if *rank == 0 {
                base
            } else {
                stable_hash(&format!("{base}\u{1f}{rank}"))
            };
            *rank += 1;
            fingerprint
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Label;
    use crate::rules::RegionOutsideJurisdiction;
    use crate::source::{SourceFile, Span};

    #[test]
    fn equal_findings_get_distinct_fingerprints_and_the_first_is_the_baselines() {
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(
            "a.deploy.toml".into(),
            "a.deploy.toml".into(),
            "a.deploy.toml".into(),
            "region = \"x\"\nregion = \"x\"\n".into(),
        ));
        let at = |start: usize| {
            Finding::new(
                &RegionOutsideJurisdiction::META,
                Label::new(Span::new(id, start..start + 3), "here"),
                "region `x` is outside mainland China",
            )
        };
        let findings = [at(9), at(22)];
        let prints = fingerprints(&sources, &findings);
        assert_eq!(
            prints[0],
            baseline::entry(&findings[0], &sources).fingerprint
        );
        assert_ne!(prints[0], prints[1]);
        assert_eq!(prints[1].len(), 16);
        // the line is not part of it: the second alone gets the first's fingerprint
        assert_eq!(fingerprints(&sources, &findings[1..])[0], prints[0]);
    }
}
