//! The finding-heavy profile (`yunlint-gen --profile heavy`): the Terraform of a system is a stack
//! of environments that each instantiate 5 to 14 of the stack's own local modules, some of them
//! through the DR alias, and most environments carry a fault, so that a run reports about three
//! findings per file across every rule, as a first run on a real repository does.
//!
//! The rest of a system (descriptors, manifests, plans, Helm charts) is the light profile's, with
//! one of its planted violations in every system instead of one in sixteen.
//!
//! Layout of a heavy stack:
//!
//! ```text
//! terraform/<team>/<system>/modules/<kind>/main.tf   local modules (variables and resources)
//! terraform/<team>/<system>/envs/<env>/              providers.tf (default + alias "dr"),
//!                                                    variables.tf, main.tf, terraform.tfvars
//! ```

use std::fmt::Write as _;
use std::io;

use super::{Cloud, Env, Kind, Out, Rng, System};

/// What is wrong with one environment root; each gives one rule's findings on many placements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Sensitive data in a mainland region that is not finance-grade: YL202.
    NotFinanceGrade,
    /// The DR alias points at Hong Kong: YL201 on the standby, YL301 on replication destinations.
    DrHongKong,
    /// A misspelt region: YL203.
    TypoRegion,
    /// The region variable has no value: YL204 (once per provider configuration).
    Unresolved,
    /// Class 5 data outside the Shanghai-Shenzhen pair of `[[residency]]`: YL205.
    Residency,
    /// Zones of another region: YL207.
    ZoneMismatch,
    /// A Huawei Cloud module, uncertified in `yunlint.toml`: YL101 (and YL202).
    Uncertified,
    /// A Baidu Cloud module, whose certification has expired: YL103.
    Expired,
    /// A resource of a provider nobody registered: YL102.
    UnknownProvider,
    /// Inline suppressions: without a reason (YL903), expired (YL902), unreadable (YL905),
    /// unused (YL904), without `until` where `[suppressions]` requires one (YL906).
    Suppressions,
}

const FAULTS: [(Fault, usize); 10] = [
    (Fault::NotFinanceGrade, 22),
    (Fault::DrHongKong, 16),
    (Fault::TypoRegion, 12),
    (Fault::Unresolved, 4),
    (Fault::Residency, 10),
    (Fault::ZoneMismatch, 10),
    (Fault::Uncertified, 8),
    (Fault::Expired, 6),
    (Fault::UnknownProvider, 4),
    (Fault::Suppressions, 8),
];

fn draw_faults(r: &mut Rng) -> Vec<Fault> {
    let mut faults = Vec::new();
    // One root in ten is clean; the others have one or two faults.
    if r.chance(10) {
        return faults;
    }
    let n = if r.chance(55) { 2 } else { 1 };
    let total: usize = FAULTS.iter().map(|(_, w)| w).sum();
    while faults.len() < n {
        let mut x = r.below(total);
        for (f, w) in FAULTS {
            if x < w {
                if !faults.contains(&f) {
                    faults.push(f);
                }
                break;
            }
            x -= w;
        }
    }
    faults
}

/// The kinds of local module a stack has, per cloud: (directory, resources).
fn module_kinds(cloud: Cloud) -> [(&'static str, &'static str); 5] {
    match cloud {
        Cloud::Ali => [
            ("compute", ALI_COMPUTE),
            ("database", ALI_DATABASE),
            ("storage", ALI_STORAGE),
            ("network", ALI_NETWORK),
            ("cluster", ALI_CLUSTER),
        ],
        Cloud::Tencent => [
            ("compute", TC_COMPUTE),
            ("database", TC_DATABASE),
            ("storage", TC_STORAGE),
            ("network", TC_NETWORK),
            ("cluster", TC_CLUSTER),
        ],
    }
}

/// Variables every local module declares, so that every call can pass the same arguments.
const MODULE_VARS: &str = r#"variable "name" {
  type = string
}

variable "zones" {
  type = list(string)
}

variable "dr_region" {
  type    = string
  default = ""
}

variable "data_class" {
  type    = number
  default = 3
}

variable "instance_count" {
  type    = number
  default = 2
}

locals {
  tags = {
    data-class = tostring(var.data_class)
    managed-by = "terraform"
  }
}
"#;

const ALI_COMPUTE: &str = r#"
resource "alicloud_instance" "app" {
  count             = var.instance_count
  instance_name     = format("%s-%02d", var.name, count.index)
  availability_zone = element(var.zones, count.index)
  instance_type     = "ecs.g7.large"
  image_id          = "aliyun_3_x64_20G_alibase_20240819.vhd"
  tags              = local.tags
}

resource "alicloud_ecs_disk" "data" {
  count     = var.instance_count
  disk_name = format("%s-data-%02d", var.name, count.index)
  zone_id   = element(var.zones, count.index)
  category  = "cloud_essd"
  size      = 500
  tags      = local.tags
}

resource "alicloud_security_group" "app" {
  security_group_name = "${var.name}-app"
}
"#;

const ALI_DATABASE: &str = r#"
resource "alicloud_db_instance" "main" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "mysql.n4.large.2c"
  instance_storage = 200
  instance_name    = "${var.name}-mysql"
  zone_id          = var.zones[0]
  tags             = local.tags
}

resource "alicloud_db_database" "app" {
  instance_id = alicloud_db_instance.main.id
  name        = replace(var.name, "-", "_")
}

resource "alicloud_kvstore_instance" "cache" {
  db_instance_name = "${var.name}-cache"
  instance_class   = "redis.master.small.default"
  zone_id          = var.zones[0]
  tags             = local.tags
}
"#;

const ALI_STORAGE: &str = r#"
resource "alicloud_oss_bucket" "data" {
  bucket = "${var.name}-data"
  tags   = local.tags
}

resource "alicloud_oss_bucket_replication" "dr" {
  bucket = alicloud_oss_bucket.data.bucket
  action = "ALL"

  destination {
    bucket   = "${var.name}-data-dr"
    location = "oss-${var.dr_region}"
  }
}
"#;

const ALI_NETWORK: &str = r#"
resource "alicloud_vpc" "this" {
  vpc_name   = "${var.name}-vpc"
  cidr_block = "10.0.0.0/16"
}

resource "alicloud_vswitch" "zone" {
  count        = length(var.zones)
  vpc_id       = alicloud_vpc.this.id
  cidr_block   = cidrsubnet("10.0.0.0/16", 8, count.index)
  zone_id      = var.zones[count.index]
  vswitch_name = "${var.name}-${count.index}"
}
"#;

const ALI_CLUSTER: &str = r#"
resource "alicloud_cs_managed_kubernetes" "this" {
  name         = var.name
  cluster_spec = "ack.pro.small"
  zone_ids     = var.zones
  tags         = local.tags
}

resource "alicloud_cs_kubernetes_node_pool" "workers" {
  cluster_id     = alicloud_cs_managed_kubernetes.this.id
  node_pool_name = "${var.name}-workers"
  instance_types = ["ecs.g7.xlarge"]
  desired_size   = 3
}
"#;

const TC_COMPUTE: &str = r#"
resource "tencentcloud_instance" "app" {
  count             = var.instance_count
  instance_name     = "${var.name}-${count.index}"
  availability_zone = element(var.zones, count.index)
  image_id          = "img-9qabwvbn"
  instance_type     = "S5.MEDIUM4"
  tags              = local.tags
}

resource "tencentcloud_cbs_storage" "data" {
  count             = var.instance_count
  storage_name      = "${var.name}-data-${count.index}"
  storage_type      = "CLOUD_PREMIUM"
  storage_size      = 500
  availability_zone = element(var.zones, count.index)
  tags              = local.tags
}

resource "tencentcloud_security_group" "app" {
  name = "${var.name}-app"
}
"#;

const TC_DATABASE: &str = r#"
resource "tencentcloud_mysql_instance" "main" {
  instance_name     = "${var.name}-cdb"
  engine_version    = "8.0"
  mem_size          = 4000
  volume_size       = 200
  availability_zone = var.zones[0]
  tags              = local.tags
}

resource "tencentcloud_mysql_readonly_instance" "read" {
  master_instance_id = tencentcloud_mysql_instance.main.id
  instance_name      = "${var.name}-cdb-ro"
  mem_size           = 4000
  volume_size        = 200
  zone               = var.zones[0]
}

resource "tencentcloud_redis_instance" "cache" {
  name              = "${var.name}-cache"
  availability_zone = var.zones[0]
  type_id           = 8
  mem_size          = 8192
  tags              = local.tags
}
"#;

const TC_STORAGE: &str = r#"
resource "tencentcloud_cos_bucket" "data" {
  bucket       = "${var.name}-data-1250000000"
  acl          = "private"
  replica_role = "qcs::cam::uin/100000000001:uin/100000000001"

  replica_rules {
    id                 = "dr"
    status             = "Enabled"
    destination_bucket = "qcs::cos:${var.dr_region}::${var.name}-data-dr-1250000000"
  }

  tags = local.tags
}
"#;

const TC_NETWORK: &str = r#"
resource "tencentcloud_vpc" "this" {
  name       = "${var.name}-vpc"
  cidr_block = "10.0.0.0/16"
}

resource "tencentcloud_subnet" "zone" {
  count             = length(var.zones)
  vpc_id            = tencentcloud_vpc.this.id
  name              = "${var.name}-${count.index}"
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = var.zones[count.index]
}
"#;

const TC_CLUSTER: &str = r#"
resource "tencentcloud_kubernetes_cluster" "this" {
  cluster_name    = var.name
  cluster_version = "1.30.0"
  cluster_cidr    = "172.16.0.0/16"

  worker_config {
    availability_zone = var.zones[0]
    instance_type     = "SA2.LARGE8"
    count             = 3
  }

  tags = local.tags
}

resource "tencentcloud_kubernetes_node_pool" "workers" {
  cluster_id = tencentcloud_kubernetes_cluster.this.id
  name       = "${var.name}-workers"
  zones      = var.zones
  max_size   = 6
  min_size   = 3
}
"#;

/// A Huawei Cloud module (`Fault::Uncertified`) and a Baidu Cloud one (`Fault::Expired`).
const HW_COMPUTE: &str = r#"
resource "huaweicloud_compute_instance" "app" {
  count             = var.instance_count
  name              = "${var.name}-${count.index}"
  availability_zone = "cn-north-4a"
  flavor_id         = "c7.large.2"
  image_id          = "e5b8c6ff-0000-4f4b-8f7e-000000000000"
}
"#;

const BD_COMPUTE: &str = r#"
resource "baiducloud_instance" "app" {
  count                 = var.instance_count
  name                  = "${var.name}-${count.index}"
  availability_zone     = "cn-bj-a"
  instance_spec         = "bcc.g5.c2m8"
  image_id              = "m-DpgNg8lO"
  billing = {
    payment_timing = "Postpaid"
  }
}
"#;

/// Writes a heavy stack's local modules and environment roots.
pub(super) fn terraform_stack(
    out: &mut Out<'_>,
    s: &System,
    stack: &str,
    r: &mut Rng,
) -> io::Result<()> {
    let kinds = module_kinds(s.cloud);
    for (kind, body) in kinds {
        out.put(
            &format!("{stack}/modules/{kind}/main.tf"),
            Kind::Terraform,
            &format!(
                "# {}: {kind} tier, used by every environment.\n{MODULE_VARS}{body}",
                s.name
            ),
        )?;
    }
    let mut extra_modules = Vec::new();
    let roots: Vec<(Root, Vec<Fault>)> = ROOTS.iter().map(|&e| (e, draw_faults(r))).collect();
    if roots.iter().any(|(_, f)| f.contains(&Fault::Uncertified)) {
        extra_modules.push(("huawei", HW_COMPUTE));
    }
    if roots.iter().any(|(_, f)| f.contains(&Fault::Expired)) {
        extra_modules.push(("baidu", BD_COMPUTE));
    }
    for (kind, body) in &extra_modules {
        out.put(
            &format!("{stack}/modules/{kind}/main.tf"),
            Kind::Terraform,
            &format!("# {}: {kind} pilot.\n{MODULE_VARS}{body}", s.name),
        )?;
    }
    for (env, faults) in roots {
        root(out, s, env, &faults, stack, r)?;
    }
    Ok(())
}

/// The environments of a heavy stack: the light profile's three, and two more in the production
/// region.
#[derive(Debug, Clone, Copy)]
struct Root {
    name: &'static str,
    env: Env,
}

const ROOTS: [Root; 5] = [
    Root {
        name: "prod",
        env: Env::Prod,
    },
    Root {
        name: "dr",
        env: Env::Dr,
    },
    Root {
        name: "test",
        env: Env::Test,
    },
    Root {
        name: "uat",
        env: Env::Prod,
    },
    Root {
        name: "perf",
        env: Env::Prod,
    },
];

fn root(
    out: &mut Out<'_>,
    s: &System,
    root: Root,
    faults: &[Fault],
    stack: &str,
    r: &mut Rng,
) -> io::Result<()> {
    let env = root.env;
    let dir = format!("{stack}/envs/{}", root.name);
    let p = s.cloud.provider();
    let has = |f: Fault| faults.contains(&f);
    let class = if has(Fault::Residency) {
        5
    } else {
        s.tf_class(env).max(3)
    };
    let mut region = s.region(env);
    if has(Fault::NotFinanceGrade) || has(Fault::Residency) {
        region = match (s.cloud, has(Fault::Residency)) {
            (Cloud::Ali, true) => "cn-beijing-finance-1",
            (Cloud::Tencent, true) => "ap-beijing-fsi",
            _ => s.test_region,
        };
    }
    let dr_region = if has(Fault::DrHongKong) {
        s.cloud.hong_kong()
    } else {
        s.cloud.dr_region()
    };
    let zones_region = if has(Fault::ZoneMismatch) {
        s.cloud.dr_region()
    } else {
        region
    };
    let zones = s.cloud.zones(zones_region);
    let dr_zones = s.cloud.zones(dr_region);

    let mut providers = format!(
        r#"terraform {{
  required_providers {{
    {p} = {{
      source = "{source}"
    }}
  }}
}}

provider "{p}" {{
  region = var.region
}}

provider "{p}" {{
  alias  = "dr"
  region = var.dr_region
}}
"#,
        source = s.cloud.source(),
    );
    if has(Fault::Uncertified) {
        providers.push_str("\nprovider \"huaweicloud\" {\n  region = \"cn-north-4\"\n}\n");
    }
    if has(Fault::Expired) {
        providers.push_str("\nprovider \"baiducloud\" {\n  region = \"bj\"\n}\n");
    }
    out.put(&format!("{dir}/providers.tf"), Kind::Terraform, &providers)?;

    let vars = format!(
        r#"variable "environment" {{
  type    = string
  default = "{env}"
}}

variable "region" {{
  type = string
}}

variable "dr_region" {{
  type = string
}}

variable "zones" {{
  type = list(string)
}}

variable "dr_zones" {{
  type = list(string)
}}

variable "data_class" {{
  type    = number
  default = 3
}}

locals {{
  name = "{name}-${{var.environment}}"
}}
"#,
        env = root.name,
        name = s.name,
    );
    out.put(&format!("{dir}/variables.tf"), Kind::Terraform, &vars)?;

    let mut main = format!(
        "# {name} ({env}): owned by {team}. Generated benchmark stack.\n",
        name = s.name,
        env = root.name,
        team = s.team
    );
    let kinds = module_kinds(s.cloud);
    let calls = r.range(5, 14);
    for i in 0..calls {
        let (kind, _) = kinds[if i < kinds.len() {
            i
        } else {
            r.below(kinds.len())
        }];
        let dr = i > 0 && r.chance(30);
        let comment = if has(Fault::Suppressions) && i < 5 {
            match i {
                0 => "# yunlint: allow YL207 until=2027-06-30\n",
                1 => "# yunlint: allow YL201 reason=\"pilot, CR-2024-007\" until=2025-01-31\n",
                2 => "# yunlint: allow YL2O1 reason=\"typo in the code\" until=2027-06-30\n",
                3 => "# yunlint: allow YL206 reason=\"not a cluster\" until=2027-06-30\n",
                _ => "# yunlint: allow YL203 reason=\"being renamed\"\n",
            }
        } else {
            ""
        };
        let _ = write!(
            main,
            "\n{comment}module \"{kind}_{i}\" {{\n  source         = \"../../modules/{kind}\"\n  name           = \"${{local.name}}-{kind}-{i}\"\n  zones          = var.{z}\n  dr_region      = var.dr_region\n  data_class     = var.data_class\n  instance_count = {n}\n",
            z = if dr { "dr_zones" } else { "zones" },
            n = r.range(2, 6),
        );
        if dr {
            let _ = write!(main, "\n  providers = {{\n    {p} = {p}.dr\n  }}\n");
        }
        main.push_str("}\n");
    }
    for (f, kind, provider) in [
        (Fault::Uncertified, "huawei", "huaweicloud"),
        (Fault::Expired, "baidu", "baiducloud"),
    ] {
        if has(f) {
            let _ = write!(
                main,
                "\nmodule \"{kind}\" {{\n  source         = \"../../modules/{kind}\"\n  name           = \"${{local.name}}-{kind}\"\n  zones          = []\n  data_class     = var.data_class\n  instance_count = 3\n\n  providers = {{\n    {provider} = {provider}\n  }}\n}}\n"
            );
        }
    }
    if has(Fault::UnknownProvider) {
        main.push_str(
            "\nresource \"bankcloud_vm\" \"legacy\" {\n  name = \"${local.name}-legacy\"\n}\n\nresource \"bankcloud_disk\" \"legacy\" {\n  size = 100\n}\n",
        );
    }
    out.put(&format!("{dir}/main.tf"), Kind::Terraform, &main)?;

    let list = |zs: &[String]| {
        zs.iter()
            .take(2)
            .map(|z| format!("\"{z}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut tfvars = String::new();
    if has(Fault::Unresolved) {
        tfvars.push_str("# region comes from the pipeline (TF_VAR_region)\n");
    } else if has(Fault::TypoRegion) {
        let _ = writeln!(tfvars, "region     = \"{}\"", s.cloud.typo());
    } else {
        let _ = writeln!(tfvars, "region     = \"{region}\"");
    }
    let _ = writeln!(tfvars, "dr_region  = \"{dr_region}\"");
    let _ = writeln!(tfvars, "zones      = [{}]", list(&zones));
    let _ = writeln!(tfvars, "dr_zones   = [{}]", list(&dr_zones));
    let _ = writeln!(tfvars, "data_class = {class}");
    out.put(&format!("{dir}/terraform.tfvars"), Kind::TfVars, &tfvars)
}

/// What the heavy profile adds to `yunlint.toml`: the Huawei pilot is not certified, the Baidu
/// certification has expired, and every suppression must have an end date.
pub(super) const CONFIG: &str = r#"
[providers.huaweicloud]
certified = false
certified_by = "compliance, ref. CR-2026-116"
source = "internal cloud register, 2026-09 review"
as_of = 2026-09-30

[providers.baiducloud]
certified = true
certified_by = "compliance, ref. CR-2023-041"
source = "internal cloud register, 2023-06 review"
as_of = 2023-06-30
until = 2025-06-30

[suppressions]
until_required = true
"#;
