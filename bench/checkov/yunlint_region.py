"""Checkov custom checks equivalent to yunlint's core placement rule, for `bench/run --checkov`.

A workload is in violation when its region is not in the allowed list: the mainland regions
(finance-grade and public) of Alibaba Cloud and Tencent Cloud, as in yunlint's built-in cn-finance
pack, plus Tencent's TKE short codes (bench/peers/data/allowed-regions.json, which the trivy
checks in bench/trivy/ read too). Covers what checkov can see of the same corpus:

- CKV_YUN_1: Terraform `provider "alicloud"` / `provider "tencentcloud"` region (variables,
  tfvars and module inputs rendered by checkov's graph);
- CKV_YUN_2: cross-region copies (OSS replication destination, COS replica rules);
- CKV_YUN_3: Kubernetes workloads whose nodeSelector or required node affinity names a region.

Descriptors (`*.deploy.toml`), cluster mapping and plan provider configurations have no checkov
equivalent: yunlint does strictly more work on the same corpus.

Run: checkov -d CORPUS --external-checks-dir bench/checkov --check CKV_YUN_1,CKV_YUN_2,CKV_YUN_3
"""

import json
from os.path import dirname, join

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.kubernetes.checks.resource.base_spec_check import BaseK8Check
from checkov.terraform.checks.provider.base_check import BaseProviderCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# The allowed regions and the region labels, shared with the trivy checks in bench/trivy/.
_DATA = join(dirname(__file__), "..", "peers", "data", "allowed-regions.json")
with open(_DATA, encoding="utf-8") as f:
    _PEERS = json.load(f)["yunlint_peers"]
ALLOWED = {region for group in _PEERS["allowed_regions"].values() for region in group}
REGION_LABELS = set(_PEERS["region_labels"])


def first(value):
    """checkov wraps HCL attribute values in one-element lists."""
    while isinstance(value, list) and value:
        value = value[0]
    return value


def judge(region):
    if not isinstance(region, str) or not region or "${" in region or region.startswith("var."):
        return CheckResult.UNKNOWN
    return CheckResult.PASSED if region in ALLOWED else CheckResult.FAILED


class ProviderRegion(BaseProviderCheck):
    def __init__(self):
        super().__init__(
            name="Provider region is in the allowed list",
            id="CKV_YUN_1",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_provider=["alicloud", "tencentcloud"],
        )

    def scan_provider_conf(self, conf):
        return judge(first(conf.get("region")))


class ReplicaRegion(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Cross-region copy stays in the allowed list",
            id="CKV_YUN_2",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["alicloud_oss_bucket_replication", "tencentcloud_cos_bucket"],
        )

    def scan_resource_conf(self, conf):
        if "destination" in conf:  # OSS: location = "oss-<region>"
            location = first(first(conf["destination"]).get("location")) if isinstance(first(conf["destination"]), dict) else None
            if isinstance(location, str) and location.startswith("oss-"):
                return judge(location[len("oss-"):])
            return CheckResult.UNKNOWN
        rules = first(conf.get("replica_rules"))
        if isinstance(rules, dict):  # COS: qcs::cos:<region>::<bucket>
            dest = first(rules.get("destination_bucket"))
            if isinstance(dest, str) and dest.startswith("qcs::cos:"):
                return judge(dest[len("qcs::cos:"):].split("::")[0])
            return CheckResult.UNKNOWN
        return CheckResult.PASSED


class WorkloadRegion(BaseK8Check):
    def __init__(self):
        super().__init__(
            name="Workload's required region is in the allowed list",
            id="CKV_YUN_3",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_entities=["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"],
        )

    def scan_spec_conf(self, conf):
        spec = conf.get("spec") or {}
        if conf.get("kind") == "CronJob":
            spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
        pod = spec if conf.get("kind") == "Pod" else ((spec.get("template") or {}).get("spec") or {})
        if not isinstance(pod, dict):
            return CheckResult.UNKNOWN
        regions = [v for k, v in (pod.get("nodeSelector") or {}).items() if k in REGION_LABELS]
        required = (((pod.get("affinity") or {}).get("nodeAffinity") or {})
                    .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
        for term in required.get("nodeSelectorTerms") or []:
            for expr in (term or {}).get("matchExpressions") or []:
                if expr.get("key") in REGION_LABELS and expr.get("operator") == "In":
                    regions.extend(expr.get("values") or [])
        if not regions:
            return CheckResult.PASSED
        return CheckResult.FAILED if any(judge(r) == CheckResult.FAILED for r in regions) else CheckResult.PASSED


provider_check = ProviderRegion()
replica_check = ReplicaRegion()
workload_check = WorkloadRegion()
