//! `yunlint inventory`: every placement found, whether or not it breaks a rule, as a table, JSON,
//! CSV or a Markdown table.

use serde::Serialize;

use super::Streamed;
use super::json::DOCUMENT_VERSION;
use super::visible::{csv_document, visible, without_commands};
use crate::frontends::Unverifiable;
use crate::model::{Placement, Resolution, Resolved};
use crate::policy::{ClassOrigin, Policy};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Document<P: Serialize> {
    version: u32,
    placements: P,
}

#[derive(Serialize)]
struct PlacementDoc<'a> {
    address: &'a str,
    kind: &'static str,
    /// Null for a module call whose code is absent, or a manifest mapped to no cluster.
    provider: Option<&'a str>,
    region: Option<&'a str>,
    /// Why the region is null.
    region_reason: Option<&'a str>,
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

fn region_reason(r: &Resolution<String>) -> Option<&str> {
    r.as_ref().err().map(|u| u.reason.as_str())
}

/// The kind an unverifiable entry is listed as: `module` for a module call whose code is absent.
fn unverifiable_kind(u: &Unverifiable) -> &'static str {
    u.kind.map_or("module", |k| k.as_str())
}

/// Unverifiable entries in file order, then position.
fn sorted(unverifiable: &[Unverifiable]) -> Vec<&Unverifiable> {
    let mut out: Vec<&Unverifiable> = unverifiable.iter().collect();
    out.sort_by_key(|u| (u.declared.source, u.declared.start(), u.address.as_str()));
    out
}

/// `path:line note` for each step of the value's chain, or for the value itself when it was
/// written where the placement is declared.
fn chain(sources: &SourceMap, value: &Resolved<String>, what: &str) -> Vec<String> {
    let at = |span: crate::source::Span| {
        let file = sources.get(span.source);
        format!("{}:{}", file.display, file.position(span.start()).line)
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

pub fn render_json(
    sources: &SourceMap,
    placements: &[Box<Placement>],
    unverifiable: &[Unverifiable],
    policy: &Policy,
) -> String {
    let mut out = Vec::new();
    write_json(&mut out, sources, placements, unverifiable, policy)
        .expect("an inventory is written to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render_json`], written to `out` placement by placement.
pub fn write_json(
    out: &mut dyn std::io::Write,
    sources: &SourceMap,
    placements: &[Box<Placement>],
    unverifiable: &[Unverifiable],
    policy: &Policy,
) -> std::io::Result<()> {
    let placed = placements.iter().map(|p| {
        let file = sources.get(p.source);
        PlacementDoc {
            address: &p.address,
            kind: p.kind.as_str(),
            provider: Some(&p.provider.value),
            region: region(&p.region),
            region_reason: region_reason(&p.region),
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
            line: file.position(p.name_span.start()).line,
            region_via: p
                .region
                .as_ref()
                .map(|r| chain(sources, r, "region"))
                .unwrap_or_default(),
        }
    });
    let unplaced = sorted(unverifiable).into_iter().map(|u| {
        let file = sources.get(u.declared.source);
        PlacementDoc {
            address: &u.address,
            kind: unverifiable_kind(u),
            provider: None,
            region: None,
            region_reason: Some(&u.unresolved.reason),
            zones: Vec::new(),
            data_class: None,
            replicas: Vec::new(),
            instances: &[],
            cluster: None,
            file: &file.display,
            line: file.position(u.declared.start()).line,
            region_via: Vec::new(),
        }
    });
    let doc = Document {
        version: DOCUMENT_VERSION,
        placements: Streamed::new(placed.chain(unplaced)),
    };
    super::write_pretty_json(out, &doc)
}

/// An aligned text table, one row per placement and one per replica.
pub fn render_table(
    sources: &SourceMap,
    placements: &[Box<Placement>],
    unverifiable: &[Unverifiable],
    policy: &Policy,
) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "ADDRESS".into(),
        "KIND".into(),
        "PROVIDER".into(),
        "REGION".into(),
        "ZONES".into(),
        "CLASS".into(),
    ]];
    let unknown = || "?".to_owned();
    let shown = |text: &str| visible(text).into_owned();
    for row in self::rows(sources, placements, unverifiable, policy) {
        let primary = row.role == PRIMARY;
        rows.push([
            if primary {
                shown(row.address)
            } else {
                format!("  └ {}", row.role)
            },
            if primary {
                row.kind.to_owned()
            } else {
                String::new()
            },
            row.provider.map_or_else(unknown, shown),
            row.region.map_or_else(unknown, shown),
            shown(&row.zones.join(",")),
            match (primary, row.data_class) {
                (false, _) => String::new(),
                (true, Some(c)) => c.to_string(),
                (true, None) => "-".to_owned(),
            },
        ]);
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
    without_commands(out)
}

/// One line of the CSV and Markdown inventories: a placement, or one of its replicas.
pub(crate) struct Row<'a> {
    pub(crate) address: &'a str,
    /// `primary` for the placement itself, else the replica's role.
    pub(crate) role: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) provider: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
    /// Why the region is unknown.
    pub(crate) region_reason: Option<&'a str>,
    pub(crate) zones: Vec<&'a str>,
    /// The placement's known data class: a replica holds the same data.
    pub(crate) data_class: Option<u8>,
    pub(crate) cluster: Option<&'a str>,
    pub(crate) instances: &'a [String],
    pub(crate) file: &'a str,
    pub(crate) line: usize,
    pub(crate) region_via: Vec<String>,
}

/// The role of a placement's own row.
pub(crate) const PRIMARY: &str = "primary";

pub(crate) fn rows<'a>(
    sources: &'a SourceMap,
    placements: &'a [Box<Placement>],
    unverifiable: &'a [Unverifiable],
    policy: &Policy,
) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    let at = |span: crate::source::Span| {
        let file = sources.get(span.source);
        (&*file.display, file.position(span.start()).line)
    };
    let via = |r: &Resolution<String>| {
        r.as_ref()
            .map(|r| chain(sources, r, "region"))
            .unwrap_or_default()
    };
    for p in placements {
        let data_class = known_class(policy, p);
        let (file, line) = at(p.name_span);
        rows.push(Row {
            address: &p.address,
            role: PRIMARY,
            kind: p.kind.as_str(),
            provider: Some(&p.provider.value),
            region: region(&p.region),
            region_reason: region_reason(&p.region),
            zones: p.zones.iter().map(|z| z.value.as_str()).collect(),
            data_class,
            cluster: p.cluster.as_deref(),
            instances: &p.instances,
            file,
            line,
            region_via: via(&p.region),
        });
        for r in &p.replicas {
            let (file, line) = at(r.role.span);
            rows.push(Row {
                address: &p.address,
                role: r.role.value.as_str(),
                kind: p.kind.as_str(),
                provider: Some(&r.provider.value),
                region: region(&r.region),
                region_reason: region_reason(&r.region),
                zones: r.zones.iter().map(|z| z.value.as_str()).collect(),
                data_class,
                cluster: p.cluster.as_deref(),
                instances: &p.instances,
                file,
                line,
                region_via: via(&r.region),
            });
        }
    }
    for u in sorted(unverifiable) {
        let (file, line) = at(u.declared);
        rows.push(Row {
            address: &u.address,
            role: PRIMARY,
            kind: unverifiable_kind(u),
            provider: None,
            region: None,
            region_reason: Some(&u.unresolved.reason),
            zones: Vec::new(),
            data_class: None,
            cluster: None,
            instances: &[],
            file,
            line,
            region_via: Vec::new(),
        });
    }
    rows
}

/// CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break), one
/// row per placement and one per replica, with a header. Unknown values are empty fields; lists are
/// joined with `,` (zones, instances) or `; ` (the region's chain).
pub fn render_csv(
    sources: &SourceMap,
    placements: &[Box<Placement>],
    unverifiable: &[Unverifiable],
    policy: &Policy,
) -> String {
    let header = [
        "address",
        "role",
        "kind",
        "provider",
        "region",
        "zones",
        "data_class",
        "cluster",
        "instances",
        "file",
        "line",
        "region_via",
        "region_reason",
    ];
    let mut records = vec![header.map(str::to_owned)];
    for row in rows(sources, placements, unverifiable, policy) {
        records.push([
            row.address.to_owned(),
            row.role.to_owned(),
            row.kind.to_owned(),
            row.provider.unwrap_or_default().to_owned(),
            row.region.unwrap_or_default().to_owned(),
            row.zones.join(","),
            row.data_class.map(|c| c.to_string()).unwrap_or_default(),
            row.cluster.unwrap_or_default().to_owned(),
            row.instances.join(","),
            row.file.to_owned(),
            row.line.to_string(),
            row.region_via.join("; "),
            row.region_reason.unwrap_or_default().to_owned(),
        ]);
    }
    csv_document(records)
}

/// A Markdown inline code span holding `text` as a GitHub-flavoured table cell: `|` escaped (GFM
/// honours `\|` even inside code), line breaks turned into spaces, and a fence longer than any
/// run of backticks in the text.
fn code_cell(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let text = visible(text).replace('|', "\\|");
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A GitHub-flavoured Markdown table, one row per placement and one per replica (`↳ role`), for a
/// pull request, a wiki page or `$GITHUB_STEP_SUMMARY`.
pub fn render_markdown(
    sources: &SourceMap,
    placements: &[Box<Placement>],
    unverifiable: &[Unverifiable],
    policy: &Policy,
) -> String {
    let mut out = String::from(
        "| Address | Kind | Provider | Region | Zones | Data class | Declared at |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for row in rows(sources, placements, unverifiable, policy) {
        let primary = row.role == PRIMARY;
        let cells = [
            if primary {
                code_cell(row.address)
            } else {
                format!("↳ {}", row.role)
            },
            if primary {
                row.kind.to_owned()
            } else {
                String::new()
            },
            row.provider
                .map_or_else(|| "*unknown*".to_owned(), code_cell),
            row.region
                .map_or_else(|| "*unresolved*".to_owned(), code_cell),
            row.zones
                .iter()
                .map(|z| code_cell(z))
                .collect::<Vec<_>>()
                .join(", "),
            match (primary, row.data_class) {
                (false, _) => String::new(),
                (true, Some(c)) => c.to_string(),
                (true, None) => "*not set*".to_owned(),
            },
            code_cell(&format!("{}:{}", row.file, row.line)),
        ];
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_cells_escape_pipes_and_outfence_backticks() {
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(code_cell("a`b"), "``a`b``");
        assert_eq!(code_cell("`a"), "`` `a ``");
        assert_eq!(code_cell("a\nb"), "`a\\nb`");
        assert_eq!(code_cell(""), "");
    }
}
