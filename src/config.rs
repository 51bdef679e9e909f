//! Finds, reads and validates `yunlint.toml`, and merges it over the built-in pack.
//! A bad configuration is itself a diagnostic, with the span of the bad value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use jiff::civil::Date;

use crate::model::Resolved;
use crate::policy::raw::RawPolicy;
use crate::policy::{BUILTIN_PACK, BUILTIN_PACK_NAME, Policy, PolicyBuilder};
use crate::rules::{self, Level, RuleMeta};
use crate::source::{SourceFile, SourceId, SourceMap, Span, relative_display};
use crate::suggest;
use crate::suppress::{Scope as SuppressionScope, Suppression, SuppressionPolicy};

pub const CONFIG_FILE_NAME: &str = "yunlint.toml";

/// Inputs are hand-written configuration: 10 MiB is far beyond any real one, and bounds memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Spans hold 32-bit offsets, so no file may be larger than this.
pub const MAX_FILE_SIZE_LIMIT: u64 = u32::MAX as u64;

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug)]
pub enum ConfigFailure {
    /// The configuration file could not be read.
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The configuration was read but is invalid.
    Invalid(Vec<ConfigError>),
}

/// Everything a run takes from the configuration.
#[derive(Debug)]
pub struct Config {
    pub policy: Policy,
    /// `[rules]` severity overrides by rule.
    pub rule_levels: BTreeMap<&'static str, Level>,
    /// `[discovery] exclude`, matched against paths relative to `root`.
    pub exclude: GlobSet,
    /// Files larger than this are skipped, not read (`[discovery] max_file_size`).
    pub max_file_size: u64,
    /// The project root: the directory of `yunlint.toml`, or the current directory without one.
    pub root: PathBuf,
    /// The configuration file used, if any.
    pub file: Option<PathBuf>,
    /// `[[kubernetes.clusters]]`, in the order written (the first whose paths match wins).
    pub clusters: Vec<Cluster>,
    /// `[[exceptions]]`: findings compliance accepted, with a reason and an end date.
    pub exceptions: Vec<Suppression>,
    /// `[suppressions]`: which suppressions are allowed, and what they must say.
    pub suppression_policy: SuppressionPolicy,
    /// `[[terraform.roots]]`: var files and values for the roots they match, in the order written.
    pub terraform_roots: Vec<TerraformRoot>,
}

/// Values for the Terraform roots whose directory matches `paths`, as a deploy script passes them
/// with `-var-file` and `-var`.
#[derive(Debug, Clone)]
pub struct TerraformRoot {
    pub paths: GlobSet,
    /// Absolute, in the order given, with the span that names each.
    pub var_files: Vec<(PathBuf, Span)>,
    /// `name`, value, span of the value.
    pub vars: Vec<(String, String, Span)>,
}

/// A Kubernetes cluster and the manifests that run on it.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub name_span: Span,
    pub paths: GlobSet,
    pub location: ClusterLocation,
    pub zones: Vec<Resolved<String>>,
}

#[derive(Debug, Clone)]
pub enum ClusterLocation {
    /// `provider` and `region` written in the configuration.
    Declared {
        provider: Resolved<String>,
        region: Resolved<String>,
    },
    /// The Terraform resource that creates the cluster (`module.ack.alicloud_cs_managed_kubernetes.prod`).
    Terraform { address: String, span: Span },
}

/// The nearest `yunlint.toml` in `start` or one of its ancestors.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE_NAME))
        // Anything by that name is the configuration: a FIFO or a link out of the tree is then
        // refused with an error, never passed over for a parent's file.
        .find(|candidate| candidate.symlink_metadata().is_ok())
}

/// Loads the built-in pack, then `file` over it (when given).
pub fn load(
    file: Option<&Path>,
    named: bool,
    cwd: &Path,
    today: Date,
    sources: &mut SourceMap,
) -> Result<Config, ConfigFailure> {
    let builtin_id = sources.add(SourceFile::new(
        format!("<built-in>/{BUILTIN_PACK_NAME}.toml"),
        format!("<built-in>/{BUILTIN_PACK_NAME}.toml"),
        PathBuf::from(format!("{BUILTIN_PACK_NAME}.toml")),
        BUILTIN_PACK.to_owned(),
    ));
    let builtin: RawPolicy =
        toml::from_str(BUILTIN_PACK).expect("the built-in pack is valid (tested)");
    let mut builder = PolicyBuilder::new(today);
    builder.apply(&builtin, builtin_id);

    let Some(file) = file else {
        let policy = builder.finish().map_err(ConfigFailure::Invalid)?;
        return Ok(Config {
            policy,
            rule_levels: BTreeMap::new(),
            exclude: GlobSet::empty(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            root: cwd.to_path_buf(),
            file: None,
            clusters: Vec::new(),
            exceptions: Vec::new(),
            suppression_policy: SuppressionPolicy::default(),
            terraform_roots: Vec::new(),
        });
    };

    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let root = absolute
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());
    // A `yunlint.toml` found in the tree must stay in it; one named by `--config` may be anywhere.
    let within = (!named).then_some(root.as_path());
    let unreadable = |error| ConfigFailure::Unreadable {
        path: PathBuf::from(relative_display(&absolute, cwd)),
        error,
    };
    let bytes =
        crate::guarded_read::read(file, DEFAULT_MAX_FILE_SIZE, within).map_err(unreadable)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        unreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })?;
    let display = relative_display(&absolute, cwd);
    let id = sources.add(SourceFile::new(
        display,
        CONFIG_FILE_NAME.to_owned(),
        absolute,
        text,
    ));
    let text = sources.get(id).text().clone();
    let raw: RawPolicy = toml::from_str(&text).map_err(|e| {
        ConfigFailure::Invalid(vec![ConfigError {
            span: e.span().map(|r| Span::new(id, r)),
            message: crate::report::visible::excerpt(e.message().trim_end().to_owned()),
            help: suggest::from_serde_message(e.message()).or_else(|| {
                // the key the value was written under: `as_of = "..."` on the span's line
                let key = e.span().and_then(|r| {
                    let line = &text[text[..r.start].rfind('\n').map_or(0, |n| n + 1)..r.start];
                    line.trim_end().strip_suffix('=').map(str::trim)
                });
                suggest::quoted_date(e.message(), key)
            }),
        }])
    })?;

    let mut errors = Vec::new();
    if let Some(extends) = &raw.extends
        && extends.get_ref() != BUILTIN_PACK_NAME
    {
        errors.push(ConfigError {
            span: Some(Span::new(id, extends.span())),
            message: format!("unknown policy pack `{}`", extends.get_ref()),
            help: Some(format!("the built-in pack is `{BUILTIN_PACK_NAME}`")),
        });
    }
    builder.apply(&raw, id);
    let rule_levels = rule_levels(&raw, id, &mut errors);
    let exclude = exclude_globs(&raw, id, &mut errors);
    let max_file_size = match raw
        .discovery
        .as_ref()
        .and_then(|d| d.max_file_size.as_ref())
    {
        None => DEFAULT_MAX_FILE_SIZE,
        Some(v) => u64::try_from(*v.get_ref())
            .ok()
            .filter(|n| (1..=MAX_FILE_SIZE_LIMIT).contains(n))
            .unwrap_or_else(|| {
                errors.push(ConfigError {
                    span: Some(Span::new(id, v.span())),
                    message: format!(
                        "`max_file_size = {}` is not a number of bytes from 1 to {MAX_FILE_SIZE_LIMIT}",
                        v.get_ref()
                    ),
                    help: Some(
                        "write the limit in bytes, like `max_file_size = 10485760` (10 MiB)".into(),
                    ),
                });
                DEFAULT_MAX_FILE_SIZE
            }),
    };
    let clusters = clusters(&raw, id, &mut errors);
    let terraform_roots = terraform_roots(&raw, id, &root, &mut errors);
    let exceptions = exceptions(&raw, id, &mut errors);
    let suppression_policy = suppression_policy(&raw, id, &mut errors);
    let policy = match builder.finish() {
        Ok(policy) => Some(policy),
        Err(mut more) => {
            errors.append(&mut more);
            None
        }
    };
    match policy {
        Some(policy) if errors.is_empty() => Ok(Config {
            policy,
            rule_levels,
            exclude,
            max_file_size,
            root,
            file: Some(file.to_path_buf()),
            clusters,
            exceptions,
            suppression_policy,
            terraform_roots,
        }),
        _ => {
            errors.sort_by_key(|e| e.span.map(|s| s.start()));
            // a group reached from two places reports its unknown member once
            errors.dedup();
            Err(ConfigFailure::Invalid(errors))
        }
    }
}

fn rule_levels(
    raw: &RawPolicy,
    id: SourceId,
    errors: &mut Vec<ConfigError>,
) -> BTreeMap<&'static str, Level> {
    let mut levels = BTreeMap::new();
    for (key, value) in &raw.rules {
        let rule: Option<&'static RuleMeta> = rules::find(key.get_ref());
        let Some(rule) = rule else {
            let candidates = rules::all().flat_map(|r| [r.code, r.name]);
            errors.push(ConfigError {
                span: Some(Span::new(id, key.span())),
                message: format!("unknown rule `{}`", key.get_ref()),
                help: suggest::did_you_mean(key.get_ref(), candidates)
                    .or_else(|| Some("`yunlint rules` lists every rule".into())),
            });
            continue;
        };
        match Level::parse(value.get_ref()) {
            Some(level) => {
                levels.insert(rule.code, level);
            }
            None => errors.push(ConfigError {
                span: Some(Span::new(id, value.span())),
                message: format!("`{}` is not a rule level", value.get_ref()),
                help: suggest::did_you_mean(value.get_ref(), ["error", "warning", "warn", "off"])
                    .or_else(|| {
                        Some("use `\"error\"`, `\"warning\"` (or `\"warn\"`) or `\"off\"`".into())
                    }),
            }),
        }
    }
    levels
}

fn exclude_globs(raw: &RawPolicy, id: SourceId, errors: &mut Vec<ConfigError>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in raw.discovery.iter().flat_map(|d| &d.exclude) {
        match Glob::new(pattern.get_ref().trim_start_matches("./")) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => errors.push(ConfigError {
                span: Some(Span::new(id, pattern.span())),
                message: format!("invalid glob `{}`: {}", pattern.get_ref(), e.kind()),
                help: None,
            }),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Rule codes from selectors (codes, names, prefixes), each unknown one an error at its span.
fn rule_codes(
    selectors: &[toml::Spanned<String>],
    id: SourceId,
    errors: &mut Vec<ConfigError>,
) -> Vec<&'static str> {
    let mut codes = Vec::new();
    for selector in selectors {
        let matched = rules::matching(selector.get_ref());
        if matched.is_empty() {
            let candidates = rules::all().flat_map(|r| [r.code, r.name]);
            errors.push(ConfigError {
                span: Some(Span::new(id, selector.span())),
                message: format!("unknown rule `{}`", selector.get_ref()),
                help: suggest::did_you_mean(selector.get_ref(), candidates),
            });
        }
        codes.extend(matched);
    }
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn suppression_policy(
    raw: &RawPolicy,
    id: SourceId,
    errors: &mut Vec<ConfigError>,
) -> SuppressionPolicy {
    let Some(policy) = &raw.suppressions else {
        return SuppressionPolicy::default();
    };
    SuppressionPolicy {
        not_inline: rule_codes(&policy.not_inline, id, errors),
        approval_required: rule_codes(&policy.approval_required, id, errors),
        until_required: policy.until_required,
    }
}

fn exceptions(raw: &RawPolicy, id: SourceId, errors: &mut Vec<ConfigError>) -> Vec<Suppression> {
    let mut out = Vec::new();
    for e in &raw.exceptions {
        let codes_span = Span::new(id, e.codes.span());
        let codes = rule_codes(e.codes.get_ref(), id, errors);
        let mut glob = |value: &Option<toml::Spanned<String>>, normalize: bool| {
            let value = value.as_ref()?;
            let pattern = if normalize {
                crate::policy::normalize_address_glob(value.get_ref())
            } else {
                value.get_ref().trim_start_matches("./").to_owned()
            };
            match Glob::new(&pattern) {
                Ok(glob) => Some(glob.compile_matcher()),
                Err(err) => {
                    errors.push(ConfigError {
                        span: Some(Span::new(id, value.span())),
                        message: format!("invalid glob `{}`: {}", value.get_ref(), err.kind()),
                        help: None,
                    });
                    None
                }
            }
        };
        let address = glob(&e.address, true);
        let path = glob(&e.path, false);
        if e.address.is_none() && e.path.is_none() {
            errors.push(ConfigError {
                span: Some(codes_span),
                message: "an exception needs `address` or `path`".into(),
                help: Some("say what it covers: `address = \"envs/prod:module.dr.**\"` or `path = \"legacy/**\"`".into()),
            });
            continue;
        }
        let until = match &e.until {
            None => None,
            Some(d) => match crate::policy::plain_date(d.get_ref()) {
                Some(date) => Some((date, Span::new(id, d.span()))),
                None => {
                    errors.push(ConfigError {
                        span: Some(Span::new(id, d.span())),
                        message: format!("`{}` is not a plain date", d.get_ref()),
                        help: Some("write a date without time, like `2027-06-30`".into()),
                    });
                    None
                }
            },
        };
        out.push(Suppression {
            scope: SuppressionScope::Config { address, path },
            span: codes_span,
            codes,
            reason: e.reason.clone().filter(|r| !r.trim().is_empty()),
            until,
            approved_by: e.approved_by.clone().filter(|a| !a.trim().is_empty()),
        });
    }
    out
}

/// Path globs relative to the project root (a leading `./` ignored, `tidy` applied), each invalid
/// one an error at its span.
fn path_globs(
    patterns: &[toml::Spanned<String>],
    id: SourceId,
    errors: &mut Vec<ConfigError>,
    tidy: impl Fn(&str) -> &str,
) -> GlobSet {
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        match Glob::new(tidy(p.get_ref().trim_start_matches("./"))) {
            Ok(glob) => {
                set.add(glob);
            }
            Err(e) => errors.push(ConfigError {
                span: Some(Span::new(id, p.span())),
                message: format!("invalid glob `{}`: {}", p.get_ref(), e.kind()),
                help: None,
            }),
        }
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

fn clusters(raw: &RawPolicy, id: SourceId, errors: &mut Vec<ConfigError>) -> Vec<Cluster> {
    let span = |s: std::ops::Range<usize>| Span::new(id, s);
    let mut out = Vec::new();
    for c in raw.kubernetes.iter().flat_map(|k| &k.clusters) {
        let name_span = span(c.name.span());
        let paths = path_globs(c.paths.get_ref(), id, errors, |p| p);
        let location = match (&c.terraform, &c.provider, &c.region) {
            (Some(address), None, None) => ClusterLocation::Terraform {
                address: address.get_ref().clone(),
                span: span(address.span()),
            },
            (None, Some(provider), Some(region)) => ClusterLocation::Declared {
                provider: Resolved::new(provider.get_ref().clone(), span(provider.span())),
                region: Resolved::new(region.get_ref().clone(), span(region.span())),
            },
            _ => {
                errors.push(ConfigError {
                    span: Some(name_span),
                    message: format!("cluster `{}` needs either `provider` and `region`, or `terraform`", c.name.get_ref()),
                    help: Some(
                        "write `provider = \"alicloud\"` and `region = \"cn-shanghai-finance-1\"`, or `terraform = \"module.ack.alicloud_cs_managed_kubernetes.prod\"`"
                            .into(),
                    ),
                });
                continue;
            }
        };
        out.push(Cluster {
            name: c.name.get_ref().clone(),
            name_span,
            paths,
            location,
            zones: c
                .zones
                .iter()
                .map(|z| Resolved::new(z.get_ref().clone(), span(z.span())))
                .collect(),
        });
    }
    out
}

fn terraform_roots(
    raw: &RawPolicy,
    id: SourceId,
    root: &Path,
    errors: &mut Vec<ConfigError>,
) -> Vec<TerraformRoot> {
    let span = |s: std::ops::Range<usize>| Span::new(id, s);
    let mut out = Vec::new();
    for r in raw.terraform.iter().flat_map(|t| &t.roots) {
        let paths = path_globs(r.paths.get_ref(), id, errors, |p| p.trim_end_matches('/'));
        let mut var_files = Vec::new();
        for f in &r.var_files {
            let path = crate::context::lexical_normalize(&root.join(f.get_ref()));
            if !path.starts_with(root) || !path.is_file() {
                errors.push(ConfigError {
                    span: Some(span(f.span())),
                    message: format!(
                        "var file `{}` is not a file of the project root",
                        f.get_ref()
                    ),
                    help: Some("give the path relative to the directory of yunlint.toml".into()),
                });
                continue;
            }
            // where the walk finds the file: a path through a link inside the tree names it too
            let path = std::fs::canonicalize(&path)
                .ok()
                .filter(|real| real.starts_with(root))
                .unwrap_or(path);
            var_files.push((path, span(f.span())));
        }
        out.push(TerraformRoot {
            paths,
            var_files,
            vars: r
                .vars
                .iter()
                .map(|(name, value)| (name.clone(), value.get_ref().clone(), span(value.span())))
                .collect(),
        });
    }
    out
}

/// `yunlint init`'s starter configuration.
pub const STARTER_CONFIG: &str = include_str!("starter.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 23).unwrap()
    }

    fn load_text(text: &str) -> Result<Config, ConfigFailure> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(
            Some(&path),
            true,
            dir.path(),
            today(),
            &mut SourceMap::default(),
        )
    }

    fn errors(text: &str) -> Vec<ConfigError> {
        match load_text(text) {
            Err(ConfigFailure::Invalid(errors)) => errors,
            other => panic!("expected errors, got {other:?}"),
        }
    }

    #[test]
    fn builtin_pack_loads_with_every_provider_sourced() {
        let config = load(
            None,
            false,
            Path::new("."),
            today(),
            &mut SourceMap::default(),
        )
        .unwrap();
        let policy = config.policy;
        assert_eq!(policy.name, "cn-finance");
        for id in [
            "alicloud",
            "tencentcloud",
            "huaweicloud",
            "baiducloud",
            "aws",
            "azurerm",
            "google",
        ] {
            let entry = policy.provider(id).unwrap();
            assert!(entry.source.is_some() && entry.as_of.is_some(), "{id}");
        }
        assert_eq!(policy.finance_grade_from, 3);
        assert_eq!(policy.default_data_class, 3);
    }

    #[test]
    fn user_entries_merge_over_the_pack_field_by_field() {
        let config = load_text(
            "[providers.alicloud]\ncertified = true\ncertified_by = \"compliance\"\nuntil = 2027-09-30\n",
        )
        .unwrap();
        let ali = config.policy.provider("alicloud").unwrap();
        assert_eq!(ali.certified, crate::policy::Certification::Certified);
        assert!(
            ali.finance.iter().any(|r| r == "cn-shanghai-finance-1"),
            "pack lists kept"
        );
        assert_eq!(ali.until.unwrap().0, Date::new(2027, 9, 30).unwrap());
    }

    #[test]
    fn new_provider_without_source_is_an_error_at_its_key() {
        let errs = errors("[providers.mybank]\ncertified = true\nas_of = 2026-01-01\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].message, "provider `mybank` has no `source`");
        assert_eq!(errs[0].span.unwrap().range(), 11..17);
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let errs = errors("require_certifed = true\n");
        assert_eq!(
            errs[0].help.as_deref(),
            Some("did you mean `require_certified`?")
        );
        assert_eq!(errs[0].span.unwrap().range(), 0..16);
    }

    #[test]
    fn groups_expand_through_references_and_cycles_are_errors() {
        let config = load_text(
            "[regions]\na = [\"cn-shanghai-finance-1\", \"@b\"]\nb = [\"cn-shenzhen-finance-1\"]\n\n[[residency]]\ndata_class = \">=4\"\nallow = [\"@a\"]\n",
        )
        .unwrap();
        let a = &config.policy.groups["a"];
        assert!(a.regions.contains("cn-shenzhen-finance-1"));
        assert_eq!(config.policy.residency.len(), 1);
        let errs = errors("[regions]\na = [\"@b\"]\nb = [\"@a\"]\n");
        assert!(
            errs[0]
                .message
                .starts_with("region group `a` refers to itself"),
            "{errs:?}"
        );
    }

    #[test]
    fn unknown_group_and_rule_and_level_are_reported_with_spans() {
        let errs = errors(
            "[[residency]]\nallow = [\"@mainlnd\"]\n\n[rules]\nYL999 = \"off\"\nregion-outside-jurisdiction = \"warnings\"\n",
        );
        let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown region group `@mainlnd`",
                "unknown rule `YL999`",
                "`warnings` is not a rule level"
            ]
        );
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `@mainland`?"));
    }

    #[test]
    fn out_of_range_class_is_an_error() {
        let errs = errors("[[classify]]\nmatch = \"payments/**\"\ndata_class = 7\n");
        assert_eq!(errs[0].message, "data class `7` is out of range");
    }
}
