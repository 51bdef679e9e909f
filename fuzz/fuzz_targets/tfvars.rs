//! Terraform variables: the input as `terraform.tfvars` beside a fixed `main.tf` that uses them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: yunlint_fuzz::init(), |data: &[u8]| {
    yunlint_fuzz::lint_tfvars(data);
});
