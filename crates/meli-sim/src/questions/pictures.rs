//! Listing pictures, as Mercado Libre's image host (`http2.mlstatic.com`) serves them: real
//! JPEG and PNG bytes, here on the simulator's own loopback address. No token needed, and not
//! part of the API's rate limit. A test can make a listing's picture go bad.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::items::{listing, ITEM_ID_BASE};
use crate::state::Shared;

/// A small JPEG (64×64, under 1 KB) made for the simulator.
const JPEG: &[u8] = include_bytes!("../../assets/listing.jpg");
/// Side of the generated PNGs.
const PNG_SIDE: usize = 64;

/// What a listing's picture URL serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PictureKind {
    /// The default: a JPEG for every third listing, a PNG of the listing's colour otherwise.
    Real,
    /// HTML served as `image/jpeg` (a captive portal, a broken CDN node).
    NotAnImage,
    /// A valid PNG header followed by far more bytes than any thumbnail.
    Oversized,
    /// 404 from the image host.
    Missing,
    /// The listing has no picture at all (`thumbnail` empty).
    None,
}

/// The picture's file name: `D_<n>-<item id>-I.<ext>`, the shape of Mercado Libre's.
pub fn picture_name(item_id: &str, index: usize) -> String {
    let ext = if index.is_multiple_of(3) {
        "jpg"
    } else {
        "png"
    };
    format!("D_{}-{item_id}-I.{ext}", 600_000 + index)
}

/// `http://<host>/pictures/<name>`, `host` as the client reached the simulator (its Host
/// header), so the URL works from wherever the API did.
pub fn picture_url(headers: &HeaderMap, item_id: &str, index: usize) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    if host.is_empty() || host.contains(['/', '@', ' ']) {
        return None;
    }
    Some(format!(
        "http://{host}/pictures/{}",
        picture_name(item_id, index)
    ))
}

/// `GET /pictures/{name}`.
pub async fn serve(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    let Some((item_id, index)) = parse_name(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let kind = {
        let world = shared.world();
        if listing(&world, &item_id).is_none_or(|l| l.index != index) {
            return StatusCode::NOT_FOUND.into_response();
        }
        world
            .questions
            .pictures
            .get(&item_id)
            .copied()
            .unwrap_or(PictureKind::Real)
    };
    match kind {
        PictureKind::Real if name.ends_with(".jpg") => image("image/jpeg", JPEG.to_vec()),
        PictureKind::Real => image("image/png", png(index)),
        PictureKind::NotAnImage => image(
            "image/jpeg",
            b"<!doctype html><html><body>Sign in to continue</body></html>".to_vec(),
        ),
        PictureKind::Oversized => {
            let mut bytes = png(index);
            bytes.resize(2 * 1024 * 1024, 0);
            image("image/png", bytes)
        }
        PictureKind::Missing | PictureKind::None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn image(mime: &'static str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

/// `D_600003-MLA1054990603-I.png` → (`MLA1054990603`, 3).
fn parse_name(name: &str) -> Option<(String, usize)> {
    let rest = name.strip_prefix("D_")?;
    let (n, rest) = rest.split_once('-')?;
    let (item_id, tail) = rest.split_once('-')?;
    if !matches!(tail, "I.jpg" | "I.png") {
        return None;
    }
    let index = n.parse::<usize>().ok()?.checked_sub(600_000)?;
    let number: u64 = item_id.get(3..)?.parse().ok()?;
    (number.checked_sub(ITEM_ID_BASE)? == index as u64 && picture_name(item_id, index) == name)
        .then(|| (item_id.to_owned(), index))
}

/// A 64×64 PNG: a tile in the listing's own colour with a lighter box on it, so cards tell
/// listings apart. Stored (uncompressed) deflate: valid, small enough, no encoder needed.
pub fn png(index: usize) -> Vec<u8> {
    let hue = (index * 47) % 360;
    let base = hsl(hue, 0.55, 0.45);
    let light = hsl(hue, 0.6, 0.85);
    let mut raw = Vec::with_capacity(PNG_SIDE * (1 + PNG_SIDE * 3));
    for y in 0..PNG_SIDE {
        raw.push(0); // filter: none
        for x in 0..PNG_SIDE {
            let inside = (16..48).contains(&x) && (20..52).contains(&y);
            raw.extend_from_slice(if inside { &light } else { &base });
        }
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(PNG_SIDE as u32).to_be_bytes());
    ihdr.extend_from_slice(&(PNG_SIDE as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn hsl(hue: usize, s: f64, l: f64) -> [u8; 3] {
    let h = hue as f64 / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match hue / 60 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [to(r), to(g), to(b)]
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_foreign_names_do_not_parse() {
        let name = picture_name("MLA1054990603", 3);
        assert_eq!(name, "D_600003-MLA1054990603-I.jpg");
        assert_eq!(parse_name(&name), Some(("MLA1054990603".into(), 3)));
        assert_eq!(
            parse_name("D_600004-MLA1054990604-I.png"),
            Some(("MLA1054990604".into(), 4))
        );
        assert_eq!(parse_name("D_600004-MLA1054990603-I.png"), None);
        assert_eq!(parse_name("D_600004-MLA1054990604-I.jpg"), None);
        assert_eq!(parse_name("../../etc/passwd"), None);
    }

    #[test]
    fn the_png_is_a_png_and_the_jpeg_a_jpeg() {
        let png = png(5);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.len() < 16 * 1024);
        // The checksum of IEND, a constant of the format.
        assert!(png.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
        assert!(JPEG.starts_with(&[0xFF, 0xD8, 0xFF]) && JPEG.ends_with(&[0xFF, 0xD9]));
    }
}
