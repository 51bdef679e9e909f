//! Runs the real binary on the fixture repositories: each `tests/cmd/*.toml` case with the
//! expected `.stdout`/`.stderr` beside it. `TRYCMD=overwrite cargo test --test cli` blesses.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml")
        .case("README.md");
}
