//! The pass: discover → parse → resolve → check → suppress, one step per function.

pub(crate) mod locate;
mod read;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use self::read::Input;
use crate::config::{self, Config, ConfigError, ConfigFailure};
use crate::context::{Context, ContextError};
use crate::discover::{self, DiscoverError, Walk};
use crate::finding::{Finding, Label};
use crate::frontends::{
    FileOutput, ParseIssue, Parsed, Unverifiable, clusters, managed, terraform,
};
use crate::model::Placement;
use crate::rules::{
    self, ParseError, Selection, UnknownSelector, UnloadedVarFile, UnresolvedRegion,
};
use crate::source::{SourceFile, SourceMap, Span, relative_display};
use crate::suppress::baseline::Baseline;
use crate::suppress::{self, Suppression};

/// What a run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    /// Ignore every `yunlint.toml`.
    pub isolated: bool,
    pub force_exclude: bool,
    pub as_of: Option<Date>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Standard input's text and the file name it stands for (`check -`).
    pub stdin: Option<(String, String)>,
    /// Terraform `--var-file` files, in the order given.
    pub var_files: Vec<PathBuf>,
    /// Terraform `--var NAME=VALUE`, in the order given.
    pub vars: Vec<(String, String)>,
    /// Hide the findings this baseline file records.
    pub baseline: Option<PathBuf>,
    /// Only findings are asked for (`check`): the run keeps no placement (each Terraform root's
    /// are checked as it is evaluated, then dropped), and a run with paths, without a baseline
    /// and not naming the configuration, may leave unread and unevaluated what cannot have a
    /// finding that concerns them. The suppression register and the baseline's matches cover
    /// the files read.
    pub findings_only: bool,
    /// Only the placements are asked for (`inventory`): the rules are not run, since none of
    /// their findings would be shown. Problems reading the files are still findings.
    pub placements_only: bool,
}

/// Everything a run found, ready for a reporter.
#[derive(Debug)]
pub struct LintRun {
    pub sources: SourceMap,
    pub config: Config,
    pub placements: Vec<Box<Placement>>,
    /// What may run somewhere but cannot be placed (a remote module not downloaded, a manifest
    /// mapped to no cluster): each is a YL204 finding and an inventory entry.
    pub unverifiable: Vec<Unverifiable>,
    pub findings: Vec<Finding>,
    /// The project root and the paths the run reports on.
    pub context: Context,
    /// Files read (parsed or not).
    pub files: usize,
    /// Findings hidden by inline suppressions and `[[exceptions]]`.
    pub suppressed: usize,
    /// Findings hidden by the baseline.
    pub baselined: usize,
    /// Baseline entries no finding matched any more: fixed since.
    pub fixed: usize,
    /// Every suppression, exception and baseline entry, with what became of it.
    pub register: Register,
    /// Files passed over, with the reason (too large, not a regular file, a link out of the tree).
    pub skipped: Vec<(String, String)>,
    /// Things declared that place nothing, with the reason (`count = 0`): (address, reason).
    pub notes: Vec<(String, String)>,
    /// Files whose reading crashed (a bug in yunlint): the run must end with exit 2.
    pub internal_errors: Vec<String>,
    pub elapsed: Duration,
}

/// The accepted debt of a run: suppressions and exceptions with their status, and the baseline's
/// entries with whether a finding still matched each.
#[derive(Debug, Default)]
pub struct Register {
    pub suppressions: Vec<(Suppression, suppress::Status)>,
    pub baseline: Vec<(suppress::baseline::Entry, bool)>,
}

/// Why a run could not do its job (exit 2).
#[derive(Debug)]
pub enum Failure {
    Config {
        errors: Vec<ConfigError>,
        sources: SourceMap,
    },
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    Discover(DiscoverError),
    Context(ContextError),
    Selector(UnknownSelector),
    Baseline {
        path: PathBuf,
        message: String,
    },
}

impl Failure {
    pub fn from_config(failure: ConfigFailure, sources: SourceMap) -> Self {
        match failure {
            ConfigFailure::Invalid(errors) => Failure::Config { errors, sources },
            ConfigFailure::Unreadable { path, error } => Failure::Unreadable { path, error },
        }
    }
}

/// Standard input as a path argument.
pub const STDIN_PATH: &str = "-";

/// Runs the whole pass over the project root of `options.paths`, and reports on those paths
/// (paths are shown relative to `cwd`).
pub fn lint(options: &LintOptions, cwd: &Path) -> Result<LintRun, Failure> {
    lint_in(options, cwd, None)
}

/// [`lint`] with the project root fixed at `root` rather than found from the paths: `init` reads
/// the directory it writes `yunlint.toml` in, whatever lies above it.
pub fn lint_rooted(options: &LintOptions, root: &Path, cwd: &Path) -> Result<LintRun, Failure> {
    lint_in(options, cwd, Some(root))
}

fn lint_in(options: &LintOptions, cwd: &Path, root: Option<&Path>) -> Result<LintRun, Failure> {
    let started = Instant::now();
    let today = options.as_of.unwrap_or_else(crate::today);
    let mut context = Context::new(
        &options.paths,
        options.stdin.as_ref().map(|(name, _)| name.as_str()),
        options.config.as_deref().filter(|_| !options.isolated),
        cwd,
    )
    .map_err(Failure::Context)?;
    if let Some(root) = root {
        context.root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if let Some(outside) = context.named.iter().find(|p| !p.starts_with(&context.root)) {
            return Err(Failure::Context(ContextError::Outside {
                path: relative_display(outside, &context.cwd),
                root: relative_display(&context.root, &context.cwd),
            }));
        }
    }
    let cwd = context.cwd.as_path();
    let mut sources = SourceMap::default();
    let mut config = load_config(options, &context, cwd, today, &mut sources)?;
    config.root = context.root.clone();
    let selection = Selection::new(&options.select, &options.ignore, &config.rule_levels)
        .map_err(Failure::Selector)?;
    let baseline = options
        .baseline
        .as_deref()
        .map(|path| load_baseline(path, config.max_file_size))
        .transpose()?;

    // discover: the whole project root, and the named paths (a named file is read even when
    // the walk passes it over)
    let mut walk_paths = vec![context.root.clone()];
    walk_paths.extend(
        context
            .named
            .iter()
            .filter(|p| **p != context.root && Some(*p) != context.stdin.as_ref())
            .cloned(),
    );
    let mut discovered = Walk {
        root: &config.root,
        max_file_size: config.max_file_size,
        exclude: &config.exclude,
        force_exclude: options.force_exclude,
    }
    .run(&walk_paths)
    .map_err(Failure::Discover)?;
    if let Some(stdin) = &context.stdin {
        // standard input stands for that file
        discovered.files.retain(|f| f.path != *stdin);
    }
    if reports_named_paths_only(options, &context) {
        let all_manifests = names_manifests(&context);
        discovered
            .files
            .retain(|f| needed_for_named(f, &config, &context, all_manifests));
    }

    let roots = roots_needed(options, &context, &config, &discovered.files);

    // parse
    let mut inputs = inputs(
        options,
        &context,
        config.max_file_size,
        std::mem::take(&mut discovered.files),
    )?;
    // Whatever the walk could not read is a YL901 at its path, never passed over.
    inputs.extend(
        std::mem::take(&mut discovered.unreadable)
            .into_iter()
            .map(|(path, why)| Input::Unreadable(path, why)),
    );
    let parsed = read::read_all(
        inputs,
        config.max_file_size,
        sources.next_id().0,
        cwd,
        &config.root,
    );
    let internal_errors = parsed
        .iter()
        .filter(|r| matches!(r.parsed, Parsed::Crashed))
        .map(|r| r.file.display.to_string())
        .collect();
    // The files reported on: those of the named paths (the rest of the root is context).
    // hashed, as only their number is needed
    let mut read_paths: HashSet<PathBuf> = parsed
        .iter()
        .filter(|r| !matches!(r.parsed, Parsed::Skipped))
        .map(|r| r.file.path.to_path_buf())
        .collect();

    // resolve and check the placements
    let resolved = resolve(
        parsed,
        options,
        &config,
        &selection,
        roots,
        cwd,
        &mut sources,
    );
    read_paths.extend(resolved.also_read.iter().cloned());
    let files = read_paths
        .iter()
        .filter(|p| context.is_whole_root() || context.covers(p))
        .count();

    // check what is not a placement
    let mut findings = resolved.findings;
    findings.extend(
        resolved
            .issues
            .into_iter()
            .map(parse_finding)
            .chain(
                resolved
                    .unverifiable
                    .iter()
                    .map(UnresolvedRegion::unverifiable),
            )
            .chain(
                resolved
                    .unloaded_vars
                    .iter()
                    .filter_map(UnloadedVarFile::finding),
            )
            .filter_map(|f| selection.apply(f)),
    );

    // suppress: inline comments and [[exceptions]], then the baseline
    let mut suppressions = config.exceptions.clone();
    suppressions.extend(resolved.suppressions);
    findings.extend(
        resolved
            .invalid_suppressions
            .into_iter()
            .filter_map(|f| selection.apply(f)),
    );
    // Reported: what a full run finds in the named paths, or through them.
    let covered = |span: &Span| context.covers(&sources.get(span.source).path);
    // A Terraform root or Terragrunt unit is where its placements are deployed: naming its
    // directory names them (`envs/prod:module.x.alicloud_db_instance.ledger`).
    let root_covered = |address: &str| {
        address
            .split_once(':')
            // (a manifest's `path#Kind/ns/name` may hold a `:` in the name)
            .filter(|(dir, _)| !dir.contains('#'))
            .is_some_and(|(dir, _)| context.covers(&context.root.join(dir)))
    };
    let reported = |f: &Finding| {
        context.is_whole_root()
            || covered(&f.primary.span)
            || f.secondary.iter().any(|l| covered(&l.span))
            || f.subject.as_ref().is_some_and(|s| root_covered(&s.address))
    };
    let outcome = suppress::apply(
        findings,
        &reported,
        &suppressions,
        &sources,
        suppress::Rules {
            policy: &config.suppression_policy,
            today,
            selection: &selection,
        },
    );
    let (mut findings, baselined, matched) = match &baseline {
        Some(b) => b.filter(outcome.findings, &sources, &reported),
        None => (outcome.findings, 0, Vec::new()),
    };
    let fixed = matched.iter().filter(|m| !**m).count();
    let register = Register {
        suppressions: suppressions.into_iter().zip(outcome.statuses).collect(),
        baseline: baseline
            .map(|b| b.findings.into_iter().zip(matched).collect())
            .unwrap_or_default(),
    };
    let (mut placements, mut unverifiable) = (resolved.placements, resolved.unverifiable);
    if !context.is_whole_root() {
        findings.retain(reported);
        placements.retain(|p| placement_spans(p).any(|s| covered(&s)) || root_covered(&p.address));
        unverifiable.retain(|u| {
            covered(&u.unresolved.span) || covered(&u.declared) || root_covered(&u.address)
        });
    }

    Ok(LintRun {
        sources,
        config,
        placements,
        unverifiable,
        findings,
        context: context.clone(),
        files,
        suppressed: outcome.suppressed,
        baselined,
        fixed,
        register,
        skipped: discovered
            .skipped
            .iter()
            .map(|(path, reason)| {
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                (relative_display(&absolute, cwd), reason.clone())
            })
            .collect(),
        notes: resolved.notes,
        internal_errors,
        elapsed: started.elapsed(),
    })
}

/// Every span a placement's place comes through: its declaration and the chains of its provider,
/// region, zones and replicas.
fn placement_spans(p: &Placement) -> impl Iterator<Item = Span> + '_ {
    let chain = |span: Span, via: &[crate::model::Via]| {
        std::iter::once(span)
            .chain(via.iter().map(|v| v.span))
            .collect::<Vec<_>>()
    };
    let region = match &p.region {
        Ok(r) => chain(r.span, &r.via),
        Err(u) => vec![u.span],
    };
    let replicas = p.replicas.iter().flat_map(move |r| match &r.region {
        Ok(region) => chain(region.span, &region.via),
        Err(u) => vec![u.span],
    });
    [p.name_span, p.block]
        .into_iter()
        .chain(chain(p.provider.span, &p.provider.via))
        .chain(region)
        .chain(p.zones.iter().map(|z| z.span))
        .chain(p.data_class.iter().map(|c| c.span))
        .chain(replicas)
}

/// The built-in pack, with the project root's `yunlint.toml` (or `--config`) over it.
fn load_config(
    options: &LintOptions,
    context: &Context,
    cwd: &Path,
    today: Date,
    sources: &mut SourceMap,
) -> Result<Config, Failure> {
    let named = options.config.is_some() && !options.isolated;
    let file = match &options.config {
        _ if options.isolated => None,
        Some(file) => Some(file.clone()),
        None => Some(context.root.join(config::CONFIG_FILE_NAME))
            .filter(|f| std::fs::symlink_metadata(f).is_ok()),
    };
    config::load(file.as_deref(), named, cwd, today, sources)
        .map_err(|failure| Failure::from_config(failure, std::mem::take(sources)))
}

fn load_baseline(path: &Path, limit: u64) -> Result<Baseline, Failure> {
    let failed = |message: String| Failure::Baseline {
        path: path.to_path_buf(),
        message,
    };
    let bytes = crate::guarded_read::read(path, limit, None).map_err(|e| failed(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| failed("not valid UTF-8".into()))?;
    Baseline::parse(&text).map_err(failed)
}

/// Whether a run reports only the findings that concern its paths, and may leave out what cannot
/// have one: `check` with paths and without a baseline, unless it names the configuration (whose
/// clusters, roots and exceptions reach every file).
fn reports_named_paths_only(options: &LintOptions, context: &Context) -> bool {
    if !options.findings_only || options.baseline.is_some() || context.is_whole_root() {
        return false;
    }
    let config_file = match &options.config {
        _ if options.isolated => None,
        Some(file) => Some(std::fs::canonicalize(file).unwrap_or_else(|_| file.clone())),
        None => Some(context.root.join(config::CONFIG_FILE_NAME)),
    };
    !config_file.is_some_and(|file| context.covers(&file))
}

/// Whether a named path may be or hold a manifest: a directory, a YAML file, or a file of no
/// format yunlint reads (it may be anything).
fn names_manifests(context: &Context) -> bool {
    context.named.iter().any(|path| {
        path.is_dir()
            || discover::classify(path).is_none_or(|format| format == discover::FileFormat::Yaml)
    })
}

/// Whether a run reporting on the named paths needs this file to judge them as the full run
/// does. A descriptor's findings lie in it alone (and the configuration): only a named one is
/// read. No step of a Terraform placement's chain lies in a manifest, and a manifest's chain
/// reaches Terraform only through a cluster that `[[kubernetes.clusters]]` gives by the address
/// of its Terraform resource: unless a manifest may be named (another manifest's volume may be in
/// its chain), the manifests of every other cluster are not read (on a large monorepo, most of
/// the parse).
fn needed_for_named(
    file: &discover::DiscoveredFile,
    config: &Config,
    context: &Context,
    all_manifests: bool,
) -> bool {
    match file.format {
        discover::FileFormat::Descriptor => context.covers(&file.path),
        discover::FileFormat::Yaml if !all_manifests => {
            let rel = relative_display(&file.path, &config.root);
            config.clusters.iter().any(|c| {
                matches!(c.location, config::ClusterLocation::Terraform { .. })
                    && c.paths.is_match(&*rel)
            })
        }
        _ => true,
    }
}

/// The Terraform roots a run evaluates. `check` with paths and without a baseline reports only
/// findings that concern them: the roots whose module tree holds a named path, and those that
/// may declare the cluster of a named manifest (see `terraform::Roots`). Every other run, and
/// one naming the configuration (whose cluster and root entries reach every root), needs all.
fn roots_needed(
    options: &LintOptions,
    context: &Context,
    config: &Config,
    files: &[discover::DiscoveredFile],
) -> terraform::Roots {
    if !reports_named_paths_only(options, context) {
        return terraform::Roots::All;
    }
    // The Terraform cluster of each manifest read (the first `[[kubernetes.clusters]]` entry whose
    // paths match it, as the cluster pass maps it).
    let cluster_of = |path: &Path| {
        let rel = relative_display(path, &config.root);
        match config
            .clusters
            .iter()
            .find(|c| c.paths.is_match(&*rel))?
            .location
        {
            config::ClusterLocation::Terraform { ref address, .. } => Some(address.clone()),
            config::ClusterLocation::Declared { .. } => None,
        }
    };
    let stdin_manifest = context
        .stdin
        .iter()
        .filter(|p| discover::classify(p).is_some_and(|f| f == discover::FileFormat::Yaml));
    let manifests: Vec<(&Path, String)> = files
        .iter()
        .filter(|f| f.format == discover::FileFormat::Yaml)
        .map(|f| f.path.as_path())
        .chain(stdin_manifest.map(PathBuf::as_path))
        .filter_map(|path| Some((path, cluster_of(path)?)))
        .collect();
    let clusters: BTreeSet<String> = manifests
        .iter()
        .filter(|(path, _)| context.covers(path))
        .map(|(_, address)| address.clone())
        .collect();
    let used_clusters: BTreeSet<String> = manifests.into_iter().map(|(_, a)| a).collect();
    terraform::Roots::Concerning {
        paths: context.named.clone(),
        clusters: clusters.into_iter().collect(),
        used_clusters: used_clusters.into_iter().collect(),
    }
}

/// The discovered files, standard input, then `--var-file` files.
fn inputs(
    options: &LintOptions,
    context: &Context,
    limit: u64,
    discovered: Vec<discover::DiscoveredFile>,
) -> Result<Vec<Input>, Failure> {
    let mut inputs: Vec<Input> = discovered
        .into_iter()
        .map(|f| Input::File(f.path, f.format))
        .collect();
    if let Some((name, text)) = &options.stdin
        && let Some(format) = discover::classify(Path::new(name))
    {
        if text.len() as u64 > limit {
            return Err(Failure::Unreadable {
                path: PathBuf::from("standard input"),
                error: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("larger than the {limit}-byte limit (`[discovery] max_file_size`)"),
                ),
            });
        }
        let path = context.stdin.clone().unwrap_or_else(|| PathBuf::from(name));
        inputs.push(Input::Stdin(path, format, text.clone()));
    }
    for path in &options.var_files {
        if let Err(error) = std::fs::metadata(path) {
            return Err(Failure::Unreadable {
                path: path.clone(),
                error,
            });
        }
        inputs.push(Input::VarFile(path.clone()));
    }
    Ok(inputs)
}

/// What the resolve step found in every file.
struct Resolved {
    /// Every placement, for an inventory; none when the run asks for findings only.
    #[allow(
        clippy::vec_box,
        reason = "boxed: tens of thousands move between passes, 8 bytes each instead of 432"
    )]
    placements: Vec<Box<Placement>>,
    /// What the rules found in every placement.
    findings: Vec<Finding>,
    issues: Vec<ParseIssue>,
    unverifiable: Vec<crate::frontends::Unverifiable>,
    /// Var files no root loads (YL208).
    unloaded_vars: Vec<crate::frontends::UnloadedVars>,
    /// Blocks that create nothing (`count = 0`), for `--verbose`.
    notes: Vec<(String, String)>,
    /// Every `yunlint: allow` comment, and a finding for each that cannot be read.
    suppressions: Vec<Suppression>,
    invalid_suppressions: Vec<Finding>,
    /// Files the walk did not find but the resolve step read (Terragrunt's `region.hcl`).
    also_read: Vec<PathBuf>,
}

/// Adds every parsed file to the source map, then runs the passes that need several files:
/// Terraform modules through their callers, Kubernetes manifests onto their clusters.
///
/// Checking is part of this pass: each Terraform root's placements are checked on the thread
/// that evaluated them, and only their findings are kept unless `keep_placements` (an inventory
/// needs the placements, a check only the findings), so that a run over tens of thousands of
/// placements never holds them all.
fn resolve(
    parsed: Vec<read::ReadFile>,
    options: &LintOptions,
    config: &Config,
    selection: &Selection,
    roots: terraform::Roots,
    cwd: &Path,
    sources: &mut SourceMap,
) -> Resolved {
    let keep_placements = !options.findings_only;
    let check = |placements: &[Box<Placement>]| match options.placements_only {
        true => Vec::new(),
        false => rules::check(placements, &config.policy, selection),
    };
    // One output for every file: a FileOutput per file would be 72 bytes each, mostly empty.
    let mut output = FileOutput::default();
    // Sized up front: grown by doubling, the Terraform files' vector alone wasted megabytes.
    let count = |kind: fn(&read::ReadFile) -> bool| parsed.iter().filter(|r| kind(r)).count();
    let mut tf_files = Vec::with_capacity(count(|r| {
        matches!(r.parsed, Parsed::Terraform(_)) && !r.is_var_file
    }));
    let mut var_files = Vec::new();
    let mut manifest_files =
        Vec::with_capacity(count(|r| matches!(r.parsed, Parsed::Kubernetes(_))));
    let mut downloaded = Vec::new();
    let mut terragrunt_files = Vec::new();
    let mut suppressions = Vec::new();
    let mut invalid_suppressions = Vec::new();
    for read in parsed {
        let read::ReadFile {
            file,
            parsed,
            is_var_file,
            suppressions: found,
            invalid_suppressions: invalid,
        } = read;
        suppressions.extend(found);
        invalid_suppressions.extend(invalid);
        let id = sources.add(file);
        match parsed {
            Parsed::Kubernetes(k8s) => {
                output.issues.extend(k8s.issues);
                manifest_files.push(clusters::ManifestFile {
                    id,
                    rel: sources.get(id).rel.clone(),
                    manifests: k8s.manifests,
                });
            }
            Parsed::Done(file_output) => output.append(file_output),
            Parsed::Terraform(tf) if is_var_file => var_files.push(tf),
            Parsed::Terraform(tf) => tf_files.push(tf),
            Parsed::TerraformModules(manifest) => downloaded.push(manifest),
            Parsed::Terragrunt(tg) => terragrunt_files.push(tg),
            Parsed::Crashed | Parsed::Skipped => {}
        }
    }
    // A unit without `terraform { source }` deploys the Terraform beside its terragrunt.hcl.
    let tf_dirs: BTreeSet<PathBuf> = tf_files
        .iter()
        .filter_map(|f| f.path.parent().map(Path::to_path_buf))
        .collect();
    let (units, mut also_read) = terragrunt_units(
        &terragrunt_files,
        &tf_dirs,
        &config.root,
        config.max_file_size,
        cwd,
        sources,
    );
    let root_configs = root_configs(config, cwd, sources, &mut output, &mut also_read);
    output.issues.extend(units.issues);
    output.unverifiable.extend(units.unverifiable);
    // The Terraform placements, each root's checked as soon as it is evaluated.
    let mut terraform = FileOutput::default();
    let mut findings = Vec::new();
    if !tf_files.is_empty() || !units.units.is_empty() {
        let vars = command_line_vars(&options.vars, sources);
        let rel_paths = tf_files
            .iter()
            .map(|f| (f.id, sources.get(f.id).rel.clone()))
            .collect();
        let sources: &SourceMap = sources;
        let cluster_addresses = clusters::TerraformAddresses::new(&config.clusters);
        let finish = |root: &mut FileOutput| {
            // Before the cluster pass: a cluster created in Terraform may be placed by its zone
            // alone.
            locate::complete(&mut root.placements, &config.policy);
            // Terraform's own Kubernetes resources run on the cluster their provider connects
            // to, which the same root creates.
            managed::place(&mut root.placements, sources);
            let findings = check(&root.placements);
            if !keep_placements {
                // what the cluster pass may look up is all that is kept
                root.placements.retain(|p| cluster_addresses.may_name(p));
            }
            findings
        };
        let (output, checked) = terraform::resolve(
            terraform::Inputs {
                files: &tf_files,
                var_files: &var_files,
                vars,
                rel_paths,
                project_root: config.root.clone(),
                downloaded,
                units: &units.units,
                root_configs: &root_configs,
                roots,
            },
            &finish,
        );
        terraform = output;
        // sized once: grown by doubling, the vector of every finding would be copied
        findings = Vec::with_capacity(checked.iter().map(Vec::len).sum());
        for mut root in checked {
            findings.append(&mut root);
        }
    }
    // The declarations are the largest structure of a run: gone before the next pass.
    drop(tf_files);
    drop(var_files);
    output.issues.append(&mut terraform.issues);
    output.unverifiable.append(&mut terraform.unverifiable);
    output.notes.append(&mut terraform.notes);
    output.unloaded_vars.append(&mut terraform.unloaded_vars);
    // The placements of descriptors, plans and manifests, checked once all are placed.
    locate::complete(&mut output.placements, &config.policy);
    let mut manifests = 0;
    if !manifest_files.is_empty() {
        // the plans' placements first, as the index prefers the first of two with one address
        let index = clusters::TerraformIndex::new(
            output
                .placements
                .iter()
                .chain(&terraform.placements)
                .map(|p| &**p),
        );
        let mut placed = clusters::place(&manifest_files, &config.clusters, &index, &config.policy);
        locate::complete(&mut placed.placements, &config.policy);
        manifests = placed.placements.len();
        output.append(placed);
    }
    findings.extend(check(&output.placements));
    let placements = if keep_placements {
        // in the order of the passes: files read alone, Terraform, manifests
        let first = output.placements.len() - manifests;
        let mut all = Vec::with_capacity(output.placements.len() + terraform.placements.len());
        all.extend(output.placements.drain(..first));
        all.append(&mut terraform.placements);
        all.append(&mut output.placements);
        all
    } else {
        Vec::new()
    };
    Resolved {
        placements,
        findings,
        issues: output.issues,
        unverifiable: output.unverifiable,
        unloaded_vars: output.unloaded_vars,
        notes: output.notes,
        suppressions,
        invalid_suppressions,
        also_read,
    }
}

/// `[[terraform.roots]]` with their var files read (YL901 for one that does not parse).
fn root_configs(
    config: &Config,
    cwd: &Path,
    sources: &mut SourceMap,
    output: &mut FileOutput,
    also_read: &mut Vec<PathBuf>,
) -> Vec<terraform::RootConfig> {
    let mut out = Vec::new();
    for entry in &config.terraform_roots {
        let mut var_files = Vec::new();
        for (path, span) in &entry.var_files {
            let text =
                match crate::guarded_read::read(path, config.max_file_size, Some(&config.root))
                    .map(|bytes| crate::source::decode(bytes).0)
                {
                    Ok(text) => text,
                    Err(e) => {
                        output
                            .issues
                            .push(ParseIssue::new(*span, format!("cannot read var file: {e}")));
                        continue;
                    }
                };
            if !also_read.contains(path) {
                also_read.push(path.clone());
            }
            let id = sources.add(SourceFile::from_disk(
                relative_display(path, cwd),
                relative_display(path, &config.root),
                path.clone(),
                text,
            ));
            let syntax = if path.to_string_lossy().ends_with(".json") {
                terraform::Syntax::Json
            } else {
                terraform::Syntax::Native
            };
            match terraform::parse(sources.get(id), id, terraform::TfKind::Vars, syntax) {
                Ok(file) => var_files.push(file),
                Err(issue) => output.issues.push(issue),
            }
        }
        out.push(terraform::RootConfig {
            paths: entry.paths.clone(),
            var_files,
            listed: entry.var_files.clone(),
            vars: entry.vars.clone(),
        });
    }
    out
}

/// The Terragrunt units; files they include or read that the walk did not (`root.hcl`,
/// `region.hcl`) are read here, from inside the project root only.
fn terragrunt_units(
    files: &[terraform::terragrunt::TgFile],
    tf_dirs: &BTreeSet<PathBuf>,
    root: &Path,
    max_file_size: u64,
    cwd: &Path,
    sources: &mut SourceMap,
) -> (terraform::terragrunt::Units, Vec<PathBuf>) {
    if files.is_empty() {
        return (terraform::terragrunt::Units::default(), Vec::new());
    }
    let mut issues = Vec::new();
    let mut read = Vec::new();
    let mut load = |path: &Path| {
        if !path.starts_with(root) {
            return None;
        }
        let bytes = crate::guarded_read::read(path, max_file_size, Some(root)).ok()?;
        let (text, _) = crate::source::decode(bytes);
        read.push(path.to_path_buf());
        let id = sources.add(SourceFile::from_disk(
            relative_display(path, cwd),
            relative_display(path, root),
            path.to_path_buf(),
            text,
        ));
        terraform::terragrunt::parse(sources.get(id), id)
            .map_err(|issue| issues.push(issue))
            .ok()
    };
    let mut units = terraform::terragrunt::units(files, tf_dirs, root, &mut load);
    units.issues.extend(issues);
    (units, read)
}

/// `--var` values as one synthetic source, so that a chain can point at them.
fn command_line_vars(
    vars: &[(String, String)],
    sources: &mut SourceMap,
) -> Vec<(String, String, Span)> {
    if vars.is_empty() {
        return Vec::new();
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    for (name, value) in vars {
        text.push_str(&format!("--var {name}="));
        let start = text.len();
        text.push_str(value);
        spans.push(start..text.len());
        text.push('\n');
    }
    let id = sources.add(SourceFile::new(
        "<command line>".into(),
        "<command line>".into(),
        PathBuf::from("<command line>"),
        text,
    ));
    vars.iter()
        .zip(spans)
        .map(|((name, value), range)| (name.clone(), value.clone(), Span::new(id, range)))
        .collect()
}

fn parse_finding(issue: ParseIssue) -> Finding {
    let mut finding = Finding::new(
        &ParseError::META,
        Label::new(issue.span, "here"),
        issue.message,
    );
    finding.help = issue.help;
    finding
}
