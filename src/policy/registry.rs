//! The provider registry: certification and the explicit region lists of each provider.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certification {
    Certified,
    NotCertified,
    Unknown,
}

impl Certification {
    pub fn as_str(self) -> &'static str {
        match self {
            Certification::Certified => "true",
            Certification::NotCertified => "false",
            Certification::Unknown => "unknown",
        }
    }
}

/// Where a region stands, from the registry's explicit lists only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionClass {
    /// Mainland China and finance-grade.
    Finance,
    /// Mainland China.
    Mainland,
    /// Outside mainland China (Hong Kong, Macau and Taiwan included).
    NonMainland,
    /// Not in any list of the provider.
    Unknown,
}

impl RegionClass {
    pub fn is_mainland(self) -> bool {
        matches!(self, RegionClass::Finance | RegionClass::Mainland)
    }
}

/// How to treat a region that no list names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unlisted {
    #[default]
    Unknown,
    NonMainland,
}

#[derive(Debug, Clone)]
pub struct ProviderEntry {
    pub id: String,
    pub name: Option<String>,
    pub certified: Certification,
    /// Where `certified` was set, when it was set in a file.
    pub certified_span: Option<Span>,
    pub certified_by: Option<String>,
    pub source: Option<String>,
    pub as_of: Option<Date>,
    pub until: Option<(Date, Span)>,
    /// Region lists in the order the registry gives them (the first are suggested in help texts).
    pub finance: Vec<String>,
    pub mainland: Vec<String>,
    pub non_mainland: Vec<String>,
    pub aliases: BTreeMap<String, String>,
    pub unlisted: Unlisted,
    /// A zone id's grammar: the `region` group of a match is the region the zone lies in.
    pub zone_pattern: Option<regex::Regex>,
    /// The rewrites the provider applies to a region as written (azurerm reads `China East 2` as
    /// `chinaeast2`), in order.
    pub normalize: Vec<Normalize>,
    /// The key of the entry that last set it (the pack's or the user's).
    pub defined_at: Span,
}

/// Zones whose region is remembered per zone grammar and thread.
const MAX_MEMO_ZONES: usize = 4096;

/// The longest zone id remembered (real ones are under 32 bytes).
const MAX_MEMO_ZONE_LEN: usize = 64;

thread_local! {
    /// Regions of zones already matched on this thread, by zone grammar: a repository writes few
    /// zones, each reached by every placement of the modules that use it, and matching the
    /// grammar's capture group is the costly part of placing and checking a zone. Keyed by the
    /// pattern's text, so another policy never sees another grammar's answer.
    static ZONE_REGIONS: RefCell<HashMap<String, HashMap<String, Option<String>>>> =
        RefCell::default();
}

/// One rewrite a provider applies to a region as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalize {
    Lowercase,
    RemoveSpaces,
}

impl Normalize {
    pub const ALL: [(&'static str, Normalize); 2] = [
        ("lowercase", Normalize::Lowercase),
        ("remove-spaces", Normalize::RemoveSpaces),
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, n)| *n)
    }

    fn apply(self, region: &str) -> String {
        match self {
            Normalize::Lowercase => region.to_lowercase(),
            Normalize::RemoveSpaces => region.chars().filter(|c| !c.is_whitespace()).collect(),
        }
    }
}

impl ProviderEntry {
    pub fn new(id: String, defined_at: Span) -> Self {
        ProviderEntry {
            id,
            name: None,
            certified: Certification::Unknown,
            certified_span: None,
            certified_by: None,
            source: None,
            as_of: None,
            until: None,
            finance: Vec::new(),
            mainland: Vec::new(),
            non_mainland: Vec::new(),
            aliases: BTreeMap::new(),
            unlisted: Unlisted::Unknown,
            zone_pattern: None,
            normalize: Vec::new(),
            defined_at,
        }
    }

    /// The region as the provider reads it, when that differs from what is written.
    pub fn normalized(&self, region: &str) -> Option<String> {
        let mut out = region.to_owned();
        for step in &self.normalize {
            out = step.apply(&out);
        }
        (out != region).then_some(out)
    }

    /// The region a zone id lies in, by the provider's zone grammar.
    pub fn region_of_zone(&self, zone: &str) -> Option<String> {
        let pattern = self.zone_pattern.as_ref()?;
        ZONE_REGIONS.with(|memo| {
            let mut memo = memo.borrow_mut();
            if let Some(found) = memo.get(pattern.as_str()).and_then(|m| m.get(zone)) {
                return found.clone();
            }
            let region = pattern
                .captures(zone)
                .and_then(|c| c.name("region"))
                .map(|r| r.as_str())
                .filter(|r| !r.is_empty())
                .map(str::to_owned);
            // bounded in bytes too: a zone is a repository's value, and may be megabytes long
            if zone.len() <= MAX_MEMO_ZONE_LEN {
                let by_zone = match memo.get_mut(pattern.as_str()) {
                    Some(by_zone) => by_zone,
                    None => memo.entry(pattern.as_str().to_owned()).or_default(),
                };
                if by_zone.len() < MAX_MEMO_ZONES {
                    by_zone.insert(zone.to_owned(), region.clone());
                }
            }
            region
        })
    }

    /// The region id an alias stands for (`shjr` → `ap-shanghai-fsi`), or the region itself.
    pub fn canonical<'a>(&'a self, region: &'a str) -> &'a str {
        self.aliases.get(region).map_or(region, String::as_str)
    }

    pub fn classify(&self, region: &str) -> RegionClass {
        let region = self.canonical(region);
        let listed = |list: &[String]| list.iter().any(|r| r == region);
        if listed(&self.finance) {
            RegionClass::Finance
        } else if listed(&self.mainland) {
            RegionClass::Mainland
        } else if listed(&self.non_mainland) || self.unlisted == Unlisted::NonMainland {
            RegionClass::NonMainland
        } else {
            RegionClass::Unknown
        }
    }

    /// Every region id and alias the registry lists for this provider.
    pub fn known_regions(&self) -> impl Iterator<Item = &str> {
        self.finance
            .iter()
            .chain(&self.mainland)
            .chain(&self.non_mainland)
            .chain(self.aliases.keys())
            .map(String::as_str)
    }

    pub fn has_regions(&self) -> bool {
        self.known_regions().next().is_some()
    }

    /// The certification's end date, when it has passed as of `today`.
    pub fn expired(&self, today: Date) -> Option<(Date, Span)> {
        self.until.filter(|(until, _)| *until < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn entry() -> ProviderEntry {
        let mut e = ProviderEntry::new("tencentcloud".into(), Span::new(SourceId(0), 0..1));
        e.finance.push("ap-shanghai-fsi".into());
        e.mainland.push("ap-shanghai".into());
        e.non_mainland.push("ap-hongkong".into());
        e.aliases.insert("shjr".into(), "ap-shanghai-fsi".into());
        e
    }

    #[test]
    fn regions_are_classified_by_lists_not_prefixes() {
        let e = entry();
        assert_eq!(e.classify("ap-shanghai-fsi"), RegionClass::Finance);
        assert_eq!(e.classify("ap-shanghai"), RegionClass::Mainland);
        assert_eq!(e.classify("ap-hongkong"), RegionClass::NonMainland);
        assert_eq!(e.classify("ap-guangzhou"), RegionClass::Unknown);
    }

    #[test]
    fn aliases_classify_as_their_region() {
        assert_eq!(entry().classify("shjr"), RegionClass::Finance);
    }

    #[test]
    fn a_zone_grammar_gives_the_zone_s_region() {
        let mut e = entry();
        e.zone_pattern = regex::Regex::new(r"^(?P<region>.+?)-?[a-z]$").ok();
        assert_eq!(
            e.region_of_zone("cn-hongkong-b").as_deref(),
            Some("cn-hongkong")
        );
        assert_eq!(
            e.region_of_zone("cn-shanghai-finance-1z").as_deref(),
            Some("cn-shanghai-finance-1")
        );
        assert_eq!(e.region_of_zone("3"), None);
        e.zone_pattern = None;
        assert_eq!(e.region_of_zone("cn-hongkong-b"), None);
    }

    #[test]
    fn normalizing_follows_the_provider_s_rewrites() {
        let mut e = entry();
        assert_eq!(e.normalized("China East 2"), None);
        e.normalize = vec![Normalize::Lowercase, Normalize::RemoveSpaces];
        assert_eq!(e.normalized("China East 2").as_deref(), Some("chinaeast2"));
        assert_eq!(e.normalized("chinaeast2"), None);
    }

    #[test]
    fn unlisted_non_mainland_makes_every_other_region_abroad() {
        let mut e = entry();
        e.unlisted = Unlisted::NonMainland;
        assert_eq!(e.classify("us-east-1"), RegionClass::NonMainland);
    }
}
