use std::sync::Arc;

use super::declare_rule;
use crate::finding::{Finding, Label};
use crate::frontends::UnloadedVars;

declare_rule! {
    /// ## What it does
    /// Flags a Terraform var file that no root loads but that sets a variable a root declares: its
    /// values are never checked. Such a file, a `prod.tfvars` or `env/dr.tfvars.json`, is usually
    /// passed by a pipeline with `terraform plan -var-file=…`, while yunlint, like Terraform run
    /// without that flag, judges the root with its defaults.
    ///
    /// A root loads, as `terraform plan` does by itself, `terraform.tfvars`, `terraform.tfvars.json`,
    /// `*.auto.tfvars` and `*.auto.tfvars.json` of its directory; these names are never flagged,
    /// wherever they lie. Any other `*.tfvars` or `*.tfvars.json` file of the tree is loaded only
    /// when a `[[terraform.roots]]` entry of `yunlint.toml` whose `paths` match a root lists it in
    /// `var_files`, or when it is given with `--var-file`. The file may lie anywhere in the tree
    /// (beside its root or in `settings/prod/`), and the variable may be any root's or Terragrunt
    /// unit's. A file that sets only variables no root declares changes nothing that is checked
    /// and is not flagged; nor is one in downloaded code (`.terraform`, `.terragrunt-cache`).
    ///
    /// ## Why is this bad?
    /// The var file is where an environment's region is often written. With
    /// `variable "region" { default = "cn-shanghai-finance-1" }` and a `prod.tfvars` that says
    /// `region = "cn-hongkong"`, production deploys to Hong Kong while a check of the defaults
    /// passes. Any variable counts, not only those a region comes through: a map key, a condition
    /// or a `count` decides a region without being part of its chain.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37, PIPL art. 40 and PBOC 银发〔2011〕17号: personal financial
    /// information collected in China is stored and processed in China, which a check can only
    /// show with the values the workload is deployed with.
    ///
    /// ## Example
    /// `envs/prod/variables.tf`:
    ///
    /// ```hcl
    /// variable "region" {
    ///   default = "cn-shanghai-finance-1"
    /// }
    /// ```
    ///
    /// `envs/prod/prod.tfvars`, passed by the deploy script and named nowhere in `yunlint.toml`:
    ///
    /// ```hcl
    /// region = "cn-hongkong"
    /// ```
    ///
    /// ## How to fix
    /// Tell yunlint which root is deployed with the file, in `yunlint.toml` (`yunlint init` writes
    /// these entries for the var files it finds):
    ///
    /// ```toml
    /// [[terraform.roots]]
    /// paths = ["envs/prod"]
    /// var_files = ["envs/prod/prod.tfvars"]
    /// ```
    ///
    /// or pass it to the run, `yunlint check --var-file envs/prod/prod.tfvars` (for every root). The
    /// file's values are then checked: here YL201, with `"cn-hongkong"` in its chain. A file that
    /// nothing deploys any more can be deleted.
    ///
    /// One run judges a root with one set of values. For a root deployed with a var file per
    /// environment, list the one of the regulated environment, and check another with a run of
    /// its own (`--var-file`) or record it in `[[exceptions]]` with the reason.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL208 reason="..." until=YYYY-MM-DD` comment on the flagged
    /// line, or an `[[exceptions]]` entry in `yunlint.toml` with the file's `path`, records an
    /// approved exception (docs/suppressions.md). To turn the rule off or down everywhere, set
    /// `YL208 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore unloaded-var-file`.
    pub UnloadedVarFile { code: YL208, name: "unloaded-var-file", severity: Error }
}

/// Variables, and roots, named in a message before "and N more".
const SHOWN: usize = 5;

impl UnloadedVarFile {
    /// The finding for a var file no root loads, at its first value. `None` when it sets no
    /// value for a declared variable (the Terraform pass lists only files that do).
    ///
    /// The message names neither the variables nor the roots: a finding's identity across runs
    /// (baseline, SARIF and GitLab fingerprints) is its file and message, which must not change
    /// when a root elsewhere comes to declare a variable. Which variables roots declare is told
    /// by a label at each of their values (the first [`SHOWN`]).
    pub fn finding(file: &UnloadedVars) -> Option<Finding> {
        let first = file.sets.first()?;
        let message = "no Terraform root loads this var file: its values for the variables roots \
                       declare are never checked";
        // Only each value's own roots are named, and only for the first values: a union over
        // every value would cost the number of values times the number of roots, for each file.
        let declared = file.sets.iter().take(SHOWN).map(|value| {
            let (roots, declare) = match value.roots.len() {
                1 => ("root", "declares"),
                _ => ("roots", "declare"),
            };
            Label::new(
                value.span,
                format!(
                    "{roots} {} {declare} `{}`",
                    listed(value.roots.iter().map(|r| &**r), "roots"),
                    value.name
                ),
            )
        });
        let root = suggested_root(file, &first.roots);
        let help = if file.listed.is_empty() {
            format!(
                "if a root is deployed with it, say so in yunlint.toml: `[[terraform.roots]]` with \
                 `paths = [{}]` and `var_files = [{}]` (`yunlint init` writes such entries), or pass \
                 `--var-file {}`; a file nothing deploys can be deleted",
                toml_string(&globset::escape(root)),
                toml_string(&file.path),
                file.path
            )
        } else {
            let example = match root {
                UNKNOWN_ROOT => String::new(),
                root => format!(" (`paths = [{}]`)", toml_string(&globset::escape(root))),
            };
            format!(
                "correct the `paths` of the `[[terraform.roots]]` entry that lists it: they match no \
                 root; give the directory of the root deployed with it, relative to the project \
                 root{example}"
            )
        };
        let more = file.sets.len().saturating_sub(SHOWN);
        Some(
            Finding::new(
                &Self::META,
                Label::new(file.first, "never checked"),
                message,
            )
            .with_labels(declared)
            .with_labels((more > 0).then(|| {
                let last = file.sets[SHOWN - 1].span;
                Label::new(
                    last,
                    format!("and {more} more values for declared variables"),
                )
            }))
            .with_labels(file.listed.iter().map(|span| {
                Label::new(
                    *span,
                    "listed here, for an entry whose `paths` match no root",
                )
            }))
            .with_help(help),
        )
    }
}

/// What the help shows when no root is likely.
const UNKNOWN_ROOT: &str = "<root directory>";

/// The root the file is likely for: a root in whose directory it lies and that declares one of
/// its variables, else the only root that declares its first variable.
fn suggested_root<'a>(file: &'a UnloadedVars, roots: &'a [Arc<str>]) -> &'a str {
    let dir = file.path.rsplit_once('/').map_or(".", |(dir, _)| dir);
    let beside = file
        .sets
        .iter()
        .take(SHOWN)
        .flat_map(|value| value.roots.iter())
        .find(|r| ***r == *dir);
    match (beside, roots) {
        (Some(root), _) => root,
        (None, [only]) => only,
        (None, _) => UNKNOWN_ROOT,
    }
}

/// "`a`", "`a` and `b`", "`a`, `b`, `c`, `d`, `e` and 4 more roots": at most [`SHOWN`] formatted.
fn listed<'a>(items: impl ExactSizeIterator<Item = &'a str>, kind: &str) -> String {
    let count = items.len();
    let shown: Vec<String> = items.take(SHOWN).map(|i| format!("`{i}`")).collect();
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        _ if count > SHOWN => format!("{} and {} more {kind}", shown.join(", "), count - SHOWN),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml_edit::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::DeclaredValue;
    use crate::source::{SourceId, Span};

    fn file(path: &str, sets: &[(&str, &[&str])]) -> UnloadedVars {
        UnloadedVars {
            path: path.into(),
            first: Span::new(SourceId(0), 0..4),
            sets: sets
                .iter()
                .enumerate()
                .map(|(i, (name, roots))| DeclaredValue {
                    name: (*name).to_owned(),
                    span: Span::new(SourceId(0), i * 10..i * 10 + 4),
                    roots: roots.iter().map(|r| Arc::from(*r)).collect(),
                })
                .collect(),
            listed: Vec::new(),
        }
    }

    const MESSAGE: &str = "no Terraform root loads this var file: its values for the variables roots declare are never checked";

    fn label_texts(f: &Finding) -> Vec<&str> {
        f.secondary.iter().map(|l| &*l.text).collect()
    }

    #[test]
    fn the_finding_is_at_the_first_value_and_its_labels_name_the_roots() {
        let f = UnloadedVarFile::finding(&file(
            "envs/prod/prod.tfvars",
            &[
                ("region", &["envs/dr", "envs/prod"]),
                ("zone", &["envs/prod"]),
            ],
        ))
        .unwrap();
        assert_eq!(f.rule.code, "YL208");
        assert_eq!(f.primary.span, Span::new(SourceId(0), 0..4));
        assert_eq!(f.message, MESSAGE);
        assert_eq!(
            label_texts(&f),
            [
                "roots `envs/dr` and `envs/prod` declare `region`",
                "root `envs/prod` declares `zone`"
            ]
        );
        assert_eq!(
            f.help.as_deref(),
            Some(
                "if a root is deployed with it, say so in yunlint.toml: `[[terraform.roots]]` with `paths = [\"envs/prod\"]` and `var_files = [\"envs/prod/prod.tfvars\"]` (`yunlint init` writes such entries), or pass `--var-file envs/prod/prod.tfvars`; a file nothing deploys can be deleted"
            )
        );
    }

    #[test]
    fn the_identity_does_not_change_when_roots_declare_more() {
        let before = UnloadedVarFile::finding(&file(
            "envs/prod/prod.tfvars",
            &[("region", &["envs/prod"])],
        ))
        .unwrap();
        let after = UnloadedVarFile::finding(&file(
            "envs/prod/prod.tfvars",
            &[
                ("owner", &["envs/dr"]),
                ("region", &["envs/new", "envs/prod"]),
            ],
        ))
        .unwrap();
        assert_eq!(
            (before.primary.span, &before.message),
            (after.primary.span, &after.message)
        );
        // the root beside the file, not the only root of the first variable
        assert!(after.help.unwrap().contains("`paths = [\"envs/prod\"]`"));
    }

    #[test]
    fn many_roots_and_values_are_counted_and_an_unknown_root_is_a_placeholder() {
        let f = UnloadedVarFile::finding(&file(
            "settings/prod.tfvars",
            &[("region", &["a", "b", "c", "d[1]", "e", "f", "g"])],
        ))
        .unwrap();
        assert_eq!(
            label_texts(&f),
            ["roots `a`, `b`, `c`, `d[1]`, `e` and 2 more roots declare `region`"]
        );
        assert!(f.help.unwrap().contains("`paths = [\"<root directory>\"]`"));
        let one = UnloadedVarFile::finding(&file("x.tfvars", &[("region", &["."])])).unwrap();
        assert_eq!(label_texts(&one), ["root `.` declares `region`"]);
        assert!(one.help.unwrap().contains("`paths = [\".\"]`"));
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        let values: Vec<(&str, &[&str])> = names.iter().map(|n| (*n, &["r"][..])).collect();
        let many = UnloadedVarFile::finding(&file("x.tfvars", &values)).unwrap();
        assert_eq!(
            label_texts(&many).last(),
            Some(&"and 2 more values for declared variables")
        );
    }

    #[test]
    fn a_file_listed_by_an_entry_matching_no_root_points_at_the_entry() {
        let mut f = file("settings/staging.tfvars", &[("region", &["envs/stage"])]);
        let entry = Span::new(SourceId(1), 40..65);
        f.listed.push(entry);
        let finding = UnloadedVarFile::finding(&f).unwrap();
        assert_eq!(finding.secondary.len(), 2);
        assert_eq!(finding.secondary[1].span, entry);
        assert_eq!(
            finding.help.as_deref(),
            Some(
                "correct the `paths` of the `[[terraform.roots]]` entry that lists it: they match no root; give the directory of the root deployed with it, relative to the project root (`paths = [\"envs/stage\"]`)"
            )
        );
    }

    #[test]
    fn a_file_setting_no_declared_variable_is_no_finding() {
        assert_eq!(UnloadedVarFile::finding(&file("x.tfvars", &[])), None);
    }
}
