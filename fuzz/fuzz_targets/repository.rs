//! Whole repositories: several files split at `=== <path>` lines (modules calling each other,
//! tfvars, manifests, descriptors, a `yunlint.toml`), linted from their root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_repository(data);
});
