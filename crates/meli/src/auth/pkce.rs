//! PKCE (RFC 7636) with S256, and the random `state`, both from the `oauth2` crate.

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};

use crate::Secret;

/// 32 random bytes, base64url: 43 characters. Used as the random half of `state`, where
/// `oauth2`'s default 16 bytes would do but the longer value costs nothing.
pub fn random_token() -> String {
    CsrfToken::new_random_len(32).into_secret()
}

/// The verifier kept by the app and its S256 challenge sent in the authorization URL.
///
/// Kept as our own type (rather than `oauth2`'s pair) so the verifier is a [`Secret`] like every
/// other credential here, and the attempt can be cloned.
#[derive(Debug, Clone)]
pub struct Pkce {
    pub verifier: Secret,
    pub challenge: String,
}

impl Pkce {
    /// A fresh 32-byte verifier (43 characters, inside RFC 7636's 43..=128) and its S256
    /// challenge.
    pub fn generate() -> Self {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        Pkce {
            verifier: Secret::new(verifier.into_secret()),
            challenge: challenge.as_str().to_owned(),
        }
    }

    pub fn from_verifier(verifier: String) -> Self {
        let verifier = PkceCodeVerifier::new(verifier);
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        Pkce {
            verifier: Secret::new(verifier.into_secret()),
            challenge: challenge.as_str().to_owned(),
        }
    }

    /// The challenge as `oauth2` sends it (`code_challenge_method=S256`).
    pub(crate) fn oauth2_challenge(&self) -> PkceCodeChallenge {
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            self.verifier.expose().to_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_matches_rfc_7636_appendix_b() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifiers_are_long_enough_and_unique() {
        let (a, b) = (Pkce::generate(), Pkce::generate());
        assert_eq!(a.verifier.expose().len(), 43);
        assert_ne!(a.verifier, b.verifier);
        assert!(a
            .verifier
            .expose()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
