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

use std::collections::{HashMap, HashSet};
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

/// One evaluation of a Terraform pass (a root module or a module directory no root reaches, which
/// is evaluated on its own; a Terragrunt unit), or a module a remote call may name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    Dir(PathBuf),
    Unit(usize),
    /// What a call of a remote source may instantiate: any module `terraform init` downloaded.
    Downloaded,
}

/// The evaluations a run makes; `None` stands for all of them.
pub(super) struct Selected(Option<HashSet<Node>>);

impl Selected {
    pub(super) fn dir(&self, dir: &Path) -> bool {
        self.0
            .as_ref()
            .is_none_or(|s| s.contains(&Node::Dir(dir.to_path_buf())))
    }

    pub(super) fn unit(&self, index: usize) -> bool {
        self.0
            .as_ref()
            .is_none_or(|s| s.contains(&Node::Unit(index)))
    }
}

pub(super) struct World<'w, 'a> {
    pub resolver: &'w Resolver<'a>,
    pub units: &'w [(usize, &'w Unit, ModuleDef<'w>)],
    pub root_configs: &'w [RootConfig],
    pub var_files: &'w [TfFile],
}

/// The evaluations whose findings can concern the paths of `roots`. An evaluation's findings lie
/// in the files of the module directories it may instantiate and in its own values' files, so it
/// is needed when one of those holds a named path: the evaluations are found by walking the
/// module calls backwards from the directories the paths touch, which is linear in the calls.
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

    // Who may instantiate whom: a local source is followed; a remote one may name any module
    // downloaded for any root.
    let mut callers: HashMap<Node, HashSet<Node>> = HashMap::new();
    let mut calls = |caller: Node, def: &ModuleDef<'_>| {
        for call in &def.calls {
            let Some((source, _)) = &call.source else {
                continue;
            };
            let callee = if is_local_source(source) {
                Node::Dir(lexical_join(&def.dir, source))
            } else {
                Node::Downloaded
            };
            callers.entry(callee).or_default().insert(caller.clone());
        }
    };
    for (dir, def) in &resolver.modules {
        calls(Node::Dir(dir.clone()), def);
    }
    for (index, _, def) in world.units {
        calls(Node::Unit(*index), def);
    }
    for (index, unit, _) in world.units {
        callers
            .entry(Node::Dir(unit.source_dir.clone()))
            .or_default()
            .insert(Node::Unit(*index));
    }
    for dir in resolver.downloaded.values().flat_map(|d| d.values()) {
        callers
            .entry(Node::Dir(dir.clone()))
            .or_default()
            .insert(Node::Downloaded);
    }

    // Every evaluation, with its directory (the prefix of its addresses) and a unit's files.
    let mut evaluations: Vec<(Node, &Path, &[PathBuf])> = resolver
        .modules
        .keys()
        .filter(|dir| !is_downloaded(dir))
        .map(|dir| (Node::Dir(dir.clone()), dir.as_path(), &[][..]))
        .collect();
    evaluations.extend(world.units.iter().map(|(index, unit, _)| {
        (
            Node::Unit(*index),
            unit.dir.as_path(),
            unit.files.as_slice(),
        )
    }));
    // What the paths touch: module directories (whose every caller is then needed), and
    // evaluations through their own values (a root's tfvars, `[[terraform.roots]]` var files, a
    // unit's Terragrunt files) or their directory.
    let mut touched: Vec<Node> = resolver
        .modules
        .keys()
        .filter(|dir| touches(dir, true))
        .map(|dir| Node::Dir(dir.clone()))
        .collect();
    for (node, dir, own_files) in &evaluations {
        if touches(dir, true)
            || own_files.iter().any(|f| touches(f, false))
            || root_config_files(world.root_configs, dir, root).any(|f| touches(f, false))
        {
            touched.push(node.clone());
        }
    }

    // Closed under callers: every evaluation that may visit a selected module directory is
    // selected with it, so that the directory is unvisited (and evaluated on its own) exactly
    // when it is in a full run.
    let mut selected: HashSet<Node> = HashSet::new();
    let close = |selected: &mut HashSet<Node>, start: &[Node]| {
        let mut stack = start.to_vec();
        while let Some(node) = stack.pop() {
            if selected.insert(node.clone()) {
                stack.extend(callers.get(&node).into_iter().flatten().cloned());
            }
        }
    };
    close(&mut selected, &touched);

    let declaring = |address: &str| -> Option<Vec<Node>> {
        let (dir, _) = address.split_once(':')?;
        // A `:` inside an instance key could make another root's address match: unknown.
        if dir.contains(['[', '"']) {
            return None;
        }
        Some(
            evaluations
                .iter()
                .filter(|(_, d, _)| {
                    let rel = crate::source::relative_display(d, root);
                    *rel == *dir || rel == "."
                })
                .map(|(node, _, _)| node.clone())
                .collect(),
        )
    };
    for address in clusters {
        match declaring(address) {
            Some(nodes) => close(&mut selected, &nodes),
            None => return Selected(None),
        }
    }
    // The first evaluation in the run's order that declares a cluster creates it: every other
    // that may declare a cluster one selected evaluation may declare is selected too.
    let used: Vec<Option<Vec<Node>>> = used_clusters.iter().map(|a| declaring(a)).collect();
    loop {
        let before = selected.len();
        for nodes in &used {
            match nodes {
                Some(nodes) if nodes.iter().any(|n| selected.contains(n)) => {
                    close(&mut selected, nodes);
                }
                Some(_) => {}
                None if selected.is_empty() => {}
                None => return Selected(None),
            }
        }
        if selected.len() == before {
            break;
        }
    }
    // A root at the project root has addresses without a prefix: another root's may stand for
    // them in the cluster index.
    if evaluations
        .iter()
        .any(|(node, dir, _)| *dir == root.as_path() && selected.contains(node))
    {
        return Selected(None);
    }
    Selected(Some(selected))
}

/// The var files of the `[[terraform.roots]]` entries that match a root.
fn root_config_files<'c>(
    configs: &'c [RootConfig],
    dir: &Path,
    root: &Path,
) -> impl Iterator<Item = &'c Path> {
    let rel = crate::source::relative_display(dir, root);
    configs
        .iter()
        .filter(move |c| c.paths.is_match(&*rel))
        .flat_map(|c| c.var_files.iter().map(|f| &*f.path))
}
