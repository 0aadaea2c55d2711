//! The fallback when the browser cannot reach the loopback: the seller pastes the code the relay
//! shows, or the whole address bar.

use url::Url;

use crate::{MeliError, Secret};

/// Accepts a bare code (`TG-…`), a full URL with `code=` (the relay's or any redirect), or a bare
/// query string. When the pasted text carries a `state`, it must be this attempt's.
pub fn parse_pasted(input: &str, expected_state: &str) -> Result<Secret, MeliError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(MeliError::InvalidPaste);
    }
    let query = if let Ok(url) = Url::parse(input) {
        if url.scheme() == "http" || url.scheme() == "https" {
            Some(url.query().unwrap_or("").to_owned())
        } else {
            None
        }
    } else if input.contains("code=") {
        Some(input.trim_start_matches('?').to_owned())
    } else {
        None
    };
    let Some(query) = query else {
        return bare_code(input);
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(state) = get("state") {
        if state != expected_state {
            return Err(MeliError::StateMismatch);
        }
    }
    if let Some(error) = get("error") {
        return Err(MeliError::AuthorizationDenied { error });
    }
    match get("code") {
        Some(code) => bare_code(&code),
        None => Err(MeliError::InvalidPaste),
    }
}

/// Codes look like `TG-61828b7fffcc9a001b4bc890-314029626`: no spaces, URL-safe characters.
fn bare_code(code: &str) -> Result<Secret, MeliError> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.len() <= 512
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if ok {
        Ok(Secret::new(code))
    } else {
        Err(MeliError::InvalidPaste)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "TG-61828b7fffcc9a001b4bc890-314029626";

    #[test]
    fn a_bare_code_is_taken_as_is() {
        assert_eq!(
            parse_pasted(&format!("  {CODE}\n"), "s.1")
                .expect("code")
                .expose(),
            CODE
        );
    }

    #[test]
    fn a_final_url_gives_its_code_when_the_state_matches() {
        let url = format!("https://relay.example.test/?code={CODE}&state=abc.5000");
        assert_eq!(parse_pasted(&url, "abc.5000").expect("code").expose(), CODE);
        assert!(matches!(
            parse_pasted(&url, "zzz.5000"),
            Err(MeliError::StateMismatch)
        ));
        let query = format!("?code={CODE}&state=abc.5000");
        assert_eq!(
            parse_pasted(&query, "abc.5000").expect("code").expose(),
            CODE
        );
    }

    #[test]
    fn a_denial_or_garbage_is_an_error() {
        let denied = "https://relay.example.test/?error=access_denied&state=abc.1";
        assert!(matches!(
            parse_pasted(denied, "abc.1"),
            Err(MeliError::AuthorizationDenied { .. })
        ));
        assert!(matches!(
            parse_pasted("", "abc.1"),
            Err(MeliError::InvalidPaste)
        ));
        assert!(matches!(
            parse_pasted("hello world", "abc.1"),
            Err(MeliError::InvalidPaste)
        ));
        assert!(matches!(
            parse_pasted("https://relay.example.test/?x=1", "abc.1"),
            Err(MeliError::InvalidPaste)
        ));
        assert!(matches!(
            parse_pasted("javascript:alert(1)", "abc.1"),
            Err(MeliError::InvalidPaste)
        ));
    }
}
