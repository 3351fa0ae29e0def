//! The test layout holds together: every test file is a module of its layer's binary (a file
//! that `main.rs` does not name is never compiled, so its tests would silently not run), no test
//! file or snapshot is left in the old flat layout, and every snapshot belongs to a module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const LAYERS: [&str; 4] = ["state", "ui", "client", "e2e"];

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The names of the entries of `dir` that end in `suffix`, without it.
fn names(dir: &Path, suffix: &str) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(suffix).map(str::to_string)
        })
        .collect()
}

/// The modules `main.rs` of `layer` declares (`mod x;`), without `support`.
fn declared(layer: &str) -> BTreeSet<String> {
    let main = std::fs::read_to_string(tests_dir().join(layer).join("main.rs")).unwrap();
    main.lines()
        .filter_map(|line| line.trim().strip_prefix("mod ")?.strip_suffix(';'))
        .filter(|name| *name != "support")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_test_file_is_a_module_of_its_layer() {
    for layer in LAYERS {
        let mut files = names(&tests_dir().join(layer), ".rs");
        files.remove("main");
        assert_eq!(
            files,
            declared(layer),
            "tests/{layer}/main.rs must declare exactly the files of tests/{layer}/ (mod name;)"
        );
    }
}

#[test]
fn nothing_is_left_in_the_flat_layout() {
    let flat = names(&tests_dir(), ".rs");
    assert!(
        flat.is_empty(),
        "test files directly in tests/ build a binary of their own: move each into its layer \
         (tests/state, tests/ui, tests/client, tests/e2e) as a module: {flat:?}"
    );
    let snapshots = names(&tests_dir().join("snapshots"), ".snap");
    assert!(
        snapshots.is_empty(),
        "snapshots live beside their layer (tests/ui/snapshots/ui__<module>__<name>.snap): \
         {snapshots:?}"
    );
}

#[test]
fn every_snapshot_belongs_to_a_module_of_its_layer() {
    for layer in LAYERS {
        let modules = declared(layer);
        for snapshot in names(&tests_dir().join(layer).join("snapshots"), ".snap") {
            let module = snapshot
                .strip_prefix(&format!("{layer}__"))
                .and_then(|rest| rest.split("__").next());
            assert!(
                module.is_some_and(|module| modules.contains(module)),
                "tests/{layer}/snapshots/{snapshot}.snap is named after no module of tests/{layer}"
            );
        }
    }
}
