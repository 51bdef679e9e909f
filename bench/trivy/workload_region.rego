# METADATA
# title: Workload's required region is outside the allowed list
# description: >-
#   A Kubernetes workload whose nodeSelector or required node affinity (`In`) names a region, on
#   the region labels, that is not a mainland region of yunlint's built-in cn-finance pack. The
#   trivy counterpart of CKV_YUN_3 in bench/checkov/.
# schemas:
#   - input: schema["kubernetes"]
# custom:
#   id: YUN003
#   avd_id: YUN003
#   severity: HIGH
#   short_code: workload-region
#   input:
#     selector:
#       - type: kubernetes
package user.yunlint.workload_region

import data.lib.yunlint
import rego.v1

templated_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := input.spec if input.kind == "Pod"

pod_spec := input.spec.template.spec if input.kind in templated_kinds

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

required_regions contains region if {
	some label, region in pod_spec.nodeSelector
	label in yunlint.region_labels
}

required_regions contains region if {
	some term in pod_spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
	some expression in term.matchExpressions
	expression.key in yunlint.region_labels
	expression.operator == "In"
	some region in expression.values
}

outside := {region | some region in required_regions; yunlint.outside(region)}

deny contains res if {
	count(outside) > 0
	res := result.new(sprintf("%s %q requires region %v, outside the allowed list", [input.kind, input.metadata.name, sort(outside)]), input)
}
