//! The effective policy: the built-in pack with the repository's `yunlint.toml` merged over it.
//! A policy is data; the rules read it through the queries here.

mod build;
pub mod keys;
pub mod raw;
pub mod registry;

use std::collections::{BTreeMap, BTreeSet};

use globset::GlobMatcher;
use jiff::civil::Date;

pub use build::{PolicyBuilder, normalize_address_glob, plain_date};
pub use registry::{Certification, Normalize, ProviderEntry, RegionClass, Unlisted};

use crate::model::Placement;
use crate::source::Span;

/// The built-in pack, embedded so that `yunlint check` works with no configuration.
pub const BUILTIN_PACK_NAME: &str = "cn-finance";
pub const BUILTIN_PACK: &str = include_str!("builtin/cn-finance.toml");

/// Group names every policy has, computed from the provider registry.
pub const BUILTIN_GROUPS: [&str; 3] = ["mainland", "finance", "non_mainland"];

#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub finance_grade_from: u8,
    pub default_data_class: u8,
    pub require_certified: bool,
    pub providers: BTreeMap<String, ProviderEntry>,
    /// Named region groups (`[regions]`), expanded.
    pub groups: BTreeMap<String, RegionSet>,
    pub residency: Vec<Residency>,
    pub classify: Vec<Classify>,
    /// Every `classify` glob, compiled once: the i-th glob is `classify[i]`'s. Matching them one
    /// by one made 5,000 entries against 5,000 workloads 25 million matches.
    pub classify_set: globset::GlobSet,
    /// The date certifications are judged at (`--as-of`, else today).
    pub today: Date,
}

/// A set of regions: explicit ids plus the built-in groups, which depend on each provider's lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionSet {
    pub regions: BTreeSet<String>,
    pub mainland: bool,
    pub finance: bool,
    pub non_mainland: bool,
}

impl RegionSet {
    pub fn contains(&self, provider: &ProviderEntry, region: &str) -> bool {
        let canonical = provider.canonical(region);
        if self.regions.contains(region) || self.regions.contains(canonical) {
            return true;
        }
        match provider.classify(region) {
            RegionClass::Finance => self.finance || self.mainland,
            RegionClass::Mainland => self.mainland,
            RegionClass::NonMainland => self.non_mainland,
            RegionClass::Unknown => false,
        }
    }

    /// The members as written: ids, then `@group` names.
    pub fn describe(&self) -> Vec<String> {
        let mut out: Vec<String> = self.regions.iter().cloned().collect();
        for (on, name) in [
            (self.mainland, "@mainland"),
            (self.finance, "@finance"),
            (self.non_mainland, "@non_mainland"),
        ] {
            if on {
                out.push(name.to_owned());
            }
        }
        out
    }

    fn extend(&mut self, other: &RegionSet) {
        self.regions.extend(other.regions.iter().cloned());
        self.mainland |= other.mainland;
        self.finance |= other.finance;
        self.non_mainland |= other.non_mainland;
    }
}

/// Which data classes a residency requirement covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassBound {
    Any,
    Exactly(u8),
    AtLeast(u8),
    AtMost(u8),
}

impl ClassBound {
    pub fn matches(self, class: u8) -> bool {
        match self {
            ClassBound::Any => true,
            ClassBound::Exactly(n) => class == n,
            ClassBound::AtLeast(n) => class >= n,
            ClassBound::AtMost(n) => class <= n,
        }
    }
}

/// `[[residency]]`: placements of the covered classes must be in `allow`.
#[derive(Debug, Clone)]
pub struct Residency {
    pub bound: ClassBound,
    pub allow: RegionSet,
    pub allow_span: Span,
    pub reason: Option<String>,
}

/// `[[classify]]`: a data class for addresses or paths matching a glob.
#[derive(Debug, Clone)]
pub struct Classify {
    pub pattern: String,
    pub matcher: GlobMatcher,
    pub data_class: u8,
    pub span: Span,
}

/// The data class a placement is checked with, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EffectiveClass {
    pub value: u8,
    pub origin: ClassOrigin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassOrigin {
    /// Set on the workload (or its service): the span of the value.
    Declared(Span),
    /// A `[[classify]]` entry matched: the span of its `data_class`.
    Classified(Span),
    /// Nobody said: the pack's `default_data_class`.
    Default,
}

impl Policy {
    pub fn provider(&self, id: &str) -> Option<&ProviderEntry> {
        self.providers.get(id)
    }

    /// The first that is set of: the placement's own class, a `[[classify]]` match on its address or
    /// path, the pack's default.
    pub fn effective_class(&self, placement: &Placement) -> EffectiveClass {
        if let Some(class) = &placement.data_class {
            return EffectiveClass {
                value: class.value,
                origin: ClassOrigin::Declared(class.span),
            };
        }
        // A Terraform address may carry its root module (`envs/prod:module.db.x.y`): globs match
        // the address with and without it.
        // An instance (`web[0]`, `module.app["a"].x`) matches as its block does too.
        let block = crate::model::without_instance_keys(&placement.address);
        let addresses = std::iter::once(placement.address.as_str()).chain(block.as_deref());
        let mut candidates: Vec<&str> = Vec::with_capacity(5);
        for address in addresses {
            candidates.push(address);
            if let Some((_, bare)) = address.split_once(':') {
                candidates.push(bare);
            }
        }
        candidates.push(&placement.path);
        // the first entry written that matches any of them
        let matched = candidates
            .iter()
            .filter_map(|text| self.classify_set.matches(text).into_iter().min())
            .min()
            .and_then(|i| self.classify.get(i));
        match matched {
            Some(c) => EffectiveClass {
                value: c.data_class,
                origin: ClassOrigin::Classified(c.span),
            },
            None => EffectiveClass {
                value: self.default_data_class,
                origin: ClassOrigin::Default,
            },
        }
    }

    /// The first residency requirement covering `class` that does not allow `region`.
    pub fn residency_violation(
        &self,
        provider: &ProviderEntry,
        region: &str,
        class: u8,
    ) -> Option<&Residency> {
        self.residency
            .iter()
            .find(|r| r.bound.matches(class) && !r.allow.contains(provider, region))
    }

    /// Whether data of `class` must sit in a finance-grade region.
    pub fn needs_finance_grade(&self, class: u8) -> bool {
        class >= self.finance_grade_from
    }
}
