//! Runs the real binary on the fixture repositories: each `tests/cmd/*.toml` case with the
//! expected `.stdout`/`.stderr` beside it (the examples in README.md and docs/
//! show some of these cases: tests/doc_examples.rs). `TRYCMD=overwrite cargo test --test cli` blesses.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml");
}
