//! Terraform plans: the JSON that `terraform show -json plan.out` prints, parsed with
//! `jsonc-parser` in strict JSON mode so that every value keeps its byte range in the plan file.
//!
//! A plan knows what one file of configuration cannot: every module is expanded, `count` and
//! `for_each` are resolved, and each resource instance has its planned attribute values. It does
//! not record the evaluated provider configuration, only its expressions
//! (`configuration.provider_config`), so a provider's region is read from a constant there or from
//! the root variable (`variables.<name>.value`) or module input it refers to. The plan lists an
//! expression's references, not the expression: one that refers to a single variable is read as
//! that variable, so `lower(var.region)` reads as `var.region`.
//!
//! Each resource instance is a placement of its own (`aws_instance.web[0]`); data sources are
//! not placements, and neither are resources of providers that neither the resource table nor the
//! policy knows (`random_id`).

use std::collections::BTreeMap;
use std::sync::Arc;

use hcl_edit::expr::{Expression, TraversalOperator};
use jsonc_parser::ast::{Array, Object, Value};
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::terraform::table::{PlacingProvider, ProviderSpec, RESOURCES, ReplicaSpec, Table};
use super::{FileOutput, ParseIssue};
use crate::model::{Origin, Placement, Replica, Resolution, Resolved, Unresolved, Via};
use crate::source::{SourceFile, SourceId, Span};

/// Modules nest at most this deep, in the plan's values and in the variable chains followed through
/// module calls. (The JSON itself nests at most 512 levels: `jsonc-parser` stops there with an
/// error, so the parser's recursion is bounded too.)
const MAX_MODULE_DEPTH: usize = 32;

/// Tag and label keys that hold a resource's data class (JR/T 0197-2020 level).
const DATA_CLASS_KEYS: [&str; 3] = ["data-class", "data_class", "DataClass"];

/// Resource attributes that hold tags or labels.
const TAG_ATTRIBUTES: [&str; 3] = ["tags", "labels", "tags_all"];

/// Why a value is unknown.
type Reason = String;

/// Strict JSON: `terraform show -json` and Terraform's JSON syntax allow no comments, trailing commas
/// or JSON5 literals.
fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Whether a text looks like a Terraform plan: a JSON object with `format_version` and
/// `planned_values` or `resource_changes` at the top. A state file (`values`) is not a plan.
pub fn is_plan(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Top {
        format_version: Option<IgnoredAny>,
        planned_values: Option<IgnoredAny>,
        resource_changes: Option<IgnoredAny>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.trim_start().starts_with('{') {
        return false;
    }
    // Values are skipped, not built; serde_json bounds its own recursion.
    serde_json::from_str::<Top>(text).is_ok_and(|top| {
        top.format_version.is_some()
            && (top.planned_values.is_some() || top.resource_changes.is_some())
    })
}

/// Reads one plan file: a placement for each managed resource instance of a cloud provider.
pub fn parse(file: &SourceFile, id: SourceId) -> FileOutput {
    parse_with(file, id, &RESOURCES)
}

fn parse_with(file: &SourceFile, id: SourceId, table: &Table) -> FileOutput {
    let mut out = FileOutput::default();
    let root = match parse_strict(id, file.text(), |span| {
        ParseIssue::new(
            span,
            "the JSON nests deeper than 512 levels, which no Terraform plan does",
        )
        .with_help(PLAN_HELP)
    }) {
        Ok(root) => root,
        Err(issue) => {
            out.issues.push(issue);
            return out;
        }
    };
    let root = match &root {
        Some(Value::Object(root)) => root,
        other => {
            let range = other.as_ref().map_or(0..0, |v| v.start()..v.end());
            out.issues.push(
                ParseIssue::new(Span::new(id, range), "a Terraform plan is a JSON object")
                    .with_help(PLAN_HELP),
            );
            return out;
        }
    };
    let mut reader = Reader::new(root, id, file.rel.clone(), table);
    if reader.check_header(root) {
        reader.read(root);
    }
    out.placements = reader.placements;
    out.issues = reader.issues;
    out
}

const PLAN_HELP: &str = "write the plan with `terraform plan -out plan.out`, then `terraform show -json plan.out > plan.json`";

/// Parses strict JSON (plans and Terraform's JSON syntax). A syntax error is an issue at its span,
/// in the parser's words; nesting past the parser's limit gets `too_deep`'s issue instead.
pub(crate) fn parse_strict<'t>(
    id: SourceId,
    text: &'t str,
    too_deep: impl FnOnce(Span) -> ParseIssue,
) -> Result<Option<Value<'t>>, ParseIssue> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    match jsonc_parser::parse_to_ast(text, &collect, &strict()) {
        Ok(result) => Ok(result.value),
        Err(e) => {
            let range = e.range();
            let len = text.len();
            let span = Span::new(id, range.start.min(len)..range.end.min(len));
            Err(match e.kind() {
                ParseErrorKind::NestingDepthExceeded => too_deep(span),
                kind => ParseIssue::new(span, lowercase_first(&kind.to_string())),
            })
        }
    }
}

/// rustc style: messages start in lowercase (`jsonc-parser` capitalises them).
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One step of a Terraform reference or address: `.name`, `["key"]` or `[0]`.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Attr(String),
    Key(String),
    Index(u64),
}

/// A reference (`var.regions["primary"]`) or an address (`module.db["a"].x.y[0]`): its root name
/// and steps, parsed with `hcl-edit` since both are HCL traversals.
fn traversal(text: &str) -> Option<(String, Vec<Step>)> {
    match hcl_edit::parser::parse_expr(text).ok()? {
        Expression::Variable(root) => Some((root.as_str().to_owned(), Vec::new())),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let steps = t
                .operators
                .iter()
                .map(|op| match op.value() {
                    TraversalOperator::GetAttr(ident) => {
                        Some(Step::Attr(ident.as_str().to_owned()))
                    }
                    TraversalOperator::Index(Expression::String(s)) => {
                        Some(Step::Key(s.as_str().to_owned()))
                    }
                    TraversalOperator::Index(Expression::Number(n)) => {
                        n.value().as_u64().map(Step::Index)
                    }
                    TraversalOperator::LegacyIndex(i) => Some(Step::Index(*i.value())),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            Some((root.as_str().to_owned(), steps))
        }
        _ => None,
    }
}

/// The module calls of an absolute address, instance keys dropped:
/// `module.a["x"].module.b.aws_instance.c[0]` → `["a", "b"]`.
fn module_calls(address: &str) -> Vec<String> {
    let mut calls = Vec::new();
    let Some((root, steps)) = traversal(address) else {
        return calls;
    };
    if root != "module" {
        return calls;
    }
    let mut steps = steps.into_iter().peekable();
    while let Some(Step::Attr(name)) = steps.next() {
        calls.push(name);
        while matches!(steps.peek(), Some(Step::Key(_) | Step::Index(_))) {
            steps.next();
        }
        if !matches!(steps.next(), Some(Step::Attr(m)) if m == "module") {
            break;
        }
    }
    calls
}

/// The value at `steps` inside `value`.
fn follow<'d, 'a>(value: &'d Value<'a>, steps: &[Step]) -> Option<&'d Value<'a>> {
    steps.iter().try_fold(value, |v, step| match (v, step) {
        (Value::Object(o), Step::Attr(k) | Step::Key(k)) => o.get(k).map(|p| &p.value),
        (Value::Array(a), Step::Index(i)) => a.elements.get(usize::try_from(*i).ok()?),
        _ => None,
    })
}

fn path_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Attr(a) => format!(".{a}"),
            Step::Key(k) => format!("[{k:?}]"),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect()
}

/// The string of a value that should hold one (numbers are accepted as Terraform converts them).
fn string_of(value: &Value<'_>, what: &str) -> Result<String, Reason> {
    match value {
        Value::StringLit(s) if s.value.is_empty() => Err(format!("{what} is empty")),
        Value::StringLit(s) => Ok(s.value.to_string()),
        Value::NumberLit(n) => Ok(n.value.to_owned()),
        Value::NullKeyword(_) => Err(format!("{what} is null")),
        _ => Err(format!("{what} is not a string")),
    }
}

/// The one root variable an expression refers to (`var.x`, or `var.x["k"]` with the steps), from
/// the `references` Terraform lists for it. Anything else is not evaluated by a plan.
fn variable_reference(refs: &Array<'_>) -> Result<(String, Vec<Step>, String), Reason> {
    let mut best: Option<(String, Vec<Step>, String)> = None;
    for element in &refs.elements {
        let Some(text) = element.as_string_lit().map(|s| s.value.as_ref()) else {
            continue;
        };
        let parsed = traversal(text);
        let (name, steps) = match parsed {
            Some((root, steps)) if root == "var" => match steps.split_first() {
                Some((Step::Attr(name), rest)) => (name.clone(), rest.to_vec()),
                _ => return Err(format!("it depends on `{text}`, which is not a variable")),
            },
            _ => {
                return Err(format!(
                    "it depends on `{text}`, whose value the plan does not record"
                ));
            }
        };
        match &best {
            Some((other, _, other_text)) if *other != name => {
                return Err(format!(
                    "it combines `{other_text}` and `{text}`, and the plan does not record the result"
                ));
            }
            // Terraform lists `var.x["k"]` and the implied `var.x`: keep the most specific.
            Some((_, kept, _)) if kept.len() >= steps.len() => {}
            _ => best = Some((name, steps, text.to_owned())),
        }
    }
    best.ok_or_else(|| "the expression refers to nothing the plan records".to_owned())
}

fn region_help(ptype: &str, spec: Option<&ProviderSpec>) -> String {
    let rerun = "then plan again and lint the new `terraform show -json` output";
    match spec.and_then(|s| s.resource_region.first()) {
        Some(attr) => format!(
            "set `region` in the `{ptype}` provider block (or `{attr}` on the resource) to a constant or a root variable, {rerun}"
        ),
        None => format!(
            "set `region` in the `{ptype}` provider block to a constant or a root variable, {rerun}"
        ),
    }
}

/// The values of one resource instance, from `planned_values` or from a change's `after`.
struct ResourceEntry<'d, 'a> {
    obj: &'d Object<'a>,
    values: Option<&'d Object<'a>>,
}

/// What the region of one resource instance is worked out from.
#[derive(Clone, Copy)]
struct Instance<'s, 'd, 'a> {
    values: Option<&'d Object<'a>>,
    /// `change.after_unknown`: attributes known only after apply.
    unknown: Option<&'d Object<'a>>,
    /// Module calls of its address (`module.a.module.b.x.y` → `a`, `b`).
    calls: &'s [String],
    rtype: &'s str,
    name: &'s str,
    /// Terraform provider name (`alicloud`).
    ptype: &'s str,
    spec: Option<&'s ProviderSpec>,
}

struct Reader<'d, 'a> {
    id: SourceId,
    path: Arc<str>,
    table: &'d Table,
    variables: Option<&'d Object<'a>>,
    provider_configs: Option<&'d Object<'a>>,
    config_root: Option<&'d Object<'a>>,
    /// `change.after_unknown` of each resource instance, by address.
    after_unknown: BTreeMap<&'d str, &'d Object<'a>>,
    #[allow(
        clippy::vec_box,
        reason = "boxed: tens of thousands move between passes, 8 bytes each instead of 432"
    )]
    placements: Vec<Box<Placement>>,
    issues: Vec<ParseIssue>,
}

impl<'d, 'a> Reader<'d, 'a> {
    fn new(root: &'d Object<'a>, id: SourceId, path: Arc<str>, table: &'d Table) -> Self {
        let configuration = root.get_object("configuration");
        let after_unknown = root
            .get_array("resource_changes")
            .map(|changes| {
                changes
                    .elements
                    .iter()
                    .filter_map(Value::as_object)
                    .filter(|c| c.get("deposed").is_none())
                    .filter_map(|c| {
                        let address = c.get_string("address")?.value.as_ref();
                        let unknown = c.get_object("change")?.get_object("after_unknown")?;
                        Some((address, unknown))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Reader {
            id,
            path,
            table,
            variables: root.get_object("variables"),
            provider_configs: configuration.and_then(|c| c.get_object("provider_config")),
            config_root: configuration.and_then(|c| c.get_object("root_module")),
            after_unknown,
            placements: Vec::new(),
            issues: Vec::new(),
        }
    }

    fn span(&self, range: Range) -> Span {
        Span::new(self.id, range.start..range.end)
    }

    fn via(&self, range: Range, note: impl Into<Arc<str>>) -> Via {
        Via {
            span: self.span(range),
            note: note.into(),
        }
    }

    /// `format_version` of a supported major version, and something to read. False stops the file.
    fn check_header(&mut self, root: &'d Object<'a>) -> bool {
        // The opening brace: labelling the whole file would drown the message.
        let whole = self.span(Range::new(root.range.start, root.range.start + 1));
        match root.get("format_version").map(|p| &p.value) {
            None => {
                self.issues.push(
                    ParseIssue::new(whole, "not a Terraform plan: `format_version` is missing")
                        .with_help(PLAN_HELP),
                );
                return false;
            }
            Some(Value::StringLit(version)) => {
                let major = version.value.split('.').next().unwrap_or_default();
                if !matches!(major, "0" | "1") {
                    self.issues.push(
                        ParseIssue::new(
                            self.span(version.range),
                            format!("plan format version `{}` is not supported", version.value),
                        )
                        .with_help("yunlint reads plan format versions 0.x and 1.x (Terraform 0.12 and later)"),
                    );
                    return false;
                }
            }
            Some(other) => {
                self.issues.push(ParseIssue::new(
                    self.span(other.range()),
                    "`format_version` is not a string",
                ));
                return false;
            }
        }
        if root.get("planned_values").is_none() && root.get("resource_changes").is_none() {
            self.issues.push(
                ParseIssue::new(
                    whole,
                    "not a Terraform plan: it has neither `planned_values` nor `resource_changes`",
                )
                .with_help(PLAN_HELP),
            );
            return false;
        }
        if let Some(errored) = root.get("errored")
            && matches!(&errored.value, Value::BooleanLit(b) if b.value)
        {
            self.issues.push(
                ParseIssue::new(
                    self.span(errored.range),
                    "the plan errored, so it may not list every resource",
                )
                .with_help("fix the errors Terraform reported, then plan again"),
            );
        }
        true
    }

    fn read(&mut self, root: &'d Object<'a>) {
        let mut entries = Vec::new();
        match root
            .get_object("planned_values")
            .and_then(|p| p.get_object("root_module"))
        {
            Some(module) => self.collect_module(module, 0, &mut entries),
            // Without planned values, the changes' `after` values are what will exist.
            None => {
                let changes = root.get_array("resource_changes");
                for change in changes.iter().flat_map(|a| &a.elements) {
                    let Some(obj) = change.as_object() else {
                        continue;
                    };
                    let Some(change) = obj.get_object("change") else {
                        continue;
                    };
                    let deleted = change.get_array("actions").is_some_and(|a| {
                        !a.elements.is_empty()
                            && a.elements
                                .iter()
                                .all(|x| x.as_string_lit().is_some_and(|s| s.value == "delete"))
                    });
                    if deleted || obj.get("deposed").is_some() {
                        continue;
                    }
                    entries.push(ResourceEntry {
                        obj,
                        values: change.get_object("after"),
                    });
                }
            }
        }
        for entry in entries {
            if let Some(placement) = self.placement(&entry) {
                self.placements.push(Box::new(placement));
            }
        }
    }

    fn collect_module(
        &mut self,
        module: &'d Object<'a>,
        depth: usize,
        out: &mut Vec<ResourceEntry<'d, 'a>>,
    ) {
        for r in module
            .get_array("resources")
            .iter()
            .flat_map(|a| &a.elements)
        {
            if let Some(obj) = r.as_object() {
                out.push(ResourceEntry {
                    obj,
                    values: obj.get_object("values"),
                });
            }
        }
        let Some(children) = module.get_array("child_modules") else {
            return;
        };
        if depth >= MAX_MODULE_DEPTH {
            self.issues.push(ParseIssue::new(
                self.span(Range::new(children.range.start, children.range.start + 1)),
                format!("modules nest deeper than {MAX_MODULE_DEPTH} levels; the deeper ones are not read"),
            ));
            return;
        }
        for child in children.elements.iter().filter_map(Value::as_object) {
            self.collect_module(child, depth + 1, out);
        }
    }

    fn placement(&self, entry: &ResourceEntry<'d, 'a>) -> Option<Placement> {
        let obj = entry.obj;
        if obj.get_string("mode").is_some_and(|m| m.value == "data") {
            return None;
        }
        let rtype = obj.get_string("type")?.value.as_ref();
        let name = obj.get_string("name").map_or("", |n| n.value.as_ref());
        // `registry.terraform.io/hashicorp/aws` → `aws`
        let hint = obj
            .get_string("provider_name")
            .and_then(|p| p.value.rsplit('/').next().map(str::to_owned));
        let PlacingProvider {
            ptype,
            spec,
            registry_id,
        } = self.table.placing_provider(rtype, hint.as_deref())?;
        let (address, name_span) = match obj.get_string("address") {
            Some(a) => (a.value.to_string(), self.span(a.range)),
            None => (format!("{rtype}.{name}"), self.span(obj.range)),
        };
        let calls = module_calls(&address);
        let unknown = self.after_unknown.get(address.as_str()).copied();
        let values = entry.values;

        let instance = Instance {
            values,
            unknown,
            calls: &calls,
            rtype,
            name,
            ptype: &ptype,
            spec,
        };
        let region: Resolution<String> = match self.region(&instance) {
            Ok((value, via)) => Ok(Resolved {
                value,
                span: name_span,
                via,
            }),
            Err(reason) => Err(Unresolved {
                reason,
                span: name_span,
                help: Some(region_help(&ptype, spec)),
            }),
        };
        let resource_spec = self.table.resources.get(rtype);
        let zones = resource_spec
            .map(|r| r.zones.as_slice())
            .unwrap_or_default()
            .iter()
            .flat_map(|path| values.map(|v| leaves(v, path)).unwrap_or_default())
            .filter_map(|v| {
                let zone = string_of(v, "zone").ok()?;
                Some(Resolved::new(zone, self.span(v.range())))
            })
            .collect();
        let replicas = resource_spec
            .map(|r| self.replicas(&r.replicas, values, unknown, &registry_id, name_span))
            .unwrap_or_default();
        Some(Placement {
            address,
            path: self.path.clone(),
            name_span,
            block: name_span,
            kind: self.table.kind_of(rtype),
            provider: Resolved::new(registry_id, name_span),
            region,
            zones,
            replicas,
            data_class: values.and_then(|v| self.data_class(v)),
            // Each instance of a repeated resource is a placement of its own, its key in the address.
            instances: Vec::new(),
            required_regions: Vec::new(),
            cluster: None,
            provider_config: None,
            origin: Origin::Terraform,
            source: self.id,
        })
    }

    /// The region of one resource instance: its own region attribute, else its provider
    /// configuration's region, with the chain of places it came through.
    fn region(&self, r: &Instance<'_, 'd, 'a>) -> Result<(String, Vec<Via>), Reason> {
        let Instance {
            values,
            unknown,
            calls,
            rtype,
            name,
            ptype,
            spec,
        } = *r;
        let own = self
            .table
            .resources
            .get(rtype)
            .map(|t| t.region_attrs.as_slice())
            .unwrap_or_default();
        for path in spec
            .map(|s| s.resource_region.as_slice())
            .unwrap_or_default()
            .iter()
            .chain(own)
        {
            let found = values.map(|v| leaves(v, path)).unwrap_or_default();
            if let Some(Value::StringLit(s)) = found
                .into_iter()
                .find(|v| matches!(v, Value::StringLit(s) if !s.value.is_empty()))
            {
                // Set on the resource, or computed by the provider from its own region.
                let note = format!("`{path}` of the resource in the plan");
                return Ok((s.value.to_string(), vec![self.via(s.range, note)]));
            }
            let unknown = unknown.map(|u| leaves(u, path)).unwrap_or_default();
            if unknown.into_iter().any(|flag| is_true(Some(flag))) {
                return Err(format!(
                    "`{path}` of the resource is known only after apply"
                ));
            }
        }
        if self.provider_configs.is_none() {
            return Err(
                "the plan has no `configuration.provider_config`, so the provider's region is not recorded"
                    .to_owned(),
            );
        }
        let mut chain = Vec::new();
        let key = match self.config_resource(calls, rtype, name) {
            Some(resource) => match resource.get_string("provider_config_key") {
                Some(key) => {
                    let found = self.provider_config_key(&key.value, ptype, calls);
                    if let Some(found) = &found
                        && found != ptype
                    {
                        chain.push(
                            self.via(key.range, format!("the resource uses provider `{found}`")),
                        );
                    }
                    found
                }
                None => self.provider_config_key(ptype, ptype, calls),
            },
            None => self.provider_config_key(ptype, ptype, calls),
        };
        let Some(key) = key else {
            return Err(format!(
                "no `provider \"{ptype}\"` block sets a region{}",
                spec.map(|s| s.environment_note(ptype)).unwrap_or_default()
            ));
        };
        let config = self
            .provider_configs
            .and_then(|p| p.get_object(&key))
            .ok_or_else(|| format!("provider configuration `{key}` is not in the plan"))?;
        let default_attrs = ["region".to_owned()];
        let attrs = spec
            .map(|s| s.provider_region.as_slice())
            .filter(|a| !a.is_empty())
            .unwrap_or(&default_attrs);
        let expressions = config.get_object("expressions");
        let Some(expr) = attrs
            .iter()
            .find_map(|a| expressions.and_then(|e| e.get_object(a)))
        else {
            let profile = spec
                .into_iter()
                .flat_map(|s| &s.profile_attrs)
                .find(|a| expressions.is_some_and(|e| e.get(a).is_some()));
            return Err(match profile {
                Some(attr) => format!(
                    "provider `{key}` takes its region from the profile named by `{attr}`, a file yunlint never reads"
                ),
                None => format!(
                    "provider `{key}` sets no region{}",
                    spec.map(|s| s.environment_note(ptype)).unwrap_or_default()
                ),
            });
        };
        let scope = config
            .get_string("module_address")
            .map(|m| module_calls(&m.value))
            .unwrap_or_default();
        let (value, rest) =
            self.expression(expr, &scope, &[], format!("region of provider `{key}`"))?;
        chain.extend(rest);
        Ok((value, chain))
    }

    /// The key of the provider configuration a resource uses. Terraform points resources of
    /// modules at the configuration their caller passed; older plans may name the module's own
    /// key, which is then looked up in the enclosing modules.
    fn provider_config_key(&self, key: &str, ptype: &str, calls: &[String]) -> Option<String> {
        let configs = self.provider_configs?;
        if configs.get(key).is_some() {
            return Some(key.to_owned());
        }
        let local = key.rsplit(':').next().unwrap_or(ptype);
        (0..=calls.len())
            .rev()
            .map(|n| {
                if n == 0 {
                    local.to_owned()
                } else {
                    let module: Vec<String> =
                        calls[..n].iter().map(|c| format!("module.{c}")).collect();
                    format!("{}:{local}", module.join("."))
                }
            })
            .find(|k| configs.get(k).is_some())
    }

    /// The configuration module at a path of module calls.
    fn config_module(&self, calls: &[String]) -> Option<&'d Object<'a>> {
        calls.iter().try_fold(self.config_root?, |module, call| {
            module
                .get_object("module_calls")?
                .get_object(call)?
                .get_object("module")
        })
    }

    fn config_resource(&self, calls: &[String], rtype: &str, name: &str) -> Option<&'d Object<'a>> {
        self.config_module(calls)?
            .get_array("resources")?
            .elements
            .iter()
            .filter_map(Value::as_object)
            .find(|r| {
                r.get_string("mode").is_none_or(|m| m.value == "managed")
                    && r.get_string("type").is_some_and(|t| t.value == rtype)
                    && r.get_string("name").is_some_and(|n| n.value == name)
            })
    }

    /// The string an expression of the configuration stands for: a constant, or the variable it
    /// refers to in module `scope` (empty for the root module).
    fn expression(
        &self,
        expr: &'d Object<'a>,
        scope: &[String],
        steps: &[Step],
        note: String,
    ) -> Result<(String, Vec<Via>), Reason> {
        if let Some(constant) = expr.get("constant_value") {
            let value = follow(&constant.value, steps).ok_or_else(|| {
                format!(
                    "{note} has no `{}`",
                    path_text(steps).trim_start_matches('.')
                )
            })?;
            let text = string_of(value, &note)?;
            return Ok((text, vec![self.via(value.range(), note)]));
        }
        let Some(refs) = expr.get_array("references") else {
            return Err(format!("{note} is not recorded in the plan"));
        };
        let (name, mut ref_steps, text) =
            variable_reference(refs).map_err(|reason| format!("{note}: {reason}"))?;
        ref_steps.extend_from_slice(steps);
        let (value, rest) = self.variable(scope, &name, &ref_steps)?;
        let mut chain = vec![self.via(refs.range, format!("{note} is `{text}`"))];
        chain.extend(rest);
        Ok((value, chain))
    }

    /// The value of `var.<name>` (then `steps` into it) in module `scope`: the plan's root
    /// variables, else the module call's argument or the variable's default.
    fn variable(
        &self,
        scope: &[String],
        name: &str,
        steps: &[Step],
    ) -> Result<(String, Vec<Via>), Reason> {
        let what = format!("`var.{name}{}`", path_text(steps));
        let Some((call, parent)) = scope.split_last() else {
            let value = self
                .variables
                .and_then(|v| v.get_object(name))
                .and_then(|v| v.get("value"))
                .ok_or_else(|| format!("variable `{name}` has no value in the plan"))?;
            let value = follow(&value.value, steps)
                .ok_or_else(|| format!("{what} is not in the variable's value"))?;
            let text = string_of(value, &what)?;
            return Ok((
                text,
                vec![self.via(value.range(), format!("{what} as given to the plan"))],
            ));
        };
        if scope.len() > MAX_MODULE_DEPTH {
            return Err(format!(
                "modules nest deeper than {MAX_MODULE_DEPTH} levels"
            ));
        }
        let call_obj = self
            .config_module(parent)
            .and_then(|m| m.get_object("module_calls"))
            .and_then(|m| m.get_object(call))
            .ok_or_else(|| format!("module `{call}` is not in the plan's configuration"))?;
        if let Some(arg) = call_obj
            .get_object("expressions")
            .and_then(|e| e.get_object(name))
        {
            return self.expression(
                arg,
                parent,
                steps,
                format!("`{name}` passed to module `{call}`"),
            );
        }
        let default = call_obj
            .get_object("module")
            .and_then(|m| m.get_object("variables"))
            .and_then(|v| v.get_object(name))
            .and_then(|v| v.get("default"))
            .ok_or_else(|| {
                format!("variable `{name}` of module `{call}` is neither passed nor defaulted")
            })?;
        let value = follow(&default.value, steps)
            .ok_or_else(|| format!("{what} is not in the default of module `{call}`"))?;
        let text = string_of(value, &what)?;
        Ok((
            text,
            vec![self.via(
                value.range(),
                format!("default of {what} in module `{call}`"),
            )],
        ))
    }

    /// Cross-region copies named by the table's replica attributes, one per value found (a list
    /// of replication rules gives one replica each).
    fn replicas(
        &self,
        specs: &[ReplicaSpec],
        values: Option<&'d Object<'a>>,
        unknown: Option<&'d Object<'a>>,
        registry_id: &str,
        name_span: Span,
    ) -> Vec<Replica> {
        let mut out = Vec::new();
        // An attribute that names where the source lives (a read replica's master) is no copy.
        for rep in specs.iter().filter(|rep| rep.is_destination()) {
            let path = rep.region.as_str();
            let provider = Resolved::new(registry_id.to_owned(), name_span);
            for value in values.map(|v| leaves(v, path)).unwrap_or_default() {
                let span = self.span(value.range());
                let region = match string_of(value, &format!("`{}`", rep.region)) {
                    // An absent copy: nothing is replicated.
                    Err(_) if matches!(value, Value::NullKeyword(_)) => continue,
                    Ok(text) if text.is_empty() => continue,
                    Ok(text) => match rep.region_in(&text) {
                        Some(region) => Ok(Resolved::new(region, span)),
                        None => Err(Unresolved {
                            reason: match &rep.format {
                                Some(format) => {
                                    format!("`{text}` ({format}) does not say its region")
                                }
                                None => format!("no region can be read from `{text}`"),
                            },
                            span,
                            help: None,
                        }),
                    },
                    Err(reason) => Err(Unresolved {
                        reason,
                        span,
                        help: None,
                    }),
                };
                out.push(Replica {
                    role: Resolved::new(rep.role(), span),
                    provider: provider.clone(),
                    region,
                    zones: Vec::new(),
                });
            }
            // A copy whose target is computed during apply: it exists, its region is unknown.
            for flag in unknown.map(|u| leaves(u, path)).unwrap_or_default() {
                if !is_true(Some(flag)) {
                    continue;
                }
                out.push(Replica {
                    role: Resolved::new(rep.role(), name_span),
                    provider: provider.clone(),
                    region: Err(Unresolved {
                        reason: format!("`{}` is known only after apply", rep.region),
                        span: name_span,
                        help: None,
                    }),
                    zones: Vec::new(),
                });
            }
        }
        out
    }

    /// The `data-class` tag or label, JR/T 0197-2020 level 1 to 5.
    fn data_class(&self, values: &'d Object<'a>) -> Option<Resolved<u8>> {
        TAG_ATTRIBUTES.iter().find_map(|attr| {
            let tags = values.get_object(attr)?;
            let value = DATA_CLASS_KEYS
                .iter()
                .find_map(|k| tags.get(k))
                .map(|p| &p.value)?;
            let class: u8 = string_of(value, "data class").ok()?.trim().parse().ok()?;
            (1..=5)
                .contains(&class)
                .then(|| Resolved::new(class, self.span(value.range())))
        })
    }
}

fn is_true(value: Option<&Value<'_>>) -> bool {
    matches!(value, Some(Value::BooleanLit(b)) if b.value)
}

/// The values at a dotted attribute path (`replica_rules.destination_bucket`), going into every
/// element of a list of nested blocks, and into a list at the end (`logic_cross_regions`).
fn leaves<'d, 'a>(root: &'d Object<'a>, path: &str) -> Vec<&'d Value<'a>> {
    let mut parts = path.split('.');
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let mut current: Vec<&'d Value<'a>> = root.get(first).map(|p| &p.value).into_iter().collect();
    for part in parts {
        current = current
            .into_iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.elements.iter().collect(),
                other => vec![other],
            })
            .filter_map(|v| v.as_object()?.get(part).map(|p| &p.value))
            .collect();
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.elements.iter().collect(),
            other => vec![other],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            "plan.json".into(),
            "plan.json".into(),
            "plan.json".into(),
            text.into(),
        )
    }

    /// With the embedded table: for input that is refused before any resource is read.
    fn run(text: &str) -> FileOutput {
        parse(&file(text), SourceId(0))
    }

    fn run_with(text: &str, table: &str) -> FileOutput {
        let table: Table = toml::from_str(table).unwrap();
        parse_with(&file(text), SourceId(0), &table)
    }

    /// The text a span covers.
    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    fn region(p: &Placement) -> &str {
        &p.region.as_ref().unwrap().value
    }

    fn reason(p: &Placement) -> &str {
        &p.region.as_ref().unwrap_err().reason
    }

    const ALICLOUD: &str = include_str!("../../fixtures/plan/alicloud.plan.json");
    const TENCENTCLOUD: &str = include_str!("../../fixtures/plan/tencentcloud.plan.json");

    /// A table with the entries these tests rely on, whatever the embedded one holds.
    const TABLE: &str = r#"
non_placing = ["null", "random"]
[providers.alicloud]
provider_region = ["region"]
profile_attrs = ["profile"]
env = ["ALICLOUD_REGION"]
[providers.google]
provider_region = ["region"]
[resources.google_sql_database_instance]
kind = "database"
region_attrs = ["region"]
[resources.google_alloydb_cluster]
kind = "database"
region_attrs = ["location"]
zones = ["automated_backup_policy.zones"]
[[resources.google_alloydb_cluster.replicas]]
role = "read-replica"
region = "secondary_config.primary_cluster_region"
side = "source"
[resources.tencentcloud_mysql_instance]
kind = "database"
zones = ["availability_zone", "slaves.zone"]
[providers.tencentcloud]
provider_region = ["region"]
[providers.aws]
provider_region = ["region"]
resource_region = ["region"]
[resources.alicloud_instance]
kind = "compute"
zones = ["availability_zone"]
[resources.alicloud_db_instance]
kind = "database"
zones = ["zone_id"]
[resources.tencentcloud_cos_bucket]
kind = "storage"
[[resources.tencentcloud_cos_bucket.replicas]]
role = "dr"
region = "replica_rules.destination_bucket"
format = "cos-uri"
"#;

    /// A minimal plan around one resource and one provider configuration.
    fn plan(resource: &str, provider_config: &str, extra: &str) -> String {
        format!(
            r#"{{"format_version": "1.2", {extra}
  "planned_values": {{"root_module": {{"resources": [{resource}]}}}},
  "configuration": {{"provider_config": {{{provider_config}}}, "root_module": {{}}}}}}"#
        )
    }

    #[test]
    fn alicloud_fixture_resolves_constant_alias_and_variable() {
        let out = run_with(ALICLOUD, TABLE);
        assert_eq!(out.issues, vec![]);
        let addresses: Vec<&str> = out.placements.iter().map(|p| p.address.as_str()).collect();
        // random_id has no region; the data source is not a placement
        assert_eq!(
            addresses,
            [
                "alicloud_instance.web[0]",
                "alicloud_instance.web[1]",
                "module.ledger_db.alicloud_db_instance.main"
            ]
        );

        let web = &out.placements[0];
        assert_eq!(region(web), "cn-hangzhou");
        assert_eq!(at(ALICLOUD, web.name_span), r#""alicloud_instance.web[0]""#);
        assert_eq!(ALICLOUD[..web.name_span.start()].lines().count(), 16);
        let via = &web.region.as_ref().unwrap().via;
        assert_eq!(via.len(), 1);
        assert_eq!(at(ALICLOUD, via[0].span), r#""cn-hangzhou""#);
        assert_eq!(&*via[0].note, "region of provider `alicloud`");
        assert_eq!(web.zones.len(), 1);
        assert_eq!(web.zones[0].value, "cn-hangzhou-h");
        assert_eq!(web.data_class.as_ref().unwrap().value, 2);
        assert_eq!(web.kind, crate::model::WorkloadKind::Compute);

        let db = &out.placements[2];
        assert_eq!(region(db), "cn-shanghai-finance-1");
        assert_eq!(db.kind, crate::model::WorkloadKind::Database);
        assert_eq!(db.provider.value, "alicloud");
        assert_eq!(&*db.path, "plan.json");
        let via = &db.region.as_ref().unwrap().via;
        let notes: Vec<&str> = via.iter().map(|v| v.note.as_ref()).collect();
        assert_eq!(
            notes,
            [
                "the resource uses provider `alicloud.finance`",
                "region of provider `alicloud.finance` is `var.finance_region`",
                "`var.finance_region` as given to the plan",
            ]
        );
        assert_eq!(at(ALICLOUD, via[0].span), r#""alicloud.finance""#);
        assert!(at(ALICLOUD, via[1].span).contains(r#""var.finance_region""#));
        assert_eq!(at(ALICLOUD, via[2].span), r#""cn-shanghai-finance-1""#);
        // the value given to the plan, near the top, not the variable's default further down
        assert!(via[2].span.start() < 200);
        assert_eq!(db.zones[0].value, "cn-shanghai-finance-1z");
        let class = db.data_class.as_ref().unwrap();
        assert_eq!(class.value, 4);
        assert_eq!(at(ALICLOUD, class.span), r#""4""#);
    }

    #[test]
    fn the_embedded_table_places_the_fixtures() {
        for (text, expected) in [
            (
                ALICLOUD,
                vec![
                    ("alicloud_instance.web[0]", "cn-hangzhou"),
                    ("alicloud_instance.web[1]", "cn-hangzhou"),
                    (
                        "module.ledger_db.alicloud_db_instance.main",
                        "cn-shanghai-finance-1",
                    ),
                ],
            ),
            (
                TENCENTCLOUD,
                vec![
                    ("tencentcloud_cos_bucket.statements", "ap-shanghai-fsi"),
                    ("tencentcloud_cos_bucket.statements_dr", "ap-singapore"),
                ],
            ),
        ] {
            let out = parse(&file(text), SourceId(0));
            assert_eq!(out.issues, vec![]);
            if text == TENCENTCLOUD {
                let replica = &out.placements[0].replicas[0];
                assert_eq!(replica.region.as_ref().unwrap().value, "ap-singapore");
            }
            let found: Vec<(&str, &str)> = out
                .placements
                .iter()
                .map(|p| (p.address.as_str(), region(p)))
                .collect();
            assert_eq!(found, expected);
        }
    }

    #[test]
    fn tencentcloud_fixture_reads_the_cos_replica_and_the_aliased_bucket() {
        let out = run_with(TENCENTCLOUD, TABLE);
        assert_eq!(out.issues, vec![]);
        let [source, target] = out.placements.as_slice() else {
            panic!("two buckets expected: {:?}", out.placements);
        };
        assert_eq!(source.address, "tencentcloud_cos_bucket.statements");
        assert_eq!(region(source), "ap-shanghai-fsi");
        assert_eq!(source.kind, crate::model::WorkloadKind::Storage);
        assert_eq!(source.replicas.len(), 1);
        let replica = &source.replicas[0];
        assert_eq!(replica.role.value, crate::model::ReplicaRole::Dr);
        assert_eq!(replica.provider.value, "tencentcloud");
        let replica_region = replica.region.as_ref().unwrap();
        assert_eq!(replica_region.value, "ap-singapore");
        assert_eq!(
            at(TENCENTCLOUD, replica_region.span),
            r#""qcs::cos:ap-singapore::statements-dr-1250000000""#
        );

        assert_eq!(target.address, "tencentcloud_cos_bucket.statements_dr");
        assert_eq!(region(target), "ap-singapore");
        assert_eq!(target.replicas, vec![]);
        let via = &target.region.as_ref().unwrap().via;
        assert_eq!(
            &*via[0].note,
            "the resource uses provider `tencentcloud.singapore`"
        );
        assert_eq!(at(TENCENTCLOUD, via[1].span), r#""ap-singapore""#);
    }

    #[test]
    fn fixtures_are_plans_and_other_json_is_not() {
        assert!(is_plan(ALICLOUD));
        assert!(is_plan(TENCENTCLOUD));
        assert!(is_plan(r#"{"format_version":"1.2","resource_changes":[]}"#));
        assert!(is_plan(
            "\u{feff}{\"format_version\":\"1.0\",\"planned_values\":{}}"
        ));
        // a state file
        assert!(!is_plan(
            r#"{"format_version":"1.0","values":{"root_module":{}}}"#
        ));
        assert!(!is_plan(r#"{"planned_values":{}}"#));
        assert!(!is_plan(r#"[{"format_version":"1.0"}]"#));
        assert!(!is_plan(r#"{"format_version":"1.0","planned_values":"#));
        assert!(!is_plan("format_version planned_values"));
    }

    #[test]
    fn invalid_json_is_an_issue_at_the_parser_span() {
        let text = "{\"format_version\": \"1.2\",\n \"planned_values\": {,}}";
        let out = run(text);
        assert!(out.placements.is_empty());
        let [issue] = out.issues.as_slice() else {
            panic!("one issue expected: {:?}", out.issues);
        };
        assert_eq!(at(text, issue.span), ",");
        assert!(
            issue.message.starts_with(|c: char| c.is_lowercase()),
            "{}",
            issue.message
        );
    }

    #[test]
    fn comments_and_trailing_commas_are_not_json() {
        let out = run("{\"format_version\": \"1.2\", // note\n \"planned_values\": {}}");
        assert_eq!(out.issues.len(), 1);
        assert_eq!(out.issues[0].message, "comments are not allowed");
        let text = r#"{"format_version": "1.2", "planned_values": {},}"#;
        let out = run(text);
        assert_eq!(out.issues.len(), 1);
        assert_eq!(out.issues[0].message, "trailing commas are not allowed");
        assert_eq!(at(text, out.issues[0].span), ",");
        assert_eq!(out.issues[0].span.start(), text.rfind(',').unwrap());
    }

    #[test]
    fn deep_nesting_is_an_issue_not_a_stack_overflow() {
        let depth = 100_000;
        let text = format!(
            r#"{{"format_version": "1.2", "planned_values": {}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let out = run(&text);
        assert!(out.placements.is_empty());
        assert_eq!(out.issues.len(), 1);
        assert!(out.issues[0].message.contains("deeper than 512"));
        assert!(out.issues[0].span.start() < 600);
    }

    #[test]
    fn deeply_nested_modules_stop_with_an_issue() {
        let mut module = r#"{"resources": []}"#.to_owned();
        for i in 0..40 {
            module = format!(r#"{{"address": "m{i}", "child_modules": [{module}]}}"#);
        }
        let text = format!(
            r#"{{"format_version": "1.2", "planned_values": {{"root_module": {module}}}}}"#
        );
        let out = run(&text);
        assert_eq!(out.issues.len(), 1);
        assert!(
            out.issues[0]
                .message
                .contains("modules nest deeper than 32")
        );
    }

    #[test]
    fn unsupported_format_version_and_non_plans_are_issues() {
        let text = r#"{"format_version": "2.0", "planned_values": {}}"#;
        let out = run(text);
        assert_eq!(out.issues.len(), 1);
        assert_eq!(at(text, out.issues[0].span), r#""2.0""#);
        assert!(out.issues[0].message.contains("`2.0` is not supported"));

        let out = run(r#"{"format_version": "1.0", "values": {}}"#);
        assert!(out.issues[0].message.contains("neither `planned_values`"));
        let out = run("[1, 2]");
        assert_eq!(out.issues[0].message, "a Terraform plan is a JSON object");
        assert_eq!(out.issues[0].span.range(), 0..6);
    }

    #[test]
    fn data_sources_and_non_placing_providers_are_not_placements() {
        let text = plan(
            r#"{"address": "data.alicloud_zones.z", "mode": "data", "type": "alicloud_zones", "name": "z", "values": {}},
               {"address": "null_resource.x", "mode": "managed", "type": "null_resource", "name": "x", "values": {}},
               {"address": "huaweicloud_obs_bucket.b", "mode": "managed", "type": "huaweicloud_obs_bucket", "name": "b",
                "provider_name": "registry.terraform.io/huaweicloud/huaweicloud", "values": {}}"#,
            r#""huaweicloud": {"name": "huaweicloud", "expressions": {"region": {"constant_value": "cn-east-3"}}}"#,
            "",
        );
        // a provider without a table entry is placed all the same (YL102 judges it)
        let out = run_with(&text, TABLE);
        let [p] = out.placements.as_slice() else {
            panic!("one placement expected: {:?}", out.placements);
        };
        assert_eq!(p.address, "huaweicloud_obs_bucket.b");
        assert_eq!(region(p), "cn-east-3");
        assert_eq!(p.kind, crate::model::WorkloadKind::Other);
    }

    #[test]
    fn resource_region_attribute_wins_over_the_provider() {
        let text = plan(
            r#"{"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                "values": {"region": "cn-northwest-1"}}"#,
            r#""aws": {"name": "aws", "expressions": {"region": {"constant_value": "cn-north-1"}}}"#,
            "",
        );
        let out = run_with(&text, TABLE);
        let p = &out.placements[0];
        assert_eq!(region(p), "cn-northwest-1");
        let via = &p.region.as_ref().unwrap().via;
        assert_eq!(&*via[0].note, "`region` of the resource in the plan");
        assert_eq!(at(&text, via[0].span), r#""cn-northwest-1""#);
    }

    #[test]
    fn a_region_known_only_after_apply_is_unresolved() {
        let text = plan(
            r#"{"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "values": {}}"#,
            r#""aws": {"name": "aws", "expressions": {"region": {"constant_value": "cn-north-1"}}}"#,
            r#""resource_changes": [{"address": "aws_s3_bucket.logs", "change": {"actions": ["create"], "after_unknown": {"region": true}}}],"#,
        );
        let out = run_with(&text, TABLE);
        let p = &out.placements[0];
        assert_eq!(
            reason(p),
            "`region` of the resource is known only after apply"
        );
        let unresolved = p.region.as_ref().unwrap_err();
        assert_eq!(at(&text, unresolved.span), r#""aws_s3_bucket.logs""#);
    }

    #[test]
    fn provider_regions_that_the_plan_cannot_tell_are_unresolved_with_a_reason() {
        let resource = r#"{"address": "alicloud_db_instance.a", "mode": "managed", "type": "alicloud_db_instance", "name": "a", "values": {}}"#;
        let cases = [
            (
                r#""alicloud": {"name": "alicloud"}"#,
                "provider `alicloud` sets no region; `alicloud` would read `ALICLOUD_REGION` from the environment, which yunlint never reads",
            ),
            (
                r#""alicloud": {"name": "alicloud", "expressions": {"region": {"references": ["data.alicloud_regions.current.ids[0]", "data.alicloud_regions.current"]}}}"#,
                "region of provider `alicloud`: it depends on `data.alicloud_regions.current.ids[0]`, whose value the plan does not record",
            ),
            (
                r#""alicloud": {"name": "alicloud", "expressions": {"region": {"references": ["var.region"]}}}"#,
                "variable `region` has no value in the plan",
            ),
            (
                r#""alicloud": {"name": "alicloud", "expressions": {"region": {"references": ["var.a", "var.b"]}}}"#,
                "region of provider `alicloud`: it combines `var.a` and `var.b`, and the plan does not record the result",
            ),
            (
                r#""alicloud": {"name": "alicloud", "expressions": {"region": {"constant_value": null}}}"#,
                "region of provider `alicloud` is null",
            ),
            (
                r#""random": {"name": "random"}"#,
                "no `provider \"alicloud\"` block sets a region; `alicloud` would read `ALICLOUD_REGION` from the environment, which yunlint never reads",
            ),
        ];
        for (config, expected) in cases {
            let out = run_with(&plan(resource, config, ""), TABLE);
            assert_eq!(reason(&out.placements[0]), expected, "{config}");
            assert!(
                out.placements[0]
                    .region
                    .as_ref()
                    .unwrap_err()
                    .help
                    .is_some()
            );
        }
        let without_configuration = format!(
            r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{resource}]}}}}}}"#
        );
        let out = run_with(&without_configuration, TABLE);
        assert!(reason(&out.placements[0]).contains("no `configuration.provider_config`"));
    }

    #[test]
    fn per_type_region_attributes_nested_zones_and_source_sides() {
        let text = plan(
            r#"{"address": "google_alloydb_cluster.c", "mode": "managed", "type": "google_alloydb_cluster", "name": "c",
                "values": {"location": "asia-east2", "automated_backup_policy": [{"zones": ["asia-east2-a", "asia-east2-b"]}],
                           "secondary_config": [{"primary_cluster_region": "us-central1"}]}},
               {"address": "tencentcloud_mysql_instance.m", "mode": "managed", "type": "tencentcloud_mysql_instance", "name": "m",
                "values": {"availability_zone": "ap-shanghai-fsi-1", "slaves": [{"zone": "ap-shanghai-fsi-2"}, {"zone": null}]}}"#,
            r#""google": {"name": "google", "expressions": {"region": {"constant_value": "asia-east1"}}},
               "tencentcloud": {"name": "tencentcloud", "expressions": {"region": {"constant_value": "ap-shanghai-fsi"}}}"#,
            "",
        );
        let out = run_with(&text, TABLE);
        let [google, mysql] = out.placements.as_slice() else {
            panic!("two placements expected: {:?}", out.placements);
        };
        assert_eq!(region(google), "asia-east2");
        let via = &google.region.as_ref().unwrap().via;
        assert_eq!(&*via[0].note, "`location` of the resource in the plan");
        let zones: Vec<&str> = google.zones.iter().map(|z| z.value.as_str()).collect();
        assert_eq!(zones, ["asia-east2-a", "asia-east2-b"]);
        assert_eq!(at(&text, google.zones[1].span), r#""asia-east2-b""#);
        // the primary's region is where the source lives: not a copy
        assert_eq!(google.replicas, vec![]);

        assert_eq!(region(mysql), "ap-shanghai-fsi");
        let zones: Vec<&str> = mysql.zones.iter().map(|z| z.value.as_str()).collect();
        assert_eq!(zones, ["ap-shanghai-fsi-1", "ap-shanghai-fsi-2"]);
    }

    #[test]
    fn a_region_from_a_profile_file_is_unresolved() {
        let text = plan(
            r#"{"address": "alicloud_db_instance.a", "mode": "managed", "type": "alicloud_db_instance", "name": "a", "values": {}}"#,
            r#""alicloud": {"name": "alicloud", "expressions": {"profile": {"constant_value": "finance"}}}"#,
            "",
        );
        let out = run_with(&text, TABLE);
        assert_eq!(
            reason(&out.placements[0]),
            "provider `alicloud` takes its region from the profile named by `profile`, a file yunlint never reads"
        );
    }

    #[test]
    fn indexed_variables_are_followed() {
        let text = plan(
            r#"{"address": "alicloud_db_instance.a", "mode": "managed", "type": "alicloud_db_instance", "name": "a", "values": {}}"#,
            r#""alicloud": {"name": "alicloud", "expressions": {"region": {"references": ["var.regions[\"primary\"]", "var.regions"]}}}"#,
            r#""variables": {"regions": {"value": {"primary": "cn-beijing", "dr": "cn-hongkong"}}},"#,
        );
        let out = run_with(&text, TABLE);
        let p = &out.placements[0];
        assert_eq!(region(p), "cn-beijing");
        let via = &p.region.as_ref().unwrap().via;
        assert_eq!(
            &*via[1].note,
            "`var.regions[\"primary\"]` as given to the plan"
        );
        assert_eq!(at(&text, via[1].span), r#""cn-beijing""#);
    }

    #[test]
    fn a_provider_configured_in_a_module_reads_the_module_input() {
        let text = r#"{"format_version": "1.2",
  "variables": {"dr_region": {"value": "cn-shenzhen-finance-1"}},
  "planned_values": {"root_module": {"child_modules": [{"address": "module.dr", "child_modules": [
    {"address": "module.dr.module.db[\"x\"]", "resources": [
      {"address": "module.dr.module.db[\"x\"].alicloud_db_instance.a", "mode": "managed",
       "type": "alicloud_db_instance", "name": "a", "values": {"zone_id": "cn-shenzhen-finance-1a"}}]}]}]}},
  "configuration": {
    "provider_config": {
      "module.dr:alicloud": {"name": "alicloud", "module_address": "module.dr",
        "expressions": {"region": {"references": ["var.region"]}}}},
    "root_module": {"module_calls": {"dr": {
      "expressions": {"region": {"references": ["var.dr_region"]}},
      "module": {"module_calls": {"db": {"module": {"resources": [
        {"address": "alicloud_db_instance.a", "mode": "managed", "type": "alicloud_db_instance",
         "name": "a", "provider_config_key": "module.dr.module.db:alicloud"}]}}}}}}}}}"#;
        let out = run_with(text, TABLE);
        assert_eq!(out.issues, vec![]);
        let p = &out.placements[0];
        assert_eq!(
            p.address,
            "module.dr.module.db[\"x\"].alicloud_db_instance.a"
        );
        assert_eq!(region(p), "cn-shenzhen-finance-1");
        let notes: Vec<&str> = p
            .region
            .as_ref()
            .unwrap()
            .via
            .iter()
            .map(|v| v.note.as_ref())
            .collect();
        assert_eq!(
            notes,
            [
                "the resource uses provider `module.dr:alicloud`",
                "region of provider `module.dr:alicloud` is `var.region`",
                "`region` passed to module `dr` is `var.dr_region`",
                "`var.dr_region` as given to the plan",
            ]
        );

        // the same module, called without an argument: the variable's default
        let defaulted = text
            .replace(
                r#""expressions": {"region": {"references": ["var.dr_region"]}},"#,
                "",
            )
            .replace(
                r#""module": {"module_calls""#,
                r#""module": {"variables": {"region": {"default": "cn-shanghai-finance-1"}}, "module_calls""#,
            );
        let out = run_with(&defaulted, TABLE);
        let p = &out.placements[0];
        assert_eq!(region(p), "cn-shanghai-finance-1");
        let via = &p.region.as_ref().unwrap().via;
        assert_eq!(
            &*via.last().unwrap().note,
            "default of `var.region` in module `dr`"
        );
    }

    #[test]
    fn without_planned_values_the_changes_are_read_and_deletions_skipped() {
        let text = r#"{"format_version": "1.2", "resource_changes": [
  {"address": "alicloud_db_instance.old", "mode": "managed", "type": "alicloud_db_instance", "name": "old",
   "change": {"actions": ["delete"], "before": {"zone_id": "cn-hongkong-b"}, "after": null}},
  {"address": "alicloud_db_instance.new", "mode": "managed", "type": "alicloud_db_instance", "name": "new",
   "change": {"actions": ["create"], "before": null, "after": {"zone_id": "cn-beijing-h"}, "after_unknown": {"id": true}}}],
  "configuration": {"provider_config": {"alicloud": {"name": "alicloud",
    "expressions": {"region": {"constant_value": "cn-beijing"}}}}, "root_module": {}}}"#;
        let out = run_with(text, TABLE);
        let [p] = out.placements.as_slice() else {
            panic!("one placement expected: {:?}", out.placements);
        };
        assert_eq!(p.address, "alicloud_db_instance.new");
        assert_eq!(region(p), "cn-beijing");
        assert_eq!(p.zones[0].value, "cn-beijing-h");
    }

    #[test]
    fn replica_targets_unknown_until_apply_are_unresolved_replicas() {
        let text = plan(
            r#"{"address": "tencentcloud_cos_bucket.b", "mode": "managed", "type": "tencentcloud_cos_bucket", "name": "b",
                "values": {"replica_rules": [{"id": "r1", "destination_bucket": null}, {"id": "r2", "destination_bucket": "qcs::cos:ap-guangzhou::b2"}]}}"#,
            r#""tencentcloud": {"name": "tencentcloud", "expressions": {"region": {"constant_value": "ap-shanghai"}}}"#,
            r#""resource_changes": [{"address": "tencentcloud_cos_bucket.b", "change": {"actions": ["create"],
                "after_unknown": {"replica_rules": [{"destination_bucket": true}, {}]}}}],"#,
        );
        let out = run_with(&text, TABLE);
        let replicas = &out.placements[0].replicas;
        assert_eq!(replicas.len(), 2);
        assert_eq!(replicas[0].region.as_ref().unwrap().value, "ap-guangzhou");
        assert_eq!(
            replicas[1].region.as_ref().unwrap_err().reason,
            "`replica_rules.destination_bucket` is known only after apply"
        );
    }

    #[test]
    fn an_errored_plan_is_flagged_but_still_read() {
        let text =
            r#"{"format_version": "1.2", "planned_values": {"root_module": {}}, "errored": true}"#;
        let out = run(text);
        assert_eq!(out.issues.len(), 1);
        assert_eq!(at(text, out.issues[0].span), r#""errored": true"#);
    }

    #[test]
    fn module_calls_drop_instance_keys() {
        assert_eq!(
            module_calls(r#"module.a["x.y"].module.b[0].aws_instance.c[1]"#),
            ["a", "b"]
        );
        assert_eq!(module_calls("module.db"), ["db"]);
        assert_eq!(module_calls("aws_instance.c"), Vec::<String>::new());
    }
}
