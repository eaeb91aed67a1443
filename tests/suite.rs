//! Every integration test in one binary, so a change links one test executable instead
//! of one per file. Each file here is a module; `common` holds what they share. The
//! last test checks that no file under `tests/` was left out of this list.

mod common;

#[path = "accounts.rs"]
mod accounts;
#[path = "api.rs"]
mod api;
#[path = "bad_input.rs"]
mod bad_input;
#[path = "bylines.rs"]
mod bylines;
#[path = "cli.rs"]
mod cli;
#[path = "copy.rs"]
mod copy;
#[path = "desk.rs"]
mod desk;
#[path = "export.rs"]
mod export;
#[path = "hardening.rs"]
mod hardening;
#[path = "instances.rs"]
mod instances;
#[path = "links.rs"]
mod links;
#[path = "media.rs"]
mod media;
#[path = "newsroom.rs"]
mod newsroom;
#[path = "page_cache.rs"]
mod page_cache;
#[path = "reader.rs"]
mod reader;
#[path = "settings.rs"]
mod settings;
#[path = "store.rs"]
mod store;
#[path = "two_factor.rs"]
mod two_factor;

#[test]
fn every_test_file_is_part_of_the_suite() {
    let listed = include_str!("suite.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && name != "suite.rs" {
            assert!(
                listed.contains(&format!("#[path = \"{name}\"]")),
                "tests/{name} is not compiled: add it to tests/suite.rs"
            );
        }
    }
}
