//! Instantiates root modules, then their local modules with their inputs and providers, and turns
//! every resource of a cloud provider into a placement.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use hcl_edit::expr::{Expression as EditExpr, ObjectKey};

use super::decl::{Attrs, CallDecl, Expr, ResourceDecl, SyntaxTrees};
use super::eval::{
    Budget, Children, Instances, ProviderConfigs, ProviderSlot, Reason, Repetition, Scope, Val,
    Value, as_string, convert,
};
use super::module::ModuleDef;
use super::table::{PlacingProvider, ProviderSpec, RESOURCES};
use crate::frontends::{FileOutput, ParseIssue, Unverifiable};
use crate::model::{Origin, Placement, Replica, Resolution, Resolved, Unresolved, Via};
use crate::source::{SourceId, Span};

/// Instances of a resource placed one by one up to this many; beyond, one placement stands for
/// them all, with their keys listed (`0..n` for a count).
const MAX_LISTED_INSTANCES: usize = 64;

/// The stack of a thread that evaluates roots: enough for the evaluator's deepest nesting
/// (`MAX_EVAL_DEPTH`) in a debug build. Reserved, and touched only as deep as an evaluation goes.
const ROOT_STACK: usize = 64 << 20;

/// Runs `f` on a pool of as many threads as the current one, each with [`ROOT_STACK`]: references
/// nest evaluations inside each other, deeper than a default stack holds. One pool per run: a
/// thread per root cost a thousand thread starts on a 10k-file repository.
pub fn on_root_stacks<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .stack_size(ROOT_STACK)
        .thread_name(|i| format!("terraform-root-{i}"))
        .build()
    {
        Ok(pool) => pool.install(f),
        // No threads to be had: on this one, with its stack.
        Err(_) => f(),
    }
}

/// Modules nest at most this deep (a guard against pathological trees; cycles are caught first).
const MAX_DEPTH: usize = 32;
/// Module instances one root may create: a "diamond" of modules that each call the next twice
/// would otherwise instantiate 2^depth of them.
pub const MAX_INSTANCES: usize = 10_000;

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

/// A value given to a root module's variables: tfvars files and `--var`, in precedence order.
pub struct RootValue {
    pub name: String,
    pub value: Result<Val, Reason>,
}

pub struct Resolver<'a> {
    /// Every module directory's declarations. Looked up for every module call of every root, so
    /// hashed: ordered maps of paths compare them component by component, which was 5% of a run.
    pub modules: HashMap<PathBuf, ModuleDef<'a>>,
    /// Path of each file relative to the project root.
    pub rel_paths: BTreeMap<SourceId, Arc<str>>,
    pub project_root: PathBuf,
    /// Per root directory, the module keys `terraform init` downloaded and where to.
    pub downloaded: BTreeMap<PathBuf, BTreeMap<String, PathBuf>>,
    /// Expressions' syntax trees, shared by every root.
    pub trees: SyntaxTrees,
}

/// Terraform's module key of an address: `envs/prod:module.a.module.b` → `a.b`.
fn module_key(address: &str) -> String {
    let bare = address.split_once(':').map_or(address, |(_, a)| a);
    bare.split("module.")
        .map(|part| part.trim_end_matches('.'))
        // `module.app["a"].`: the key of an instance is not part of the module key.
        .map(|part| part.split_once('[').map_or(part, |(name, _)| name))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether a directory is inside `.terraform` or `.terragrunt-cache` (downloaded modules are
/// never roots).
pub(super) fn is_downloaded(dir: &Path) -> bool {
    dir.components()
        .any(|c| c.as_os_str() == ".terraform" || c.as_os_str() == ".terragrunt-cache")
}

struct Instance<'l> {
    module: &'l ModuleDef<'l>,
    prefix: String,
    scope: Rc<Scope<'l>>,
}

pub(super) fn lexical_join(dir: &Path, rel: &str) -> PathBuf {
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

pub(super) fn is_local_source(source: &str) -> bool {
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
    pub fn unvisited(&self, visited: &HashSet<PathBuf>) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self
            .modules
            .keys()
            .filter(|d| !visited.contains(*d) && !is_downloaded(d))
            .cloned()
            .collect();
        dirs.sort();
        dirs
    }

    /// Module directories that no other module in the tree calls: each is evaluated on its own.
    pub fn roots(&self) -> Vec<PathBuf> {
        let called: HashSet<PathBuf> = self
            .modules
            .values()
            .flat_map(|m| {
                m.calls.iter().filter_map(|c| {
                    let (source, _) = c.source.as_ref()?;
                    is_local_source(source).then(|| lexical_join(&m.dir, source))
                })
            })
            .collect();
        let mut roots: Vec<PathBuf> = self
            .modules
            .keys()
            .filter(|d| !called.contains(*d) && !is_downloaded(d))
            .cloned()
            .collect();
        roots.sort();
        roots
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
    pub fn run_unit(
        &self,
        unit_dir: &Path,
        module: &ModuleDef<'_>,
        values: Vec<RootValue>,
    ) -> RootOutput {
        self.run_module(unit_dir, module, values)
    }

    /// `module` instantiated as a root whose addresses are prefixed with `dir`.
    fn run_module(&self, dir: &Path, module: &ModuleDef<'_>, values: Vec<RootValue>) -> RootOutput {
        let mut out = RootOutput::default();
        let mut given: BTreeMap<String, Result<Val, Reason>> = BTreeMap::new();
        for v in values {
            given.insert(v.name, v.value);
        }
        let vars = variables(
            module,
            given,
            "set it in terraform.tfvars, a *.auto.tfvars file, --var-file or --var",
            &self.trees,
        );
        // Addresses are unique across root modules: `envs/prod:module.db.alicloud_db_instance.main`.
        let root = crate::source::relative_display(dir, &self.project_root);
        let prefix = if root == "." {
            String::new()
        } else {
            format!("{root}:")
        };
        let world = RootWorld {
            resolver: self,
            root: module.dir.clone(),
        };
        let budget = Rc::new(Budget::default());
        let scope = world.scope(module, vars, BTreeMap::new(), prefix.clone(), 0, budget);
        let mut run = RootRun {
            world: &world,
            out: &mut out,
            instances: 0,
        };
        let mut stack = vec![module.dir.clone()];
        run.instantiate(module, prefix, scope, &mut stack);
        out
    }
}

/// What one root's module instances need to make the scopes of their children.
struct RootWorld<'r, 'a> {
    resolver: &'r Resolver<'a>,
    root: PathBuf,
}

/// The directory of a module call's code, or why it cannot be inspected.
enum ChildDir {
    Found(PathBuf),
    Remote(Unresolved),
    Missing(ParseIssue),
}

impl<'r, 'a> RootWorld<'r, 'a> {
    /// The scope of a module instance: its variables, locals, and the regions of the provider
    /// configurations it sees (`inherited`, then its own blocks).
    fn scope<'l>(
        &'l self,
        module: &'l ModuleDef<'l>,
        vars: BTreeMap<String, Result<Val, Reason>>,
        inherited: BTreeMap<String, ProviderSlot>,
        prefix: String,
        depth: usize,
        budget: Rc<Budget>,
    ) -> Rc<Scope<'l>> {
        let mut scope = Scope::new(vars, module.local_defs(), module.dir.display().to_string())
            .with_module(module, self, budget)
            .with_trees(&self.resolver.trees);
        scope.prefix = prefix;
        scope.depth = depth;
        *scope.providers.get_mut() = inherited;
        let scope = Rc::new(scope);
        for p in &module.providers {
            let spec = RESOURCES.providers.get(&p.ptype);
            let region = provider_region(&scope, &p.attrs, &p.key, &p.ptype, spec);
            let config =
                ProviderConfigs::new(format!("{}provider.{}", scope.prefix, p.key), p.span, true);
            scope
                .providers
                .borrow_mut()
                .insert(p.key.clone(), ProviderSlot { region, config });
        }
        scope
    }

    fn child_dir(&self, parent_dir: &Path, call: &CallDecl, address: &str) -> Option<ChildDir> {
        let (source, source_span) = call.source.as_ref()?;
        let downloaded = (!is_local_source(source))
            .then(|| {
                self.resolver
                    .downloaded
                    .get(&self.root)?
                    .get(&module_key(address))
                    .cloned()
            })
            .flatten();
        if !is_local_source(source) && downloaded.is_none() {
            return Some(ChildDir::Remote(Unresolved {
                reason: format!("module source `{source}` is not in the repository, so its resources are not inspected"),
                span: *source_span,
                help: Some("run `terraform init` first (yunlint then reads .terraform/modules), vendor the module, or lint the output of `terraform show -json` for a plan".into()),
            }));
        }
        let dir = downloaded.unwrap_or_else(|| lexical_join(parent_dir, source));
        if !dir.starts_with(&self.resolver.project_root) {
            return Some(ChildDir::Missing(
                ParseIssue::new(*source_span, format!("module `{}` points at `{source}`, which leaves the project root", call.name))
                    .with_help("nothing outside the project root (the directory of yunlint.toml, else the Git work tree) is read: lint from a directory that holds the module too"),
            ));
        }
        if !self.resolver.modules.contains_key(&dir) {
            return Some(ChildDir::Missing(
                ParseIssue::new(*source_span, format!("module `{}` points at `{source}`, which holds no .tf file that is linted", call.name))
                    .with_help("check the path; a module outside the linted tree or excluded from it cannot be inspected"),
            ));
        }
        Some(ChildDir::Found(dir))
    }

    /// The scope of one instance of `call`, made from its parent's.
    fn child_scope<'l>(
        &'l self,
        parent: &Scope<'l>,
        parent_module: &ModuleDef<'_>,
        child: &'l ModuleDef<'l>,
        call: &CallDecl,
        rep: &Repetition,
    ) -> Rc<Scope<'l>> {
        let mut given = BTreeMap::new();
        for (name, expr) in call.attrs.iter() {
            if CALL_META.contains(&name) {
                continue;
            }
            let value = parent.eval_expr_in(
                expr,
                format!("`{name}` passed to module `{}`", call.name),
                rep,
            );
            given.insert(name.to_owned(), value);
        }
        let vars = variables(
            child,
            given,
            "pass it in the module block",
            &self.resolver.trees,
        );
        let parent_providers = parent.providers.borrow();
        let providers = match &call.providers {
            Some(map) => map
                .iter()
                .map(|(child_key, parent_key, span)| {
                    let slot = parent_providers
                        .get(parent_key)
                        .cloned()
                        .unwrap_or_else(|| ProviderSlot {
                            region: Err(format!(
                                "provider configuration `{parent_key}` is not defined"
                            )),
                            config: ProviderConfigs::new(
                                format!("{}provider.{parent_key}", parent.prefix),
                                *span,
                                false,
                            ),
                        });
                    let region = slot.region.map(|mut v| {
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
                    });
                    let slot = ProviderSlot {
                        region,
                        config: slot.config,
                    };
                    (child_key.clone(), slot)
                })
                .collect(),
            // Without `providers`, a module inherits the default (unaliased) configurations.
            None => parent_providers
                .iter()
                .filter(|(k, _)| !k.contains('.'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        drop(parent_providers);
        let _ = parent_module;
        let prefix = format!(
            "{}module.{}{}.",
            parent.prefix,
            call.name,
            instance_suffix(rep)
        );
        self.scope(
            child,
            vars,
            providers,
            prefix,
            parent.depth + 1,
            parent.budget(),
        )
    }
}

/// The address suffix of a module or resource instance: none for one whose instances are unknown,
/// which stands for them all.
fn instance_suffix(rep: &Repetition) -> String {
    match rep {
        Repetition::Unknown(_) => String::new(),
        other => other.address_suffix(),
    }
}

impl<'r, 'a, 'l> Children<'l> for RootWorld<'r, 'a>
where
    'a: 'l,
    'r: 'l,
{
    fn child(
        &'l self,
        parent: &Scope<'l>,
        call: &'l CallDecl,
        rep: &Repetition,
    ) -> Result<Rc<Scope<'l>>, Reason> {
        let Some(parent_module) = parent.module() else {
            return Err(format!(
                "the outputs of `module.{}` are not known here",
                call.name
            ));
        };
        if parent.depth >= MAX_DEPTH {
            return Err(format!("modules nest deeper than {MAX_DEPTH} levels"));
        }
        let address = format!("{}module.{}", parent.prefix, call.name);
        match self.child_dir(&parent_module.dir, call, &address) {
            None => Err(format!("module `{}` has no `source`", call.name)),
            Some(ChildDir::Remote(u)) => Err(u.reason),
            Some(ChildDir::Missing(issue)) => Err(issue.message),
            Some(ChildDir::Found(dir)) => {
                let Some(child) = self.resolver.modules.get(&dir) else {
                    return Err(format!("module `{}` holds no .tf file", call.name));
                };
                Ok(self.child_scope(parent, parent_module, child, call, rep))
            }
        }
    }
}

/// What one root yields.
#[derive(Default)]
pub struct RootOutput {
    pub output: FileOutput,
    /// Module directories instantiated.
    pub visited: HashSet<PathBuf>,
}

/// The walk of one root's module tree.
struct RootRun<'l, 'r, 'a> {
    world: &'l RootWorld<'r, 'a>,
    out: &'l mut RootOutput,
    /// Module instances created so far; past [`MAX_INSTANCES`], calls are reported once and skipped.
    instances: usize,
}

impl<'l, 'r, 'a> RootRun<'l, 'r, 'a> {
    fn instantiate(
        &mut self,
        module: &'l ModuleDef<'l>,
        prefix: String,
        scope: Rc<Scope<'l>>,
        stack: &mut Vec<PathBuf>,
    ) {
        if !self.out.visited.contains(&module.dir) {
            self.out.visited.insert(module.dir.clone());
        }
        let instance = Instance {
            module,
            prefix,
            scope,
        };
        for r in &module.resources {
            self.resource(&instance, r);
        }
        for call in &module.calls {
            self.call(&instance, call, stack);
        }
    }

    /// The placements of a resource: one per instance, none when it has none.
    fn resource(&mut self, instance: &Instance<'l>, r: &ResourceDecl) {
        let address = format!("{}{}.{}", instance.prefix, r.rtype, r.name);
        let local = format!("{}.{}", r.rtype, r.name);
        let reps: Vec<(Repetition, Vec<String>)> = match instance.scope.instances(&local, &r.attrs)
        {
            Instances::Single => vec![(Repetition::Single, Vec::new())],
            Instances::Known(reps) if reps.is_empty() => {
                if RESOURCES.placing_provider(&r.rtype, None).is_some() {
                    self.out.output.notes.push((
                        address,
                        "no placement: its `count` or `for_each` gives no instance, so Terraform creates nothing"
                            .into(),
                    ));
                }
                return;
            }
            Instances::Known(reps) if reps.len() > MAX_LISTED_INSTANCES => {
                let keys = instance_keys(&reps);
                let reason = format!(
                    "`{address}` has {} instances, more than the {MAX_LISTED_INSTANCES} placed one by one",
                    reps.len()
                );
                self.out.output.notes.push((
                    address.clone(),
                    format!(
                        "one placement for its {} instances (more than {MAX_LISTED_INSTANCES} are not placed one by one); a value that differs per instance is unknown",
                        reps.len()
                    ),
                ));
                vec![(Repetition::Unknown(reason), keys)]
            }
            Instances::Known(reps) => reps
                .into_iter()
                .map(|rep| {
                    let keys = instance_keys(std::slice::from_ref(&rep));
                    (rep, keys)
                })
                .collect(),
            Instances::Unknown(reason) => vec![(Repetition::Unknown(reason), vec!["*".to_owned()])],
        };
        for (rep, keys) in reps {
            if let Some(placement) = self.placement(instance, r, &rep, keys) {
                self.out.output.placements.push(Box::new(placement));
            }
        }
    }

    fn call(&mut self, parent: &Instance<'l>, call: &'l CallDecl, stack: &mut Vec<PathBuf>) {
        let address = format!("{}module.{}", parent.prefix, call.name);
        let local = format!("module.{}", call.name);
        let reps = match parent.scope.instances(&local, &call.attrs) {
            Instances::Single => vec![Repetition::Single],
            Instances::Known(reps) if reps.is_empty() => {
                // Reached, though it creates nothing: not a root of its own.
                if let Some(ChildDir::Found(dir)) =
                    self.world.child_dir(&parent.module.dir, call, &address)
                {
                    self.out.visited.insert(dir);
                }
                self.out.output.notes.push((
                    address,
                    "no placement: its `count` or `for_each` gives no instance, so Terraform creates nothing"
                        .into(),
                ));
                return;
            }
            Instances::Known(reps) => reps,
            Instances::Unknown(reason) => vec![Repetition::Unknown(reason)],
        };
        let dir = match self.world.child_dir(&parent.module.dir, call, &address) {
            None => return,
            Some(ChildDir::Remote(unresolved)) => {
                self.out.output.unverifiable.push(Unverifiable {
                    address,
                    kind: None,
                    declared: unresolved.span,
                    unresolved,
                });
                return;
            }
            Some(ChildDir::Missing(issue)) => {
                self.out.output.issues.push(issue);
                return;
            }
            Some(ChildDir::Found(dir)) => dir,
        };
        let Some((_, source_span)) = &call.source else {
            return;
        };
        let Some(child) = self.world.resolver.modules.get(&dir) else {
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
        stack.push(dir);
        for rep in reps {
            self.instances += 1;
            if self.instances > MAX_INSTANCES {
                if self.instances == MAX_INSTANCES + 1 {
                    self.out.output.issues.push(ParseIssue::new(
                        *source_span,
                        format!("this call creates more than {MAX_INSTANCES} module instances in one root module; the rest are not inspected"),
                    ));
                }
                break;
            }
            let scope = self
                .world
                .child_scope(&parent.scope, parent.module, child, call, &rep);
            let prefix = scope.prefix.clone();
            self.instantiate(child, prefix, scope, stack);
        }
        stack.pop();
    }

    fn placement(
        &self,
        instance: &Instance<'l>,
        r: &ResourceDecl,
        rep: &Repetition,
        instances: Vec<String>,
    ) -> Option<Placement> {
        let PlacingProvider {
            ptype,
            spec,
            registry_id,
        } = RESOURCES.placing_provider(&r.rtype, None)?;
        let key = r
            .provider
            .as_ref()
            .map_or(ptype.clone(), |(k, _)| k.clone());
        let address = format!(
            "{}{}.{}{}",
            instance.prefix,
            r.rtype,
            r.name,
            instance_suffix(rep)
        );
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
        let region_inherited = resource_region.is_none();
        let provider_config = match instance.scope.providers.borrow().get(&key) {
            Some(slot) => slot.config.get(region_inherited),
            None => {
                // No block configures it: Terraform uses the root module's empty default
                // configuration, one for the whole root.
                let root = instance.prefix.split_once(':').map_or("", |(root, _)| root);
                let root = if root.is_empty() {
                    String::new()
                } else {
                    format!("{root}:")
                };
                let span = r.provider.as_ref().map_or(r.span, |(_, span)| *span);
                ProviderConfigs::new(format!("{root}provider.{key}"), span, false)
                    .get(region_inherited)
            }
        };
        let parent = resource_region
            .is_none()
            .then(|| parent_region(r, spec))
            .flatten();
        let region_val: Result<Val, Reason> = match (resource_region, parent) {
            (Some((path, expr)), _) => {
                instance
                    .scope
                    .eval_expr_in(expr, format!("`{path}` set on the resource"), rep)
            }
            (None, Some((expr, reference))) => match hcl_edit::parser::parse_expr(&reference) {
                Ok(parsed) => instance.scope.eval_in(
                    &parsed,
                    expr.span,
                    "the region of the parent resource it names",
                    rep,
                ),
                Err(e) => Err(e.message().to_owned()),
            },
            (None, None) => match instance.scope.providers.borrow().get(&key) {
                Some(slot) => slot.region.clone().map(|mut v| {
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

        let zone_strings = |value: Value| -> Vec<String> {
            match value {
                Value::Array(items) => items.iter().filter_map(as_string).collect(),
                value => as_string(&value).into_iter().collect(),
            }
        };
        // A reference to the resource that fixes the zone (`vswitch_id = alicloud_vswitch.v.id`)
        // gives that resource's zone; the resource's own zone attribute is then computed.
        let referenced: Vec<Resolved<String>> = zone_refs(r)
            .into_iter()
            .flat_map(|(expr, zone_ref)| {
                let span = expr.span;
                let values = match hcl_edit::parser::parse_expr(&zone_ref) {
                    Ok(parsed) => instance
                        .scope
                        .eval_in(&parsed, span, "zone of the referenced resource", rep)
                        .map(|v| zone_strings(v.value))
                        .unwrap_or_default(),
                    Err(_) => Vec::new(),
                };
                values.into_iter().map(move |z| Resolved::new(z, span))
            })
            .collect();
        let zones = if referenced.is_empty() {
            spec_zones(&r.rtype)
                .iter()
                .filter_map(|attr| r.attrs.get(attr))
                .flat_map(|expr| {
                    let span = expr.span;
                    let values = instance
                        .scope
                        .eval_expr_in(expr, "zone", rep)
                        .map(|v| zone_strings(v.value))
                        .unwrap_or_default();
                    values.into_iter().map(move |z| Resolved::new(z, span))
                })
                .collect()
        } else {
            referenced
        };

        let mut replicas = replicas(instance, r, &registry_id, rep);
        replicas.extend(scope_replicas(instance, r, &registry_id, rep));
        let data_class = data_class(instance, r, rep);
        let path = self
            .world
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
            provider_config: Some(provider_config),
            origin: Origin::Terraform,
            source: r.span.source,
        })
    }
}

/// Cross-region copies named by the table's replica attributes.
fn replicas(
    instance: &Instance<'_>,
    r: &ResourceDecl,
    registry_id: &str,
    instance_rep: &Repetition,
) -> Vec<Replica> {
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
                let value = instance
                    .scope
                    .eval_expr_in(expr, note, instance_rep)
                    .and_then(|v| {
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

/// The service areas outside mainland China where a CDN or acceleration service caches content:
/// one edge replica each, in the area (which the registry lists as outside the mainland).
fn scope_replicas(
    instance: &Instance<'_>,
    r: &ResourceDecl,
    registry_id: &str,
    instance_rep: &Repetition,
) -> Vec<Replica> {
    let Some(spec) = RESOURCES.resources.get(&r.rtype) else {
        return Vec::new();
    };
    spec.scopes
        .iter()
        .filter_map(|scope| {
            let written = scope
                .attr
                .as_ref()
                .and_then(|a| r.attrs.get(a).map(|e| (a, e)));
            let (span, area) = match (written, &scope.default) {
                (Some((attr, expr)), _) => (
                    expr.span,
                    instance
                        .scope
                        .eval_expr_in(expr, format!("`{attr}`: the service area"), instance_rep)
                        .and_then(|v| string_of(&v).map(|s| (s, v.chain))),
                ),
                (None, Some(default)) => (r.span, Ok((default.clone(), Vec::new()))),
                (None, None) => (
                    r.span,
                    Err(format!(
                        "`{}` is not set, and the provider documents no default service area",
                        scope.attr.as_deref().unwrap_or("the service area")
                    )),
                ),
            };
            if let Ok((area, _)) = &area
                && scope.mainland.contains(area)
            {
                return None;
            }
            let region = match area {
                Ok((area, chain)) => Ok(Resolved {
                    value: area,
                    span,
                    via: chain.into_iter().skip(1).collect(),
                }),
                Err(reason) => Err(Unresolved {
                    reason,
                    span,
                    help: scope.attr.as_ref().map(|a| {
                        format!(
                            "set `{a}` to a mainland service area: {}",
                            scope.mainland.join(", ")
                        )
                    }),
                }),
            };
            Some(Replica {
                role: Resolved::new(crate::model::ReplicaRole::Edge, span),
                provider: Resolved::new(registry_id.to_owned(), r.span),
                region,
                zones: Vec::new(),
            })
        })
        .collect()
}

/// The table's `zone_refs` of a resource, when the attribute is a reference to the `id` of the
/// resource type named (`alicloud_vswitch.v.id`, `alicloud_vswitch.v["a"].id`): the attribute and
/// the expression of that resource's zone attribute (`alicloud_vswitch.v.zone_id`).
fn zone_refs(r: &ResourceDecl) -> Vec<(&Expr, String)> {
    let Some(spec) = RESOURCES.resources.get(&r.rtype) else {
        return Vec::new();
    };
    spec.zone_refs
        .iter()
        .filter_map(|(attr, target)| {
            let expr = r.attrs.get(attr)?;
            let (rtype, zone_attr) = target.split_once('.')?;
            let text = expr.text().trim();
            let reference = text.strip_suffix(".id")?;
            let rest = reference.strip_prefix(rtype)?.strip_prefix('.')?;
            let name_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            let key = &rest[name_end..];
            let plain_key = key.is_empty() || (key.starts_with('[') && key.ends_with(']'));
            (name_end > 0 && plain_key).then(|| (expr, format!("{reference}.{zone_attr}")))
        })
        .collect()
}

/// For a resource whose region is its parent's (the table's `region_from`, `server_id =
/// azurerm_mssql_server.s.id`): the attribute and the expression of the parent's region
/// (`azurerm_mssql_server.s.location`). Only a reference is followed; a literal id is opaque.
fn parent_region<'e>(
    r: &'e ResourceDecl,
    spec: Option<&ProviderSpec>,
) -> Option<(&'e Expr, String)> {
    let region_attr = spec?.resource_region.first()?;
    let expr = RESOURCES
        .resources
        .get(&r.rtype)?
        .region_from
        .iter()
        .find_map(|attr| r.attrs.get(attr))?;
    let text = expr.text().trim();
    let (reference, _) = text.rsplit_once('.')?;
    let (rtype, rest) = reference.split_once('.')?;
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let name_end = rest.find('[').unwrap_or(rest.len());
    let key = &rest[name_end..];
    let plain_key = key.is_empty() || (key.starts_with('[') && key.ends_with(']'));
    (is_name(rtype) && rtype.contains('_') && is_name(&rest[..name_end]) && plain_key)
        .then(|| (expr, format!("{reference}.{region_attr}")))
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
    trees: &SyntaxTrees,
) -> BTreeMap<String, Result<Val, Reason>> {
    let empty = Scope::new(BTreeMap::new(), BTreeMap::new(), String::new()).with_trees(trees);
    module
        .variables
        .iter()
        .map(|(name, default)| {
            let value = given.remove(*name).unwrap_or_else(|| match default {
                Some(expr) => empty.eval_expr(expr, format!("default of `var.{name}`")),
                None => Err(format!(
                    "variable `{name}` has no default and no value is given ({how_to_set})"
                )),
            });
            // The value as its type constraint makes it: optional attributes filled in.
            let value = match module.types.get(name).map(|ty| empty.parse(ty)) {
                Some(Ok(ty)) => value.and_then(|v| {
                    let converted = convert(v.value, &ty, &empty).map_err(|e| {
                        format!("the value of `var.{name}` does not match its type ({e}), so Terraform stops with an error")
                    })?;
                    Ok(Val {
                        value: converted,
                        chain: v.chain,
                    })
                }),
                _ => value,
            };
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
            help: Some(help_for_region(ptype, spec)),
        }),
    }
}

/// What to set so that a resource of `ptype` has a region: the provider block's region argument
/// and the resource's own, as the table names them (azurerm has only `location` on resources).
fn help_for_region(ptype: &str, spec: Option<&ProviderSpec>) -> String {
    // A provider the table does not know is assumed to take `region` in its block.
    let block = match spec {
        Some(s) => s.provider_region.first().map(String::as_str),
        None => Some("region"),
    };
    let own = spec.and_then(|s| s.resource_region.first());
    match (block, own) {
        (Some(block), Some(own)) => format!(
            "set `{block}` in the `{ptype}` provider block (or `{own}` on the resource) from values in the repository"
        ),
        (Some(block), None) => {
            format!("set `{block}` in the `{ptype}` provider block from values in the repository")
        }
        (None, Some(own)) => format!(
            "set `{own}` on the resource from values in the repository (the `{ptype}` provider block has no region)"
        ),
        (None, None) => {
            format!("give the `{ptype}` resource a place from values in the repository")
        }
    }
}

/// The keys of instances, as the inventory lists them: `0..n` for a count too long to list.
fn instance_keys(reps: &[Repetition]) -> Vec<String> {
    if reps.len() > MAX_LISTED_INSTANCES && reps.iter().all(|r| matches!(r, Repetition::Count(_))) {
        return vec![format!("0..{}", reps.len())];
    }
    reps.iter()
        .map(|rep| match rep {
            Repetition::Count(i) => i.to_string(),
            Repetition::Each { key, .. } => key.clone(),
            Repetition::Single | Repetition::Unknown(_) => "*".to_owned(),
        })
        .collect()
}

/// Tag and label keys that hold the data class, first match wins.
const DATA_CLASS_KEYS: [&str; 3] = ["data-class", "data_class", "DataClass"];

/// The `data-class` tag or label of a resource, JR/T 0197-2020 level 1 to 5.
fn data_class(instance: &Instance<'_>, r: &ResourceDecl, rep: &Repetition) -> Option<Resolved<u8>> {
    ["tags", "labels"].iter().find_map(|attr_name| {
        let expr = r.attrs.get(attr_name)?;
        let span = expr.span;
        let entry_of = |val: Val| {
            let Value::Object(mut map) = val.value else {
                return None;
            };
            DATA_CLASS_KEYS.iter().find_map(|k| map.remove(*k))
        };
        let note = "data class tag";
        let class = if expr.simple().is_some() {
            entry_of(instance.scope.eval_expr_in(expr, note, rep).ok()?)?
        } else {
            let parsed = instance.scope.parse(expr).ok()?;
            match class_entry(&parsed) {
                // An object written out: only the entry that holds the class is evaluated, so an
                // unknown value in another tag does not hide it.
                Some(Some(entry)) => instance.scope.eval_in(entry, span, note, rep).ok()?.value,
                Some(None) => return None,
                None => entry_of(instance.scope.eval_in(&parsed, span, note, rep).ok()?)?,
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
