//! Listings: titles and pictures through the items multiget, and the pictures themselves from
//! the image hosts the configuration allows.

use bytes::Bytes;
use url::Url;

use super::transport::{read_limited, Call};
use super::Client;
use crate::models::{ListingSummary, MultigetEntry};
use crate::MeliError;

/// Ids per `GET /items?ids=` call: Mercado Libre's multiget takes at most 20.
pub const ITEMS_PER_MULTIGET: usize = 20;
/// The largest picture read. Mercado Libre's thumbnails (`-I.jpg`, 90 pixels) weigh a few KB;
/// anything near this is not a thumbnail.
pub const PICTURE_BODY_LIMIT: usize = 512 * 1024;

/// The fields asked for: what a card and the Questions view show, nothing else.
const LISTING_ATTRIBUTES: &str = "id,title,thumbnail,secure_thumbnail,permalink,status,seller_id";

/// One id of a multiget, as Mercado Libre answered it.
#[derive(Debug, Clone, PartialEq)]
pub enum ListingAnswer {
    Found(ListingSummary),
    /// The entry's own code was not 200: 404 (deleted), 403 (not visible to this
    /// application), or a server error for that id alone.
    Refused {
        id: String,
        code: u16,
    },
}

impl ListingAnswer {
    pub fn id(&self) -> &str {
        match self {
            ListingAnswer::Found(l) => &l.id,
            ListingAnswer::Refused { id, .. } => id,
        }
    }
}

/// An origin pictures may come from: a scheme and a host, with an optional port; a host that
/// starts with `*.` stands for its subdomains (`https://*.mlstatic.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureOrigin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl PictureOrigin {
    /// Parses `https://*.mlstatic.com` or `http://127.0.0.1:4000`; `None` for anything that
    /// is not an http(s) origin.
    pub fn parse(text: &str) -> Option<PictureOrigin> {
        let url = Url::parse(text.trim()).ok()?;
        if !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
            || !url.path().trim_end_matches('/').is_empty()
            || url.query().is_some()
        {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        Some(PictureOrigin {
            scheme: url.scheme().to_owned(),
            host,
            port: url.port(),
        })
    }

    fn allows(&self, url: &Url) -> bool {
        if url.scheme() != self.scheme || !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        let host_ok = match self.host.strip_prefix("*.") {
            Some(domain) => host
                .strip_suffix(domain)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => host == self.host,
        };
        host_ok && url.port() == self.port
    }
}

/// Mercado Libre's image hosts (`http2.mlstatic.com` and its siblings), over HTTPS only.
pub fn default_picture_origins() -> Vec<PictureOrigin> {
    ["https://*.mlstatic.com", "https://mlstatic.com"]
        .iter()
        .filter_map(|o| PictureOrigin::parse(o))
        .collect()
}

/// The URL to download a listing picture from, when `origins` allow it. An `http` URL is
/// upgraded to `https` when only that is allowed (Mercado Libre's `thumbnail` is plain http;
/// the same host serves it over TLS).
pub fn allowed_picture_url(origins: &[PictureOrigin], text: &str) -> Option<Url> {
    let url = Url::parse(text.trim()).ok()?;
    if origins.iter().any(|o| o.allows(&url)) {
        return Some(url);
    }
    if url.scheme() == "http" {
        let mut secure = url.clone();
        secure.set_scheme("https").ok()?;
        if url.port().is_none() && origins.iter().any(|o| o.allows(&secure)) {
            return Some(secure);
        }
    }
    None
}

/// Reads a multiget answer: each entry's code and body, in the order the ids were asked (the
/// body of an error has no id, so the position says which one it was).
fn read_multiget(asked: &[String], entries: Vec<MultigetEntry>) -> Vec<ListingAnswer> {
    asked
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let Some(entry) = entries.get(i) else {
                // Fewer entries than ids: treat the missing ones as a server failure, asked
                // again on a later pass.
                return ListingAnswer::Refused {
                    id: id.clone(),
                    code: 500,
                };
            };
            let code = entry.code.and_then(|c| u16::try_from(c).ok()).unwrap_or(0);
            let found = (code == 200)
                .then(|| entry.body.clone())
                .flatten()
                .and_then(|b| serde_json::from_value::<ListingSummary>(b).ok())
                .filter(|l| &l.id == id);
            match found {
                Some(listing) => ListingAnswer::Found(listing),
                None => ListingAnswer::Refused {
                    id: id.clone(),
                    code: if code == 200 { 500 } else { code },
                },
            }
        })
        .collect()
}

impl Client {
    /// Titles and pictures of listings, 20 ids a call (`GET /items?ids=…&attributes=…`), each
    /// id with its own answer: a listing deleted or hidden does not fail the others.
    pub async fn listings(&self, ids: &[String]) -> Result<Vec<ListingAnswer>, MeliError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ITEMS_PER_MULTIGET) {
            if chunk.is_empty() {
                continue;
            }
            let call = Call::get("/items".into())
                .query("ids", chunk.join(","))
                .query("attributes", LISTING_ATTRIBUTES);
            let entries: Vec<MultigetEntry> = self.call_json(call).await?;
            out.extend(read_multiget(chunk, entries));
        }
        Ok(out)
    }

    /// Whether a picture at `url` may be downloaded, and from where.
    pub fn picture_url(&self, url: &str) -> Option<Url> {
        allowed_picture_url(&self.inner.picture_origins, url)
    }

    /// Downloads a listing's picture: only from an allowed origin (the token is never sent,
    /// redirects are not followed), at most [`PICTURE_BODY_LIMIT`] bytes. The bytes are not
    /// checked here; the caller looks at what they are before keeping them.
    pub async fn picture(&self, url: &str) -> Result<Bytes, MeliError> {
        let url = self
            .picture_url(url)
            .ok_or_else(|| MeliError::PictureRefused {
                reason: "host_not_allowed".into(),
            })?;
        let response = self
            .inner
            .pictures_http
            .get(url)
            .header(reqwest::header::ACCEPT, "image/*")
            .send()
            .await?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(MeliError::PictureRefused {
                reason: "redirect".into(),
            });
        }
        if !(200..300).contains(&status) {
            let retry_after = super::retry_after_header(response.headers());
            let body = read_limited(response, PICTURE_BODY_LIMIT)
                .await
                .unwrap_or_default();
            return Err(MeliError::from_response(status, retry_after, &body));
        }
        match read_limited(response, PICTURE_BODY_LIMIT).await {
            Err(MeliError::BodyTooLarge { .. }) => Err(MeliError::PictureRefused {
                reason: "too_large".into(),
            }),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn allowed(origins: &[&str], url: &str) -> Option<String> {
        let origins: Vec<PictureOrigin> = origins
            .iter()
            .map(|o| PictureOrigin::parse(o).expect("origin"))
            .collect();
        allowed_picture_url(&origins, url).map(|u| u.to_string())
    }

    #[test]
    fn only_mercado_libres_image_hosts_by_default() {
        let origins = default_picture_origins();
        let ok = |u: &str| allowed_picture_url(&origins, u).map(|u| u.to_string());
        assert_eq!(
            ok("https://http2.mlstatic.com/D_600003-MLA1-I.jpg").as_deref(),
            Some("https://http2.mlstatic.com/D_600003-MLA1-I.jpg")
        );
        // The plain-http thumbnail goes over TLS.
        assert_eq!(
            ok("http://http2.mlstatic.com/D_1-I.jpg").as_deref(),
            Some("https://http2.mlstatic.com/D_1-I.jpg")
        );
        for refused in [
            "https://mlstatic.com.evil.test/a.jpg",
            "https://evilmlstatic.com/a.jpg",
            "https://http2.mlstatic.com:8443/a.jpg",
            "https://user@http2.mlstatic.com/a.jpg",
            "http://127.0.0.1:4000/pictures/a.jpg",
            "file:///etc/passwd",
            "data:image/png;base64,AAAA",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert_eq!(ok(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_configured_origin_allows_exactly_that_origin() {
        let sim = ["http://127.0.0.1:4000"];
        assert!(allowed(&sim, "http://127.0.0.1:4000/pictures/a.png").is_some());
        assert_eq!(allowed(&sim, "http://127.0.0.1:4001/pictures/a.png"), None);
        assert_eq!(allowed(&sim, "https://127.0.0.1:4000/pictures/a.png"), None);
        assert_eq!(allowed(&sim, "http://localhost:4000/pictures/a.png"), None);
        assert_eq!(PictureOrigin::parse("ftp://host"), None);
        assert_eq!(PictureOrigin::parse("https://"), None);
    }

    #[test]
    fn multiget_entries_keep_their_own_codes() {
        let asked: Vec<String> = ["MLA1", "MLA2", "MLA3"].map(String::from).to_vec();
        let entries: Vec<MultigetEntry> = serde_json::from_value(json!([
            {"code": 200, "body": {"id": "MLA1", "title": "Termo", "thumbnail": "http://x/1.jpg"}},
            {"code": 404, "body": {"message": "Item with id MLA2 not found", "error": "not_found", "status": 404, "cause": []}},
            {"code": "403", "body": {"message": "forbidden", "error": "forbidden", "status": 403}}
        ]))
        .expect("entries");
        let read = read_multiget(&asked, entries);
        assert!(matches!(&read[0], ListingAnswer::Found(l) if l.title.as_deref() == Some("Termo")));
        assert_eq!(
            read[1],
            ListingAnswer::Refused {
                id: "MLA2".into(),
                code: 404
            }
        );
        assert_eq!(
            read[2],
            ListingAnswer::Refused {
                id: "MLA3".into(),
                code: 403
            }
        );
        // An answer shorter than the question: the rest are asked again later.
        let short = read_multiget(&asked, Vec::new());
        assert!(short
            .iter()
            .all(|a| matches!(a, ListingAnswer::Refused { code: 500, .. })));
    }
}
