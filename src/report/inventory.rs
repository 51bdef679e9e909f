//! `yunlint inventory`: every placement found, whether or not it breaks a rule.

use serde::Serialize;

use super::json::DOCUMENT_VERSION;
use crate::model::{Placement, Resolution, Resolved};
use crate::policy::{ClassOrigin, Policy};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    placements: Vec<PlacementDoc<'a>>,
}

#[derive(Serialize)]
struct PlacementDoc<'a> {
    address: &'a str,
    kind: &'static str,
    provider: &'a str,
    region: Option<&'a str>,
    zones: Vec<&'a str>,
    data_class: Option<u8>,
    replicas: Vec<ReplicaDoc<'a>>,
    /// Instance keys of a repeated Terraform block (`count`, `for_each`), else empty.
    instances: &'a [String],
    /// The Kubernetes cluster of a manifest, else null.
    cluster: Option<&'a str>,
    file: &'a str,
    line: usize,
    region_via: Vec<String>,
}

#[derive(Serialize)]
struct ReplicaDoc<'a> {
    role: &'static str,
    provider: &'a str,
    region: Option<&'a str>,
}

/// The data class set for the placement (on it or by `[[classify]]`), `None` when nobody said.
fn known_class(policy: &Policy, placement: &Placement) -> Option<u8> {
    let class = policy.effective_class(placement);
    (class.origin != ClassOrigin::Default).then_some(class.value)
}

fn region(r: &Resolution<String>) -> Option<&str> {
    r.as_ref().ok().map(|r| r.value.as_str())
}

/// `path:line note` for each step of the value's chain, or for the value itself when it was
/// written where the placement is declared.
fn chain(sources: &SourceMap, value: &Resolved<String>, what: &str) -> Vec<String> {
    let at = |span: crate::source::Span| {
        let file = sources.get(span.source);
        format!("{}:{}", file.display, file.position(span.start).line)
    };
    if value.via.is_empty() {
        return vec![format!("{} {what}", at(value.span))];
    }
    value
        .via
        .iter()
        .map(|v| format!("{} {}", at(v.span), v.note))
        .collect()
}

pub fn render_json(sources: &SourceMap, placements: &[Placement], policy: &Policy) -> String {
    let doc = Document {
        version: DOCUMENT_VERSION,
        placements: placements
            .iter()
            .map(|p| {
                let file = sources.get(p.source);
                PlacementDoc {
                    address: &p.address,
                    kind: p.kind.as_str(),
                    provider: &p.provider.value,
                    region: region(&p.region),
                    zones: p.zones.iter().map(|z| z.value.as_str()).collect(),
                    data_class: known_class(policy, p),
                    replicas: p
                        .replicas
                        .iter()
                        .map(|r| ReplicaDoc {
                            role: r.role.value.as_str(),
                            provider: &r.provider.value,
                            region: region(&r.region),
                        })
                        .collect(),
                    instances: &p.instances,
                    cluster: p.cluster.as_deref(),
                    file: &file.display,
                    line: file.position(p.name_span.start).line,
                    region_via: p
                        .region
                        .as_ref()
                        .map(|r| chain(sources, r, "region"))
                        .unwrap_or_default(),
                }
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the document serializes");
    text.push('\n');
    text
}

/// An aligned text table, one row per placement and one per replica.
pub fn render_table(placements: &[Placement], policy: &Policy) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "ADDRESS".into(),
        "KIND".into(),
        "PROVIDER".into(),
        "REGION".into(),
        "ZONES".into(),
        "CLASS".into(),
    ]];
    let unknown = || "?".to_owned();
    for p in placements {
        rows.push([
            p.address.clone(),
            p.kind.to_string(),
            p.provider.value.clone(),
            region(&p.region).map_or_else(unknown, str::to_owned),
            p.zones
                .iter()
                .map(|z| z.value.as_str())
                .collect::<Vec<_>>()
                .join(","),
            known_class(policy, p).map_or_else(|| "-".to_owned(), |c| c.to_string()),
        ]);
        for r in &p.replicas {
            rows.push([
                format!("  └ {}", r.role.value),
                String::new(),
                r.provider.value.clone(),
                region(&r.region).map_or_else(unknown, str::to_owned),
                r.zones
                    .iter()
                    .map(|z| z.value.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                String::new(),
            ]);
        }
    }
    let widths: Vec<usize> = (0..6)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
