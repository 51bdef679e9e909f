//! A seeded generator of a realistic bank infrastructure monorepo, for yunlint's benchmarks.
//!
//! The same seed and scale always give the same bytes. The corpus grows by whole "systems" (a
//! team's application: a Terraform stack with prod/dr/test roots, its descriptors, its Kubernetes
//! manifests, sometimes a plan and a Helm chart), each drawn from its own seed, so a larger corpus
//! starts with the systems of a smaller one.
//!
//! Layout of a generated repository:
//!
//! ```text
//! yunlint.toml                                  policy, [[kubernetes.clusters]], classify, exclude
//! terraform/modules/<module>/                   shared modules (main.tf, variables.tf, outputs.tf)
//! terraform/platform/clusters/envs/<env>/       the ACK and TKE clusters the manifests run on
//! terraform/<team>/<system>/envs/<env>/         roots: main.tf, providers.tf (alias "dr"),
//!                                               variables.tf, terraform.tfvars, *.auto.tfvars
//! terraform/<team>/<system>/modules/data/       a stack-local module calling shared modules
//! services/<team>/<system>/<service>.deploy.toml
//! k8s/<env>/<team>/<system>/<service>.yaml      Deployment + Service + ConfigMap (+ HPA)
//! k8s/<env>/<team>/<system>/<service>-db.yaml   StatefulSet with nodeSelector + PVC
//! charts/<team>/<system>/templates/*.yaml       Helm templates (skipped by yunlint)
//! plans/<team>/<system>-prod.plan.json          `terraform show -json` of the prod root
//! archive/**                                    excluded by `[discovery] exclude`
//! ```
//!
//! Violations, two of each kind in the first systems and then one every 16 systems: Hong Kong
//! regions (Terraform, descriptor, manifest, plan, replica), misspelt regions, unresolved variables,
//! a manifest under no cluster, a descriptor with a misspelt key.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

mod heavy;

/// SplitMix64: tiny, fast and stable across versions (unlike `rand`'s `StdRng`).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for item `index` of a stream: independent of how many items came before.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.0 ^= r
            .next_u64()
            .wrapping_add(index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What kind of file, for the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Terraform,
    TfVars,
    Descriptor,
    Manifest,
    Plan,
    /// YAML that yunlint reads and skips (Helm templates, compose files).
    OtherYaml,
    /// Files yunlint's walk passes over (README.md, excluded or git-ignored paths).
    Other,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Terraform => "tf",
            Kind::TfVars => "tfvars",
            Kind::Descriptor => "deploy.toml",
            Kind::Manifest => "k8s yaml",
            Kind::Plan => "plan json",
            Kind::OtherYaml => "other yaml",
            Kind::Other => "other",
        }
    }
}

/// The violations planted on purpose, each one kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Violation {
    /// `dr_region` in a prod root's tfvars is Hong Kong: the DR copies leave the mainland.
    TfHongKongDr,
    /// A root's `region` in terraform.tfvars is misspelt.
    TfTypoRegion,
    /// A root's `region` variable has no default and no tfvars line.
    TfUnresolvedVariable,
    /// A descriptor workload in Hong Kong.
    DescriptorHongKong,
    /// A descriptor workload with a misspelt region.
    DescriptorTypoRegion,
    /// A descriptor replica in Singapore.
    DescriptorReplicaAbroad,
    /// A StatefulSet pinned to the Hong Kong node pool of a mainland cluster.
    ManifestHongKong,
    /// A manifest under `k8s/sandbox/`, which no cluster maps.
    ManifestNoCluster,
    /// A plan resource in Hong Kong.
    PlanHongKong,
    /// A descriptor key misspelt (`regoin`): a parse error.
    DescriptorParseError,
}

impl Violation {
    pub const ALL: [Violation; 10] = [
        Violation::TfHongKongDr,
        Violation::TfTypoRegion,
        Violation::TfUnresolvedVariable,
        Violation::DescriptorHongKong,
        Violation::DescriptorTypoRegion,
        Violation::DescriptorReplicaAbroad,
        Violation::ManifestHongKong,
        Violation::ManifestNoCluster,
        Violation::PlanHongKong,
        Violation::DescriptorParseError,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Violation::TfHongKongDr => "terraform: DR region in Hong Kong",
            Violation::TfTypoRegion => "terraform: misspelt region",
            Violation::TfUnresolvedVariable => "terraform: variable without a value",
            Violation::DescriptorHongKong => "descriptor: Hong Kong region",
            Violation::DescriptorTypoRegion => "descriptor: misspelt region",
            Violation::DescriptorReplicaAbroad => "descriptor: replica in Singapore",
            Violation::ManifestHongKong => "manifest: Hong Kong nodeSelector",
            Violation::ManifestNoCluster => "manifest: under no cluster",
            Violation::PlanHongKong => "plan: resource in Hong Kong",
            Violation::DescriptorParseError => "descriptor: misspelt key",
        }
    }
}

/// Which kind of repository to generate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// Few module instances and few findings per file (about 1.9 placements and 0.04 findings).
    #[default]
    Light,
    /// Terraform environments that each instantiate 5 to 14 local modules, some through a DR
    /// alias, and a fault in most of them: about 5.5 placements and 3 findings per file, across
    /// every rule (see `heavy.rs`).
    Heavy,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "light" => Some(Profile::Light),
            "heavy" => Some(Profile::Heavy),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Light => "light",
            Profile::Heavy => "heavy",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Approximate number of files (the generator stops at the first system boundary at or past it).
    pub files: usize,
    pub seed: u64,
    pub profile: Profile,
}

/// What was generated.
#[derive(Debug, Default)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    pub systems: usize,
    pub by_kind: BTreeMap<Kind, (usize, u64)>,
    pub violations: BTreeMap<Violation, usize>,
}

impl Stats {
    /// Files that yunlint reads (everything but [`Kind::Other`]).
    pub fn input_files(&self) -> usize {
        self.by_kind
            .iter()
            .filter(|(k, _)| **k != Kind::Other)
            .map(|(_, (n, _))| n)
            .sum()
    }

    pub fn input_bytes(&self) -> u64 {
        self.by_kind
            .iter()
            .filter(|(k, _)| **k != Kind::Other)
            .map(|(_, (_, b))| b)
            .sum()
    }
}

/// Where generated files go: a directory on disk, or memory (for tests and micro-benchmarks).
pub trait Sink {
    fn put(&mut self, rel: &str, text: &str) -> io::Result<()>;
}

/// Writes under a directory, creating parents as needed.
pub struct DirSink {
    root: PathBuf,
    made: std::collections::HashSet<PathBuf>,
}

impl DirSink {
    pub fn new(root: &Path) -> Self {
        DirSink {
            root: root.to_path_buf(),
            made: Default::default(),
        }
    }
}

impl Sink for DirSink {
    fn put(&mut self, rel: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent()
            && !self.made.contains(parent)
        {
            std::fs::create_dir_all(parent)?;
            self.made.insert(parent.to_path_buf());
        }
        std::fs::write(path, text)
    }
}

/// Keeps files in memory, in the order written.
#[derive(Default)]
pub struct MemSink {
    pub files: Vec<(String, String)>,
}

impl Sink for MemSink {
    fn put(&mut self, rel: &str, text: &str) -> io::Result<()> {
        self.files.push((rel.to_owned(), text.to_owned()));
        Ok(())
    }
}

struct Out<'s> {
    sink: &'s mut dyn Sink,
    stats: Stats,
}

impl Out<'_> {
    fn put(&mut self, rel: &str, kind: Kind, text: &str) -> io::Result<()> {
        self.sink.put(rel, text)?;
        self.stats.files += 1;
        self.stats.bytes += text.len() as u64;
        let e = self.stats.by_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += text.len() as u64;
        Ok(())
    }
}

// ───────────────────────────── vocabulary ─────────────────────────────

const TEAMS: [&str; 12] = [
    "payments",
    "cards",
    "retail",
    "wealth",
    "risk",
    "lending",
    "treasury",
    "hr",
    "ops",
    "data",
    "channels",
    "compliance",
];

const SYSTEM_WORDS: [&str; 24] = [
    "ledger",
    "gateway",
    "clearing",
    "settlement",
    "statements",
    "vault",
    "scoring",
    "onboarding",
    "kyc",
    "limits",
    "fx",
    "collateral",
    "loans",
    "deposits",
    "notify",
    "reporting",
    "archive",
    "portal",
    "batch",
    "search",
    "quotes",
    "payroll",
    "audit",
    "sanctions",
];

const SERVICE_WORDS: [&str; 12] = [
    "api",
    "worker",
    "db",
    "cache",
    "ingest",
    "web",
    "scheduler",
    "export",
    "stream",
    "admin",
    "sync",
    "auth",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cloud {
    Ali,
    Tencent,
}

impl Cloud {
    fn provider(self) -> &'static str {
        match self {
            Cloud::Ali => "alicloud",
            Cloud::Tencent => "tencentcloud",
        }
    }
    fn source(self) -> &'static str {
        match self {
            Cloud::Ali => "aliyun/alicloud",
            Cloud::Tencent => "tencentcloudstack/tencentcloud",
        }
    }
    fn prod_regions(self) -> &'static [&'static str] {
        match self {
            Cloud::Ali => &[
                "cn-shanghai-finance-1",
                "cn-beijing-finance-1",
                "cn-hangzhou-finance",
            ],
            Cloud::Tencent => &["ap-shanghai-fsi", "ap-beijing-fsi"],
        }
    }
    fn dr_region(self) -> &'static str {
        match self {
            Cloud::Ali => "cn-shenzhen-finance-1",
            Cloud::Tencent => "ap-shenzhen-fsi",
        }
    }
    fn test_regions(self) -> &'static [&'static str] {
        match self {
            Cloud::Ali => &["cn-hangzhou", "cn-shanghai", "cn-beijing"],
            Cloud::Tencent => &["ap-guangzhou", "ap-shanghai", "ap-beijing"],
        }
    }
    fn hong_kong(self) -> &'static str {
        match self {
            Cloud::Ali => "cn-hongkong",
            Cloud::Tencent => "ap-hongkong",
        }
    }
    fn typo(self) -> &'static str {
        match self {
            Cloud::Ali => "cn-shanghai-finace-1",
            Cloud::Tencent => "ap-shangahi-fsi",
        }
    }
    /// Zones of a region: Alibaba appends a letter, Tencent a number.
    fn zones(self, region: &str) -> Vec<String> {
        match self {
            Cloud::Ali => ["a", "b", "f", "g"]
                .iter()
                .map(|z| format!("{region}{z}"))
                .collect(),
            Cloud::Tencent => (1..=3).map(|n| format!("{region}-{n}")).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Env {
    Prod,
    Dr,
    Test,
}

impl Env {
    const ALL: [Env; 3] = [Env::Prod, Env::Dr, Env::Test];
    fn name(self) -> &'static str {
        match self {
            Env::Prod => "prod",
            Env::Dr => "dr",
            Env::Test => "test",
        }
    }
}

/// The cluster regions of `yunlint.toml` (see [`config`]).
const PROD_CLUSTER_REGION: &str = "cn-shanghai-finance-1";
const DR_CLUSTER_REGION: &str = "ap-shenzhen-fsi";
const TEST_CLUSTER_REGION: &str = "cn-hangzhou";

struct Service {
    name: String,
    data_class: Option<u8>,
    kind: &'static str,
    stateful: bool,
}

struct System {
    index: usize,
    team: &'static str,
    name: String,
    cloud: Cloud,
    prod_region: &'static str,
    test_region: &'static str,
    data_class: Option<u8>,
    services: Vec<Service>,
    /// Has a stack-local module under `modules/data`.
    local_module: bool,
    violation: Option<Violation>,
}

impl System {
    fn draw(seed: u64, index: usize, profile: Profile) -> System {
        let mut r = Rng::derive(seed, 1, index as u64);
        let team = TEAMS[index % TEAMS.len()];
        let name = format!("{}-{}-{:03}", team, r.pick(&SYSTEM_WORDS), index);
        let cloud = if r.chance(70) {
            Cloud::Ali
        } else {
            Cloud::Tencent
        };
        // Class 5 only in the Shanghai-Shenzhen pair (the residency rule of yunlint.toml).
        let data_class = match r.below(20) {
            0 | 1 => None, // nobody said: YL401 warnings
            2..=4 => Some(2),
            5..=11 => Some(3),
            12..=17 => Some(4),
            _ => Some(5),
        };
        let prod_region = if data_class == Some(5) {
            cloud.prod_regions()[0]
        } else {
            *r.pick(cloud.prod_regions())
        };
        let test_region = *r.pick(cloud.test_regions());
        let n = r.range(1, 4);
        let mut services = Vec::new();
        let mut used = Vec::new();
        while services.len() < n {
            let word = *r.pick(&SERVICE_WORDS);
            if used.contains(&word) {
                continue;
            }
            used.push(word);
            let stateful = matches!(word, "db" | "cache" | "stream");
            services.push(Service {
                name: format!("{name}-{word}"),
                data_class: if r.chance(25) {
                    Some(r.range(2, 4) as u8)
                } else {
                    None
                },
                kind: match word {
                    "db" | "cache" => "database",
                    "stream" | "export" => "storage",
                    "web" | "auth" => "network",
                    _ => "compute",
                },
                stateful,
            });
        }
        // The heavy profile plants one of the violations outside Terraform in every system (its
        // Terraform has faults of its own).
        let violation = if profile == Profile::Heavy {
            Some(Violation::ALL[3 + index % (Violation::ALL.len() - 3)])
        } else if index < 2 * Violation::ALL.len() {
            Some(Violation::ALL[index % Violation::ALL.len()])
        } else if index % 16 == 7 {
            Some(Violation::ALL[(index / 16) % Violation::ALL.len()])
        } else {
            None
        };
        System {
            index,
            team,
            name,
            cloud,
            prod_region,
            test_region,
            data_class,
            services,
            local_module: r.chance(40),
            violation,
        }
    }

    fn region(&self, env: Env) -> &'static str {
        match env {
            Env::Prod => self.prod_region,
            Env::Dr => self.cloud.dr_region(),
            Env::Test => self.test_region,
        }
    }

    /// The data class the Terraform of an environment tags its resources with.
    fn tf_class(&self, env: Env) -> u8 {
        match env {
            Env::Test => 1,
            _ => self.data_class.unwrap_or(3),
        }
    }

    fn has(&self, v: Violation) -> bool {
        self.violation == Some(v)
    }
}

// ───────────────────────────── the generator ─────────────────────────────

/// Writes a whole corpus into `sink`.
pub fn generate(sink: &mut dyn Sink, options: &Options) -> io::Result<Stats> {
    let mut out = Out {
        sink,
        stats: Stats::default(),
    };
    let mut config = config();
    if options.profile == Profile::Heavy {
        config.push_str(heavy::CONFIG);
    }
    out.put("yunlint.toml", Kind::Other, &config)?;
    out.put(
        ".gitignore",
        Kind::Other,
        "# Local Terraform state and build output never go into the repository.\n.terraform/\n*.tfstate\n*.tfstate.backup\n/build/\n",
    )?;
    out.put("README.md", Kind::Other, README)?;
    out.put(
        "build/rendered.deploy.toml",
        Kind::Other,
        "# git-ignored build output: never linted\n[[workload]]\nname = \"tmp\"\nprovider = \"alicloud\"\nregion = \"cn-hongkong\"\n",
    )?;
    out.put(
        "archive/old-dr.deploy.toml",
        Kind::Other,
        "# Decommissioned 2023: excluded by [discovery] exclude.\n[[workload]]\nname = \"old-dr\"\nprovider = \"alicloud\"\nregion = \"cn-hongkong\"\ndata_class = 4\n",
    )?;
    out.put(
        ".github/workflows/lint.yml",
        Kind::Other,
        "name: lint\non: [pull_request]\njobs:\n  yunlint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: yunlint check\n",
    )?;
    shared_modules(&mut out)?;
    platform(&mut out)?;
    let mut index = 0;
    while out.stats.files < options.files || index == 0 {
        let system = System::draw(options.seed, index, options.profile);
        let mut r = Rng::derive(options.seed, 2, index as u64);
        write_system(&mut out, &system, &mut r, options)?;
        if let Some(v) = system.violation {
            *out.stats.violations.entry(v).or_default() += 1;
        }
        index += 1;
    }
    out.stats.systems = index;
    Ok(out.stats)
}

fn write_system(out: &mut Out<'_>, s: &System, r: &mut Rng, options: &Options) -> io::Result<()> {
    let stack = format!("terraform/{}/{}", s.team, s.name);
    if options.profile == Profile::Heavy {
        // Its own stream, so that the rest of the system is drawn as in the light profile.
        let mut rh = Rng::derive(options.seed, 3, s.index as u64);
        heavy::terraform_stack(out, s, &stack, &mut rh)?;
    } else {
        if s.local_module {
            local_module(out, s, &stack)?;
        }
        for env in Env::ALL {
            terraform_root(out, s, env, &stack, r)?;
        }
    }
    for (i, svc) in s.services.iter().enumerate() {
        // Vendor-run and SaaS pieces are described only by descriptors; most services have one.
        if i == 0 || r.chance(75) {
            descriptor(out, s, svc, i, r)?;
        }
        for env in Env::ALL {
            if env == Env::Test && !r.chance(50) {
                continue;
            }
            manifests(out, s, svc, env, r)?;
        }
    }
    if s.has(Violation::ManifestNoCluster) {
        let svc = &s.services[0];
        let text = deployment(s, svc, Env::Test, r);
        out.put(
            &format!("k8s/sandbox/{}/{}-tryout.yaml", s.team, svc.name),
            Kind::Manifest,
            &text,
        )?;
    }
    if r.chance(10) || s.has(Violation::ManifestNoCluster) {
        helm_chart(out, s, r)?;
    }
    if r.chance(5) {
        out.put(
            &format!("services/{}/{}/docker-compose.yml", s.team, s.name),
            Kind::OtherYaml,
            &compose(s),
        )?;
    }
    if s.index % 40 == 5 || s.has(Violation::PlanHongKong) {
        out.put(
            &format!("plans/{}/{}-prod.plan.json", s.team, s.name),
            Kind::Plan,
            &plan(s, r),
        )?;
    }
    out.put(
        &format!("{stack}/README.md"),
        Kind::Other,
        &format!(
            "# {}\n\nOwned by the {} team. `envs/prod` is production in {}, `envs/dr` the standby in {}, `envs/test` the test environment.\n\nApply with the platform pipeline; never from a laptop.\n",
            s.name,
            s.team,
            s.prod_region,
            s.cloud.dr_region()
        ),
    )?;
    Ok(())
}

// ───────────────────────────── yunlint.toml ─────────────────────────────

fn config() -> String {
    let mut t = String::from(
        r#"# Generated benchmark bank: the platform team's yunlint configuration.
extends = "cn-finance"

[providers.alicloud]
certified = true
certified_by = "compliance, ref. CR-2026-114"
source = "internal cloud register, 2026-09 review"
as_of = 2026-09-30
until = 2035-09-30

[providers.tencentcloud]
certified = true
certified_by = "compliance, ref. CR-2026-115"
source = "internal cloud register, 2026-09 review"
as_of = 2026-09-30
until = 2035-09-30

[regions]
dr-pair = ["cn-shanghai-finance-1", "cn-shenzhen-finance-1", "ap-shanghai-fsi", "ap-shenzhen-fsi"]

[[residency]]
data_class = ">=5"
allow = ["@dr-pair"]
reason = "DR plan DRP-2026 covers only the Shanghai-Shenzhen pair"

[[classify]]
match = "services/cards/**"
data_class = 4

[[classify]]
match = "k8s/*/cards/**"
data_class = 4

[[classify]]
match = "services/hr/**"
data_class = 3

# Test environments hold synthetic data only.
[[classify]]
match = "terraform/**/envs/test:**"
data_class = 1

[discovery]
exclude = ["archive/**", "**/fixtures/**"]

"#,
    );
    // Teams with their own node pools first: the first matching cluster wins.
    for team in ["payments", "cards", "treasury"] {
        let _ = write!(
            t,
            r#"[[kubernetes.clusters]]
name = "prod-ack-{team}"
paths = ["k8s/prod/{team}/**"]
provider = "alicloud"
region = "{PROD_CLUSTER_REGION}"
zones = ["{PROD_CLUSTER_REGION}f", "{PROD_CLUSTER_REGION}g"]

"#
        );
    }
    let _ = write!(
        t,
        r#"[[kubernetes.clusters]]
name = "prod-ack"
paths = ["k8s/prod/**"]
terraform = "terraform/platform/clusters/envs/prod:module.ack.alicloud_cs_managed_kubernetes.this"

[[kubernetes.clusters]]
name = "dr-tke"
paths = ["k8s/dr/**"]
terraform = "terraform/platform/clusters/envs/dr:module.tke.tencentcloud_kubernetes_cluster.this"

[[kubernetes.clusters]]
name = "test-ack"
paths = ["k8s/test/**", "charts/**"]
provider = "alicloud"
region = "{TEST_CLUSTER_REGION}"
"#
    );
    t
}

const README: &str = "# Bank infrastructure\n\nGenerated by yunlint's `bench/` corpus generator: Terraform stacks per team under \
`terraform/`, service descriptors under `services/`, Kubernetes manifests per environment under `k8s/`.\n";

// ───────────────────────────── Terraform ─────────────────────────────

fn shared_modules(out: &mut Out<'_>) -> io::Result<()> {
    let modules: [(&str, &str, &str); 9] = [
        ("ali-vpc", ALI_VPC, "alicloud"),
        ("ali-ecs-app", ALI_ECS, "alicloud"),
        ("ali-rds-mysql", ALI_RDS, "alicloud"),
        ("ali-oss-archive", ALI_OSS, "alicloud"),
        ("ali-ack-cluster", ALI_ACK, "alicloud"),
        ("tc-cvm-app", TC_CVM, "tencentcloud"),
        ("tc-cdb-mysql", TC_CDB, "tencentcloud"),
        ("tc-cos-archive", TC_COS, "tencentcloud"),
        ("tc-tke-cluster", TC_TKE, "tencentcloud"),
    ];
    for (name, (vars, main), provider) in modules.iter().map(|(n, m, p)| (n, split(m), p)) {
        let dir = format!("terraform/modules/{name}");
        let source = if *provider == "alicloud" {
            Cloud::Ali.source()
        } else {
            Cloud::Tencent.source()
        };
        out.put(
            &format!("{dir}/versions.tf"),
            Kind::Terraform,
            &format!(
                "terraform {{\n  required_version = \">= 1.5\"\n  required_providers {{\n    {provider} = {{\n      source  = \"{source}\"\n      version = \">= 1.200\"\n    }}\n  }}\n}}\n"
            ),
        )?;
        out.put(&format!("{dir}/variables.tf"), Kind::Terraform, vars)?;
        out.put(&format!("{dir}/main.tf"), Kind::Terraform, main)?;
        out.put(
            &format!("{dir}/outputs.tf"),
            Kind::Terraform,
            "output \"name\" {\n  description = \"Name prefix of everything this module creates\"\n  value       = var.name\n}\n",
        )?;
    }
    Ok(())
}

/// A module template: variables, then `# --- main ---`, then resources.
fn split(text: &'static str) -> (&'static str, &'static str) {
    text.split_once("# --- main ---\n").unwrap_or(("", text))
}

/// Variables of most shared modules (a macro, so that `concat!` takes it).
macro_rules! common_vars {
    () => {
        r#"variable "name" {
  type        = string
  description = "Name prefix of every resource"
}

variable "data_class" {
  type        = number
  default     = 3
  description = "JR/T 0197-2020 data class of what this module stores"
}

variable "owner" {
  type    = string
  default = "platform"
}
"#
    };
}

const ALI_VPC: &str = concat!(
    r#"variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "zones" {
  type = list(string)
}
"#,
    r#"variable "name" {
  type = string
}
# --- main ---
resource "alicloud_vpc" "this" {
  vpc_name   = "${var.name}-vpc"
  cidr_block = var.cidr
}

resource "alicloud_vswitch" "a" {
  vpc_id       = alicloud_vpc.this.id
  cidr_block   = cidrsubnet(var.cidr, 8, 1)
  zone_id      = element(var.zones, 0)
  vswitch_name = "${var.name}-a"
}

resource "alicloud_vswitch" "b" {
  vpc_id       = alicloud_vpc.this.id
  cidr_block   = cidrsubnet(var.cidr, 8, 2)
  zone_id      = element(var.zones, length(var.zones) - 1)
  vswitch_name = "${var.name}-b"
}

resource "alicloud_security_group" "app" {
  security_group_name = "${var.name}-app"
  vpc_id              = alicloud_vpc.this.id
}
"#
);

const ALI_ECS: &str = concat!(
    r#"variable "instance_count" {
  type    = number
  default = 2
}

variable "instance_type" {
  type    = string
  default = "ecs.g7.large"
}

variable "zones" {
  type = list(string)
}
"#,
    r#"variable "name" {
  type = string
}

variable "data_class" {
  type    = number
  default = 3
}
# --- main ---
locals {
  tags = {
    data-class = tostring(var.data_class)
    managed-by = "terraform"
    module     = "ali-ecs-app"
  }
}

resource "alicloud_instance" "app" {
  count                      = var.instance_count
  instance_name              = format("%s-%02d", var.name, count.index)
  host_name                  = "${var.name}-${count.index}"
  availability_zone          = element(var.zones, count.index)
  instance_type              = var.instance_type
  image_id                   = "aliyun_3_x64_20G_alibase_20240819.vhd"
  system_disk_category       = "cloud_essd"
  system_disk_size           = 80
  internet_max_bandwidth_out = 0
  tags                       = local.tags
}
"#
);

const ALI_RDS: &str = concat!(
    r#"variable "zone" {
  type = string
}

variable "storage_gb" {
  type    = number
  default = 200
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "alicloud_db_instance" "main" {
  engine               = "MySQL"
  engine_version       = "8.0"
  instance_type        = "mysql.n4.large.2c"
  instance_storage     = var.storage_gb
  instance_name        = "${var.name}-mysql"
  zone_id              = var.zone
  instance_charge_type = "Postpaid"
  security_ips         = ["10.0.0.0/8"]
  tags = {
    data-class = tostring(var.data_class)
    owner      = var.owner
  }
}

resource "alicloud_db_database" "app" {
  instance_id = alicloud_db_instance.main.id
  name        = replace(var.name, "-", "_")
}
"#
);

const ALI_OSS: &str = concat!(
    r#"variable "dr_region" {
  type        = string
  description = "Region of the DR copy, e.g. cn-shenzhen-finance-1"
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "alicloud_oss_bucket" "archive" {
  bucket = "${var.name}-archive"
  tags = {
    data-class = tostring(var.data_class)
  }
}

resource "alicloud_oss_bucket_replication" "dr" {
  bucket = alicloud_oss_bucket.archive.bucket
  action = "ALL"

  destination {
    bucket   = "${var.name}-archive-dr"
    location = "oss-${var.dr_region}"
  }
}
"#
);

const ALI_ACK: &str = concat!(
    r#"variable "zones" {
  type = list(string)
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "alicloud_cs_managed_kubernetes" "this" {
  name         = var.name
  cluster_spec = "ack.pro.small"
  zone_ids     = var.zones
  tags = {
    data-class = tostring(var.data_class)
  }
}
"#
);

const TC_CVM: &str = concat!(
    r#"variable "instance_count" {
  type    = number
  default = 2
}

variable "zones" {
  type = list(string)
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "tencentcloud_instance" "app" {
  count             = var.instance_count
  instance_name     = "${var.name}-${count.index}"
  availability_zone = element(var.zones, count.index)
  image_id          = "img-9qabwvbn"
  instance_type     = "S5.MEDIUM4"
  system_disk_type  = "CLOUD_PREMIUM"
  tags = {
    data-class = tostring(var.data_class)
    owner      = var.owner
  }
}
"#
);

const TC_CDB: &str = concat!(
    r#"variable "zone" {
  type = string
}

variable "memory_mb" {
  type    = number
  default = 4000
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "tencentcloud_mysql_instance" "main" {
  instance_name     = "${var.name}-cdb"
  engine_version    = "8.0"
  mem_size          = var.memory_mb
  volume_size       = 200
  availability_zone = var.zone
  charge_type       = "POSTPAID"
  tags = {
    data-class = tostring(var.data_class)
  }
}
"#
);

const TC_COS: &str = concat!(
    r#"variable "dr_region" {
  type = string
}

variable "app_id" {
  type    = string
  default = "1250000000"
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "tencentcloud_cos_bucket" "archive" {
  bucket            = "${var.name}-archive-${var.app_id}"
  acl               = "private"
  versioning_enable = true
  replica_role      = "qcs::cam::uin/100000000001:uin/100000000001"

  replica_rules {
    id                 = "dr"
    status             = "Enabled"
    prefix             = ""
    destination_bucket = "qcs::cos:${var.dr_region}::${var.name}-archive-dr-${var.app_id}"
  }

  tags = {
    data-class = tostring(var.data_class)
  }
}
"#
);

const TC_TKE: &str = concat!(
    r#"variable "zone" {
  type = string
}
"#,
    common_vars!(),
    r#"# --- main ---
resource "tencentcloud_kubernetes_cluster" "this" {
  cluster_name    = var.name
  cluster_version = "1.30.0"
  cluster_cidr    = "172.16.0.0/16"

  worker_config {
    availability_zone = var.zone
    instance_type     = "SA2.LARGE8"
    count             = 3
  }

  tags = {
    data-class = tostring(var.data_class)
  }
}
"#
);

/// The platform stack: the clusters that `yunlint.toml` maps manifests to.
fn platform(out: &mut Out<'_>) -> io::Result<()> {
    let dir = "terraform/platform/clusters/envs";
    out.put(
        &format!("{dir}/prod/main.tf"),
        Kind::Terraform,
        r#"# Production ACK cluster: k8s/prod manifests run on it (yunlint.toml).
provider "alicloud" {
  region = var.region
}

variable "region" {
  type = string
}

module "ack" {
  source     = "../../../../modules/ali-ack-cluster"
  name       = "prod-ack"
  zones      = ["cn-shanghai-finance-1f", "cn-shanghai-finance-1g"]
  data_class = 4
}
"#,
    )?;
    out.put(
        &format!("{dir}/prod/terraform.tfvars"),
        Kind::TfVars,
        "region = \"cn-shanghai-finance-1\"\n",
    )?;
    out.put(
        &format!("{dir}/dr/main.tf"),
        Kind::Terraform,
        r#"# DR TKE cluster in the Shenzhen FSI region: k8s/dr manifests run on it.
provider "tencentcloud" {
  region = var.region
}

variable "region" {
  type    = string
  default = "ap-shenzhen-fsi"
}

module "tke" {
  source     = "../../../../modules/tc-tke-cluster"
  name       = "dr-tke"
  zone       = "${var.region}-1"
  data_class = 4
}
"#,
    )?;
    out.put(
        &format!("{dir}/test/main.tf"),
        Kind::Terraform,
        r#"provider "alicloud" {
  region = "cn-hangzhou"
}

module "ack" {
  source     = "../../../../modules/ali-ack-cluster"
  name       = "test-ack"
  zones      = ["cn-hangzhou-h", "cn-hangzhou-i"]
  data_class = 1
}
"#,
    )
}

fn local_module(out: &mut Out<'_>, s: &System, stack: &str) -> io::Result<()> {
    let dir = format!("{stack}/modules/data");
    let (db, archive) = match s.cloud {
        Cloud::Ali => ("ali-rds-mysql", "ali-oss-archive"),
        Cloud::Tencent => ("tc-cdb-mysql", "tc-cos-archive"),
    };
    out.put(
        &format!("{dir}/variables.tf"),
        Kind::Terraform,
        r#"variable "name" {
  type = string
}

variable "zone" {
  type = string
}

variable "dr_region" {
  type = string
}

variable "data_class" {
  type = number
}
"#,
    )?;
    out.put(
        &format!("{dir}/main.tf"),
        Kind::Terraform,
        &format!(
            r#"# {name}: the data tier (database and its archive), shared by every environment.
module "db" {{
  source     = "../../../../modules/{db}"
  name       = var.name
  zone       = var.zone
  data_class = var.data_class
  owner      = "{team}"
}}

module "archive" {{
  source     = "../../../../modules/{archive}"
  name       = var.name
  dr_region  = var.dr_region
  data_class = var.data_class
  owner      = "{team}"
}}
"#,
            name = s.name,
            team = s.team,
        ),
    )
}

fn terraform_root(
    out: &mut Out<'_>,
    s: &System,
    env: Env,
    stack: &str,
    r: &mut Rng,
) -> io::Result<()> {
    let dir = format!("{stack}/envs/{}", env.name());
    let p = s.cloud.provider();
    let region = s.region(env);
    let zones = s.cloud.zones(region);
    let class = s.tf_class(env);
    let (app_module, db_module, archive_module) = match s.cloud {
        Cloud::Ali => ("ali-ecs-app", "ali-rds-mysql", "ali-oss-archive"),
        Cloud::Tencent => ("tc-cvm-app", "tc-cdb-mysql", "tc-cos-archive"),
    };
    let shared = "../../../../modules";

    // providers.tf: the default configuration and the DR alias.
    out.put(
        &format!("{dir}/providers.tf"),
        Kind::Terraform,
        &format!(
            r#"terraform {{
  required_providers {{
    {p} = {{
      source  = "{source}"
      version = "~> 1.230"
    }}
  }}

  backend "{backend}" {{
    bucket = "{team}-tfstate"
    key    = "{name}/{env}.tfstate"
  }}
}}

provider "{p}" {{
  region = var.region
}}

# DR copies go to the Shenzhen finance region.
provider "{p}" {{
  alias  = "dr"
  region = var.dr_region
}}
"#,
            source = s.cloud.source(),
            backend = if s.cloud == Cloud::Ali { "oss" } else { "cos" },
            team = s.team,
            name = s.name,
            env = env.name(),
        ),
    )?;

    // variables.tf
    let unresolved = s.has(Violation::TfUnresolvedVariable) && env == Env::Prod;
    let mut vars = format!(
        r#"variable "environment" {{
  type    = string
  default = "{env}"
}}

variable "region" {{
  type        = string
  description = "Primary region of this environment"
}}

variable "dr_region" {{
  type    = string
  default = "{dr}"
}}

variable "zones" {{
  type = list(string)
}}

variable "app_count" {{
  type    = number
  default = 2
}}

variable "data_class" {{
  type    = number
  default = 3
}}

locals {{
  name = "{name}-${{var.environment}}"
  instance_types = {{
    prod = "ecs.g7.xlarge"
    dr   = "ecs.g7.large"
    test = "ecs.t6-c1m2.large"
  }}
}}
"#,
        env = env.name(),
        dr = s.cloud.dr_region(),
        name = s.name,
    );
    if unresolved {
        vars.push_str(
            "\nvariable \"archive_region\" {\n  type        = string\n  description = \"set by the pipeline (TF_VAR_archive_region)\"\n}\n",
        );
    }
    out.put(&format!("{dir}/variables.tf"), Kind::Terraform, &vars)?;

    // main.tf
    let mut main = format!(
        "# {name} ({env}): owned by {team}. Generated benchmark stack.\n\n",
        name = s.name,
        env = env.name(),
        team = s.team
    );
    if s.cloud == Cloud::Ali {
        let _ = write!(
            main,
            r#"module "network" {{
  source = "{shared}/ali-vpc"
  name   = local.name
  zones  = var.zones
}}

"#
        );
    }
    let _ = write!(
        main,
        r#"module "app" {{
  source         = "{shared}/{app_module}"
  name           = local.name
  instance_count = var.app_count
  zones          = var.zones
  data_class     = var.data_class
}}
"#
    );
    if s.local_module {
        let _ = write!(
            main,
            r#"
module "data" {{
  source     = "../../modules/data"
  name       = local.name
  zone       = var.zones[0]
  dr_region  = var.dr_region
  data_class = var.data_class
}}
"#
        );
    } else {
        let _ = write!(
            main,
            r#"
module "db" {{
  source     = "{shared}/{db_module}"
  name       = local.name
  zone       = var.zones[0]
  data_class = var.data_class
}}

module "archive" {{
  source     = "{shared}/{archive_module}"
  name       = local.name
  dr_region  = {dr}
  data_class = var.data_class
}}
"#,
            dr = if unresolved {
                "var.archive_region"
            } else {
                "var.dr_region"
            },
        );
    }
    if env == Env::Prod {
        // A standby in the DR region, through the aliased provider.
        let _ = write!(
            main,
            r#"
module "standby" {{
  source     = "{shared}/{db_module}"
  name       = "${{local.name}}-standby"
  zone       = "{dz}"
  data_class = var.data_class

  providers = {{
    {p} = {p}.dr
  }}
}}
"#,
            dz = s.cloud.zones(s.cloud.dr_region())[0],
        );
        let extra = r.range(0, 3);
        for i in 0..extra {
            match s.cloud {
                Cloud::Ali => {
                    let _ = write!(
                        main,
                        r#"
resource "alicloud_kvstore_instance" "cache_{i}" {{
  db_instance_name = "${{local.name}}-cache-{i}"
  instance_class   = "redis.master.small.default"
  engine_version   = "7.0"
  zone_id          = var.zones[{z}]
  tags = {{
    data-class = tostring(var.data_class)
  }}
}}
"#,
                        z = i % zones.len()
                    );
                }
                Cloud::Tencent => {
                    let _ = write!(
                        main,
                        r#"
resource "tencentcloud_redis_instance" "cache_{i}" {{
  name              = "${{local.name}}-cache-{i}"
  availability_zone = var.zones[{z}]
  type_id           = 8
  mem_size          = 8192
  provider          = {p}
  tags = {{
    data-class = tostring(var.data_class)
  }}
}}
"#,
                        z = i % zones.len()
                    );
                }
            }
        }
        let _ = write!(
            main,
            r#"
resource "{p}_instance" "dr_app" {{
  provider          = {p}.dr
  count             = var.environment == "prod" ? 1 : 0
  instance_name     = "${{local.name}}-dr-app"
  availability_zone = "{dz}"
  {extra}
  tags = {{
    data-class = tostring(var.data_class)
    role       = "warm-standby"
  }}
}}
"#,
            dz = s.cloud.zones(s.cloud.dr_region())[1],
            extra = if s.cloud == Cloud::Ali {
                "instance_type = lookup(local.instance_types, var.environment, \"ecs.g7.large\")\n  image_id      = \"aliyun_3_x64_20G_alibase_20240819.vhd\""
            } else {
                "instance_type = \"S5.MEDIUM4\"\n  image_id      = \"img-9qabwvbn\""
            },
        );
    }
    out.put(&format!("{dir}/main.tf"), Kind::Terraform, &main)?;

    // terraform.tfvars and *.auto.tfvars, with Terraform's precedence.
    let zone_list = zones
        .iter()
        .take(2)
        .map(|z| format!("\"{z}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let tfvars_region = match env {
        _ if unresolved => None,
        Env::Prod if s.has(Violation::TfTypoRegion) => Some(s.cloud.typo()),
        // The DR root's tfvars was copied from prod; an auto.tfvars file overrides it.
        Env::Dr => Some(s.prod_region),
        _ => Some(region),
    };
    let mut tfvars = String::new();
    if let Some(region) = tfvars_region {
        let _ = writeln!(tfvars, "region     = \"{region}\"");
    } else {
        tfvars.push_str("# region comes from the pipeline (TF_VAR_region)\n");
    }
    let _ = writeln!(tfvars, "zones      = [{zone_list}]");
    let _ = writeln!(
        tfvars,
        "app_count  = {}",
        if env == Env::Test { 1 } else { r.range(2, 6) }
    );
    let _ = writeln!(tfvars, "data_class = {class}");
    if env == Env::Prod && s.has(Violation::TfHongKongDr) {
        let _ = writeln!(
            tfvars,
            "dr_region  = \"{}\"   # closer to the Hong Kong office",
            s.cloud.hong_kong()
        );
    }
    out.put(&format!("{dir}/terraform.tfvars"), Kind::TfVars, &tfvars)?;
    if env == Env::Dr {
        out.put(
            &format!("{dir}/region.auto.tfvars"),
            Kind::TfVars,
            &format!("# The DR root runs in the DR region.\nregion = \"{region}\"\nzones  = [{zone_list}]\n"),
        )?;
    }
    if r.chance(30) {
        out.put(
            &format!("{dir}/sizing.auto.tfvars"),
            Kind::TfVars,
            &format!(
                "app_count = {}\n",
                if env == Env::Test { 1 } else { r.range(2, 8) }
            ),
        )?;
    }
    Ok(())
}

// ───────────────────────────── descriptors ─────────────────────────────

fn descriptor(
    out: &mut Out<'_>,
    s: &System,
    svc: &Service,
    i: usize,
    r: &mut Rng,
) -> io::Result<()> {
    let mut t = format!(
        "# {name}: service catalogue entry of the {team} team.\n[service]\nname = \"{name}\"\nowner = \"{team}-platform\"\n",
        name = svc.name,
        team = s.team
    );
    if let Some(c) = s.data_class {
        let _ = writeln!(t, "data_class = {c}");
    }
    let p = s.cloud.provider();
    let zones = s.cloud.zones(s.prod_region);
    let _ = write!(
        t,
        "\n[defaults]\nkind = \"{kind}\"\nprovider = \"{p}\"\nregion = \"{region}\"\nzones = [\"{z0}\", \"{z1}\"]\n",
        kind = svc.kind,
        region = s.prod_region,
        z0 = zones[0],
        z1 = zones[1],
    );
    let workloads = r.range(1, 4);
    for w in 0..workloads {
        let _ = write!(t, "\n[[workload]]\nname = \"{}-{w}\"\n", svc.name);
        let first = i == 0 && w == 0;
        if first && s.has(Violation::DescriptorParseError) {
            let _ = writeln!(t, "regoin = \"{}\"", s.prod_region);
        }
        if first && s.has(Violation::DescriptorHongKong) {
            let _ = writeln!(
                t,
                "region = \"{}\"               # latency for the Hong Kong branch",
                s.cloud.hong_kong()
            );
            t.push_str("zones = []\n");
        }
        if first && s.has(Violation::DescriptorTypoRegion) {
            let _ = writeln!(t, "region = \"{}\"", s.cloud.typo());
            t.push_str("zones = []\n");
        }
        if let Some(c) = svc.data_class {
            let _ = writeln!(t, "data_class = {c}");
        }
        if w == 1 {
            t.push_str("kind = \"compute\"\n");
        }
        if svc.stateful || r.chance(30) {
            let _ = write!(
                t,
                "\n[[workload.replica]]\nrole = \"dr\"\nregion = \"{}\"\n",
                s.cloud.dr_region()
            );
            if r.chance(50) {
                let _ = write!(
                    t,
                    "\n[[workload.replica]]\nrole = \"backup\"\nprovider = \"{p}\"\nregion = \"{}\"\n",
                    s.cloud.dr_region()
                );
            }
        }
        if first && s.has(Violation::DescriptorReplicaAbroad) {
            let region = if s.cloud == Cloud::Ali {
                "ap-southeast-1"
            } else {
                "ap-singapore"
            };
            let _ = write!(
                t,
                "\n[[workload.replica]]\nrole = \"backup\"\nregion = \"{region}\"   # offsite copy\n"
            );
        }
    }
    out.put(
        &format!("services/{}/{}/{}.deploy.toml", s.team, s.name, svc.name),
        Kind::Descriptor,
        &t,
    )
}

// ───────────────────────────── Kubernetes ─────────────────────────────

fn manifests(
    out: &mut Out<'_>,
    s: &System,
    svc: &Service,
    env: Env,
    r: &mut Rng,
) -> io::Result<()> {
    let dir = format!("k8s/{}/{}/{}", env.name(), s.team, s.name);
    let text = deployment(s, svc, env, r);
    out.put(&format!("{dir}/{}.yaml", svc.name), Kind::Manifest, &text)?;
    if svc.stateful && env != Env::Test {
        let text = statefulset(s, svc, env, r);
        out.put(
            &format!("{dir}/{}-db.yaml", svc.name),
            Kind::Manifest,
            &text,
        )?;
    }
    Ok(())
}

fn class_label(s: &System, svc: &Service, env: Env) -> String {
    if env == Env::Test {
        return "    data-class: \"1\"\n".to_owned();
    }
    match svc.data_class.or(s.data_class) {
        Some(c) => format!("    data-class: \"{c}\"\n"),
        None => String::new(),
    }
}

fn deployment(s: &System, svc: &Service, env: Env, r: &mut Rng) -> String {
    let ns = s.team;
    let replicas = if env == Env::Test { 1 } else { r.range(2, 6) };
    let version = format!("{}.{}.{}", r.range(1, 4), r.range(0, 30), r.range(0, 9));
    let node_selector = match env {
        Env::Prod if r.chance(50) => format!(
            "      nodeSelector:\n        topology.kubernetes.io/zone: {PROD_CLUSTER_REGION}{}\n",
            r.pick(&["f", "g"])
        ),
        // TKE node labels use the short region code.
        Env::Dr if r.chance(50) => {
            "      nodeSelector:\n        topology.kubernetes.io/region: szjr\n".to_owned()
        }
        _ => String::new(),
    };
    let mut t = format!(
        r#"# {svc_name} ({env}) — {team} team.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc_name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {svc_name}
    app.kubernetes.io/part-of: {system}
    app.kubernetes.io/version: "{version}"
{class}spec:
  replicas: {replicas}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {svc_name}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {svc_name}
        app.kubernetes.io/part-of: {system}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {svc_name}
{node_selector}      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
      containers:
        - name: app
          image: registry.example-bank.cn/{team}/{svc_name}:{version}
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: APP_ENV
              value: {env}
            - name: JAVA_TOOL_OPTIONS
              value: "-XX:MaxRAMPercentage=75"
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {svc_name}-db
                  key: password
          resources:
            requests:
              cpu: "{cpu}m"
              memory: "{mem}Mi"
            limits:
              memory: "{mem}Mi"
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            initialDelaySeconds: 30
---
apiVersion: v1
kind: Service
metadata:
  name: {svc_name}
  namespace: {ns}
spec:
  selector:
    app.kubernetes.io/name: {svc_name}
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {svc_name}-config
  namespace: {ns}
data:
  LOG_LEVEL: info
  REGION_HINT: "{region}"
  FEATURE_FLAGS: "statements-v2,fast-clearing"
"#,
        svc_name = svc.name,
        env = env.name(),
        team = s.team,
        system = s.name,
        class = class_label(s, svc, env),
        cpu = r.range(1, 8) * 250,
        mem = r.range(1, 8) * 512,
        region = s.region(env),
    );
    if env == Env::Prod && r.chance(40) {
        let _ = write!(
            t,
            r#"---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {svc_name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {svc_name}
  minReplicas: {replicas}
  maxReplicas: {max}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"#,
            svc_name = svc.name,
            max = replicas * 3,
        );
    }
    t
}

fn statefulset(s: &System, svc: &Service, env: Env, r: &mut Rng) -> String {
    let ns = s.team;
    let hk = env == Env::Prod && s.has(Violation::ManifestHongKong);
    let (key, region) = match env {
        _ if hk => ("topology.kubernetes.io/region", "cn-hongkong"),
        Env::Dr => (
            "topology.kubernetes.io/region",
            if r.chance(50) {
                "szjr"
            } else {
                DR_CLUSTER_REGION
            },
        ),
        _ => ("topology.kubernetes.io/region", PROD_CLUSTER_REGION),
    };
    let comment = if hk {
        "# Warm-up replicas were pinned to the Hong Kong node pool \"for latency\".\n"
    } else {
        ""
    };
    let affinity = if r.chance(50) {
        format!(
            r#"      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: {key}
                    operator: In
                    values:
                      - {region}
"#
        )
    } else {
        format!("      nodeSelector:\n        {key}: {region}\n")
    };
    format!(
        r#"{comment}apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}-db
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}-db
{class}spec:
  serviceName: {name}-db
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}-db
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}-db
    spec:
{affinity}      containers:
        - name: db
          image: registry.example-bank.cn/base/{image}
          ports:
            - containerPort: {port}
          volumeMounts:
            - name: data
              mountPath: /var/lib/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        storageClassName: {sc}
        resources:
          requests:
            storage: {size}Gi
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {name}-backup
  namespace: {ns}
  labels:
{class2}    app.kubernetes.io/name: {name}-db
spec:
  accessModes: ["ReadWriteOnce"]
  storageClassName: {sc}
  resources:
    requests:
      storage: {size}Gi
"#,
        name = svc.name,
        class = class_label(s, svc, env),
        class2 = class_label(s, svc, env),
        replicas = r.range(1, 3),
        image = r.pick(&["postgres:16", "redis:7.2", "mysql:8.0", "kafka:3.7"]),
        port = r.pick(&[5432, 6379, 3306, 9092]),
        sc = if env == Env::Dr {
            "cbs-ssd"
        } else {
            "alicloud-disk-essd"
        },
        size = r.range(1, 20) * 50,
    )
}

fn helm_chart(out: &mut Out<'_>, s: &System, r: &mut Rng) -> io::Result<()> {
    let dir = format!("charts/{}/{}", s.team, s.name);
    out.put(
        &format!("{dir}/Chart.yaml"),
        Kind::OtherYaml,
        &format!(
            "apiVersion: v2\nname: {}\nversion: 0.{}.0\ndescription: Helm chart of {}\n",
            s.name,
            r.range(1, 20),
            s.name
        ),
    )?;
    out.put(
        &format!("{dir}/values.yaml"),
        Kind::OtherYaml,
        &format!(
            "replicaCount: 2\nimage:\n  repository: registry.example-bank.cn/{}/{}\n  tag: latest\nnodeSelector: {{}}\n",
            s.team, s.name
        ),
    )?;
    out.put(
        &format!("{dir}/templates/deployment.yaml"),
        Kind::OtherYaml,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      nodeSelector:
        {{- toYaml .Values.nodeSelector | nindent 8 }}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"#,
    )
}

fn compose(s: &System) -> String {
    format!(
        "# Local development only.\nservices:\n  app:\n    image: registry.example-bank.cn/{}/{}:dev\n    ports:\n      - \"8080:8080\"\n  db:\n    image: postgres:16\n",
        s.team, s.name
    )
}

// ───────────────────────────── plans ─────────────────────────────

/// A `terraform show -json` document of the prod root: planned values, resource changes and the
/// configuration with provider expressions.
fn plan(s: &System, r: &mut Rng) -> String {
    let p = s.cloud.provider();
    let region = if s.has(Violation::PlanHongKong) {
        s.cloud.hong_kong()
    } else {
        s.prod_region
    };
    let zones = s.cloud.zones(s.prod_region);
    let (rtype, zone_attr) = match s.cloud {
        Cloud::Ali => ("alicloud_instance", "availability_zone"),
        Cloud::Tencent => ("tencentcloud_instance", "availability_zone"),
    };
    let n = if s.has(Violation::PlanHongKong) {
        3
    } else {
        r.range(10, 60)
    };
    let class = s.tf_class(Env::Prod);
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    for i in 0..n {
        let values = format!(
            r#"{{
            "{zone_attr}": "{zone}",
            "image_id": "img-{i:08x}",
            "instance_name": "{name}-{i}",
            "instance_type": "ecs.g7.large",
            "internet_max_bandwidth_out": 0,
            "system_disk_category": "cloud_essd",
            "system_disk_size": 80,
            "tags": {{
              "data-class": "{class}",
              "team": "{team}"
            }}
          }}"#,
            zone = zones[i % 2],
            name = s.name,
            team = s.team,
        );
        planned.push(format!(
            r#"        {{
          "address": "module.app.{rtype}.app[{i}]",
          "mode": "managed",
          "type": "{rtype}",
          "name": "app",
          "index": {i},
          "provider_name": "registry.terraform.io/{source}",
          "schema_version": 0,
          "values": {values},
          "sensitive_values": {{ "tags": {{}} }}
        }}"#,
            source = s.cloud.source(),
        ));
        changes.push(format!(
            r#"    {{
      "address": "module.app.{rtype}.app[{i}]",
      "module_address": "module.app",
      "mode": "managed",
      "type": "{rtype}",
      "name": "app",
      "index": {i},
      "provider_name": "registry.terraform.io/{source}",
      "change": {{
        "actions": ["create"],
        "before": null,
        "after": {values},
        "after_unknown": {{ "id": true, "private_ip": true, "status": true }},
        "before_sensitive": false,
        "after_sensitive": {{ "tags": {{}} }}
      }}
    }}"#,
            source = s.cloud.source(),
        ));
    }
    format!(
        r#"{{
  "format_version": "1.2",
  "terraform_version": "1.9.8",
  "variables": {{
    "region": {{ "value": "{region}" }},
    "app_count": {{ "value": {n} }}
  }},
  "planned_values": {{
    "root_module": {{
      "child_modules": [
        {{
          "address": "module.app",
          "resources": [
{planned}
          ]
        }}
      ]
    }}
  }},
  "resource_changes": [
{changes}
  ],
  "configuration": {{
    "provider_config": {{
      "{p}": {{
        "name": "{p}",
        "full_name": "registry.terraform.io/{source}",
        "version_constraint": "~> 1.230",
        "expressions": {{
          "region": {{ "references": ["var.region"] }}
        }}
      }}
    }},
    "root_module": {{
      "module_calls": {{
        "app": {{
          "source": "../../../../modules/app",
          "module": {{
            "resources": [
              {{
                "address": "{rtype}.app",
                "mode": "managed",
                "type": "{rtype}",
                "name": "app",
                "provider_config_key": "{p}",
                "expressions": {{
                  "instance_type": {{ "constant_value": "ecs.g7.large" }}
                }},
                "schema_version": 0,
                "count_expression": {{ "references": ["var.instance_count"] }}
              }}
            ]
          }}
        }}
      }},
      "variables": {{
        "region": {{ "description": "Primary region" }},
        "app_count": {{ "default": 2 }}
      }}
    }}
  }},
  "timestamp": "2026-09-30T08:12:44Z",
  "applyable": true,
  "complete": true,
  "errored": false
}}
"#,
        planned = planned.join(",\n"),
        changes = changes.join(",\n"),
        source = s.cloud.source(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_corpus() {
        let gen_once = || {
            let mut sink = MemSink::default();
            generate(
                &mut sink,
                &Options {
                    files: 300,
                    seed: 7,
                    profile: Default::default(),
                },
            )
            .unwrap();
            sink.files
        };
        assert_eq!(gen_once(), gen_once());
    }

    #[test]
    fn larger_corpus_starts_with_the_smaller() {
        let run = |files| {
            let mut sink = MemSink::default();
            generate(
                &mut sink,
                &Options {
                    files,
                    seed: 1,
                    profile: Profile::Light,
                },
            )
            .unwrap();
            sink.files
        };
        let small = run(200);
        let large = run(600);
        assert_eq!(small[..], large[..small.len()]);
    }

    #[test]
    fn every_violation_is_planted() {
        let mut sink = MemSink::default();
        let stats = generate(
            &mut sink,
            &Options {
                files: 900,
                seed: 1,
                profile: Profile::Light,
            },
        )
        .unwrap();
        for v in Violation::ALL {
            assert!(stats.violations.get(&v).copied().unwrap_or(0) >= 2, "{v:?}");
        }
    }

    #[test]
    fn heavy_profile_is_seeded_and_heavier() {
        let run = |profile| {
            let mut sink = MemSink::default();
            generate(
                &mut sink,
                &Options {
                    files: 400,
                    seed: 3,
                    profile,
                },
            )
            .unwrap();
            sink.files
        };
        let heavy = run(Profile::Heavy);
        assert_eq!(heavy, run(Profile::Heavy));
        let calls = |files: &[(String, String)]| {
            files
                .iter()
                .map(|(_, text)| text.matches("\nmodule \"").count())
                .sum::<usize>()
        };
        assert!(calls(&heavy) > 2 * calls(&run(Profile::Light)));
        let config = &heavy.iter().find(|(p, _)| p == "yunlint.toml").unwrap().1;
        assert!(config.contains("[providers.baiducloud]"));
    }
}
