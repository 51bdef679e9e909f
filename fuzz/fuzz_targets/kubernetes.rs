//! The Kubernetes front end: the input as `manifests.yaml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_named("manifests.yaml", data);
});
