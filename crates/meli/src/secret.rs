//! A string that must never reach a log: client secrets, access and refresh tokens, codes.

use serde::{Deserialize, Serialize};

/// Redacts itself in `Debug` and `Display`; the value is reachable only through [`Secret::expose`],
/// so every place that reads it is easy to find.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("APP_USR-123456-topsecret");
        assert!(!format!("{s:?}").contains("topsecret"));
        assert!(!format!("{s}").contains("topsecret"));
        assert!(!format!("{:#?}", Some(&s)).contains("topsecret"));
        assert_eq!(s.expose(), "APP_USR-123456-topsecret");
    }

    #[test]
    fn token_debug_hides_both_tokens() {
        let raw = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/meli-fixtures/token_response.json"
        ))
        .expect("fixture");
        let token: crate::models::Token = serde_json::from_str(&raw).expect("parses");
        let shown = format!("{token:?}");
        assert!(!shown.contains("8cc4448aac10d5105474e1351"), "{shown}");
        assert!(!shown.contains("5b9032b4e23464aed1f959f"), "{shown}");
        assert!(
            shown.contains("10800"),
            "non-secret fields stay visible: {shown}"
        );
    }
}
