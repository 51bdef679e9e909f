//! The TOML shape shared by the built-in pack and `yunlint.toml`, with spans on every value a
//! diagnostic may point at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// The pack's own name (packs only).
    pub name: Option<Spanned<String>>,
    /// The pack a `yunlint.toml` builds on.
    pub extends: Option<Spanned<String>>,
    pub finance_grade_from: Option<Spanned<i64>>,
    pub default_data_class: Option<Spanned<i64>>,
    pub require_certified: Option<Spanned<bool>>,
    #[serde(default)]
    pub providers: BTreeMap<Spanned<String>, RawProvider>,
    #[serde(default)]
    pub regions: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    pub residency: Vec<RawResidency>,
    #[serde(default)]
    pub classify: Vec<RawClassify>,
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    pub discovery: Option<RawDiscovery>,
    pub kubernetes: Option<RawKubernetes>,
    pub terraform: Option<RawTerraform>,
    #[serde(default)]
    pub exceptions: Vec<RawException>,
    pub suppressions: Option<RawSuppressionPolicy>,
}

/// `[[exceptions]]`: findings compliance has accepted, by address or path.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawException {
    /// Glob over placement addresses.
    pub address: Option<Spanned<String>>,
    /// Glob over file paths relative to the project root.
    pub path: Option<Spanned<String>>,
    /// Codes, names or prefixes.
    pub codes: Spanned<Vec<Spanned<String>>>,
    pub reason: Option<String>,
    pub until: Option<Spanned<Datetime>>,
    pub approved_by: Option<String>,
}

/// `[terraform]`: values for root modules, as deploy scripts pass them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerraform {
    #[serde(default)]
    pub roots: Vec<RawTerraformRoot>,
}

/// One `[[terraform.roots]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerraformRoot {
    /// Globs matched against a root's directory, relative to the project root.
    pub paths: Spanned<Vec<Spanned<String>>>,
    /// Like `-var-file`, relative to the project root, in the order given.
    #[serde(default)]
    pub var_files: Vec<Spanned<String>>,
    /// Like `-var NAME=VALUE`, after the var files.
    #[serde(default)]
    pub vars: BTreeMap<String, Spanned<String>>,
}

/// `[kubernetes]`: which cluster each manifest runs on.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKubernetes {
    #[serde(default)]
    pub clusters: Vec<RawCluster>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCluster {
    pub name: Spanned<String>,
    /// Globs of the manifests it runs, relative to the project root.
    pub paths: Spanned<Vec<Spanned<String>>>,
    pub provider: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    #[serde(default)]
    pub zones: Vec<Spanned<String>>,
    /// The Terraform resource that creates the cluster: its provider and region are used.
    pub terraform: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub name: Option<String>,
    pub certified: Option<Spanned<RawCertified>>,
    pub certified_by: Option<String>,
    pub source: Option<String>,
    pub as_of: Option<Spanned<Datetime>>,
    pub until: Option<Spanned<Datetime>>,
    pub finance: Option<Vec<Spanned<String>>>,
    pub mainland: Option<Vec<Spanned<String>>>,
    pub non_mainland: Option<Vec<Spanned<String>>>,
    pub aliases: Option<BTreeMap<String, Spanned<String>>>,
    pub unlisted: Option<Spanned<String>>,
    /// A regular expression a zone id matches, whose `region` group is the zone's region.
    pub zone_pattern: Option<Spanned<String>>,
    /// How the provider rewrites a region before using it: `"lowercase"`, `"remove-spaces"`.
    pub normalize: Option<Vec<Spanned<String>>>,
}

/// `certified = true | false | "unknown"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawCertified {
    Flag(bool),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResidency {
    /// `4`, `">=4"`, `">3"`, `"<=2"`: which data classes the requirement covers (all when absent).
    pub data_class: Option<Spanned<RawClassBound>>,
    /// Region ids and `@group` references.
    pub allow: Spanned<Vec<Spanned<String>>>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawClassBound {
    Exact(i64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClassify {
    #[serde(rename = "match")]
    pub pattern: Spanned<String>,
    pub data_class: Spanned<i64>,
}

/// `[suppressions]`: which suppressions the compliance team accepts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSuppressionPolicy {
    /// Rules that may only be excepted in `[[exceptions]]`, never by an inline comment.
    #[serde(default)]
    pub not_inline: Vec<Spanned<String>>,
    /// Rules whose exceptions must carry `approved_by`.
    #[serde(default)]
    pub approval_required: Vec<Spanned<String>>,
    /// Every suppression must carry `until`.
    #[serde(default)]
    pub until_required: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscovery {
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// Files larger than this many bytes are skipped (with a note), not read.
    pub max_file_size: Option<Spanned<i64>>,
}
