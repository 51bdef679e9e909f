//! The plan JSON front end: the input as `plan.json` (skipped unless it looks like a plan).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_named("plan.json", data);
});
