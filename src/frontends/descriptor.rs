//! `*.deploy.toml`: yunlint's own descriptor of workloads, parsed with `toml` keeping spans.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::{FileOutput, ParseIssue};
use crate::model::{
    Origin, Placement, Replica, ReplicaRole, Resolution, Resolved, Unresolved, WorkloadKind,
};
use crate::source::{SourceFile, SourceId, Span};
use crate::suggest;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDescriptor {
    service: Option<RawService>,
    defaults: Option<RawDefaults>,
    #[serde(default)]
    workload: Vec<Spanned<RawWorkload>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    #[allow(dead_code)] // part of the format, shown by future inventory columns
    name: Option<Spanned<String>>,
    #[allow(dead_code)]
    owner: Option<Spanned<String>>,
    data_class: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    kind: Option<Spanned<String>>,
    provider: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    zones: Option<Vec<Spanned<String>>>,
    data_class: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkload {
    name: Spanned<String>,
    kind: Option<Spanned<String>>,
    provider: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    zones: Option<Vec<Spanned<String>>>,
    data_class: Option<Spanned<i64>>,
    #[serde(default)]
    replica: Vec<RawReplica>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplica {
    role: Spanned<String>,
    provider: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    zones: Option<Vec<Spanned<String>>>,
}

/// Reads one descriptor file.
pub fn parse(file: &SourceFile, id: SourceId) -> FileOutput {
    let raw: RawDescriptor = match toml::from_str(file.text()) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let mut issue = ParseIssue::new(Span::new(id, span), e.message().trim_end());
            if let Some(help) = suggest::from_serde_message(e.message()) {
                issue = issue.with_help(help);
            }
            return FileOutput {
                issues: vec![issue],
                ..FileOutput::default()
            };
        }
    };
    Reader {
        id,
        len: file.text().len(),
        path: &file.rel,
        issues: Vec::new(),
    }
    .read(raw)
}

struct Reader<'a> {
    id: SourceId,
    len: usize,
    path: &'a Arc<str>,
    issues: Vec<ParseIssue>,
}

impl Reader<'_> {
    fn span<T>(&self, value: &Spanned<T>) -> Span {
        Span::new(self.id, value.span())
    }

    fn resolved(&self, value: &Spanned<String>) -> Resolved<String> {
        Resolved::new(value.get_ref().clone(), self.span(value))
    }

    /// The workload's own value, else the `[defaults]` one (noted in the chain).
    fn inherit(
        &self,
        own: Option<&Spanned<String>>,
        default: Option<&Spanned<String>>,
        name_span: Span,
    ) -> Option<Resolved<String>> {
        match (own, default) {
            (Some(v), _) => Some(self.resolved(v)),
            (None, Some(d)) => Some(
                self.resolved(d)
                    .with_via(name_span, "this workload inherits it from `[defaults]`"),
            ),
            (None, None) => None,
        }
    }

    fn class(&mut self, value: &Spanned<i64>) -> Option<u8> {
        let v = *value.get_ref();
        match u8::try_from(v) {
            Ok(class @ 1..=5) => Some(class),
            _ => {
                self.issues.push(
                    ParseIssue::new(
                        self.span(value),
                        format!("data class `{v}` is out of range"),
                    )
                    .with_help("data classes are JR/T 0197-2020 levels 1 to 5"),
                );
                None
            }
        }
    }

    fn kind(&mut self, value: &Spanned<String>) -> Option<WorkloadKind> {
        let kind = WorkloadKind::parse(value.get_ref());
        if kind.is_none() {
            let names = WorkloadKind::ALL.map(WorkloadKind::as_str);
            let help = suggest::did_you_mean(value.get_ref(), names)
                .unwrap_or_else(|| format!("use one of {}", quoted(&names)));
            self.issues.push(
                ParseIssue::new(
                    self.span(value),
                    format!("unknown workload kind `{}`", value.get_ref()),
                )
                .with_help(help),
            );
        }
        kind
    }

    fn zones(
        &self,
        own: Option<&Vec<Spanned<String>>>,
        default: Option<&Vec<Spanned<String>>>,
    ) -> Vec<Resolved<String>> {
        own.or(default)
            .map(|zones| zones.iter().map(|z| self.resolved(z)).collect())
            .unwrap_or_default()
    }

    fn read(mut self, raw: RawDescriptor) -> FileOutput {
        let service_class = raw
            .service
            .as_ref()
            .and_then(|s| s.data_class.as_ref())
            .and_then(|c| self.class(c).map(|v| Resolved::new(v, self.span(c))));
        let defaults = raw.defaults.as_ref();
        let default_class = defaults
            .and_then(|d| d.data_class.as_ref())
            .and_then(|c| self.class(c).map(|v| Resolved::new(v, self.span(c))));
        let class_is_invalid =
            |c: Option<&Spanned<i64>>| c.is_some_and(|c| !(1..=5).contains(c.get_ref()));
        if class_is_invalid(raw.service.as_ref().and_then(|s| s.data_class.as_ref()))
            || class_is_invalid(defaults.and_then(|d| d.data_class.as_ref()))
        {
            // every workload would be checked with a class nobody meant: report the class only
            return FileOutput {
                issues: self.issues,
                ..FileOutput::default()
            };
        }
        let default_kind = defaults.and_then(|d| d.kind.as_ref()).map(|k| self.kind(k));
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        let mut placements = Vec::new();
        // A workload's block runs from its `[[workload]]` header to the next one: a suppression
        // comment anywhere in it (or just above it) covers the workload.
        let headers: Vec<usize> = raw.workload.iter().map(|w| w.span().start).collect();
        for (i, w) in raw.workload.iter().enumerate() {
            let block = Span::new(
                self.id,
                headers[i]..headers.get(i + 1).copied().unwrap_or(self.len),
            );
            let w = w.get_ref();
            let name_span = self.span(&w.name);
            let name = w.name.get_ref().trim();
            if name.is_empty() {
                self.issues
                    .push(ParseIssue::new(name_span, "workload name is empty"));
                continue;
            }
            if seen.insert(name.to_owned(), name_span).is_some() {
                self.issues.push(
                    ParseIssue::new(name_span, format!("workload `{name}` is declared twice in this file"))
                        .with_help("workload names are unique in a file: they make the address `<path>#<name>`"),
                );
                continue;
            }
            if let Some(p) = self.workload(
                w,
                name,
                (name_span, block),
                defaults,
                &service_class,
                &default_class,
                default_kind.flatten(),
            ) {
                placements.push(Box::new(p));
            }
        }
        FileOutput {
            placements,
            issues: self.issues,
            ..FileOutput::default()
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn workload(
        &mut self,
        w: &RawWorkload,
        name: &str,
        (name_span, block): (Span, Span),
        defaults: Option<&RawDefaults>,
        service_class: &Option<Resolved<u8>>,
        default_class: &Option<Resolved<u8>>,
        default_kind: Option<WorkloadKind>,
    ) -> Option<Placement> {
        // Every field is checked before giving up, so one run reports every problem of a workload.
        let kind = match &w.kind {
            Some(k) => self.kind(k),
            None => Some(default_kind.unwrap_or(WorkloadKind::Other)),
        };
        let provider = self.inherit(
            w.provider.as_ref(),
            defaults.and_then(|d| d.provider.as_ref()),
            name_span,
        );
        if provider.is_none() {
            self.issues.push(
                ParseIssue::new(name_span, format!("workload `{name}` has no provider"))
                    .with_help("set `provider` on the workload or in `[defaults]`"),
            );
        }
        let region: Resolution<String> = self
            .inherit(
                w.region.as_ref(),
                defaults.and_then(|d| d.region.as_ref()),
                name_span,
            )
            .ok_or_else(|| Unresolved {
                reason: "no `region` on the workload and none in `[defaults]`".into(),
                span: name_span,
                help: Some("set `region` on the workload or in `[defaults]`".into()),
            });
        let zones = self.zones(w.zones.as_ref(), defaults.and_then(|d| d.zones.as_ref()));
        let data_class = match &w.data_class {
            Some(c) => self.class(c).map(|v| Some(Resolved::new(v, self.span(c)))),
            None => Some(
                service_class
                    .clone()
                    .map(|c| c.with_via(name_span, "this workload inherits it from `[service]`"))
                    .or_else(|| {
                        default_class.clone().map(|c| {
                            c.with_via(name_span, "this workload inherits it from `[defaults]`")
                        })
                    }),
            ),
        };
        let replicas: Vec<Option<Replica>> = w
            .replica
            .iter()
            .map(|r| self.replica(r, provider.as_ref()))
            .collect();
        let (Some(kind), Some(provider), Some(data_class)) = (kind, provider, data_class) else {
            return None;
        };
        let replicas = replicas.into_iter().collect::<Option<Vec<_>>>()?;
        Some(Placement {
            address: format!("{}#{name}", self.path),
            path: Arc::clone(self.path),
            name_span,
            block,
            kind,
            provider,
            region,
            zones,
            replicas,
            data_class,
            instances: Vec::new(),
            required_regions: Vec::new(),
            cluster: None,
            provider_config: None,
            origin: Origin::Descriptor,
            source: self.id,
        })
    }
}

impl Reader<'_> {
    /// A `[[workload.replica]]`; `None` (with the issue reported) when it is invalid.
    fn replica(
        &mut self,
        r: &RawReplica,
        workload_provider: Option<&Resolved<String>>,
    ) -> Option<Replica> {
        let role_span = self.span(&r.role);
        let Some(role) = ReplicaRole::parse(r.role.get_ref()) else {
            let names = ReplicaRole::ALL.map(ReplicaRole::as_str);
            let help = suggest::did_you_mean(r.role.get_ref(), names)
                .unwrap_or_else(|| format!("use one of {}", quoted(&names)));
            self.issues.push(
                ParseIssue::new(
                    role_span,
                    format!("unknown replica role `{}`", r.role.get_ref()),
                )
                .with_help(help),
            );
            return None;
        };
        let provider = match &r.provider {
            Some(p) => self.resolved(p),
            None => workload_provider?
                .clone()
                .with_via(role_span, "the replica defaults to the workload's provider"),
        };
        let region = r.region.as_ref().map(|v| self.resolved(v)).ok_or_else(|| Unresolved {
            reason: "the replica has no `region`".into(),
            span: role_span,
            help: Some("set `region` on the `[[workload.replica]]`: a copy's region is checked like the workload's".into()),
        });
        Some(Replica {
            role: Resolved::new(role, role_span),
            provider,
            region,
            zones: self.zones(r.zones.as_ref(), None),
        })
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
