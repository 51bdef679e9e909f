//! `yunlint report`: one self-contained HTML file for a compliance review. Run metadata, a summary
//! by provider, region and jurisdiction with SVG charts, the inventory with each placement's chain,
//! the findings with source excerpts, the register, and the provider registry in force.
//!
//! Written with maud, whose templates escape every interpolated value: repository text cannot
//! become markup. It also goes through [`visible`] first, so that control and bidirectional
//! characters show as escapes instead of reordering what an auditor reads. The page loads nothing:
//! its one style sheet and its one script are inline and allowed by their SHA-256 in a
//! Content-Security-Policy that forbids everything else.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::collections::BTreeMap;

use jiff::civil::Date;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::Digest as _;

use super::Summary;
use super::inventory::{self, PRIMARY};
use super::register::Row as RegisterRow;
use super::visible::visible;
use crate::finding::{Finding, Severity};
use crate::policy::{Certification, Policy, RegionClass, Unlisted};
use crate::source::{SourceMap, Span};

/// What the report says about the run besides what the run found.
pub struct Meta {
    /// The Git commit checked out, when it could be read.
    pub revision: Option<super::revision::Revision>,
    /// The date certifications and expiries are judged at.
    pub as_of: Date,
    /// Whether that date was given with `--as-of` (else it is today, in UTC).
    pub as_of_given: bool,
    /// The baseline file (as named relative to the root) and the SHA-256 of its bytes.
    pub baseline: Option<(String, Option<String>)>,
}

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// How many bars a chart shows at most; the rest are counted below it.
const MAX_BARS: usize = 20;

/// Longest part of a source line an excerpt shows on either side of the marked text, in characters.
const EXCERPT_CONTEXT: usize = 60;
/// Longest marked text an excerpt shows per line, in characters.
const EXCERPT_MARK: usize = 120;
/// Lines of a multi-line span an excerpt shows.
const EXCERPT_LINES: usize = 3;

pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A CSP source allowing exactly this inline text.
fn csp_hash(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", STANDARD.encode(digest))
}

/// The Content-Security-Policy of the report: nothing is loaded, only the report's own style
/// sheet and script run, no form goes anywhere.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// Repository text as the report shows it: control and bidirectional characters visible, long
/// values cut; maud escapes the result for HTML.
fn shown(text: &str) -> String {
    visible(text).into_owned()
}

/// Where a placement or replica runs, as far as the policy's registry tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Jurisdiction {
    Finance,
    Mainland,
    Outside,
    /// A region (or a provider) the registry does not list.
    Unlisted,
    /// No region could be worked out (or no provider: a module not downloaded).
    Unresolved,
}

const JURISDICTIONS: [Jurisdiction; 5] = [
    Jurisdiction::Finance,
    Jurisdiction::Mainland,
    Jurisdiction::Outside,
    Jurisdiction::Unlisted,
    Jurisdiction::Unresolved,
];

impl Jurisdiction {
    fn of(policy: &Policy, provider: Option<&str>, region: Option<&str>) -> Self {
        let (Some(provider), Some(region)) = (provider, region) else {
            return Jurisdiction::Unresolved;
        };
        match policy.provider(provider).map(|p| p.classify(region)) {
            Some(RegionClass::Finance) => Jurisdiction::Finance,
            Some(RegionClass::Mainland) => Jurisdiction::Mainland,
            Some(RegionClass::NonMainland) => Jurisdiction::Outside,
            Some(RegionClass::Unknown) | None => Jurisdiction::Unlisted,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Jurisdiction::Finance => "mainland, finance-grade",
            Jurisdiction::Mainland => "mainland",
            Jurisdiction::Outside => "outside mainland",
            Jurisdiction::Unlisted => "not in the registry",
            Jurisdiction::Unresolved => "unresolved",
        }
    }

    /// The CSS class that colours it (`j-…`), also its key in the charts' legend.
    fn class(self) -> &'static str {
        match self {
            Jurisdiction::Finance => "j-fin",
            Jurisdiction::Mainland => "j-main",
            Jurisdiction::Outside => "j-out",
            Jurisdiction::Unlisted => "j-unl",
            Jurisdiction::Unresolved => "j-unr",
        }
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "s-error",
        Severity::Warning => "s-warning",
    }
}

/// A bar of a chart: a label and counts by colour class.
struct Bar {
    label: String,
    segments: Vec<(usize, &'static str)>,
}

impl Bar {
    fn total(&self) -> usize {
        self.segments.iter().map(|(n, _)| n).sum()
    }
}

/// A horizontal bar chart as inline SVG, with a title and a description for screen readers, each
/// bar with its own title (shown as a tooltip) and its count written beside it.
fn bar_chart(
    id: &str,
    caption: &str,
    bars: &[Bar],
    more: usize,
    legend: &[(&'static str, &'static str)],
) -> Markup {
    const ROW: usize = 22;
    const LABEL: usize = 230;
    const WIDTH: usize = 360;
    let legend_height = if legend.is_empty() { 0 } else { 24 };
    let height = legend_height + ROW * (bars.len() + usize::from(more > 0)).max(1) + 6;
    let total_width = LABEL + WIDTH + 60;
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    let scale = |n: usize| n * WIDTH / max;
    let description: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.total()))
        .collect();
    let short = |label: &str| {
        let count = label.chars().count();
        if count > 34 {
            format!("{}…", label.chars().take(33).collect::<String>())
        } else {
            label.to_owned()
        }
    };
    // Each non-empty segment at least a pixel wide, so that a count of one shows.
    let segments = |bar: &Bar| {
        let mut x = LABEL;
        let mut out = Vec::new();
        for (n, class) in &bar.segments {
            if *n > 0 {
                let w = scale(*n).max(1);
                out.push((x, w, *class));
                x += w;
            }
        }
        out
    };
    // Legend entries side by side from the left edge, each as wide as its text (7 px a character
    // is generous for 12 px sans-serif).
    let mut legend_at = Vec::new();
    let mut x = 0;
    for (class, name) in legend {
        legend_at.push((x, *class, *name));
        x += 14 + 7 * name.chars().count() + 16;
    }
    let total_width = total_width.max(x);
    let title_id = format!("{id}-title");
    html! {
        figure.chart id=(id) {
            figcaption { (caption) }
            svg xmlns="http://www.w3.org/2000/svg" width=(total_width) height=(height)
                viewBox=(format!("0 0 {total_width} {height}")) role="img" aria-labelledby=(title_id) {
                title id=(title_id) { (caption) }
                desc { (shown(&description.join("; "))) }
                @for (x, class, name) in &legend_at {
                    rect class=(class) x=(x) y="4" width="10" height="10" {}
                    text x=(x + 14) y="13" { (name) }
                }
                @if bars.is_empty() {
                    text x=(LABEL) y=(legend_height + 15) { "none" }
                }
                @for (i, bar) in bars.iter().enumerate() {
                    @let y = legend_height + i * ROW;
                    g.bar {
                        title { (shown(&format!("{}: {}", bar.label, bar.total()))) }
                        text x=(LABEL - 8) y=(y + 15) text-anchor="end" { (shown(&short(&bar.label))) }
                        @for (x, w, class) in segments(bar) {
                            rect class=(class) x=(x) y=(y + 4) width=(w) height="14" {}
                        }
                        text x=(LABEL + scale(bar.total()) + 6) y=(y + 15) { (bar.total()) }
                    }
                }
                @if more > 0 {
                    text x=(LABEL - 8) y=(legend_height + bars.len() * ROW + 15) text-anchor="end" {
                        (format!("… {more} more"))
                    }
                }
            }
        }
    }
}

/// The bars with the highest totals (ties by label), and how many were left out.
fn top_bars(mut bars: Vec<Bar>) -> (Vec<Bar>, usize) {
    bars.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then_with(|| a.label.cmp(&b.label))
    });
    let more = bars.len().saturating_sub(MAX_BARS);
    bars.truncate(MAX_BARS);
    (bars, more)
}

/// A source excerpt: up to [`EXCERPT_LINES`] lines of the span, its text marked, long lines cut.
fn excerpt(sources: &SourceMap, span: Span) -> Markup {
    let file = sources.get(span.source);
    let text = file.text();
    if text.is_empty() || span.start() > text.len() {
        return html! {};
    }
    let (mut line_start, first_index) = file.line_start_before(span.start(), 0);
    let mut lines = Vec::new();
    while lines.len() < EXCERPT_LINES && line_start <= text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let clamp = |offset: usize| {
            let mut o = offset.clamp(line_start, line_start + line.len()) - line_start;
            while !line.is_char_boundary(o) {
                o -= 1;
            }
            o
        };
        let (a, b) = (clamp(span.start()), clamp(span.end().max(span.start())));
        let cut = |part: &str, keep_end: bool, limit: usize| {
            let part = part.replace('\t', "    ");
            let count = part.chars().count();
            if count <= limit {
                return shown(&part);
            }
            if keep_end {
                format!(
                    "…{}",
                    shown(&part.chars().skip(count - limit).collect::<String>())
                )
            } else {
                format!("{}…", shown(&part.chars().take(limit).collect::<String>()))
            }
        };
        lines.push((
            first_index + lines.len() + 1,
            cut(&line[..a], true, EXCERPT_CONTEXT),
            cut(&line[a..b], false, EXCERPT_MARK),
            cut(&line[b..], false, EXCERPT_CONTEXT),
        ));
        if span.end() <= line_end || line_end >= text.len() {
            break;
        }
        line_start = line_end + 1;
    }
    let width = lines.last().map_or(1, |l| l.0.to_string().len());
    html! {
        pre.src {
            @for (number, before, marked, after) in &lines {
                span.ln { (format!("{number:>width$}")) } " " (before)
                @if !marked.is_empty() { mark { (marked) } }
                (after) "\n"
            }
        }
    }
}

/// `path:line` of a span.
fn at(sources: &SourceMap, span: Span) -> String {
    let file = sources.get(span.source);
    format!("{}:{}", file.display, file.position(span.start()).line)
}

pub fn render(run: &crate::LintRun, meta: &Meta, mut register: Vec<RegisterRow>) -> String {
    let policy = &run.config.policy;
    let sources = &run.sources;
    let summary = Summary::of_run(run);
    let rows = inventory::rows(sources, &run.placements, &run.unverifiable, policy);
    // Expired entries first: what must be acted on.
    register.sort_by_key(|r| r.status != "expired");

    // Counts for the summary and the charts; every row (placement or replica) counts where it runs.
    let mut by_jurisdiction: BTreeMap<Jurisdiction, usize> = BTreeMap::new();
    let mut by_provider: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    let mut by_region: BTreeMap<(&str, &str), (Jurisdiction, usize)> = BTreeMap::new();
    for row in &rows {
        let j = Jurisdiction::of(policy, row.provider, row.region);
        *by_jurisdiction.entry(j).or_default() += 1;
        let provider = row.provider.unwrap_or("(unknown)");
        let index = JURISDICTIONS.iter().position(|x| *x == j).unwrap_or(4);
        by_provider.entry(provider).or_default()[index] += 1;
        by_region
            .entry((row.provider.unwrap_or(""), row.region.unwrap_or("")))
            .or_insert((j, 0))
            .1 += 1;
    }
    let placements = rows.iter().filter(|r| r.role == PRIMARY).count();
    let replicas = rows.len() - placements;
    let mut findings_by_provider: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<(&str, &str), [usize; 2]> = BTreeMap::new();
    for f in &run.findings {
        if let Some(s) = &f.subject {
            *findings_by_provider.entry(&s.provider).or_default() += 1;
        }
        let counts = by_rule.entry((f.rule.code, f.rule.name)).or_default();
        counts[usize::from(f.severity == Severity::Warning)] += 1;
    }
    let expired = register.iter().filter(|r| r.status == "expired").count();

    let legend: Vec<(&'static str, &'static str)> = JURISDICTIONS
        .iter()
        .map(|j| (j.class(), j.label()))
        .collect();
    let provider_bars = top_bars(
        by_provider
            .iter()
            .map(|(p, counts)| Bar {
                label: (*p).to_owned(),
                segments: JURISDICTIONS
                    .iter()
                    .zip(counts)
                    .map(|(j, n)| (*n, j.class()))
                    .collect(),
            })
            .collect(),
    );
    let region_bars = top_bars(
        by_region
            .iter()
            .map(|((p, r), (j, n))| Bar {
                label: match (p.is_empty(), r.is_empty()) {
                    (true, _) => "(unknown provider)".to_owned(),
                    (false, true) => format!("(unresolved) {p}"),
                    (false, false) => format!("{r} ({p})"),
                },
                segments: vec![(*n, j.class())],
            })
            .collect(),
    );
    let rule_bars = top_bars(
        by_rule
            .iter()
            .map(|((code, name), [errors, warnings])| Bar {
                label: format!("{code} {name}"),
                segments: vec![(*errors, "s-error"), (*warnings, "s-warning")],
            })
            .collect(),
    );

    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(content_security_policy());
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("yunlint {}", env!("CARGO_PKG_VERSION")));
                title { "yunlint audit report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Cloud placement audit report" }
                    p {
                        "Where every workload runs, checked against the " (shown(&policy.name))
                        " policy as of " (meta.as_of) ". Generated by yunlint " (env!("CARGO_PKG_VERSION")) "."
                    }
                }
                nav aria-label="Sections" {
                    ul {
                        li { a href="#run" { "Run" } }
                        li { a href="#summary" { "Summary" } }
                        li { a href="#findings" { "Findings (" (run.findings.len()) ")" } }
                        li { a href="#inventory" { "Inventory (" (placements) ")" } }
                        li { a href="#register" { "Register (" (register.len()) ")" } }
                        li { a href="#providers" { "Provider registry (" (policy.providers.len()) ")" } }
                    }
                }
                main {
                    (run_section(run, meta))
                    section #summary {
                        h2 { "Summary" }
                        div.cards {
                            (card("Placements", placements, false))
                            (card("Replicas", replicas, false))
                            (card("Outside mainland", by_jurisdiction.get(&Jurisdiction::Outside).copied().unwrap_or(0), true))
                            (card("Errors", summary.errors, true))
                            (card("Warnings", summary.warnings, false))
                            (card("Suppressed", summary.suppressed, false))
                            (card("Baselined", summary.baselined, false))
                            (card("Expired suppressions", expired, true))
                        }
                        div.charts {
                            (bar_chart("chart-providers", "Placements and replicas per provider", &provider_bars.0, provider_bars.1, &legend))
                            (bar_chart("chart-regions", "Placements and replicas per region", &region_bars.0, region_bars.1, &legend))
                            (bar_chart("chart-rules", "Findings per rule", &rule_bars.0, rule_bars.1, &[("s-error", "error"), ("s-warning", "warning")]))
                        }
                        h3 { "By jurisdiction" }
                        table.summary #by-jurisdiction {
                            thead { tr { th { "Jurisdiction" } th.num { "Placements and replicas" } th.num { "Share" } } }
                            tbody {
                                @for j in JURISDICTIONS {
                                    @let n = by_jurisdiction.get(&j).copied().unwrap_or(0);
                                    tr {
                                        td { span.tag.(j.class()) { (j.label()) } }
                                        td.num { (n) }
                                        td.num { (percent(n, rows.len())) }
                                    }
                                }
                            }
                        }
                        h3 { "By provider" }
                        table.summary #by-provider {
                            thead { tr {
                                th { "Provider" } th { "Certification" }
                                @for j in JURISDICTIONS { th.num { (j.label()) } }
                                th.num { "Findings" }
                            } }
                            tbody {
                                @for (provider, counts) in &by_provider {
                                    tr {
                                        td { code { (shown(provider)) } }
                                        td { (certification(policy, provider)) }
                                        @for n in counts { td.num { (n) } }
                                        td.num { (findings_by_provider.get(provider).copied().unwrap_or(0)) }
                                    }
                                }
                            }
                        }
                    }
                    (findings_section(sources, &run.findings))
                    (inventory_section(policy, &rows))
                    (register_section(&register))
                    (providers_section(policy))
                }
                footer {
                    p.muted {
                        "This report is a function of the repository, its yunlint.toml, the flags given and the date judged as of: "
                        "run again on the same commit, it is the same file. Working-tree changes not yet committed are included in what was read but not in the commit shown."
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    let mut text = page.into_string();
    text.push('\n');
    text
}

fn card(label: &str, n: usize, alarming: bool) -> Markup {
    html! {
        div.card.bad[alarming && n > 0] { b { (n) } span { (label) } }
    }
}

fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "–".into();
    }
    format!("{:.1}%", n as f64 * 100.0 / total as f64)
}

/// `certified`, `not certified`, `unknown` or `expired` for a provider of the registry.
fn certification(policy: &Policy, provider: &str) -> Markup {
    let Some(entry) = policy.provider(provider) else {
        return html! { span.muted { "not in the registry" } };
    };
    let expired = entry.expired(policy.today).is_some();
    html! {
        @match (entry.certified, expired) {
            (Certification::Certified, true) => span.tag.j-out { "certification expired" },
            (Certification::Certified, false) => span.tag.j-fin { "certified" },
            (Certification::NotCertified, _) => span.tag.j-out { "not certified" },
            (Certification::Unknown, _) => span.tag.j-unl { "unknown" },
        }
    }
}

fn run_section(run: &crate::LintRun, meta: &Meta) -> Markup {
    let policy = &run.config.policy;
    let root = &run.config.root;
    let config = run.config.file.as_deref().map(|path| {
        let name = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| {
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let digest = crate::guarded_read::read(path, run.config.max_file_size.max(1 << 20), None)
            .ok()
            .map(|bytes| sha256_hex(&bytes));
        (name, digest)
    });
    let scope: Vec<String> = run
        .context
        .named
        .iter()
        .map(|p| match p.strip_prefix(&run.context.root) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => p.to_string_lossy().into_owned(),
        })
        .collect();
    html! {
        section #run {
            h2 { "Run" }
            dl.meta {
                dt { "Judged as of" }
                dd { (meta.as_of) @if meta.as_of_given { " (--as-of)" } @else { " (the day of the run, UTC)" } }
                dt { "Commit" }
                dd #commit {
                    @match &meta.revision {
                        Some(r) => {
                            code { (r.commit) }
                            @if let Some(branch) = &r.branch { " on branch " code { (shown(branch)) } }
                        },
                        None => span.muted { "unknown (not in a Git work tree, or its HEAD could not be read)" },
                    }
                }
                dt { "yunlint" }
                dd { (env!("CARGO_PKG_VERSION")) }
                dt { "Policy" }
                dd {
                    code { (shown(&policy.name)) }
                    "; built-in pack " code { (crate::policy::BUILTIN_PACK_NAME) }
                    " sha256 " code { (sha256_hex(crate::policy::BUILTIN_PACK.as_bytes())) }
                }
                dt { "Configuration" }
                dd {
                    @match &config {
                        Some((name, digest)) => {
                            code { (shown(name)) }
                            @if let Some(d) = digest { " sha256 " code { (d) } }
                        },
                        None => span.muted { "none: the built-in policy only" },
                    }
                }
                dt { "Baseline" }
                dd {
                    @match &meta.baseline {
                        Some((name, digest)) => {
                            code { (shown(name)) }
                            @if let Some(d) = digest { " sha256 " code { (d) } }
                        },
                        None => span.muted { "none" },
                    }
                }
                dt { "Scope" }
                dd { @for (i, s) in scope.iter().enumerate() { @if i > 0 { ", " } code { (shown(s)) } } }
                dt { "Files read" }
                dd { (run.files) @if !run.skipped.is_empty() { " (" (run.skipped.len()) " skipped)" } }
                dt { "Policy rules" }
                dd {
                    "finance-grade regions required from data class " (policy.finance_grade_from)
                    "; default data class " (policy.default_data_class)
                    "; certified providers required: " (if policy.require_certified { "yes" } else { "no" })
                }
            }
        }
    }
}

fn filter(table: &str, what: &str) -> Markup {
    html! {
        input.filter type="search" data-filter=(table) placeholder=(format!("Filter {what}…")) aria-label=(format!("Filter {what}"));
    }
}

/// Placements (or findings, or entries) per table of a [`sortable_table`]: the browser renders a
/// table only when it is scrolled near (`content-visibility: auto`), so a report of 20,000
/// placements opens in seconds instead of laying out one huge table.
const ROWS_PER_TABLE: usize = 200;

/// A table whose records (each a `tbody`) the page's script sorts by a column and filters. It is
/// cut into tables of [`ROWS_PER_TABLE`] records with the same fixed column widths; the first is
/// always rendered, the others when scrolled near. `columns` are (heading, CSS classes: a `w-…` width and `num` for numbers).
fn sortable_table(id: &str, columns: &[(&str, &str)], bodies: Vec<Markup>) -> Markup {
    html! {
        div.sortable id=(id) {
            @for (i, chunk) in bodies.chunks(ROWS_PER_TABLE).enumerate() {
                div.part {
                    table {
                        colgroup { @for (_, class) in columns { col class=(class); } }
                        // Every part has the header, for print; the screen shows the first.
                        thead.repeat[i > 0] { tr { @for (heading, class) in columns { th class=(class) { (heading) } } } }
                        @for body in chunk { (body) }
                    }
                }
            }
        }
    }
}

fn findings_section(sources: &SourceMap, findings: &[Finding]) -> Markup {
    html! {
        section #findings {
            h2 { "Findings" }
            @if findings.is_empty() {
                p { "No finding." }
            } @else {
                (filter("findings-table", "findings"))
                (sortable_table("findings-table", &[
                    ("Severity", "w-sev"), ("Rule", "w-rule"), ("Finding", "w-wide"), ("Placement", "w-addr"), ("Where", "w-where"),
                ], findings.iter().map(|f| html! {
                        tbody.finding {
                            tr {
                                td data-sort=(if f.severity == Severity::Error { "0" } else { "1" }) {
                                    span.tag.(severity_class(f.severity)) { (f.severity.as_str()) }
                                }
                                td { a href=(f.rule.url()) rel="noreferrer" { code { (f.rule.code) } } br; span.muted { (f.rule.name) } }
                                td {
                                    (shown(&f.message))
                                    @if let Some(help) = &f.help { div.help { "help: " (shown(help)) } }
                                    (excerpt(sources, f.primary.span))
                                    @if !f.secondary.is_empty() {
                                        ul.related {
                                            @for label in &f.secondary {
                                                li { code { (shown(&at(sources, label.span))) } " " (shown(&label.text)) }
                                            }
                                        }
                                    }
                                }
                                td {
                                    @if let Some(s) = &f.subject {
                                        code { (shown(&s.address)) }
                                        @if let Some(role) = &s.replica { " (" (shown(role)) " replica)" }
                                    }
                                }
                                td { code { (shown(&at(sources, f.primary.span))) } }
                            }
                        }
                }).collect()))
            }
        }
    }
}

fn inventory_section(policy: &Policy, rows: &[inventory::Row<'_>]) -> Markup {
    // A placement and its replicas form one group, sorted and filtered together.
    let mut groups: Vec<&[inventory::Row<'_>]> = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].role == PRIMARY {
            if i > start {
                groups.push(&rows[start..i]);
            }
            start = i;
        }
    }
    html! {
        section #inventory {
            h2 { "Inventory" }
            p.muted {
                "Every placement found, whether or not it breaks a rule, with its replicas. "
                "The chain says where the region's value comes from, nearest first."
            }
            @if groups.is_empty() {
                p { "No placement found." }
            } @else {
                (filter("inventory-table", "placements"))
                (sortable_table("inventory-table", &[
                    ("Address", "w-addr"), ("Role", "w-role"), ("Kind", "w-kind"), ("Provider", "w-prov"), ("Region", "w-region"),
                    ("Jurisdiction", "w-jur"), ("Zones", "w-zones"), ("Class", "w-class num"), ("Declared at", "w-where"), ("Region chain", "w-chain"),
                ], groups.iter().map(|group| html! {
                        tbody.placement {
                            @for row in group.iter() {
                                @let j = Jurisdiction::of(policy, row.provider, row.region);
                                tr.replica[row.role != PRIMARY] {
                                    td {
                                        @if row.role == PRIMARY {
                                            code { (shown(row.address)) }
                                            @if let Some(cluster) = row.cluster { br; span.muted { "cluster " (shown(cluster)) } }
                                        }
                                    }
                                    td { (row.role) }
                                    td { @if row.role == PRIMARY { (row.kind) } }
                                    td { @match row.provider { Some(p) => code { (shown(p)) }, None => span.muted { "unknown" } } }
                                    td {
                                        @match row.region {
                                            Some(r) => code { (shown(r)) },
                                            None => span.muted { "unresolved" @if let Some(why) = row.region_reason { ": " (shown(why)) } },
                                        }
                                    }
                                    td { span.tag.(j.class()) { (j.label()) } }
                                    td { (shown(&row.zones.join(", "))) }
                                    td.num { @if row.role == PRIMARY { @match row.data_class { Some(c) => (c), None => span.muted { "–" } } } }
                                    td { code { (shown(&format!("{}:{}", row.file, row.line))) } }
                                    td {
                                        @if !row.region_via.is_empty() {
                                            ol.chain { @for step in &row.region_via { li { (shown(step)) } } }
                                        }
                                    }
                                }
                            }
                        }
                }).collect()))
            }
        }
    }
}

fn register_section(register: &[RegisterRow]) -> Markup {
    html! {
        section #register {
            h2 { "Register of suppressions, exceptions and baseline entries" }
            p.muted { "Expired entries first. Days left count from the date judged as of." }
            @if register.is_empty() {
                p { "No suppression, exception or baseline entry." }
            } @else {
                (filter("register-table", "entries"))
                (sortable_table("register-table", &[
                    ("Status", "w-status"), ("Kind", "w-kind"), ("Where", "w-where"), ("Rules", "w-rules"), ("Reason", "w-wide"),
                    ("Approved by", "w-approver"), ("Until", "w-date"), ("Days left", "w-days num"), ("Note", "w-note"),
                ], register.iter().map(|row| html! {
                        tbody.entry {
                            tr.expired[row.status == "expired"] {
                                td { span.tag.(status_class(row.status)) { (row.status) } }
                                td { (row.kind) }
                                td {
                                    code {
                                        (shown(&row.file))
                                        @if let Some(line) = row.line { ":" (line) }
                                    }
                                    @if let Some(address) = &row.address { br; code { (shown(address)) } }
                                }
                                td { (shown(&row.codes.join(", "))) }
                                td { @match &row.reason { Some(r) => (shown(r)), None => span.muted { "none given" } } }
                                td { @match &row.approved_by { Some(a) => (shown(a)), None => span.muted { "none given" } } }
                                td.date { @if let Some(u) = &row.until { (u) } }
                                td.num data-sort=(row.days_left.map_or(i64::MAX, i64::from)) { @if let Some(d) = row.days_left { (d) } }
                                td { @if let Some(n) = &row.note { (shown(n)) } }
                            }
                        }
                }).collect()))
            }
        }
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "expired" | "disallowed" => "j-out",
        "unused" | "fixed" => "j-unl",
        _ => "j-fin",
    }
}

fn providers_section(policy: &Policy) -> Markup {
    let list = |regions: &[String]| shown(&regions.join(", "));
    html! {
        section #providers {
            h2 { "Provider registry in force" }
            p.muted {
                "Policy " code { (shown(&policy.name)) } " with yunlint.toml applied. "
                "Each certification with who confirmed it, its source and the date it was checked (as of)."
            }
            table #providers-table {
                thead { tr {
                    th { "Provider" } th { "Certification" } th { "Certified by" } th { "Source" }
                    th { "As of" } th { "Until" } th { "Regions" }
                } }
                @for entry in policy.providers.values() {
                    tbody.provider {
                        tr {
                            td { code { (shown(&entry.id)) } @if let Some(n) = &entry.name { br; (shown(n)) } }
                            td { (certification(policy, &entry.id)) }
                            td { @if let Some(by) = &entry.certified_by { (shown(by)) } }
                            td { @if let Some(s) = &entry.source { (shown(s)) } }
                            td.date { @if let Some(d) = entry.as_of { (d) } }
                            td.date { @if let Some((d, _)) = entry.until { (d) } }
                            td.regions {
                                @if !entry.finance.is_empty() { div { span.tag.j-fin { "finance-grade" } " " (list(&entry.finance)) } }
                                @if !entry.mainland.is_empty() { div { span.tag.j-main { "mainland" } " " (list(&entry.mainland)) } }
                                @if !entry.non_mainland.is_empty() { div { span.tag.j-out { "outside" } " " (list(&entry.non_mainland)) } }
                                div.muted {
                                    "unlisted regions: "
                                    (match entry.unlisted { Unlisted::Unknown => "unknown", Unlisted::NonMainland => "outside mainland" })
                                }
                            }
                        }
                    }
                }
            }
            @if !policy.groups.is_empty() {
                h3 { "Region groups" }
                ul.groups {
                    @for (name, set) in &policy.groups {
                        li { code { "@" (shown(name)) } ": " (shown(&set.describe().join(", "))) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_inline_style_and_script() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
        assert_eq!(csp.matches("'sha256-").count(), 2);
        assert!(!csp.contains("unsafe"));
    }

    #[test]
    fn an_excerpt_marks_the_span_and_cuts_long_lines() {
        use crate::source::SourceFile;
        let mut sources = SourceMap::default();
        let text = format!(
            "a = 1\nregion = \"<cn-hongkong>\" # {}\nb = 2\n",
            "x".repeat(200)
        );
        let id = sources.add(SourceFile::new(
            "f".into(),
            "f".into(),
            "f".into(),
            text.clone(),
        ));
        let start = text.find("\"<").unwrap();
        let span = Span::new(id, start..start + "\"<cn-hongkong>\"".len());
        let shown = excerpt(&sources, span).into_string();
        assert!(shown.starts_with("<pre class=\"src\"><span class=\"ln\">2</span> region = "));
        assert!(shown.contains("<mark>&quot;&lt;cn-hongkong&gt;&quot;</mark>"));
        assert!(shown.contains(&format!(" # {}…\n</pre>", "x".repeat(57))));
        // a span over two lines shows both, each marked
        let two = Span::new(id, 2..9);
        let shown = excerpt(&sources, two).into_string();
        assert!(shown.contains("<mark>= 1</mark>") && shown.contains("<mark>reg</mark>"));
    }

    #[test]
    fn charts_label_every_bar() {
        let bars = vec![Bar {
            label: "<b>x</b>".into(),
            segments: vec![(3, "j-fin")],
        }];
        let svg = bar_chart("c", "Caption", &bars, 2, &[]).into_string();
        assert!(svg.contains("<title id=\"c-title\">Caption</title>"));
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;: 3"));
        assert!(svg.contains(">… 2 more</text>"));
        assert!(!svg.contains("<b>"));
    }
}
