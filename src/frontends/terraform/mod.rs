//! Terraform: `.tf` and `.tfvars` parsed with `hcl-edit` (spans kept), `.tf.json` and
//! `.tfvars.json` with `jsonc-parser`, each read into declarations; expressions evaluated by
//! yunlint's own evaluator (`eval`, with unknown values), modules instantiated through their
//! callers, one instance per `count`/`for_each` key.
//!
//! Every directory of `.tf` files is a module. A module that another module of the tree calls with
//! a local `source` is evaluated only through its callers; the others are root modules, evaluated
//! with their `terraform.tfvars` and `*.auto.tfvars`.

mod decl;
mod eval;
mod functions;
mod json;
mod module;
mod native;
mod resolve;
mod select;
pub mod table;
pub mod terragrunt;
mod value;
mod var_files;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use self::decl::{Decls, SyntaxTrees};
use self::module::ModuleDef;
pub use self::resolve::RootValue;
use self::resolve::{Resolver, RootOutput, cli_value, config_value, tfvars_values};
pub use self::select::Roots;
use super::{FileOutput, ParseIssue};
use crate::source::{SourceFile, SourceId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TfKind {
    /// `*.tf`, `*.tf.json`
    Config,
    /// `*.tfvars`, `*.tfvars.json`
    Vars,
}

/// Terraform's two syntaxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Native,
    Json,
}

/// One Terraform file, read into its declarations.
pub struct TfFile {
    pub id: SourceId,
    pub path: Arc<Path>,
    pub kind: TfKind,
    pub decls: Decls,
}

pub fn parse(
    file: &SourceFile,
    id: SourceId,
    kind: TfKind,
    syntax: Syntax,
) -> Result<TfFile, ParseIssue> {
    let mut decls = match syntax {
        Syntax::Native => match hcl_edit::parser::parse_body(file.text()) {
            Ok(body) => native::read(id, file.text(), &body, kind),
            Err(e) => {
                let offset = e.location().offset().min(file.text().len());
                return Err(ParseIssue::new(
                    Span::new(id, offset..offset),
                    e.message().to_owned(),
                ));
            }
        },
        Syntax::Json => json::read(id, file.text(), kind)?,
    };
    decls.compact();
    Ok(TfFile {
        id,
        path: Arc::clone(&file.path),
        kind,
        decls,
    })
}

/// `.terraform/modules/modules.json`: the module keys of one root and the directories
/// `terraform init` downloaded them to.
pub struct ModulesManifest {
    pub root: PathBuf,
    pub dirs: BTreeMap<String, PathBuf>,
}

#[derive(serde::Deserialize)]
struct RawManifest {
    #[serde(rename = "Modules", default)]
    modules: Vec<RawManifestEntry>,
}

#[derive(serde::Deserialize)]
struct RawManifestEntry {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Dir")]
    dir: String,
}

pub fn parse_modules_manifest(
    file: &SourceFile,
    id: SourceId,
) -> Result<ModulesManifest, ParseIssue> {
    let raw: RawManifest = serde_json::from_str(file.text()).map_err(|e| {
        let offset = file
            .text()
            .lines()
            .take(e.line().saturating_sub(1))
            .map(|l| l.len() + 1)
            .sum::<usize>()
            + e.column().saturating_sub(1);
        let offset = offset.min(file.text().len());
        ParseIssue::new(
            Span::new(id, offset..offset),
            format!("invalid modules.json: {e}"),
        )
    })?;
    // <root>/.terraform/modules/modules.json
    let root = file
        .path
        .ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or_default();
    let dirs = raw
        .modules
        .into_iter()
        .filter(|m| !m.key.is_empty())
        .map(|m| {
            let dir = root
                .join(&m.dir)
                .components()
                .fold(PathBuf::new(), |mut acc, c| {
                    match c {
                        std::path::Component::ParentDir => {
                            acc.pop();
                        }
                        std::path::Component::CurDir => {}
                        other => acc.push(other),
                    }
                    acc
                });
            (m.key, dir)
        })
        .collect();
    Ok(ModulesManifest { root, dirs })
}

/// What the Terraform pass needs besides the files of the tree.
pub struct Inputs<'a> {
    pub files: &'a [TfFile],
    /// `--var-file` files, in the order given.
    pub var_files: &'a [TfFile],
    /// `--var NAME=VALUE`, in the order given, with the span of each value.
    pub vars: Vec<(String, String, Span)>,
    pub rel_paths: BTreeMap<SourceId, Arc<str>>,
    pub project_root: PathBuf,
    /// `modules.json` of roots that were `terraform init`-ed.
    pub downloaded: Vec<ModulesManifest>,
    /// Terragrunt units: roots of the modules they name.
    pub units: &'a [terragrunt::Unit],
    /// `[[terraform.roots]]`: values for the roots they match.
    pub root_configs: &'a [RootConfig],
    /// The roots and units to evaluate.
    pub roots: Roots,
}

/// One `[[terraform.roots]]` entry, its var files read.
pub struct RootConfig {
    pub paths: globset::GlobSet,
    pub var_files: Vec<TfFile>,
    /// Every var file the entry names, read or not, with the span of its name in yunlint.toml.
    pub listed: Vec<(PathBuf, Span)>,
    /// `name`, value, span of the value in yunlint.toml.
    pub vars: Vec<(String, String, Span)>,
}

/// How `terraform plan` loads a var file of a root's directory by itself: `terraform.tfvars`
/// and `terraform.tfvars.json` first, then `*.auto.tfvars` and `*.auto.tfvars.json`; `None` for
/// a file it loads only when named (`-var-file`). One definition for the evaluator, YL208 and
/// `init`, so that they cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoLoad {
    TfVars,
    Auto,
}

pub fn auto_load(name: &str) -> Option<AutoLoad> {
    if matches!(name, "terraform.tfvars" | "terraform.tfvars.json") {
        Some(AutoLoad::TfVars)
    } else if name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json") {
        Some(AutoLoad::Auto)
    } else {
        None
    }
}

fn file_name(file: &TfFile) -> String {
    file.path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Evaluates the roots and Terragrunt units `inputs.roots` selects (every one, unless a run with
/// paths needs fewer) and hands each root's output to `finish` as soon
/// as the root is evaluated, on the thread that evaluated it: what `finish` leaves of the
/// output is kept, and what it returns is collected, in the order of the roots. A caller that
/// checks each root's placements and keeps only its findings never holds every placement of
/// the repository at once.
pub fn resolve<R: Send>(
    inputs: Inputs<'_>,
    finish: &(dyn Fn(&mut FileOutput) -> R + Sync),
) -> (FileOutput, Vec<R>) {
    // hashed: ordered maps of paths compare them component by component, which was a tenth of
    // a run naming one file (every `.tf` file is grouped here)
    let mut by_dir: HashMap<PathBuf, Vec<&Decls>> = HashMap::new();
    let mut vars_by_dir: HashMap<PathBuf, Vec<&TfFile>> = HashMap::new();
    let mut issues = Vec::new();
    for f in inputs.files {
        let dir = f.path.parent().map(PathBuf::from).unwrap_or_default();
        issues.extend(f.decls.issues.iter().cloned());
        match f.kind {
            TfKind::Config => by_dir.entry(dir).or_default().push(&f.decls),
            TfKind::Vars => vars_by_dir.entry(dir).or_default().push(f),
        }
    }
    // A unit's module, with the Terraform its `generate` blocks write, is a root of its own.
    let unit_sources = terragrunt::sources(inputs.units);
    let mut unit_defs = Vec::new();
    for (index, unit) in inputs.units.iter().enumerate() {
        match by_dir.get(&unit.source_dir) {
            Some(_) => {
                // the module's files, but not a copy of what the unit's `generate` blocks write
                let mut files: Vec<&Decls> = inputs
                    .files
                    .iter()
                    .filter(|f| f.kind == TfKind::Config)
                    .filter(|f| f.path.parent() == Some(unit.source_dir.as_path()))
                    .filter(|f| !unit.generated_names.contains(&file_name(f)))
                    .map(|f| &f.decls)
                    .collect();
                files.extend(unit.generated.iter());
                unit_defs.push((index, unit, ModuleDef::read(unit.source_dir.clone(), &files)));
            }
            None => issues.push(
                ParseIssue::new(
                    unit.source_span,
                    "the unit's terraform source holds no .tf file that is linted",
                )
                .with_help("check the path; a module outside the linted tree or excluded from it cannot be inspected"),
            ),
        }
    }
    let modules: HashMap<PathBuf, ModuleDef<'_>> = by_dir
        .into_iter()
        .map(|(dir, files)| (dir.clone(), ModuleDef::read(dir, &files)))
        .collect();
    let resolver = Resolver {
        modules,
        rel_paths: inputs.rel_paths,
        project_root: inputs.project_root.clone(),
        downloaded: inputs
            .downloaded
            .into_iter()
            .map(|m| (m.root, m.dirs))
            .collect(),
        trees: SyntaxTrees::default(),
    };
    let selected = select::select(
        &inputs.roots,
        &select::World {
            resolver: &resolver,
            units: &unit_defs,
            root_configs: inputs.root_configs,
            var_files: inputs.var_files,
        },
    );
    let root_values = |root: &Path| -> Vec<RootValue> {
        // Terraform's precedence, lowest first: terraform.tfvars, terraform.tfvars.json,
        // *.auto.tfvars and *.auto.tfvars.json in lexical order, then --var-file and --var in the
        // order given.
        let mut local: Vec<&TfFile> = vars_by_dir.get(root).cloned().unwrap_or_default();
        local.sort_by_key(|f| file_name(f));
        let loaded_as = |how: AutoLoad| move |f: &&&TfFile| auto_load(&file_name(f)) == Some(how);
        let tfvars = local.iter().filter(loaded_as(AutoLoad::TfVars));
        let auto = local.iter().filter(loaded_as(AutoLoad::Auto));
        let mut values: Vec<RootValue> = tfvars
            .chain(auto)
            .flat_map(|f| tfvars_values(&f.decls.values, &file_name(f)))
            .collect();
        // `[[terraform.roots]]` entries matching the root, as if their var files and vars came
        // first on the command line
        let rel = crate::source::relative_display(root, &inputs.project_root);
        for config in inputs
            .root_configs
            .iter()
            .filter(|c| c.paths.is_match(&rel))
        {
            values.extend(
                config
                    .var_files
                    .iter()
                    .flat_map(|f| tfvars_values(&f.decls.values, &file_name(f))),
            );
            values.extend(
                config
                    .vars
                    .iter()
                    .map(|(name, value, span)| config_value(name, value, *span)),
            );
        }
        values.extend(
            inputs
                .var_files
                .iter()
                .flat_map(|f| tfvars_values(&f.decls.values, &file_name(f))),
        );
        values.extend(
            inputs
                .vars
                .iter()
                .map(|(name, value, span)| cli_value(name, value, *span)),
        );
        values
    };
    // Every root of the tree: which var files are loaded, and which variables are declared, is
    // judged over all of them (YL208), whichever a run evaluates.
    let roots: Vec<PathBuf> = resolver
        .roots()
        .into_iter()
        .filter(|root| !unit_sources.contains(root))
        .collect();
    let unloaded_vars = var_files::unloaded(
        &var_files::Loaders {
            files: inputs.files,
            var_files: inputs.var_files,
            root_configs: inputs.root_configs,
            project_root: &inputs.project_root,
        },
        &resolver,
        &roots,
        &unit_defs,
    );
    // Every root is evaluated on a thread with room for the deepest evaluation.
    resolve::on_root_stacks(|| {
        // Roots are independent: run in parallel, merged in their (sorted) order.
        let mut runs: Vec<(RootOutput, R)> = roots
            .iter()
            .filter(|root| selected.dir(root))
            .collect::<Vec<_>>()
            .par_iter()
            .map(|root| {
                let mut run = resolver.run_root(root, root_values(root));
                let finished = finish(&mut run.output);
                crate::progress::root_evaluated();
                (run, finished)
            })
            .collect();
        // Terragrunt passes `inputs` as `TF_VAR_` variables: below every tfvars file and flag.
        runs.extend(
            unit_defs
                .iter()
                .filter(|(index, _, _)| selected.unit(*index))
                .map(|(_, unit, def)| {
                    let mut values: Vec<RootValue> = unit
                        .inputs
                        .iter()
                        .map(|v| RootValue {
                            name: v.name.clone(),
                            value: v.value.clone(),
                        })
                        .collect();
                    values.extend(root_values(&unit.dir));
                    let mut run = resolver.run_unit(&unit.dir, def, values);
                    let finished = finish(&mut run.output);
                    crate::progress::root_evaluated();
                    (run, finished)
                }),
        );
        let mut out = FileOutput {
            issues,
            unloaded_vars,
            ..FileOutput::default()
        };
        let mut finished = Vec::with_capacity(runs.len());
        let mut visited = HashSet::new();
        for (run, result) in runs {
            merge(&mut out, &mut visited, run);
            finished.push(result);
        }
        // (a run with paths evaluates those its selection holds: every evaluation that could
        // visit one of them is selected with it, so it is unvisited exactly when in a full run).
        // Listed once, in order: a module evaluated as a root may visit those after it, never
        // make one unvisited again.
        for dir in resolver.unvisited(&visited) {
            if visited.contains(&dir) || !selected.dir(&dir) {
                continue;
            }
            let mut run = resolver.run_root(&dir, Vec::new());
            finished.push(finish(&mut run.output));
            merge(&mut out, &mut visited, run);
        }
        (out, finished)
    })
}

fn merge(out: &mut FileOutput, visited: &mut HashSet<PathBuf>, run: RootOutput) {
    out.placements.extend(run.output.placements);
    out.issues.extend(run.output.issues);
    out.unverifiable.extend(run.output.unverifiable);
    out.notes.extend(run.output.notes);
    visited.extend(run.visited);
}
