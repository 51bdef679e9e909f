# METADATA
# title: Provider region is outside the allowed list
# description: >-
#   An alicloud or tencentcloud provider configuration whose region is not a mainland region of
#   yunlint's built-in cn-finance pack. The trivy counterpart of CKV_YUN_1 in bench/checkov/.
# schemas:
#   - input: schema["terraform-raw"]
# custom:
#   id: YUN001
#   avd_id: YUN001
#   severity: HIGH
#   short_code: provider-region
#   input:
#     selector:
#       - type: terraform-raw
package user.yunlint.provider_region

import data.lib.yunlint
import rego.v1

deny contains res if {
	some module in input.modules
	some block in module.blocks
	block.kind == "provider"
	block.name in {"alicloud", "tencentcloud"}
	attr := block.attributes.region
	yunlint.judgeable(attr)
	yunlint.outside(attr.value)
	res := result.new(sprintf("provider %q region %q is outside the allowed list", [block.name, attr.value]), attr)
}
