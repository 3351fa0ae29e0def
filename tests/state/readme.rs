//! The README's key table is generated from the keymap: this keeps the two from drifting apart.

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- keys:start")
        .expect("README has a keys:start marker");
    let body_start = start + readme[start..].find("-->").expect("marker closes") + 3;
    let end = readme
        .find("<!-- keys:end -->")
        .expect("README has a keys:end marker");
    let table = readme[body_start..end].trim();
    let expected = tresor::app::keymap::Keymap::default().markdown_table();
    // TRESOR_UPDATE_README=1 writes the generated table in (like INSTA_UPDATE for snapshots).
    if std::env::var_os("TRESOR_UPDATE_README").is_some() && table != expected.trim() {
        let updated = format!(
            "{}\n{}\n{}",
            &readme[..body_start],
            expected.trim(),
            &readme[end..]
        );
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), updated).unwrap();
        return;
    }
    assert_eq!(
        table,
        expected.trim(),
        "README keys are out of date; run with TRESOR_UPDATE_README=1 to regenerate"
    );
}

#[test]
fn readme_starts_with_the_two_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let first_block = readme.split("```").nth(1).expect("a code block");
    assert!(first_block.contains("./scripts/demo") && first_block.contains("./scripts/test"));
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.contains("./scripts/test"),
        ".ci/run runs the README's test command"
    );
}
