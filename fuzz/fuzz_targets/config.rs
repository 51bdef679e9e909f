//! The configuration: the input as `yunlint.toml`, over a small descriptor and manifest.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_config(data);
});
