//! Instantiates root modules, then their local modules with their inputs and providers, and turns
//! every resource of a cloud provider into a placement.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use hcl::Value;
use hcl_edit::expr::{Expression as EditExpr, ObjectKey};

use super::decl::{Attrs, CallDecl, Expr, ResourceDecl};
use super::eval::{Reason, Scope, Val, as_string};
use super::module::ModuleDef;
use super::table::{PlacingProvider, ProviderSpec, RESOURCES};
use crate::frontends::{FileOutput, ParseIssue, Unverifiable};
use crate::model::{Origin, Placement, Replica, Resolution, Resolved, Unresolved, Via};
use crate::source::{SourceId, Span};

/// `count` keys listed one by one up to this many; beyond, one `0..n` entry.
const MAX_LISTED_INSTANCES: u64 = 64;

/// Modules nest at most this deep (a guard against pathological trees; cycles are caught first).
const MAX_DEPTH: usize = 32;

/// Meta-arguments of a module call that are not inputs.
const CALL_META: [&str; 7] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
    "lifecycle",
];

/// One provider configuration as a module instance sees it.
#[derive(Clone)]
struct ProviderCfg {
    region: Result<Val, Reason>,
}

/// A value given to a root module's variables: tfvars files and `--var`, in precedence order.
pub struct RootValue {
    pub name: String,
    pub value: Result<Val, Reason>,
}

pub struct Resolver<'a> {
    pub modules: BTreeMap<PathBuf, ModuleDef<'a>>,
    /// Registry ids the policy knows: resources of these providers are placements even when the
    /// table has no entry for them.
    pub known_providers: BTreeSet<String>,
    /// Path of each file relative to the project root.
    pub rel_paths: BTreeMap<SourceId, Arc<str>>,
    pub project_root: PathBuf,
    /// Per root directory, the module keys `terraform init` downloaded and where to.
    pub downloaded: BTreeMap<PathBuf, BTreeMap<String, PathBuf>>,
}

/// Terraform's module key of an address: `envs/prod:module.a.module.b` → `a.b`.
fn module_key(address: &str) -> String {
    let bare = address.split_once(':').map_or(address, |(_, a)| a);
    bare.split("module.")
        .map(|part| part.trim_end_matches('.'))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether a directory is inside `.terraform` or `.terragrunt-cache` (downloaded modules are
/// never roots).
fn is_downloaded(dir: &Path) -> bool {
    dir.components()
        .any(|c| c.as_os_str() == ".terraform" || c.as_os_str() == ".terragrunt-cache")
}

struct Instance<'m, 'a> {
    module: &'m ModuleDef<'a>,
    prefix: String,
    scope: Scope<'a>,
    providers: BTreeMap<String, ProviderCfg>,
}

fn lexical_join(dir: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in dir.join(rel).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

fn string_of(val: &Val) -> Result<String, Reason> {
    match &val.value {
        Value::Null => {
            Err("the value is null, so the provider falls back to its environment".to_owned())
        }
        Value::String(s) if s.trim().is_empty() => {
            Err("the value is empty, so the provider falls back to its environment".to_owned())
        }
        other => as_string(other).ok_or_else(|| format!("the value `{other}` is not a string")),
    }
}

impl<'a> Resolver<'a> {
    /// Modules no root reached (they only call each other in a cycle): evaluated on their own, so
    /// that the cycle is reported rather than silently skipped.
    pub fn unvisited(&self, visited: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
        self.modules
            .keys()
            .filter(|d| !visited.contains(*d) && !is_downloaded(d))
            .cloned()
            .collect()
    }

    /// Module directories that no other module in the tree calls: each is evaluated on its own.
    pub fn roots(&self) -> Vec<PathBuf> {
        let called: BTreeSet<PathBuf> = self
            .modules
            .values()
            .flat_map(|m| {
                m.calls.iter().filter_map(|c| {
                    let (source, _) = c.source.as_ref()?;
                    is_local_source(source).then(|| lexical_join(&m.dir, source))
                })
            })
            .collect();
        self.modules
            .keys()
            .filter(|d| !called.contains(*d) && !is_downloaded(d))
            .cloned()
            .collect()
    }

    /// Instantiates one root module and every module it calls: what they yield, and the module
    /// directories visited. Roots are independent, so they run in parallel.
    pub fn run_root(&self, dir: &Path, values: Vec<RootValue>) -> RootOutput {
        let Some(module) = self.modules.get(dir) else {
            return RootOutput::default();
        };
        self.run_module(dir, module, values)
    }

    /// A Terragrunt unit: its module (with what its `generate` blocks write) instantiated as a
    /// root, its addresses prefixed with the unit's directory.
    pub fn run_unit<'r>(
        &'r self,
        unit_dir: &Path,
        module: &'r ModuleDef<'a>,
        values: Vec<RootValue>,
    ) -> RootOutput {
        self.run_module(unit_dir, module, values)
    }

    fn run_module<'r>(
        &'r self,
        dir: &Path,
        module: &'r ModuleDef<'a>,
        values: Vec<RootValue>,
    ) -> RootOutput {
        let mut run = RootRun {
            resolver: self,
            out: RootOutput::default(),
        };
        let mut given: BTreeMap<String, Result<Val, Reason>> = BTreeMap::new();
        for v in values {
            given.insert(v.name, v.value);
        }
        let vars = variables(
            module,
            given,
            "set it in terraform.tfvars, a *.auto.tfvars file, --var-file or --var",
        );
        let mut stack = vec![module.dir.clone()];
        // Addresses are unique across root modules: `envs/prod:module.db.alicloud_db_instance.main`.
        let root = crate::source::relative_display(dir, &self.project_root);
        let prefix = if root == "." {
            String::new()
        } else {
            format!("{root}:")
        };
        run.instantiate(module, prefix, vars, BTreeMap::new(), &mut stack);
        run.out
    }
}

/// What one root yields.
#[derive(Default)]
pub struct RootOutput {
    pub output: FileOutput,
    /// Module directories instantiated.
    pub visited: BTreeSet<PathBuf>,
}

/// The walk of one root's module tree.
struct RootRun<'r, 'a> {
    resolver: &'r Resolver<'a>,
    out: RootOutput,
}

impl<'r, 'a> RootRun<'r, 'a> {
    fn instantiate(
        &mut self,
        module: &'r ModuleDef<'a>,
        prefix: String,
        vars: BTreeMap<String, Result<Val, Reason>>,
        inherited: BTreeMap<String, ProviderCfg>,
        stack: &mut Vec<PathBuf>,
    ) {
        self.out.visited.insert(module.dir.clone());
        let scope = Scope::new(vars, module.local_defs(), module.dir.display().to_string());
        let mut instance = Instance {
            module,
            prefix,
            scope,
            providers: inherited,
        };
        for p in &module.providers {
            let spec = RESOURCES.providers.get(&p.ptype);
            let region = provider_region(&instance.scope, &p.attrs, &p.key, &p.ptype, spec);
            instance
                .providers
                .insert(p.key.clone(), ProviderCfg { region });
        }
        for r in &module.resources {
            if let Some(placement) = self.placement(&instance, r) {
                self.out.output.placements.push(Box::new(placement));
            }
        }
        for call in &module.calls {
            self.call(&instance, call, stack);
        }
    }

    fn call(&mut self, parent: &Instance<'r, 'a>, call: &CallDecl, stack: &mut Vec<PathBuf>) {
        let address = format!("{}module.{}", parent.prefix, call.name);
        let Some((source, source_span)) = &call.source else {
            return;
        };
        let downloaded = (!is_local_source(source))
            .then(|| {
                let root = stack.first()?;
                self.resolver
                    .downloaded
                    .get(root)?
                    .get(&module_key(&address))
                    .cloned()
            })
            .flatten();
        if !is_local_source(source) && downloaded.is_none() {
            self.out.output.unverifiable.push(Unverifiable {
                address,
                kind: None,
                declared: *source_span,
                unresolved: Unresolved {
                    reason: format!("module source `{source}` is not in the repository, so its resources are not inspected"),
                    span: *source_span,
                    help: Some("run `terraform init` first (yunlint then reads .terraform/modules), vendor the module, or lint the output of `terraform show -json` for a plan".into()),
                },
            });
            return;
        }
        let dir = downloaded.unwrap_or_else(|| lexical_join(&parent.module.dir, source));
        if !dir.starts_with(&self.resolver.project_root) {
            self.out.output.issues.push(
                ParseIssue::new(*source_span, format!("module `{}` points at `{source}`, which leaves the project root", call.name))
                    .with_help("nothing outside the project root (the directory of yunlint.toml, else the Git work tree) is read: lint from a directory that holds the module too"),
            );
            return;
        }
        let Some(child) = self.resolver.modules.get(&dir) else {
            self.out.output.issues.push(
                ParseIssue::new(*source_span, format!("module `{}` points at `{source}`, which holds no .tf file that is linted", call.name))
                    .with_help("check the path; a module outside the linted tree or excluded from it cannot be inspected"),
            );
            return;
        };
        if stack.contains(&dir) {
            self.out.output.issues.push(ParseIssue::new(
                *source_span,
                format!(
                    "module `{}` calls a module that is already being instantiated (a cycle)",
                    call.name
                ),
            ));
            return;
        }
        if stack.len() >= MAX_DEPTH {
            self.out.output.issues.push(ParseIssue::new(
                *source_span,
                format!("modules nest deeper than {MAX_DEPTH} levels"),
            ));
            return;
        }
        let mut given = BTreeMap::new();
        for (name, expr) in call.attrs.iter() {
            if CALL_META.contains(&name) {
                continue;
            }
            let value = parent
                .scope
                .eval_expr(expr, format!("`{name}` passed to module `{}`", call.name));
            given.insert(name.to_owned(), value);
        }
        let vars = variables(child, given, "pass it in the module block");
        let providers = match &call.providers {
            Some(map) => map
                .iter()
                .map(|(child_key, parent_key, span)| {
                    let cfg = parent
                        .providers
                        .get(parent_key)
                        .cloned()
                        .unwrap_or(ProviderCfg {
                            region: Err(format!(
                                "provider configuration `{parent_key}` is not defined"
                            )),
                        });
                    let cfg = ProviderCfg {
                        region: cfg.region.map(|mut v| {
                            v.chain.insert(
                                0,
                                Via {
                                    span: *span,
                                    note: format!(
                                        "module `{}` gets provider `{parent_key}` as `{child_key}`",
                                        call.name
                                    )
                                    .into(),
                                },
                            );
                            v
                        }),
                    };
                    (child_key.clone(), cfg)
                })
                .collect(),
            // Without `providers`, a module inherits the default (unaliased) configurations.
            None => parent
                .providers
                .iter()
                .filter(|(k, _)| !k.contains('.'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        stack.push(dir);
        let prefix = format!("{address}.");
        self.instantiate(child, prefix, vars, providers, stack);
        stack.pop();
    }

    fn placement(&self, instance: &Instance<'_, 'a>, r: &ResourceDecl) -> Option<Placement> {
        let PlacingProvider {
            ptype,
            spec,
            registry_id,
        } = RESOURCES.placing_provider(&r.rtype, None, &self.resolver.known_providers)?;
        let key = r
            .provider
            .as_ref()
            .map_or(ptype.clone(), |(k, _)| k.clone());
        let address = format!("{}{}.{}", instance.prefix, r.rtype, r.name);

        let own_region_attrs = RESOURCES
            .resources
            .get(&r.rtype)
            .map(|t| t.region_attrs.as_slice())
            .unwrap_or_default();
        let resource_region = spec
            .map(|s| s.resource_region.as_slice())
            .unwrap_or_default()
            .iter()
            .chain(own_region_attrs)
            .find_map(|path| r.attrs.get(path).map(|expr| (path, expr)));
        let region_val: Result<Val, Reason> = match resource_region {
            Some((path, expr)) => instance
                .scope
                .eval_expr(expr, format!("`{path}` set on the resource")),
            None => match instance.providers.get(&key) {
                Some(cfg) => cfg.region.clone().map(|mut v| {
                    if let Some((_, span)) = &r.provider {
                        v.chain.insert(
                            0,
                            Via {
                                span: *span,
                                note: format!("the resource uses provider `{key}`").into(),
                            },
                        );
                    }
                    v
                }),
                None if key.contains('.') => {
                    Err(format!("provider configuration `{key}` is not defined"))
                }
                None => Err(no_region_reason(&ptype, spec)),
            },
        };
        let region = resolution(
            region_val.and_then(|v| string_of(&v).map(|s| (s, v))),
            r.span,
            &ptype,
            spec,
        );

        let zones = spec_zones(&r.rtype)
            .iter()
            .filter_map(|attr| r.attrs.get(attr))
            .flat_map(|expr| {
                let span = expr.span;
                let values = match instance.scope.eval_expr(expr, "zone") {
                    Ok(Val {
                        value: Value::Array(items),
                        ..
                    }) => items.iter().filter_map(as_string).collect(),
                    Ok(Val { value, .. }) => as_string(&value).into_iter().collect(),
                    Err(_) => Vec::new(),
                };
                values.into_iter().map(move |z| Resolved::new(z, span))
            })
            .collect();

        let replicas = replicas(instance, r, &registry_id);
        let data_class = data_class(instance, r);
        let instances = instance_keys(instance, r);
        let path = self
            .resolver
            .rel_paths
            .get(&r.span.source)
            .cloned()
            .unwrap_or_else(|| Arc::from(""));
        Some(Placement {
            address,
            path,
            name_span: r.span,
            block: r.block,
            kind: RESOURCES.kind_of(&r.rtype),
            provider: Resolved::new(registry_id, r.span),
            region,
            zones,
            replicas,
            data_class,
            instances,
            required_regions: Vec::new(),
            cluster: None,
            origin: Origin::Terraform,
            source: r.span.source,
        })
    }
}

/// Cross-region copies named by the table's replica attributes.
fn replicas(instance: &Instance<'_, '_>, r: &ResourceDecl, registry_id: &str) -> Vec<Replica> {
    {
        let Some(spec) = RESOURCES.resources.get(&r.rtype) else {
            return Vec::new();
        };
        spec.replicas
            .iter()
            .filter(|rep| rep.is_destination())
            .filter_map(|rep| {
                let expr = r.attrs.get(&rep.region)?;
                let span = expr.span;
                let note = format!("`{}`: {} target", rep.region, rep.role());
                let value = instance.scope.eval_expr(expr, note).and_then(|v| {
                    let text = string_of(&v)?;
                    let region = rep.region_in(&text).ok_or_else(|| match &rep.format {
                        Some(format) => format!("`{text}` ({format}) does not say its region"),
                        None => format!("no region can be read from `{text}`"),
                    })?;
                    Ok((region, v))
                });
                let region = match value {
                    Ok((region, v)) => Ok(Resolved {
                        value: region,
                        span,
                        via: v.chain.into_iter().skip(1).collect(),
                    }),
                    Err(reason) => Err(Unresolved {
                        reason,
                        span,
                        help: None,
                    }),
                };
                Some(Replica {
                    role: Resolved::new(rep.role(), span),
                    provider: Resolved::new(registry_id.to_owned(), r.span),
                    region,
                    zones: Vec::new(),
                })
            })
            .collect()
    }
}

fn spec_zones(rtype: &str) -> &'static [String] {
    RESOURCES
        .resources
        .get(rtype)
        .map(|r| r.zones.as_slice())
        .unwrap_or_default()
}

/// The variables of a module instance: given values, else defaults, else unresolved.
fn variables(
    module: &ModuleDef<'_>,
    mut given: BTreeMap<String, Result<Val, Reason>>,
    how_to_set: &str,
) -> BTreeMap<String, Result<Val, Reason>> {
    let empty = Scope::new(BTreeMap::new(), BTreeMap::new(), String::new());
    module
        .variables
        .iter()
        .map(|(name, default)| {
            let value = given.remove(*name).unwrap_or_else(|| match default {
                Some(expr) if expr.is_null() => Err(format!(
                    "variable `{name}` defaults to null and no value is given ({how_to_set})"
                )),
                Some(expr) => empty.eval_expr(expr, format!("default of `var.{name}`")),
                None => Err(format!(
                    "variable `{name}` has no default and no value is given ({how_to_set})"
                )),
            });
            ((*name).to_owned(), value)
        })
        .collect()
}

fn provider_region(
    scope: &Scope<'_>,
    attrs_of_block: &Attrs,
    key: &str,
    ptype: &str,
    spec: Option<&ProviderSpec>,
) -> Result<Val, Reason> {
    let attrs: Vec<&str> = spec
        .map(|s| s.provider_region.iter().map(String::as_str).collect())
        .unwrap_or_else(|| vec!["region"]);
    match attrs.iter().find_map(|a| attrs_of_block.get(a)) {
        Some(expr) => scope.eval_expr(expr, format!("region of provider `{key}`")),
        None => {
            let profile = spec
                .into_iter()
                .flat_map(|s| &s.profile_attrs)
                .find(|a| attrs_of_block.has(a));
            match profile {
                Some(attr) => Err(format!(
                    "provider `{key}` takes its region from the profile named by `{attr}`, a file yunlint never reads"
                )),
                None => Err(format!(
                    "provider `{key}` sets no region{}",
                    spec.map(|s| s.environment_note(ptype)).unwrap_or_default()
                )),
            }
        }
    }
}

fn no_region_reason(ptype: &str, spec: Option<&ProviderSpec>) -> Reason {
    format!(
        "no `provider \"{ptype}\"` block sets a region{}",
        spec.map(|s| s.environment_note(ptype)).unwrap_or_default()
    )
}

fn resolution(
    value: Result<(String, Val), Reason>,
    resource_span: Span,
    ptype: &str,
    spec: Option<&ProviderSpec>,
) -> Resolution<String> {
    match value {
        Ok((region, val)) => Ok(Resolved {
            value: region,
            span: resource_span,
            via: val.chain,
        }),
        Err(reason) => Err(Unresolved {
            reason,
            span: resource_span,
            help: Some(match spec.and_then(|s| s.resource_region.first()) {
                Some(attr) => format!(
                    "set `region` in the `{ptype}` provider block (or `{attr}` on the resource) from values in the repository"
                ),
                None => format!(
                    "set `region` in the `{ptype}` provider block from values in the repository"
                ),
            }),
        }),
    }
}

/// The keys of a `count` or `for_each` block (`*` when they cannot be known statically).
fn instance_keys(instance: &Instance<'_, '_>, r: &ResourceDecl) -> Vec<String> {
    let unknown = || vec!["*".to_owned()];
    if let Some(expr) = r.attrs.get("count") {
        return match instance
            .scope
            .eval_expr(expr, "count")
            .map(|v| v.value.as_u64())
        {
            Ok(Some(n)) if n <= MAX_LISTED_INSTANCES => (0..n).map(|i| i.to_string()).collect(),
            Ok(Some(n)) => vec![format!("0..{n}")],
            _ => unknown(),
        };
    }
    if let Some(expr) = r.attrs.get("for_each") {
        return match instance.scope.eval_expr(expr, "for_each").map(|v| v.value) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            Ok(Value::Array(items)) => items.iter().filter_map(as_string).collect(),
            _ => unknown(),
        };
    }
    Vec::new()
}

/// Tag and label keys that hold the data class, first match wins.
const DATA_CLASS_KEYS: [&str; 3] = ["data-class", "data_class", "DataClass"];

/// The `data-class` tag or label of a resource, JR/T 0197-2020 level 1 to 5.
fn data_class(instance: &Instance<'_, '_>, r: &ResourceDecl) -> Option<Resolved<u8>> {
    ["tags", "labels"].iter().find_map(|attr_name| {
        let expr = r.attrs.get(attr_name)?;
        let span = expr.span;
        let entry_of = |val: Val| {
            let Value::Object(mut map) = val.value else {
                return None;
            };
            DATA_CLASS_KEYS.iter().find_map(|k| map.swap_remove(*k))
        };
        let note = "data class tag";
        let class = if expr.simple().is_some() {
            entry_of(instance.scope.eval_expr(expr, note).ok()?)?
        } else {
            let parsed = expr.parse().ok()?;
            match class_entry(&parsed) {
                // An object written out: only the entry that holds the class is evaluated, so an
                // unknown value in another tag does not hide it.
                Some(Some(entry)) => instance.scope.eval(entry, span, note).ok()?.value,
                Some(None) => return None,
                None => entry_of(instance.scope.eval(&parsed, span, note).ok()?)?,
            }
        };
        let class: u8 = as_string(&class)?.trim().parse().ok()?;
        (1..=5).contains(&class).then(|| Resolved::new(class, span))
    })
}

/// For an object constructor whose keys are all written out (the parser refuses a repeated key):
/// the value of its data-class entry, or `Some(None)` when it has none. `None` for any other
/// expression, which must be evaluated whole.
fn class_entry(expr: &EditExpr) -> Option<Option<&EditExpr>> {
    let EditExpr::Object(object) = expr else {
        return None;
    };
    let mut entries = Vec::new();
    for (key, value) in object.iter() {
        let key = match key {
            ObjectKey::Ident(ident) => ident.as_str(),
            ObjectKey::Expression(EditExpr::String(s)) => s.as_str(),
            ObjectKey::Expression(_) => return None,
        };
        entries.push((key, value.expr()));
    }
    Some(DATA_CLASS_KEYS.iter().find_map(|wanted| {
        entries
            .iter()
            .find(|(key, _)| key == wanted)
            .map(|(_, value)| *value)
    }))
}

/// Values for a root module from a tfvars file's `name = value` lines.
pub fn tfvars_values(values: &[(String, Expr)], file_name: &str) -> Vec<RootValue> {
    let empty = Scope::new(BTreeMap::new(), BTreeMap::new(), String::new());
    values
        .iter()
        .map(|(name, expr)| RootValue {
            name: name.clone(),
            value: empty.eval_expr(expr, format!("`{name}` set in {file_name}")),
        })
        .collect()
}

/// A `vars` entry of `[[terraform.roots]]` in yunlint.toml: a string, like `--var`.
pub fn config_value(name: &str, value: &str, span: Span) -> RootValue {
    RootValue {
        name: name.to_owned(),
        value: Ok(Val {
            value: Value::String(value.to_owned()),
            chain: vec![Via {
                span,
                note: format!("`{name}` set for this root in yunlint.toml").into(),
            }],
        }),
    }
}

/// `--var NAME=VALUE`: a string, as Terraform reads it.
pub fn cli_value(name: &str, value: &str, span: Span) -> RootValue {
    RootValue {
        name: name.to_owned(),
        value: Ok(Val {
            value: Value::String(value.to_owned()),
            chain: vec![Via {
                span,
                note: format!("`{name}` set with --var").into(),
            }],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Option<Option<String>> {
        let parsed = hcl_edit::parser::parse_expr(text).expect("valid HCL");
        class_entry(&parsed).map(|found| found.map(|e| e.to_string().trim().to_owned()))
    }

    #[test]
    fn the_class_entry_of_a_written_out_object_is_found_without_the_other_tags() {
        assert_eq!(
            entry(r#"{ owner = module.x.id, "data-class" = "4" }"#),
            Some(Some(r#""4""#.into()))
        );
        assert_eq!(
            entry("{ data_class = var.c, DataClass = 2, data-class = 3 }"),
            Some(Some("3".into())),
            "`data-class` first, whatever the order written"
        );
        assert_eq!(entry(r#"{ owner = "ops" }"#), Some(None));
        assert_eq!(entry("merge(var.tags, { data-class = 3 })"), None);
        assert_eq!(entry("{ (local.key) = 3 }"), None, "a computed key");
    }
}
