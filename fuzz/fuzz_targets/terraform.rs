//! The Terraform front end and the resolver: the input as a root module's only `main.tf`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_named("main.tf", data);
});
