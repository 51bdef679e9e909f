//! Builds a [`Policy`] from layers of [`RawPolicy`]: the pack first, then `yunlint.toml` over it.

use std::collections::BTreeMap;

use globset::GlobBuilder;
use jiff::civil::Date;
use toml::Spanned;
use toml::value::Datetime;

use super::raw::{RawCertified, RawClassBound, RawPolicy, RawProvider};
use super::registry::{Certification, Normalize, ProviderEntry, Unlisted};
use super::{BUILTIN_GROUPS, ClassBound, Classify, Policy, RegionSet, Residency};
use crate::config::ConfigError;
use crate::source::{SourceId, Span};
use crate::suggest;

/// Region groups may refer to groups this deep (each level is a recursion).
const MAX_GROUP_DEPTH: usize = 64;

/// Data classes are JR/T 0197-2020 levels.
const CLASS_RANGE: std::ops::RangeInclusive<i64> = 1..=5;

pub struct PolicyBuilder {
    policy: Policy,
    groups: BTreeMap<String, (Span, Vec<(String, Span)>)>,
    residency: Vec<PendingResidency>,
    errors: Vec<ConfigError>,
    /// How many more "did you mean" suggestions to compute for unknown groups.
    suggestions_left: usize,
    /// Groups whose expansion failed (and was reported): not expanded again. Groups that refer
    /// twice to the next, level after level, would otherwise be expanded 2^depth times.
    failed_groups: std::collections::BTreeSet<String>,
}

/// A `[[residency]]` entry whose `allow` list waits for every layer's groups.
struct PendingResidency {
    bound: Option<(RawClassBound, Span)>,
    allow: Vec<(String, Span)>,
    allow_span: Span,
    reason: Option<String>,
}

fn span<T>(source: SourceId, value: &Spanned<T>) -> Span {
    Span::new(source, value.span())
}

fn spanned_list(source: SourceId, list: &[Spanned<String>]) -> Vec<(String, Span)> {
    list.iter()
        .map(|v| (v.get_ref().clone(), span(source, v)))
        .collect()
}

impl PolicyBuilder {
    pub fn new(today: Date) -> Self {
        PolicyBuilder {
            policy: Policy {
                name: String::new(),
                finance_grade_from: 3,
                default_data_class: 3,
                require_certified: false,
                providers: BTreeMap::new(),
                groups: BTreeMap::new(),
                residency: Vec::new(),
                classify: Vec::new(),
                classify_set: globset::GlobSet::empty(),
                today,
            },
            groups: BTreeMap::new(),
            residency: Vec::new(),
            errors: Vec::new(),
            suggestions_left: 20,
            failed_groups: std::collections::BTreeSet::new(),
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.errors.push(ConfigError {
            span: Some(span),
            message: message.into(),
            help,
        });
    }

    fn class(&mut self, source: SourceId, value: &Spanned<i64>) -> Option<u8> {
        let v = *value.get_ref();
        if CLASS_RANGE.contains(&v) {
            u8::try_from(v).ok()
        } else {
            self.error(
                span(source, value),
                format!("data class `{v}` is out of range"),
                Some("data classes are JR/T 0197-2020 levels 1 to 5".into()),
            );
            None
        }
    }

    /// Merges one layer over what is already there.
    pub fn apply(&mut self, raw: &RawPolicy, source: SourceId) {
        if let Some(name) = &raw.name {
            self.policy.name = name.get_ref().clone();
        }
        if let Some(v) = &raw.finance_grade_from
            && let Some(class) = self.class(source, v)
        {
            self.policy.finance_grade_from = class;
        }
        if let Some(v) = &raw.default_data_class
            && let Some(class) = self.class(source, v)
        {
            self.policy.default_data_class = class;
        }
        if let Some(v) = &raw.require_certified {
            self.policy.require_certified = *v.get_ref();
        }
        for (id, entry) in &raw.providers {
            self.apply_provider(id, entry, source);
        }
        for (name, members) in &raw.regions {
            let name_span = span(source, name);
            if BUILTIN_GROUPS.contains(&name.get_ref().as_str()) {
                self.error(
                    name_span,
                    format!(
                        "region group `{}` is built in and cannot be redefined",
                        name.get_ref()
                    ),
                    None,
                );
                continue;
            }
            self.groups.insert(
                name.get_ref().clone(),
                (name_span, spanned_list(source, members)),
            );
        }
        for r in &raw.residency {
            let bound = r
                .data_class
                .as_ref()
                .map(|b| (b.get_ref().clone(), span(source, b)));
            self.residency.push(PendingResidency {
                bound,
                allow: spanned_list(source, r.allow.get_ref()),
                allow_span: span(source, &r.allow),
                reason: r.reason.clone(),
            });
        }
        for c in &raw.classify {
            let Some(class) = self.class(source, &c.data_class) else {
                continue;
            };
            // `module.payments.**` reads naturally for addresses; globset allows `**` only as a whole
            // path component, and its `*` already crosses separators.
            let pattern = c.pattern.get_ref();
            let normalized = normalize_address_glob(pattern);
            match GlobBuilder::new(&normalized).build() {
                Ok(glob) => self.policy.classify.push(Classify {
                    pattern: pattern.clone(),
                    matcher: glob.compile_matcher(),
                    data_class: class,
                    span: span(source, &c.data_class),
                }),
                Err(e) => self.error(
                    span(source, &c.pattern),
                    format!("invalid glob `{pattern}`: {}", e.kind()),
                    None,
                ),
            }
        }
    }

    fn apply_provider(&mut self, id: &Spanned<String>, raw: &RawProvider, source: SourceId) {
        let key_span = span(source, id);
        let mut entry = self
            .policy
            .providers
            .remove(id.get_ref())
            .unwrap_or_else(|| ProviderEntry::new(id.get_ref().clone(), key_span));
        entry.defined_at = key_span;
        if let Some(name) = &raw.name {
            entry.name = Some(name.clone());
        }
        if let Some(c) = &raw.certified {
            match c.get_ref() {
                RawCertified::Flag(true) => entry.certified = Certification::Certified,
                RawCertified::Flag(false) => entry.certified = Certification::NotCertified,
                RawCertified::Text(t) if t == "unknown" => entry.certified = Certification::Unknown,
                RawCertified::Text(t) => self.error(
                    span(source, c),
                    format!("`certified = \"{t}\"` is not a certification status"),
                    Some("use `true`, `false` or `\"unknown\"`".into()),
                ),
            }
            entry.certified_span = Some(span(source, c));
        }
        if let Some(by) = &raw.certified_by {
            entry.certified_by = Some(by.clone());
        }
        if let Some(s) = &raw.source {
            entry.source = Some(s.clone());
        }
        if let Some(d) = &raw.as_of {
            entry.as_of = self.date(source, d);
        }
        if let Some(d) = &raw.until {
            entry.until = self.date(source, d).map(|date| (date, span(source, d)));
        }
        for (target, list) in [
            (&mut entry.finance, &raw.finance),
            (&mut entry.mainland, &raw.mainland),
            (&mut entry.non_mainland, &raw.non_mainland),
        ] {
            if let Some(list) = list {
                *target = list.iter().map(|r| r.get_ref().clone()).collect();
            }
        }
        if let Some(aliases) = &raw.aliases {
            entry.aliases = aliases
                .iter()
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect();
        }
        if let Some(u) = &raw.unlisted {
            match u.get_ref().as_str() {
                "unknown" => entry.unlisted = Unlisted::Unknown,
                "non_mainland" => entry.unlisted = Unlisted::NonMainland,
                other => self.error(
                    span(source, u),
                    format!("`unlisted = \"{other}\"` is not a region treatment"),
                    Some(
                        "use `\"unknown\"` (YL203 for unlisted regions) or `\"non_mainland\"`"
                            .into(),
                    ),
                ),
            }
        }
        if let Some(pattern) = &raw.zone_pattern {
            match regex::Regex::new(pattern.get_ref()) {
                Ok(re) if re.capture_names().any(|n| n == Some("region")) => {
                    entry.zone_pattern = Some(re);
                }
                Ok(_) => self.error(
                    span(source, pattern),
                    "`zone_pattern` has no `region` group",
                    Some("name the part that is the region: `^(?P<region>.+)-[a-z]$`".into()),
                ),
                Err(e) => self.error(
                    span(source, pattern),
                    format!(
                        "`zone_pattern` is not a regular expression: {}",
                        e.to_string().lines().last().unwrap_or_default()
                    ),
                    None,
                ),
            }
        }
        if let Some(steps) = &raw.normalize {
            entry.normalize.clear();
            for step in steps {
                match Normalize::parse(step.get_ref()) {
                    Some(n) => entry.normalize.push(n),
                    None => self.error(
                        span(source, step),
                        format!("`{}` is not a region rewrite", step.get_ref()),
                        Some("use `\"lowercase\"` or `\"remove-spaces\"`".into()),
                    ),
                }
            }
        }
        self.policy.providers.insert(entry.id.clone(), entry);
    }

    fn date(&mut self, source: SourceId, value: &Spanned<Datetime>) -> Option<Date> {
        let dt = value.get_ref();
        let parsed = plain_date(dt);
        if parsed.is_none() {
            self.error(
                span(source, value),
                format!("`{dt}` is not a plain date"),
                Some("write a date without time, like `2027-06-30`".into()),
            );
        }
        parsed
    }

    /// Expands groups and residency lists, checks every entry, and returns the policy or every error.
    pub fn finish(mut self) -> Result<Policy, Vec<ConfigError>> {
        let mut classify = globset::GlobSetBuilder::new();
        for c in &self.policy.classify {
            classify.add(c.matcher.glob().clone());
        }
        match classify.build() {
            Ok(set) => self.policy.classify_set = set,
            Err(e) => {
                if let Some(first) = self.policy.classify.first().map(|c| c.span) {
                    self.error(
                        first,
                        format!(
                            "the `[[classify]]` globs cannot be compiled together: {}",
                            e.kind()
                        ),
                        Some("use fewer or simpler globs".into()),
                    );
                }
            }
        }
        let names: Vec<String> = self.groups.keys().cloned().collect();
        for name in names {
            let mut stack = Vec::new();
            if let Some(set) = self.expand_group(&name, &mut stack) {
                self.policy.groups.insert(name, set);
            }
        }
        let residency = std::mem::take(&mut self.residency);
        for pending in residency {
            let bound = match &pending.bound {
                None => Some(ClassBound::Any),
                Some((raw, s)) => self.class_bound(raw, *s),
            };
            let set = self.expand_members(&pending.allow, &mut Vec::new());
            if let (Some(bound), Some(allow)) = (bound, set) {
                self.policy.residency.push(Residency {
                    bound,
                    allow,
                    allow_span: pending.allow_span,
                    reason: pending.reason,
                });
            }
        }
        let providers: Vec<ProviderEntry> = self.policy.providers.values().cloned().collect();
        for p in providers {
            for (field, missing) in [("source", p.source.is_none()), ("as_of", p.as_of.is_none())] {
                if missing {
                    self.error(
                        p.defined_at,
                        format!("provider `{}` has no `{field}`", p.id),
                        Some(
                            "every registry entry says where its facts come from: set `source = \"...\"` and `as_of = YYYY-MM-DD`"
                                .into(),
                        ),
                    );
                }
            }
        }
        if self.errors.is_empty() {
            Ok(self.policy)
        } else {
            Err(self.errors)
        }
    }

    fn class_bound(&mut self, raw: &RawClassBound, s: Span) -> Option<ClassBound> {
        let parsed = match raw {
            RawClassBound::Exact(n) => u8::try_from(*n).ok().map(ClassBound::Exactly),
            RawClassBound::Text(t) => {
                let t = t.trim();
                let (ctor, rest): (fn(u8) -> ClassBound, &str) =
                    if let Some(r) = t.strip_prefix(">=") {
                        (ClassBound::AtLeast, r)
                    } else if let Some(r) = t.strip_prefix("<=") {
                        (ClassBound::AtMost, r)
                    } else if let Some(r) = t.strip_prefix('>') {
                        (|n| ClassBound::AtLeast(n.saturating_add(1)), r)
                    } else if let Some(r) = t.strip_prefix('<') {
                        (|n| ClassBound::AtMost(n.saturating_sub(1)), r)
                    } else if let Some(r) = t.strip_prefix("==") {
                        (ClassBound::Exactly, r)
                    } else {
                        (ClassBound::Exactly, t)
                    };
                rest.trim().parse::<u8>().ok().map(ctor)
            }
        };
        let in_range = |n: u8| CLASS_RANGE.contains(&i64::from(n));
        match parsed {
            Some(ClassBound::Exactly(n) | ClassBound::AtLeast(n) | ClassBound::AtMost(n))
                if in_range(n) =>
            {
                parsed
            }
            _ => {
                self.error(
                    s,
                    "invalid data class bound",
                    Some("write a level 1 to 5, optionally after `>=`, `>`, `<=` or `<`, like `\">=4\"`".into()),
                );
                None
            }
        }
    }

    fn expand_group(&mut self, name: &str, stack: &mut Vec<String>) -> Option<RegionSet> {
        if let Some(done) = self.policy.groups.get(name) {
            return Some(done.clone());
        }
        if self.failed_groups.contains(name) {
            return None;
        }
        let (name_span, members) = self.groups.get(name)?.clone();
        if stack.iter().any(|n| n == name) {
            self.error(
                name_span,
                format!(
                    "region group `{name}` refers to itself through {}",
                    stack.join(" → ")
                ),
                None,
            );
            return None;
        }
        if stack.len() >= MAX_GROUP_DEPTH {
            self.error(
                name_span,
                format!(
                    "region groups refer to each other more than {MAX_GROUP_DEPTH} levels deep"
                ),
                Some("flatten the groups: list the regions themselves".into()),
            );
            return None;
        }
        stack.push(name.to_owned());
        let set = self.expand_members(&members, stack);
        stack.pop();
        match &set {
            Some(set) => {
                self.policy.groups.insert(name.to_owned(), set.clone());
            }
            None => {
                self.failed_groups.insert(name.to_owned());
            }
        }
        set
    }

    fn expand_members(
        &mut self,
        members: &[(String, Span)],
        stack: &mut Vec<String>,
    ) -> Option<RegionSet> {
        let mut set = RegionSet::default();
        let mut ok = true;
        for (member, s) in members {
            let Some(group) = member.strip_prefix('@') else {
                set.regions.insert(member.clone());
                continue;
            };
            match group {
                "mainland" => set.mainland = true,
                "finance" => set.finance = true,
                "non_mainland" => set.non_mainland = true,
                _ if self.groups.contains_key(group) => match self.expand_group(group, stack) {
                    Some(inner) => set.extend(&inner),
                    None => ok = false,
                },
                _ => {
                    // Suggestions cost a comparison with every group: a few are enough to help.
                    let suggestion = if self.suggestions_left > 0 {
                        self.suggestions_left -= 1;
                        let known = self.groups.keys().map(String::as_str).chain(BUILTIN_GROUPS);
                        suggest::closest(group, known).map(|c| format!("did you mean `@{c}`?"))
                    } else {
                        None
                    };
                    let help = suggestion.unwrap_or_else(|| "define it under `[regions]`".into());
                    self.error(*s, format!("unknown region group `@{group}`"), Some(help));
                    ok = false;
                }
            }
        }
        ok.then_some(set)
    }
}

/// A TOML date without time or offset, as a calendar date.
pub fn plain_date(dt: &Datetime) -> Option<Date> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => Date::new(
            i16::try_from(d.year).ok()?,
            i8::try_from(d.month).ok()?,
            i8::try_from(d.day).ok()?,
        )
        .ok(),
        _ => None,
    }
}

/// Globs over addresses read naturally with `**` after a dot (`module.payments.**`).
pub fn normalize_address_glob(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '*' && chars.get(i + 1) == Some(&'*') {
            let before_ok = i == 0 || chars[i - 1] == '/';
            let after_ok = i + 2 == chars.len() || chars[i + 2] == '/';
            if before_ok && after_ok {
                out.push_str("**");
            } else {
                out.push('*');
            }
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_globs_accept_double_star_after_a_dot() {
        assert_eq!(
            normalize_address_glob("module.payments.**"),
            "module.payments.*"
        );
        assert_eq!(normalize_address_glob("payments/**"), "payments/**");
        assert_eq!(
            normalize_address_glob("**/ledger.deploy.toml"),
            "**/ledger.deploy.toml"
        );
    }
}
