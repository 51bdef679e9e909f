//! `yunlint init`: a starter configuration written from what the repository holds.
//!
//! The current directory is read as the project root by the whole pipeline, with the built-in
//! pack only (the same discovery, guarded reading and Terraform and Kubernetes front ends as
//! `check`). From the run it takes the Terraform roots and Terragrunt units (the root prefixes of
//! the Terraform placements), the clusters that Terraform creates (resource types marked
//! `cluster` in the resource table), the directories of Kubernetes manifests and the var files no
//! root loads by itself. The configuration is the commented starter with entries for those,
//! built with `toml_edit` so that every repository string is escaped as TOML.

use std::collections::{BTreeMap, BTreeSet};

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::output::note;
use super::{Fatal, cwd};
use crate::cli::InitArgs;
use crate::config::{CONFIG_FILE_NAME, STARTER_CONFIG};
use crate::frontends::terraform::table::RESOURCES;
use crate::model::Origin;
use crate::report::ExitStatus;
use crate::report::plural;
use crate::report::visible::visible;

pub fn run(args: InitArgs) -> Result<ExitStatus, Fatal> {
    let cwd = cwd()?;
    let path = cwd.join(CONFIG_FILE_NAME);
    let exists = || {
        Fatal::message(format!(
            "{CONFIG_FILE_NAME} already exists; pass --force to overwrite it"
        ))
    };
    // A link counts as existing even when it points nowhere: never written through.
    if !args.print && path.symlink_metadata().is_ok() && !args.force {
        return Err(exists());
    }

    let options = crate::LintOptions {
        isolated: true,
        ..crate::LintOptions::default()
    };
    let progress = crate::progress::Progress::start(!args.quiet);
    let run = crate::lint_rooted(&options, &cwd, &cwd);
    progress.finish();
    let survey = Survey::of(&run?);
    let text = survey.configuration();

    if args.print {
        super::output::emit(&text, None)?;
    } else {
        write_new(&path, &text, args.force).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => exists(),
            _ => Fatal::message(format!("cannot write {CONFIG_FILE_NAME}: {e}")),
        })?;
    }
    if !args.quiet {
        note(&survey.report(args.print));
    }
    Ok(ExitStatus::Success)
}

/// Writes `text` to `path`: created only if nothing is there at the moment of writing (a
/// dangling link included), or truncated under `--force`.
fn write_new(path: &std::path::Path, text: &str, force: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())
}

/// A Kubernetes cluster that the repository's Terraform creates.
#[derive(Debug)]
struct FoundCluster {
    /// Its address with the root prefix: what `terraform =` names.
    address: String,
    /// Words it can be told by: its root's directories, module and resource names.
    words: BTreeSet<String>,
    /// The resource's own name (`prod` of `alicloud_cs_managed_kubernetes.prod`).
    name: String,
}

impl FoundCluster {
    fn new(address: &str) -> FoundCluster {
        let (root, rest) = split_root(address);
        let block = crate::model::without_instance_keys(rest).unwrap_or_else(|| rest.to_owned());
        let labels: Vec<&str> = block.split('.').collect();
        let name = labels.last().copied().unwrap_or_default().to_owned();
        let mut words: BTreeSet<String> = words_of(root).map(str::to_owned).collect();
        // module names and the resource's name; not `module` nor the resource type
        words.extend(
            labels[..labels.len().saturating_sub(2)]
                .iter()
                .filter(|l| **l != "module")
                .map(|l| (*l).to_owned()),
        );
        words.insert(name.clone());
        FoundCluster {
            address: address.to_owned(),
            words,
            name,
        }
    }
}

/// Where a directory of manifests runs.
#[derive(Debug, PartialEq)]
enum Mapping {
    /// On this cluster (an index into the clusters), and why.
    Linked(usize, String),
    /// Not told: these clusters are the candidates, and why none was taken.
    Unknown(Vec<usize>, String),
}

/// What `init` found in the repository.
#[derive(Debug, Default)]
struct Survey {
    files: usize,
    /// Terraform roots and Terragrunt units by directory relative to the root (`""` for the root
    /// itself), with whether each is a unit.
    roots: BTreeMap<String, bool>,
    clusters: Vec<FoundCluster>,
    /// Directories holding manifests, none under another, each with where it runs.
    manifest_dirs: BTreeMap<String, Mapping>,
    /// Var files that no root loads by itself, by the root they were matched to (`None`: none).
    var_files: BTreeMap<Option<String>, Vec<String>>,
    /// Workloads that set no data class, and a glob for the first of them.
    unclassified: usize,
    classify_example: Option<String>,
}

/// The root prefix of a Terraform address (`envs/prod` of `envs/prod:module.x.y.z`; `""` without
/// one), and the rest.
fn split_root(address: &str) -> (&str, &str) {
    match address.split_once(':') {
        // (an instance key may hold a `:`, a manifest's name too)
        Some((root, rest)) if !root.contains(['[', '#']) => (root, rest),
        _ => ("", address),
    }
}

fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn words_of(dir: &str) -> impl Iterator<Item = &str> {
    dir.split('/').filter(|w| !w.is_empty())
}

/// A var file that Terraform loads by itself, or one in a directory of downloaded code.
fn auto_loaded(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    crate::frontends::terraform::auto_load(name).is_some()
        || rel
            .split('/')
            .any(|part| part == ".terraform" || part == ".terragrunt-cache")
}

impl Survey {
    fn of(run: &crate::LintRun) -> Survey {
        let mut survey = Survey {
            files: run.files,
            ..Survey::default()
        };
        let rel = |id| run.sources.get(id).rel.clone();
        let terraform_file =
            |rel: &str| rel.ends_with(".tf") || rel.ends_with(".tf.json") || rel.ends_with(".hcl");
        let mut manifest_files = BTreeSet::new();
        for p in &run.placements {
            match p.origin {
                Origin::Terraform if terraform_file(&p.path) => {
                    let (root, rest) = split_root(&p.address);
                    survey.roots.insert(root.to_owned(), false);
                    let block = crate::model::without_instance_keys(rest)
                        .unwrap_or_else(|| rest.to_owned());
                    let rtype = block.rsplit('.').nth(1).unwrap_or_default();
                    if RESOURCES.creates_cluster(rtype) {
                        survey.clusters.push(FoundCluster::new(&p.address));
                    }
                }
                Origin::Kubernetes => {
                    manifest_files.insert(p.path.to_string());
                }
                _ => {}
            }
            if p.data_class.is_none() && p.origin != Origin::Descriptor {
                survey.unclassified += 1;
                if survey.classify_example.is_none() {
                    survey.classify_example = Some(match p.origin {
                        Origin::Kubernetes => glob_of(dir_of(&p.path)),
                        _ => match split_root(&p.address).0 {
                            "" => "**".to_owned(),
                            root => format!("{root}:**"),
                        },
                    });
                }
            }
        }
        for u in &run.unverifiable {
            let file = rel(u.declared.source);
            if file.ends_with(".yaml") || file.ends_with(".yml") {
                manifest_files.insert(file.to_string());
            } else if terraform_file(&file) {
                survey
                    .roots
                    .insert(split_root(&u.address).0.to_owned(), false);
            }
        }
        // A root directory holding a terragrunt.hcl is a Terragrunt unit.
        for (_, file) in run.sources.iter() {
            let dir = match file.rel.strip_suffix("terragrunt.hcl") {
                Some("") => Some(""),
                Some(dir) => dir.strip_suffix('/'),
                None => None,
            };
            if let Some(dir) = dir
                && let Some(unit) = survey.roots.get_mut(dir)
            {
                *unit = true;
            }
        }
        survey.clusters.sort_by(|a, b| a.address.cmp(&b.address));
        survey.clusters.dedup_by(|a, b| a.address == b.address);

        // Manifest directories, none under another.
        let dirs: BTreeSet<&str> = manifest_files.iter().map(|f| dir_of(f)).collect();
        let has_parent_in = |d: &str| {
            !d.is_empty()
                && (dirs.contains("") || d.match_indices('/').any(|(i, _)| dirs.contains(&d[..i])))
        };
        let top: Vec<&str> = dirs.iter().copied().filter(|d| !has_parent_in(d)).collect();
        for dir in top {
            let mapping = survey.map_manifests(dir);
            survey.manifest_dirs.insert(dir.to_owned(), mapping);
        }

        // Var files no root loads by itself, matched to the root they are for.
        let mut var_files: Vec<String> = run
            .sources
            .iter()
            .map(|(_, f)| f.rel.to_string())
            .filter(|r| (r.ends_with(".tfvars") || r.ends_with(".tfvars.json")) && !auto_loaded(r))
            .collect();
        var_files.sort();
        var_files.dedup();
        for file in var_files {
            let root = survey.root_of_var_file(&file);
            survey.var_files.entry(root).or_default().push(file);
        }
        survey
    }

    /// The cluster a directory of manifests runs on: the one whose root or names share the
    /// directory's name (its own name first, then its parents'), else the only one there is.
    fn map_manifests(&self, dir: &str) -> Mapping {
        let all: Vec<usize> = (0..self.clusters.len()).collect();
        for word in words_of(dir).collect::<Vec<_>>().into_iter().rev() {
            let clusters: Vec<usize> = all
                .iter()
                .copied()
                .filter(|i| self.clusters[*i].words.contains(word))
                .collect();
            match clusters.as_slice() {
                [one] => {
                    return Mapping::Linked(*one, format!("both are named {}", quoted(word)));
                }
                [] => {
                    // A root of that name creates no cluster: its manifests run on one that this
                    // repository does not create, never on another environment's.
                    if let Some(root) = self.roots.keys().find(|r| words_of(r).any(|w| w == word)) {
                        return Mapping::Unknown(
                            Vec::new(),
                            format!(
                                "the Terraform root {} shares their name {} but creates no cluster",
                                quoted(root),
                                quoted(word)
                            ),
                        );
                    }
                }
                several => {
                    return Mapping::Unknown(
                        several.to_vec(),
                        format!("{} clusters are named {}", several.len(), quoted(word)),
                    );
                }
            }
        }
        match all.as_slice() {
            [one] => Mapping::Linked(
                *one,
                "it is the only cluster this repository's Terraform creates".into(),
            ),
            [] => Mapping::Unknown(
                Vec::new(),
                "this repository's Terraform creates no cluster".into(),
            ),
            several => Mapping::Unknown(
                several.to_vec(),
                format!(
                    "{} clusters are created and none shares their directory's name",
                    several.len()
                ),
            ),
        }
    }

    /// The root a var file is for: the root it lies in, else the one that shares its name or its
    /// directory's.
    fn root_of_var_file(&self, file: &str) -> Option<String> {
        let dir = dir_of(file);
        if self.roots.contains_key(dir) {
            return Some(dir.to_owned());
        }
        let name = file.rsplit('/').next().unwrap_or(file);
        let stem = name
            .strip_suffix(".tfvars.json")
            .or_else(|| name.strip_suffix(".tfvars"))
            .unwrap_or(name);
        let words =
            std::iter::once(stem).chain(words_of(dir).collect::<Vec<_>>().into_iter().rev());
        for word in words {
            let roots: Vec<&String> = self
                .roots
                .keys()
                .filter(|r| words_of(r).any(|w| w == word))
                .collect();
            match roots.as_slice() {
                [] => continue,
                [one] => return Some((*one).clone()),
                _ => return None,
            }
        }
        None
    }

    /// Entry names: the resource's name, or its address's words when two clusters share it.
    fn entry_name(&self, cluster: usize) -> String {
        let c = &self.clusters[cluster];
        if self.clusters.iter().filter(|o| o.name == c.name).count() == 1 {
            return c.name.clone();
        }
        let (root, _) = split_root(&c.address);
        words_of(root)
            .chain(std::iter::once(c.name.as_str()))
            .collect::<Vec<_>>()
            .join("-")
    }

    fn unfilled(&self) -> Vec<&str> {
        self.manifest_dirs
            .iter()
            .filter(|(_, m)| matches!(m, Mapping::Unknown(..)))
            .map(|(d, _)| d.as_str())
            .collect()
    }

    /// The configuration: the commented starter, then what was found.
    fn configuration(&self) -> String {
        let mut doc: DocumentMut = STARTER_CONFIG
            .parse()
            .expect("the starter configuration is valid TOML (tested)");
        let mut position = doc
            .iter()
            .filter_map(|(_, item)| item.as_table().and_then(Table::position))
            .max()
            .unwrap_or(0);
        let mut next_position = || {
            position += 1;
            Some(position)
        };
        // Comments waiting for the next table (or the end of the file).
        let mut pending = String::from(
            "\n# ── Found in this repository by `yunlint init` ──────────────────────────────────────────\n",
        );

        // [[terraform.roots]]
        let mut roots = ArrayOfTables::new();
        for (root, files) in &self.var_files {
            match (root, files.as_slice()) {
                (Some(root), [file]) => {
                    let mut t = Table::new();
                    t.insert("paths", Item::Value(strings([literal_glob(root)])));
                    t.insert("var_files", Item::Value(strings([file.as_str()])));
                    pending.push_str(&format!(
                        "\n# {} is not loaded by Terraform itself: deploy scripts pass it with -var-file.\n",
                        quoted(file)
                    ));
                    t.decor_mut().set_prefix(std::mem::take(&mut pending));
                    t.set_position(next_position());
                    roots.push(t);
                }
                (Some(root), files) => {
                    pending.push_str(&format!(
                        "\n# The root {} has {} var files that Terraform does not load by itself. Keep the entry\n# of the one it is deployed with; `yunlint check` reports each other one (YL208) until it\n# is checked in a run of its own (--var-file), excepted or deleted:\n",
                        quoted(root),
                        files.len()
                    ));
                    for file in files {
                        pending.push_str(&format!(
                            "# [[terraform.roots]]\n# paths = {}\n# var_files = {}\n",
                            strings([literal_glob(root)]),
                            strings([file.as_str()])
                        ));
                    }
                }
                (None, files) => {
                    pending.push_str(
                        "\n# Var files that no Terraform root loads and that could not be matched to one; name the\n# root each is deployed with (until then `yunlint check` reports each that sets a root's\n# variable, YL208):\n",
                    );
                    for file in files {
                        pending.push_str(&format!(
                            "# [[terraform.roots]]\n# paths = [\"<root directory>\"]\n# var_files = {}\n",
                            strings([file.as_str()])
                        ));
                    }
                }
            }
        }
        if !roots.is_empty() {
            insert_array(&mut doc, "terraform", "roots", roots);
        }

        // the data-class hint
        if let Some(example) = &self.classify_example {
            pending.push_str(&format!(
                "\n# {} (Terraform resources and manifests) set no data class, with a `data-class` tag\n# or label: each is judged as class 3, the pack's default, which needs a finance-grade region.\n# Classify them by address or path glob:\n# [[classify]]\n# match = {}\n# data_class = 4\n",
                plural(self.unclassified, "workload"),
                Value::from(example.as_str())
            ));
        }

        // [[kubernetes.clusters]]
        let mut clusters = ArrayOfTables::new();
        for (i, cluster) in self.clusters.iter().enumerate() {
            let linked: Vec<(&String, &String)> = self
                .manifest_dirs
                .iter()
                .filter_map(|(dir, m)| match m {
                    Mapping::Linked(c, why) if *c == i => Some((dir, why)),
                    _ => None,
                })
                .collect();
            let mut t = Table::new();
            t.insert("name", toml_edit::value(self.entry_name(i)));
            t.insert(
                "paths",
                Item::Value(strings(linked.iter().map(|(dir, _)| glob_of(dir)))),
            );
            t.insert("terraform", toml_edit::value(cluster.address.as_str()));
            pending.push('\n');
            if linked.is_empty() {
                pending.push_str("# A cluster this repository's Terraform creates; no manifest directory was told to run\n# on it: list its manifests' paths.\n");
            }
            for (dir, why) in linked {
                pending.push_str(&format!(
                    "# Manifests under {} run on this cluster:\n# {why}.\n",
                    quoted(dir)
                ));
            }
            t.decor_mut().set_prefix(std::mem::take(&mut pending));
            t.set_position(next_position());
            clusters.push(t);
        }
        for (dir, mapping) in &self.manifest_dirs {
            let Mapping::Unknown(candidates, why) = mapping else {
                continue;
            };
            let mut t = Table::new();
            t.insert("name", toml_edit::value(entry_name_of_dir(dir)));
            t.insert("paths", Item::Value(strings([glob_of(dir)])));
            pending.push_str(&format!(
                "\n# FILL IN: the manifests under {} run on a cluster that could not be told:\n# {why}.\n# Give its `provider` and `region`, or `terraform`, the address of the Terraform resource\n# that creates it. Until then `yunlint check` stops with a configuration error here.\n",
                quoted(dir)
            ));
            for c in candidates {
                pending.push_str(&format!(
                    "# terraform = {}\n",
                    Value::from(self.clusters[*c].address.as_str())
                ));
            }
            pending.push_str("# provider = \"alicloud\"\n# region = \"cn-shanghai-finance-1\"\n");
            t.decor_mut().set_prefix(std::mem::take(&mut pending));
            t.set_position(next_position());
            clusters.push(t);
        }
        if !clusters.is_empty() {
            insert_array(&mut doc, "kubernetes", "clusters", clusters);
        }

        // [[exceptions]]
        let address = self.roots.keys().find(|r| !r.is_empty()).map_or_else(
            || "module.legacy.**".to_owned(),
            |r| format!("{r}:module.legacy.**"),
        );
        pending.push_str(&format!(
            "\n# An approved exception: findings of these codes at these addresses or paths are accepted\n# until the date (docs/suppressions.md):\n# [[exceptions]]\n# address = {}\n# codes = [\"YL202\"]\n# reason = \"migration to a finance-grade region, plan MIG-2026-07\"\n# until = 2027-06-30\n# approved_by = \"compliance (CR-2026-201)\"\n",
            Value::from(address.as_str())
        ));
        doc.set_trailing(pending);
        doc.to_string()
    }

    /// What was found, for standard error.
    fn report(&self, printed: bool) -> String {
        let units = self.roots.values().filter(|u| **u).count();
        let mut out = format!(
            "found {}, {}, {} and {} in {}\n",
            plural(self.roots.len() - units, "Terraform root"),
            plural(units, "Terragrunt unit"),
            match self.manifest_dirs.len() {
                1 => "1 manifest directory".to_owned(),
                n => format!("{n} manifest directories"),
            },
            plural(self.clusters.len(), "Kubernetes cluster"),
            plural(self.files, "file"),
        );
        for (dir, mapping) in &self.manifest_dirs {
            let dir = visible(if dir.is_empty() { "." } else { dir });
            match mapping {
                Mapping::Linked(c, _) => out.push_str(&format!(
                    "  manifests in {dir}: cluster {}\n",
                    visible(&self.clusters[*c].address)
                )),
                Mapping::Unknown(..) => out.push_str(&format!(
                    "  manifests in {dir}: cluster unknown, fill in its provider and region\n"
                )),
            }
        }
        for (i, cluster) in self.clusters.iter().enumerate() {
            let used = self
                .manifest_dirs
                .values()
                .any(|m| matches!(m, Mapping::Linked(c, _) if *c == i));
            if !used {
                out.push_str(&format!(
                    "  cluster {}: no manifest directory found for it\n",
                    visible(&cluster.address)
                ));
            }
        }
        for (root, files) in &self.var_files {
            for file in files {
                out.push_str(&format!(
                    "  var file {}: {}\n",
                    visible(file),
                    match (root, files.len()) {
                        (Some(root), 1) =>
                            format!("root {}", visible(if root.is_empty() { "." } else { root })),
                        _ => "root unknown, left commented".into(),
                    }
                ));
            }
        }
        if !printed {
            out.push_str(&format!("wrote {CONFIG_FILE_NAME}\n"));
        }
        let unfilled = self.unfilled();
        if !unfilled.is_empty() {
            out.push_str(&format!(
                "fill in {} in {CONFIG_FILE_NAME} before `yunlint check`: look for FILL IN\n",
                plural(unfilled.len(), "cluster")
            ));
        }
        out
    }
}

/// Strings as a TOML array.
fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    let mut array = Array::new();
    for item in items {
        array.push(item.as_ref());
    }
    Value::Array(array)
}

/// A repository string as TOML writes it (quoted and escaped), for comments.
fn quoted(text: &str) -> String {
    Value::from(if text.is_empty() { "." } else { text }).to_string()
}

/// A path as a glob that matches it alone: `*`, `?`, brackets, braces and backslashes taken
/// literally.
fn literal_glob(path: &str) -> String {
    globset::escape(&path.replace('\\', "\\\\"))
}

/// The glob of a manifest directory's files.
fn glob_of(dir: &str) -> String {
    if dir.is_empty() {
        "**".into()
    } else {
        format!("{}/**", literal_glob(dir))
    }
}

fn entry_name_of_dir(dir: &str) -> String {
    if dir.is_empty() {
        "manifests".into()
    } else {
        words_of(dir).collect::<Vec<_>>().join("-")
    }
}

/// `[[outer.inner]]` entries, under an implicit `[outer]`.
fn insert_array(doc: &mut DocumentMut, outer: &str, inner: &str, array: ArrayOfTables) {
    let mut table = Table::new();
    table.set_implicit(true);
    table.insert(inner, Item::ArrayOfTables(array));
    doc.insert(outer, Item::Table(table));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey(roots: &[&str], clusters: &[&str]) -> Survey {
        let mut s = Survey {
            roots: roots.iter().map(|r| ((*r).to_owned(), false)).collect(),
            ..Survey::default()
        };
        s.clusters = clusters.iter().map(|a| FoundCluster::new(a)).collect();
        s
    }

    fn linked(s: &Survey, dir: &str) -> Option<String> {
        match s.map_manifests(dir) {
            Mapping::Linked(c, _) => Some(s.clusters[c].address.clone()),
            Mapping::Unknown(..) => None,
        }
    }

    #[test]
    fn manifest_directories_follow_the_cluster_of_their_name() {
        let s = survey(
            &["envs/dr", "envs/prod"],
            &[
                "envs/dr:module.x.alicloud_cs_managed_kubernetes.cluster",
                "envs/prod:module.x.alicloud_cs_managed_kubernetes.cluster",
            ],
        );
        assert_eq!(
            linked(&s, "k8s/prod").as_deref(),
            Some("envs/prod:module.x.alicloud_cs_managed_kubernetes.cluster")
        );
        // the directory's own name first, then its parents'
        assert_eq!(
            linked(&s, "k8s/dr/apps").as_deref(),
            Some("envs/dr:module.x.alicloud_cs_managed_kubernetes.cluster")
        );
        // two clusters and no name to tell them apart: never guessed
        assert_eq!(linked(&s, "k8s/tools"), None);
        // one root creating two clusters, told apart by the resource name
        let s = survey(
            &["infra"],
            &[
                "infra:tencentcloud_kubernetes_cluster.dr",
                "infra:tencentcloud_kubernetes_cluster.prod",
            ],
        );
        assert_eq!(
            linked(&s, "manifests/prod").as_deref(),
            Some("infra:tencentcloud_kubernetes_cluster.prod")
        );
    }

    #[test]
    fn the_only_cluster_is_taken_unless_another_root_has_the_directorys_name() {
        let s = survey(
            &["envs/dr", "envs/prod"],
            &["envs/prod:alicloud_cs_managed_kubernetes.main"],
        );
        assert_eq!(
            linked(&s, "k8s/tools").as_deref(),
            Some("envs/prod:alicloud_cs_managed_kubernetes.main")
        );
        assert_eq!(linked(&s, "k8s/dr"), None);
        assert_eq!(linked(&survey(&["envs/prod"], &[]), "k8s/prod"), None);
    }

    #[test]
    fn var_files_go_to_the_root_they_lie_in_or_are_named_for() {
        let s = survey(&["envs/dr", "envs/prod", ""], &[]);
        assert_eq!(
            s.root_of_var_file("envs/prod/prod.tfvars").as_deref(),
            Some("envs/prod")
        );
        assert_eq!(
            s.root_of_var_file("settings/dr/app.tfvars").as_deref(),
            Some("envs/dr")
        );
        assert_eq!(
            s.root_of_var_file("vars/prod.tfvars.json").as_deref(),
            Some("envs/prod")
        );
        assert_eq!(s.root_of_var_file("top.tfvars").as_deref(), Some(""));
        assert_eq!(s.root_of_var_file("settings/staging/app.tfvars"), None);
        assert!(auto_loaded("envs/prod/terraform.tfvars"));
        assert!(auto_loaded("envs/prod/a.auto.tfvars.json"));
        assert!(auto_loaded("live/.terragrunt-cache/x/y.tfvars"));
        assert!(!auto_loaded("envs/prod/prod.tfvars"));
    }

    #[test]
    fn the_starter_parses_and_addresses_split_at_their_root() {
        assert!(STARTER_CONFIG.parse::<DocumentMut>().is_ok());
        assert_eq!(
            split_root("envs/prod:module.x.a.b"),
            ("envs/prod", "module.x.a.b")
        );
        assert_eq!(split_root("a.b[\"k:v\"]"), ("", "a.b[\"k:v\"]"));
        assert_eq!(literal_glob("k8s/a*b[c]\\d"), "k8s/a[*]b[[]c[]]\\\\d");
    }
}
