//! The descriptor front end: the input as `app.deploy.toml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_named("app.deploy.toml", data);
});
