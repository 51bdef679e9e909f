//! Which roots a run with paths evaluates: those whose findings can concern the named paths.
//!
//! A root's (or unit's) placements, issues and unverifiable calls carry spans only in the files of
//! its module-instance tree (its directory, the module directories it calls transitively, its
//! tfvars, the var files of `[[terraform.roots]]` that match it, a unit's Terragrunt files), and
//! its addresses name its directory. A manifest on a cluster that Terraform creates carries spans
//! in the root that declares the cluster. So a run with paths needs the roots whose tree touches a
//! named path, and the roots that may declare the cluster of a named manifest; with them, anything
//! that decides what those roots yield (an earlier root declaring the same cluster address, a root
//! whose run would mark a module directory visited) is evaluated too. When in doubt, a root is
//! evaluated: a partial run costs more, never reports less.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::module::ModuleDef;
use super::resolve::{Resolver, is_downloaded, is_local_source, lexical_join};
use super::terragrunt::Unit;
use super::{RootConfig, TfFile};

/// Which roots and units a run evaluates.
#[derive(Debug, Clone, Default)]
pub enum Roots {
    /// Every one: a run over the whole project root, or whose reported findings may come from any.
    #[default]
    All,
    /// Those whose findings can concern these paths (absolute, as the run names them), and those
    /// that may declare these Terraform cluster addresses (of named manifests).
    Concerning {
        paths: Vec<PathBuf>,
        clusters: Vec<String>,
        /// The cluster address of every manifest read: a root that may declare one is evaluated
        /// with every other that may, since the first in the run's order creates the cluster.
        used_clusters: Vec<String>,
    },
}

/// One evaluation of a Terraform pass: a root module, a Terragrunt unit, or a module directory no
/// root reaches (evaluated on its own).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Entry {
    Dir(PathBuf),
    Unit(usize),
}

/// The evaluations a run makes; `None` stands for all of them.
pub(super) struct Selected(Option<BTreeSet<Entry>>);

impl Selected {
    pub(super) fn dir(&self, dir: &Path) -> bool {
        self.0
            .as_ref()
            .is_none_or(|s| s.contains(&Entry::Dir(dir.to_path_buf())))
    }

    pub(super) fn unit(&self, index: usize) -> bool {
        self.0
            .as_ref()
            .is_none_or(|s| s.contains(&Entry::Unit(index)))
    }
}

/// What one evaluation's output can point into.
struct Reach {
    /// The evaluation's own directory (the prefix of its addresses).
    dir: PathBuf,
    /// Module directories it may instantiate, its own among them.
    modules: BTreeSet<PathBuf>,
    /// Other files its values come from.
    files: Vec<PathBuf>,
}

pub(super) struct World<'w, 'a> {
    pub resolver: &'w Resolver<'a>,
    pub units: &'w [(usize, &'w Unit, ModuleDef<'w>)],
    pub root_configs: &'w [RootConfig],
    pub var_files: &'w [TfFile],
}

pub(super) fn select(roots: &Roots, world: &World<'_, '_>) -> Selected {
    let Roots::Concerning {
        paths,
        clusters,
        used_clusters,
    } = roots
    else {
        return Selected(None);
    };
    let touches = |file: &Path, is_dir: bool| {
        paths
            .iter()
            .any(|n| file.starts_with(n) || (is_dir && n.parent() == Some(file)))
    };
    // `--var-file` values reach every root.
    if world.var_files.iter().any(|f| touches(&f.path, false)) {
        return Selected(None);
    }
    let resolver = world.resolver;
    let root = &resolver.project_root;
    let mut reach: BTreeMap<Entry, Reach> = BTreeMap::new();
    for (dir, module) in &resolver.modules {
        if is_downloaded(dir) {
            continue;
        }
        reach.insert(
            Entry::Dir(dir.clone()),
            Reach {
                dir: dir.clone(),
                modules: modules_reached(resolver, module),
                // a root's tfvars are in its directory; `[[terraform.roots]]` adds its var files
                files: root_config_files(world.root_configs, dir, root),
            },
        );
    }
    for (index, unit, def) in world.units {
        let mut files = unit.files.clone();
        files.extend(root_config_files(world.root_configs, &unit.dir, root));
        reach.insert(
            Entry::Unit(*index),
            Reach {
                dir: unit.dir.clone(),
                modules: modules_reached(resolver, def),
                files,
            },
        );
    }

    let mut selected: BTreeSet<Entry> = reach
        .iter()
        .filter(|(_, r)| {
            touches(&r.dir, true)
                || r.modules.iter().any(|m| touches(m, true))
                || r.files.iter().any(|f| touches(f, false))
        })
        .map(|(e, _)| e.clone())
        .collect();
    let declaring = |address: &str| -> Option<BTreeSet<Entry>> {
        let (dir, _) = address.split_once(':')?;
        // A `:` inside an instance key could make another root's address match: unknown.
        if dir.contains(['[', '"']) {
            return None;
        }
        Some(
            reach
                .iter()
                .filter(|(_, r)| {
                    let rel = crate::source::relative_display(&r.dir, root);
                    *rel == *dir || rel == "."
                })
                .map(|(e, _)| e.clone())
                .collect(),
        )
    };
    for address in clusters {
        match declaring(address) {
            Some(entries) => selected.extend(entries),
            None => return Selected(None),
        }
    }
    let used: Vec<Option<BTreeSet<Entry>>> = used_clusters.iter().map(|a| declaring(a)).collect();
    // Until nothing changes: the other roots that may declare a cluster one selected root may
    // declare, and every evaluation that may reach a selected module directory (its visit decides
    // whether that directory is evaluated on its own).
    loop {
        let before = selected.len();
        for entries in &used {
            match entries {
                Some(entries) if entries.is_disjoint(&selected) => {}
                Some(entries) => selected.extend(entries.iter().cloned()),
                None if selected.is_empty() => {}
                None => return Selected(None),
            }
        }
        let dirs: Vec<PathBuf> = selected
            .iter()
            .filter_map(|e| match e {
                Entry::Dir(d) => Some(d.clone()),
                Entry::Unit(_) => None,
            })
            .collect();
        for (entry, r) in &reach {
            if !selected.contains(entry) && dirs.iter().any(|d| r.modules.contains(d)) {
                selected.insert(entry.clone());
            }
        }
        if selected.len() == before {
            break;
        }
    }
    // A root at the project root has addresses without a prefix: another root's may stand for
    // them in the cluster index.
    if selected
        .iter()
        .any(|e| reach.get(e).is_some_and(|r| r.dir == *root))
    {
        return Selected(None);
    }
    Selected(Some(selected))
}

/// The var files of the `[[terraform.roots]]` entries that match a root.
fn root_config_files(configs: &[RootConfig], dir: &Path, root: &Path) -> Vec<PathBuf> {
    let rel = crate::source::relative_display(dir, root);
    configs
        .iter()
        .filter(|c| c.paths.is_match(&*rel))
        .flat_map(|c| c.var_files.iter().map(|f| f.path.to_path_buf()))
        .collect()
}

/// Every module directory an evaluation of `start` may instantiate: local sources followed, and a
/// remote one standing for every module `terraform init` downloaded for the evaluation's root.
fn modules_reached(resolver: &Resolver<'_>, start: &ModuleDef<'_>) -> BTreeSet<PathBuf> {
    let downloaded = resolver.downloaded.get(&start.dir);
    let mut reached = BTreeSet::from([start.dir.clone()]);
    let mut stack = vec![start];
    while let Some(module) = stack.pop() {
        for call in &module.calls {
            let Some((source, _)) = &call.source else {
                continue;
            };
            let children: Vec<PathBuf> = if is_local_source(source) {
                vec![lexical_join(&module.dir, source)]
            } else {
                downloaded
                    .map(|d| d.values().cloned().collect())
                    .unwrap_or_default()
            };
            for child in children {
                if let Some(def) = resolver.modules.get(&child)
                    && reached.insert(child)
                {
                    stack.push(def);
                }
            }
        }
    }
    reached
}
