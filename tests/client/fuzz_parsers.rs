//! Hostile input, as a bounded fuzz run (proptest): the path encoder, the editor's JSON parser,
//! the response parsers and the error mapping take arbitrary text, bytes and JSON without
//! panicking, and text shown on screen never carries a control character.

use proptest::prelude::*;
use serde_json::Value;
use tresor::app::edit::parse_editor_text;
use tresor::app::finder::fuzzy_match;
use tresor::ui::text::sanitize;
use tresor::vault::client::{Operation, error_for_status};
use tresor::vault::kv::{parse_keys, parse_mounts, parse_v1_secret, parse_v2_secret};
use tresor::vault::path::{encode_path, validate_secret_path};
use tresor::vault::sys::parse_token_info;
use tresor::vault::versions::parse_metadata;

/// Arbitrary JSON, nested a few levels, with the keys the parsers look for mixed in.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("data".to_string()),
        Just("keys".to_string()),
        Just("metadata".to_string()),
        Just("versions".to_string()),
        Just("secret".to_string()),
        Just("type".to_string()),
        Just("options".to_string()),
        Just("version".to_string()),
        Just("ttl".to_string()),
        Just("policies".to_string()),
        Just("custom_metadata".to_string()),
        ".{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_path_encoder_takes_any_text(text in "\\PC{0,40}|[./%?#a-z ]{0,20}") {
        if let Ok(encoded) = encode_path(&text) {
            prop_assert!(!encoded.contains(' ') && !encoded.contains('?') && !encoded.contains('#'));
            prop_assert!(!encoded.split('/').any(|s| s == "." || s == ".."));
        }
        let _ = validate_secret_path(&text);
    }

    #[test]
    fn the_editor_parser_takes_any_text(text in "\\PC{0,200}|\\{[\"a-z:, \\[\\]{}0-9]{0,60}") {
        let _ = parse_editor_text(&text);
    }

    #[test]
    fn response_parsers_take_any_json(body in json()) {
        let _ = parse_v2_secret(&body, "secret/data/x");
        let _ = parse_v1_secret(&body, "kv/x");
        let _ = parse_metadata(&body);
        let _ = parse_mounts(&body);
        let _ = parse_keys(&body);
        let _ = parse_token_info(&body);
    }

    #[test]
    fn error_mapping_takes_any_status_and_bytes(status in 100u16..600, bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let code = reqwest::StatusCode::from_u16(status).unwrap();
        let error = error_for_status(code, "secret/data/x", Operation::Read, &bytes);
        let _ = error.to_string();
    }

    #[test]
    fn text_shown_on_screen_has_no_control_characters(text in "\\PC{0,40}|[\\x00-\\x1f\\x7f\\x1b\\[0-9;m]{0,40}") {
        let shown = sanitize(&text);
        prop_assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }

    #[test]
    fn the_finder_matches_any_pattern(pattern in "\\PC{0,10}", path in "\\PC{0,60}") {
        if let Some((_, positions)) = fuzzy_match(&pattern, &path) {
            prop_assert!(positions.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(positions.iter().all(|&p| p < path.chars().count()));
        }
    }
}
