//! Types that hold secrets: zeroized on drop, redacted in `Debug`.

use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// A Vault token. `Debug` never prints it; the memory is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Zeroizing<String>);

impl Token {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// Takes over a wiped string without copying it.
    pub fn from_zeroizing(value: Zeroizing<String>) -> Self {
        Self(value)
    }

    /// The raw token, for the `X-Vault-Token` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl<'de> serde::Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Zeroizing::<String>::deserialize(deserializer).map(Token)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A secret value as shown in the UI: the text plus whether it came from a JSON (non-string) value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// Takes over a wiped string without copying it.
    pub fn from_zeroizing(value: Zeroizing<String>) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

impl Zeroize for SecretText {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// Bytes of a request body that holds secrets (a write): wiped on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let token = Token::new("s.very-secret");
        let text = SecretText::new("hunter2");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(format!("{text:?}"), "SecretText(<redacted>)");
        assert!(!format!("{token:?}{text:?}").contains("secret-"));
    }
}
