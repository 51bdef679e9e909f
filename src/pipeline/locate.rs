//! Completes placements with what the provider registry knows about how places are written: the
//! provider's own rewrite of a region (azurerm reads `China East 2` as `chinaeast2`), zone lists
//! written as one comma-separated string, and a zone that fixes the region when nothing else does
//! (a resource in zone `cn-hongkong-b` can only be created in `cn-hongkong`, whatever the
//! environment says).

use crate::model::{Placement, Resolution, Resolved, Via};
use crate::policy::{Policy, ProviderEntry};

pub fn complete(placements: &mut [Box<Placement>], policy: &Policy) {
    for placement in placements.iter_mut() {
        let placement = &mut **placement;
        if let Some(entry) = policy.provider(&placement.provider.value) {
            complete_one(entry, &mut placement.region, &mut placement.zones);
        }
        for replica in &mut placement.replicas {
            if let Some(entry) = policy.provider(&replica.provider.value) {
                complete_one(entry, &mut replica.region, &mut replica.zones);
            }
        }
    }
}

/// Completes one region and its zones with what the provider's registry entry knows.
pub(crate) fn complete_one(
    entry: &ProviderEntry,
    region: &mut Resolution<String>,
    zones: &mut Vec<Resolved<String>>,
) {
    split_zone_lists(zones);
    if let Ok(resolved) = region {
        normalize(entry, resolved);
        return;
    }
    let from_zone = zones.iter().find_map(|zone| {
        let found = entry.region_of_zone(&zone.value)?;
        let mut via = vec![Via {
            span: zone.span,
            note: format!("zone `{}` lies in region `{found}`", zone.value).into(),
        }];
        via.extend(zone.via.iter().cloned());
        Some(Resolved {
            value: found,
            span: zone.span,
            via,
        })
    });
    if let Some(mut resolved) = from_zone {
        normalize(entry, &mut resolved);
        *region = Ok(resolved);
    }
}

/// `"cn-zhangjiakou-a,cn-zhangjiakou-b"` is two zones.
fn split_zone_lists(zones: &mut Vec<Resolved<String>>) {
    if !zones.iter().any(|z| z.value.contains(',')) {
        return;
    }
    *zones = std::mem::take(zones)
        .into_iter()
        .flat_map(|zone| {
            let parts: Vec<String> = zone
                .value
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            parts.into_iter().map(move |value| Resolved {
                value,
                span: zone.span,
                via: zone.via.clone(),
            })
        })
        .collect();
}

fn normalize(entry: &ProviderEntry, region: &mut Resolved<String>) {
    let Some(normalized) = entry.normalized(&region.value) else {
        return;
    };
    let span = region.via.first().map_or(region.span, |v| v.span);
    region.via.insert(
        0,
        Via {
            span,
            note: format!("`{}` reads `{}` as `{normalized}`", entry.id, region.value).into(),
        },
    );
    region.value = normalized;
}
