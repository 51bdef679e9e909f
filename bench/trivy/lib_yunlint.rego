# The region list and labels shared by the checks in this directory, read from
# bench/peers/data/allowed-regions.json (`--config-data bench/peers/data`), the list
# bench/checkov/yunlint_region.py reads too.
package lib.yunlint

import rego.v1

allowed_regions := {region |
	some group in data.yunlint_peers.allowed_regions
	some region in group
}

region_labels := {label | some label in data.yunlint_peers.region_labels}

# A value the check can judge: a known string with no interpolation left in it. Anything else is
# neither a pass nor a failure, as checkov's UNKNOWN.
judgeable(attr) if {
	attr.known
	is_string(attr.value)
	attr.value != ""
	not contains(attr.value, "${")
}

outside(region) if not region in allowed_regions
