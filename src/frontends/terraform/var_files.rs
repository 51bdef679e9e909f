//! Var files that no root loads. Terraform reads `terraform.tfvars` and `*.auto.tfvars` by itself;
//! any other var file counts only when a pipeline passes it (`terraform plan -var-file=prod.tfvars`),
//! and yunlint only when `[[terraform.roots]]` or `--var-file` says so. Such a file is parsed like
//! every other, but its values reach no placement: each that sets a variable a root declares is
//! data for YL208, so that an environment's values never pass unchecked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::module::ModuleDef;
use super::resolve::{Resolver, is_downloaded};
use super::{RootConfig, TfFile, TfKind, file_name, terragrunt};
use crate::context::lexical_normalize;
use crate::frontends::{DeclaredValue, UnloadedVars};
use crate::source::{Span, relative_display};

/// One root (or Terragrunt unit) as evaluated: its directory relative to the project root, and the
/// variables it declares.
struct EvaluatedRoot<'a> {
    rel: Arc<str>,
    module: &'a ModuleDef<'a>,
}

/// What decides which var files a root loads.
pub struct Loaders<'a> {
    pub files: &'a [TfFile],
    pub var_files: &'a [TfFile],
    pub root_configs: &'a [RootConfig],
    pub project_root: &'a Path,
}

/// The var files of the tree that no root or unit loads, with their values for the variables
/// those declare (YL208).
pub fn unloaded(
    inputs: &Loaders<'_>,
    resolver: &Resolver<'_>,
    roots: &[PathBuf],
    units: &[(usize, &terragrunt::Unit, ModuleDef<'_>)],
) -> Vec<UnloadedVars> {
    let rel = |dir: &Path| -> Arc<str> { relative_display(dir, inputs.project_root).into() };
    let evaluated: Vec<EvaluatedRoot<'_>> = roots
        .iter()
        .filter_map(|dir| {
            Some(EvaluatedRoot {
                rel: rel(dir),
                module: resolver.modules.get(dir)?,
            })
        })
        .chain(units.iter().map(|(_, unit, def)| EvaluatedRoot {
            rel: rel(&unit.dir),
            module: def,
        }))
        .collect();
    if evaluated.is_empty() {
        return Vec::new();
    }
    let (matching, idle): (Vec<&RootConfig>, Vec<&RootConfig>) = inputs
        .root_configs
        .iter()
        .partition(|c| evaluated.iter().any(|r| c.paths.is_match(&*r.rel)));
    let loaded: BTreeSet<PathBuf> = matching
        .iter()
        .flat_map(|c| &c.listed)
        .map(|(path, _)| path.as_path())
        .chain(inputs.var_files.iter().map(|f| &*f.path))
        .map(lexical_normalize)
        .collect();
    let idle: Vec<(PathBuf, Span)> = idle
        .iter()
        .flat_map(|c| &c.listed)
        .map(|(path, span)| (lexical_normalize(path), *span))
        .collect();
    collect(
        inputs.files,
        &loaded,
        &idle,
        &evaluated,
        inputs.project_root,
    )
}

/// The var files of the tree that are neither auto-loaded nor `loaded` (by an entry matching a
/// root, or `--var-file`), with each value they set for a variable that `roots` declare; a file
/// setting none is left out, since it can change nothing that is checked. `idle`: the var files
/// of the entries matching no root, with where yunlint.toml names each. Sorted by path.
fn collect<'f>(
    files: impl IntoIterator<Item = &'f TfFile>,
    loaded: &BTreeSet<PathBuf>,
    idle: &[(PathBuf, Span)],
    roots: &[EvaluatedRoot<'_>],
    project_root: &Path,
) -> Vec<UnloadedVars> {
    let mut by_name: BTreeMap<&str, BTreeSet<Arc<str>>> = BTreeMap::new();
    for root in roots {
        for name in root.module.variables.keys() {
            by_name
                .entry(name)
                .or_default()
                .insert(Arc::clone(&root.rel));
        }
    }
    // shared: a monorepo's hundred roots all declare `region`
    let declared: BTreeMap<&str, Arc<[Arc<str>]>> = by_name
        .into_iter()
        .map(|(name, roots)| (name, roots.into_iter().collect()))
        .collect();
    let mut out: Vec<UnloadedVars> = files
        .into_iter()
        .filter(|f| f.kind == TfKind::Vars && super::auto_load(&file_name(f)).is_none())
        .filter(|f| !is_downloaded(f.path.parent().unwrap_or(Path::new(""))))
        .filter_map(|f| {
            let path = lexical_normalize(&f.path);
            if loaded.contains(&path) {
                return None;
            }
            let sets: Vec<DeclaredValue> = f
                .decls
                .values
                .iter()
                .filter_map(|(name, expr)| {
                    Some(DeclaredValue {
                        name: name.clone(),
                        span: expr.span,
                        roots: Arc::clone(declared.get(name.as_str())?),
                    })
                })
                .collect();
            let listed = idle
                .iter()
                .filter(|(idle, _)| *idle == path)
                .map(|(_, span)| *span)
                .collect();
            let first = f.decls.values.first()?.1.span;
            (!sets.is_empty()).then(|| UnloadedVars {
                path: relative_display(&f.path, project_root).into(),
                first,
                sets,
                listed,
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
