//! Front ends: one per input format, each turning one file into placements. A file that does not
//! parse yields [`ParseIssue`]s with the parser's span, never a crash.

pub mod clusters;
pub mod descriptor;
pub mod kubernetes;
pub mod managed;
pub mod plan_json;
pub mod terraform;

use crate::discover::FileFormat;
use crate::model::{Placement, Unresolved, WorkloadKind};
use crate::source::{SourceFile, SourceId, Span};

/// A problem reading one file, reported as YL901.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseIssue {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl ParseIssue {
    /// A parser's message may quote the file: it is cut to a bounded excerpt.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        ParseIssue {
            span,
            message: crate::report::visible::excerpt(message.into()),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Something that may run somewhere but cannot be inspected (a module that is not downloaded, a
/// manifest mapped to no cluster), reported as YL204 and listed by the inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Unverifiable {
    pub address: String,
    /// What would run: `None` for a module call whose code is absent.
    pub kind: Option<WorkloadKind>,
    /// Where it is declared: the module call's `source`, the manifest's name.
    pub declared: Span,
    pub unresolved: Unresolved,
}

/// A var file that no Terraform root loads (not named `terraform.tfvars` or `*.auto.tfvars`, which
/// are never reported wherever they lie; not in a matching `[[terraform.roots]]` entry; not a
/// `--var-file`) but that sets variables the roots declare: its values reach no placement,
/// reported as YL208.
#[derive(Debug, Clone, PartialEq)]
pub struct UnloadedVars {
    /// The file, relative to the project root.
    pub path: std::sync::Arc<str>,
    /// Its first value, declared by a root or not: where its finding stands, so that the
    /// finding stays in place (and an inline suppression above it keeps covering it) when roots
    /// come to declare other variables.
    pub first: Span,
    /// Every value it sets for a variable some root declares, in the order written.
    pub sets: Vec<DeclaredValue>,
    /// Where `[[terraform.roots]]` entries whose `paths` match no root name it in yunlint.toml.
    pub listed: Vec<Span>,
}

/// A var file's value for a variable that roots declare.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredValue {
    pub name: String,
    /// The value as written.
    pub span: Span,
    /// The roots declaring the variable, by directory relative to the project root (`.` for the
    /// project root itself), sorted.
    pub roots: std::sync::Arc<[std::sync::Arc<str>]>,
}

/// What one file (or one pass over several) yields.
#[derive(Debug, Default)]
pub struct FileOutput {
    /// Boxed: a large repository has tens of thousands, moved from pass to pass.
    pub placements: Vec<Box<Placement>>,
    pub issues: Vec<ParseIssue>,
    pub unverifiable: Vec<Unverifiable>,
    pub unloaded_vars: Vec<UnloadedVars>,
    /// What `--verbose` tells about things that were not placed, and why: (subject, reason).
    pub notes: Vec<(String, String)>,
}

impl FileOutput {
    /// Moves everything `other` found to the end of this one.
    pub fn append(&mut self, mut other: FileOutput) {
        self.placements.append(&mut other.placements);
        self.issues.append(&mut other.issues);
        self.unverifiable.append(&mut other.unverifiable);
        self.unloaded_vars.append(&mut other.unloaded_vars);
        self.notes.append(&mut other.notes);
    }
}

/// One file after parsing: done, or waiting for the pass that needs every file of its kind.
pub enum Parsed {
    Done(FileOutput),
    Terraform(terraform::TfFile),
    /// Where `terraform init` put a root's remote modules.
    TerraformModules(terraform::ModulesManifest),
    /// Terragrunt units wait for the Terraform pass, which deploys their modules.
    Terragrunt(terraform::terragrunt::TgFile),
    /// Manifests wait for the Terraform pass: a cluster may be created there.
    Kubernetes(kubernetes::Parsed),
    /// Not an input after all (a `.json` file that is not a plan): not counted.
    Skipped,
    /// Reading it panicked: an internal error, reported at the end of the run.
    Crashed,
}

/// Parses one file.
pub fn parse(format: FileFormat, file: &SourceFile, id: SourceId) -> Parsed {
    let failed = |issue: ParseIssue| {
        Parsed::Done(FileOutput {
            issues: vec![issue],
            ..FileOutput::default()
        })
    };
    match format {
        FileFormat::Descriptor => Parsed::Done(descriptor::parse(file, id)),
        FileFormat::Terraform
        | FileFormat::TerraformVars
        | FileFormat::TerraformJson
        | FileFormat::TerraformVarsJson => {
            use terraform::{Syntax, TfKind};
            let (kind, syntax) = match format {
                FileFormat::Terraform => (TfKind::Config, Syntax::Native),
                FileFormat::TerraformVars => (TfKind::Vars, Syntax::Native),
                FileFormat::TerraformJson => (TfKind::Config, Syntax::Json),
                _ => (TfKind::Vars, Syntax::Json),
            };
            terraform::parse(file, id, kind, syntax).map_or_else(failed, Parsed::Terraform)
        }
        FileFormat::Terragrunt => {
            terraform::terragrunt::parse(file, id).map_or_else(failed, Parsed::Terragrunt)
        }
        FileFormat::TerraformModules => terraform::parse_modules_manifest(file, id)
            .map_or_else(failed, Parsed::TerraformModules),
        FileFormat::Json if plan_json::is_plan(file.text()) => {
            Parsed::Done(plan_json::parse(file, id))
        }
        FileFormat::Json => Parsed::Skipped,
        // A Helm chart's templates are not YAML until rendered: lint `helm template` output instead.
        FileFormat::Yaml if file.text().contains("{{") => Parsed::Skipped,
        FileFormat::Yaml => {
            let parsed = kubernetes::parse(file, id);
            if parsed.manifests.is_empty() && parsed.issues.is_empty() {
                Parsed::Skipped // YAML that is not a Kubernetes object: CI workflows, compose files
            } else {
                Parsed::Kubernetes(parsed)
            }
        }
    }
}
