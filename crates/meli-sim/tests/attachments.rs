mod common;

use std::time::Duration;

use common::{conversation, fixture, keys, send, Harness};
use meli_sim::{NewSale, Upload, SELLER_MLA, SELLER_MLB};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
];
const JPG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00";
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";

const UPLOAD: &str = "/messages/attachments?tag=post_sale&site_id=MLA";

async fn upload(h: &Harness, path: &str, name: &str, data: Vec<u8>) -> (u16, Value) {
    let form = Form::new().part("file", Part::bytes(data).file_name(name.to_owned()));
    send(h.post(path).multipart(form)).await
}

async fn open_sale(h: &Harness) -> meli_sim::CreatedSale {
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    h.sim
        .control()
        .buyer_writes(sale.conversation_id, "¿Me mandás la factura?", None)
        .expect("write");
    sale
}

fn with_attachments(to: u64, ids: &[&str]) -> Value {
    json!({ "from": { "user_id": SELLER_MLA }, "to": { "user_id": to }, "text": "Acá está", "attachments": ids })
}

#[tokio::test]
async fn accepted_kinds_are_judged_by_content() {
    let h = Harness::empty().await;
    for (name, data, ext) in [
        ("foto.png", PNG, "png"),
        ("foto.jpg", JPG, "jpg"),
        ("factura.pdf", PDF, "pdf"),
        ("nota.txt", "Gracias por tu compra\n".as_bytes(), "txt"),
        ("sin-extension", PDF, "pdf"),
    ] {
        let (status, body) = upload(&h, UPLOAD, name, data.to_vec()).await;
        assert_eq!(status, 201, "{name}: {body}");
        assert_eq!(
            keys(&body),
            keys(&fixture("attachment_upload_response.json"))
        );
        let id = body["id"].as_str().expect("id");
        assert!(id.starts_with(&format!("{SELLER_MLA}_")), "{id}");
        assert!(id.ends_with(&format!(".{ext}")), "{id}");
    }
    for (name, data) in [("anim.gif", GIF), ("foto.jpg", EXE)] {
        let (status, _) = upload(&h, UPLOAD, name, data.to_vec()).await;
        assert_eq!(status, 400, "{name} is refused whatever its name");
    }
}

#[tokio::test]
async fn upload_requires_tag_site_and_a_file_field() {
    let h = Harness::empty().await;
    let (status, _) = upload(
        &h,
        "/messages/attachments?tag=post_sale",
        "a.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 400, "site_id is mandatory");
    let (status, _) = upload(
        &h,
        "/messages/attachments?site_id=MLA",
        "a.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 400, "tag is mandatory");
    let form = Form::new().part("document", Part::bytes(PNG.to_vec()).file_name("a.png"));
    let (status, _) = send(h.post(UPLOAD).multipart(form)).await;
    assert_eq!(status, 400, "the field is called file");
    let (status, _) = upload(&h, UPLOAD, "a/b.png", PNG.to_vec()).await;
    assert_eq!(status, 400, "no slash in names");
    let (status, _) = upload(
        &h,
        UPLOAD,
        &format!("{}.png", "n".repeat(200)),
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 400, "names up to 200 characters");
}

#[tokio::test]
async fn files_over_25_mb_are_refused() {
    let h = Harness::empty().await;
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(25 * 1024 * 1024 + 1, b' ');
    let (status, body) = upload(&h, UPLOAD, "big.pdf", big).await;
    assert_eq!(status, 413, "{body}");
    let mut fits = b"%PDF-1.4\n".to_vec();
    fits.resize(25 * 1024 * 1024, b' ');
    let (status, _) = upload(&h, UPLOAD, "fits.pdf", fits).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn an_attachment_is_sent_once_and_then_listed_and_downloadable() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let (_, body) = upload(&h, UPLOAD, "factura.pdf", PDF.to_vec()).await;
    let id = body["id"].as_str().expect("id").to_owned();
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let (status, _) = send(h.post(&path).json(&with_attachments(sale.buyer_id, &[&id]))).await;
    assert_eq!(status, 201);
    let (status, body) = send(h.post(&path).json(&with_attachments(sale.buyer_id, &[&id]))).await;
    assert_eq!(status, 422, "already used: {body}");

    let (_, body) = send(h.get(&path)).await;
    let attached = &body["messages"][0]["message_attachments"][0];
    assert_eq!(attached["filename"], id.as_str());
    assert_eq!(attached["original_filename"], "factura.pdf");
    assert_eq!(attached["size"], PDF.len());

    let download = h
        .get(&format!(
            "/messages/attachments/{id}?tag=post_sale&site_id=MLA"
        ))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), PDF);
}

#[tokio::test]
async fn buyers_attachments_reach_the_seller() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    h.sim
        .control()
        .buyer_writes(
            sale.conversation_id,
            "Así llegó",
            Some(Upload {
                filename: "caja.png".into(),
                data: PNG.to_vec(),
            }),
        )
        .expect("write");
    let (_, body) = send(h.get(&conversation(sale.conversation_id, SELLER_MLA))).await;
    let file = body["messages"][0]["message_attachments"][0]["filename"]
        .as_str()
        .expect("filename")
        .to_owned();
    assert!(file.starts_with(&sale.buyer_id.to_string()));
    let download = h
        .get(&format!(
            "/messages/attachments/{file}?tag=post_sale&site_id=MLA"
        ))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn at_most_25_attachments_per_message() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let mut ids = Vec::new();
    for i in 0..26 {
        let (_, body) = upload(&h, UPLOAD, &format!("{i}.txt"), b"hola".to_vec()).await;
        ids.push(body["id"].as_str().expect("id").to_owned());
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let (status, _) = send(h.post(&path).json(&with_attachments(sale.buyer_id, &refs))).await;
    assert_eq!(status, 400);
    let (status, _) = send(
        h.post(&path)
            .json(&with_attachments(sale.buyer_id, &refs[..25])),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn orphans_are_deleted_after_48_hours() {
    let mut h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let (_, body) = upload(&h, UPLOAD, "a.png", PNG.to_vec()).await;
    let id = body["id"].as_str().expect("id").to_owned();
    let download = format!("/messages/attachments/{id}?tag=post_sale&site_id=MLA");
    h.sim
        .control()
        .advance_clock(Duration::from_secs(47 * 3600));
    // Tokens expired meanwhile: a new one for the same seller each time.
    h.as_user(SELLER_MLA);
    let (status, _) = send(h.get(&download)).await;
    assert_eq!(status, 200, "still there after 47 h");
    h.sim.control().advance_clock(Duration::from_secs(2 * 3600));
    h.as_user(SELLER_MLA);
    let (status, _) = send(h.get(&download)).await;
    assert_eq!(status, 404);
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let (status, _) = send(h.post(&path).json(&with_attachments(sale.buyer_id, &[&id]))).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn other_sellers_cannot_download() {
    let mut h = Harness::empty().await;
    let (_, body) = upload(&h, UPLOAD, "a.png", PNG.to_vec()).await;
    let id = body["id"].as_str().expect("id").to_owned();
    h.as_user(SELLER_MLB);
    let (status, _) = send(h.get(&format!(
        "/messages/attachments/{id}?tag=post_sale&site_id=MLB"
    )))
    .await;
    assert_eq!(status, 403);
}
