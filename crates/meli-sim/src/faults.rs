//! Faults a test asks for: the next N requests, or a share of them, under a path prefix fail in a
//! chosen way before or after the real handler runs.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// How a request fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 with the documented body and `Retry-After: retry_after_secs`.
    TooManyRequests { retry_after_secs: u64 },
    /// 500 with the standard error body.
    ServerError,
    /// The request is served after `delay_ms`.
    Slow { delay_ms: u64 },
    /// The request is served at once (what it does is done), and the answer leaves after
    /// `delay_ms`: a client that gives up meanwhile cannot know whether it arrived.
    LateAnswer { delay_ms: u64 },
    /// The connection is closed before any response.
    DropConnection,
    /// The real handler runs, but the body is replaced by something that is not JSON.
    MalformedJson,
    /// The real handler runs, but only the first half of its body is sent.
    TruncatedBody,
    /// Answers `status` with the standard error body (a 400, 410, 451, 5xx… that one resource
    /// keeps giving, whatever is asked).
    Status {
        status: u16,
        /// The body's `message`; by default the status's own words.
        #[serde(default)]
        message: Option<String>,
    },
    /// The real handler runs and its JSON is rewritten the ways Mercado Libre's varies: numeric
    /// ids become strings, `status` values upper case, optional fields null or missing, and an
    /// unknown field appears.
    Quirks,
}

/// Which requests fail: those whose path starts with `path_prefix` (and whose method matches,
/// if given), either the next `times` of them or `rate_percent` % of them. A `*` in the prefix
/// stands for any run of characters within one path segment, e.g.
/// `/messages/packs/*/sellers/` or `/orders/*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    #[serde(default)]
    pub path_prefix: String,
    #[serde(default)]
    pub method: Option<String>,
    pub kind: FaultKind,
    #[serde(default)]
    pub times: Option<u32>,
    #[serde(default)]
    pub rate_percent: Option<u8>,
}

impl FaultRule {
    /// The next `times` requests under `path_prefix` fail.
    pub fn next(times: u32, path_prefix: &str, kind: FaultKind) -> Self {
        Self {
            path_prefix: path_prefix.into(),
            method: None,
            kind,
            times: Some(times),
            rate_percent: None,
        }
    }

    /// `percent` % of the requests under `path_prefix` fail, until the rules are cleared.
    pub fn rate(percent: u8, path_prefix: &str, kind: FaultKind) -> Self {
        Self {
            path_prefix: path_prefix.into(),
            method: None,
            kind,
            times: None,
            rate_percent: Some(percent),
        }
    }

    /// Restricts the rule to one HTTP method.
    pub fn for_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        prefix_matches(&self.path_prefix, path)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Whether `path` starts with `pattern`, where `*` matches within one segment.
fn prefix_matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return true;
    };
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    for part in parts {
        let segment_end = rest.find('/').unwrap_or(rest.len());
        // The wildcard takes some characters of the current segment, then `part` must follow.
        let found = (0..=segment_end)
            .find(|&skip| rest.is_char_boundary(skip) && rest[skip..].starts_with(part));
        match found {
            Some(skip) => rest = &rest[skip + part.len()..],
            None => return false,
        }
    }
    true
}

#[derive(Debug)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    rng: Mutex<Rng>,
}

impl Faults {
    pub fn new(seed: u64) -> Self {
        Self {
            rules: Mutex::new(Vec::new()),
            rng: Mutex::new(Rng::new(seed ^ 0xFA_17)),
        }
    }

    pub fn add(&self, rule: FaultRule) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rule);
    }

    /// Removes the rules whose prefix is exactly `path_prefix` (lifts one pack's faults).
    pub fn remove_prefix(&self, path_prefix: &str) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|r| r.path_prefix != path_prefix);
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The fault for this request, if a rule picks it; counted-down rules are used up here.
    pub fn pick(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let mut chosen = None;
        for rule in rules.iter_mut().filter(|r| r.matches(method, path)) {
            if let Some(left) = rule.times.as_mut() {
                if *left > 0 {
                    *left -= 1;
                    chosen = Some(rule.kind.clone());
                    break;
                }
            } else if let Some(percent) = rule.rate_percent {
                if rng.chance(u64::from(percent)) {
                    chosen = Some(rule.kind.clone());
                    break;
                }
            }
        }
        rules.retain(|r| r.times != Some(0));
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_matches;

    #[test]
    fn prefixes_and_wildcards() {
        assert!(prefix_matches("/orders", "/orders/search"));
        assert!(prefix_matches("", "/anything"));
        assert!(!prefix_matches("/orders", "/users/me"));
        assert!(prefix_matches(
            "/messages/packs/*/sellers",
            "/messages/packs/123/sellers/9"
        ));
        assert!(!prefix_matches(
            "/messages/packs/*/sellers",
            "/messages/packs/1/2/sellers/9"
        ));
        assert!(prefix_matches("/orders/*", "/orders/2000"));
        assert!(!prefix_matches("/messages/*/x", "/messages/attachments"));
    }
}
