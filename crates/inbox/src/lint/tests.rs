//! The linter's table: what sellers write, in Spanish and Portuguese, with the codes Mercado
//! Libre's moderation would give (none for the everyday numbers and links that must not warn).
//! The test prints precision and recall over the table.

use super::*;

const PD: &str = PERSONAL_DATA;
const SN: &str = SOCIAL_NETWORK_LINK;
const SU: &str = LINK_SHORT_URL;
const MP: &str = LINK_MERCADOPAGO;
const PP: &str = ML_LINKS_PAYPAL;
const EV: &str = EVASION_CLAIM_SELLER;

#[rustfmt::skip]
const TABLE: &[(&str, &str, &[&str])] = &[
    // ── phones, the 14 sites' shapes ──────────────────────────────────────────────────────
    ("MLA", "Cualquier cosa llamame al 11 2345-6789", &[PD]),
    ("MLA", "Escribime al +54 9 11 2345 6789 y lo coordinamos", &[PD]),
    ("MLA", "Mi cel: 011 15 4567-8901", &[PD]),
    ("MLA", "Te dejo el fijo (0351) 456-7890 por si acaso", &[PD]),
    ("MLA", "Comunicate al 1123456789", &[PD]),
    ("MLA", "Hola! 11.2345.6789 es mi número", &[PD]),
    ("MLA", "mandame mensaje al 11 2 3 4 5 6 7 8 9", &[PD]),
    ("MLB", "Me chama no (11) 98765-4321", &[PD]),
    ("MLB", "Qualquer coisa liga: +55 11 98765 4321", &[PD]),
    ("MLB", "Pode falar comigo no 11987654321", &[PD]),
    ("MLB", "Meu número é 21 3456-7890", &[PD]),
    ("MLB", "Fale comigo 11 9 8765 4321 que te explico", &[PD]),
    ("MLB", "Qualquer dúvida 11.98765.4321", &[PD]),
    ("MLM", "Llámame al 55 1234 5678", &[PD]),
    ("MLM", "Mi número es +52 33 1234 5678", &[PD]),
    ("MLM", "Comunícate al (81) 8765-4321", &[PD]),
    ("MLM", "Mándame mensaje al 55 12 34 56 78", &[PD]),
    ("MLC", "Llámame al +56 9 8765 4321", &[PD]),
    ("MLC", "Fono 9 8765 4321", &[PD]),
    ("MCO", "Escríbeme al 300 123 4567", &[PD]),
    ("MCO", "Mi número +57 310 555 1234", &[PD]),
    ("MCO", "Llámanos al (601) 234 5678", &[PD]),
    ("MPE", "Llámame al 987 654 321", &[PD]),
    ("MPE", "Mi número es +51 987654321", &[PD]),
    ("MPE", "Comunícate al 234-5678 en horario de oficina", &[PD]),
    ("MLU", "Escribime al 099 123 456", &[PD]),
    ("MLU", "Llamame al +598 99 123 456", &[PD]),
    ("MLU", "Te atiendo en el 2901 2345", &[PD]),
    ("MLV", "Llámame al 0414-123-4567", &[PD]),
    ("MLV", "Mi número: +58 412 555 1234", &[PD]),
    ("MEC", "Escríbeme al 099 123 4567", &[PD]),
    ("MEC", "Llámame al +593 99 123 4567", &[PD]),
    ("MCR", "Llámeme al 8888-1234", &[PD]),
    ("MCR", "Mi número es +506 8765 4321", &[PD]),
    ("MPA", "Llámame al 6123-4567", &[PD]),
    ("MPA", "Escríbeme al +507 6123 4567", &[PD]),
    ("MRD", "Llámame al (809) 555-1234", &[PD]),
    ("MRD", "Mi número +1 829 555 1234", &[PD]),
    ("MPT", "Ligue-me para o 912 345 678", &[PD]),
    ("MPT", "O meu número é +351 912 345 678", &[PD]),
    ("CBT", "Call me at +1 (305) 555-0123", &[PD]),
    ("MLA", "Hola, 1134567890", &[PD]),
    ("MLB", "Oi! 11 98765 4321", &[PD]),
    // ── e-mail, written and spelled out ────────────────────────────────────────────────────
    ("MLA", "Mandame la foto a juan.perez@gmail.com", &[PD]),
    ("MLB", "Envie para vendas@lojaxyz.com.br", &[PD]),
    ("MLA", "Escribime a juanperez arroba gmail punto com", &[PD]),
    ("MLB", "Meu email é maria ponto silva arroba hotmail ponto com", &[PD]),
    ("MLM", "ventas (at) mitienda (dot) com", &[PD]),
    ("MLA", "juan @ gmail . com", &[PD]),
    ("MLB", "me manda no gmail que eu respondo", &[PD]),
    ("MLA", "Busca ventasxyz en hotmail", &[PD]),
    ("MLC", "escríbeme, es tienda_sur arroba yahoo", &[PD]),
    ("MLB", "é loja ponto com ponto br", &[PD]),
    ("MLA", "Contacto: info@tienda.com.ar", &[PD]),
    ("MCO", "Escríbenos a pedidos[at]almacen[dot]co", &[PD]),
    // ── talking elsewhere ─────────────────────────────────────────────────────────────────
    ("MLA", "Mandame un whatsapp y lo vemos", &[PD]),
    ("MLB", "Me chama no zap", &[PD]),
    ("MLB", "Me chama no WhatsApp que é mais rápido", &[PD]),
    ("MLA", "Pasame por wsp la dirección", &[PD]),
    ("MLB", "me liga amanhã", &[PD]),
    ("MLM", "Te paso mi número para coordinar", &[PD]),
    ("MLB", "Te passo meu número pra combinar", &[PD]),
    ("MLA", "Hablemos por wpp", &[PD]),
    // ── social networks ───────────────────────────────────────────────────────────────────
    ("MLA", "Seguinos en instagram para ver más modelos", &[SN]),
    ("MLB", "Segue a gente no Instagram", &[SN]),
    ("MLA", "Mirá más fotos en https://www.instagram.com/tienda.sur", &[SN]),
    ("MLB", "Fala comigo em wa.me/5511987654321", &[SN]),
    ("MLA", "Entrá a t.me/ofertas_sur", &[SN]),
    ("MLM", "Todos nuestros links: linktr.ee/mitienda", &[SN]),
    ("MLA", "Buscanos como @tienda.sur", &[SN]),
    ("MLB", "Nos siga: @lojadamaria", &[SN]),
    ("MLA", "Tenemos página en Facebook", &[SN]),
    ("MCO", "Míranos en TikTok", &[SN]),
    ("MLB", "Canal no Telegram com promoções", &[SN]),
    ("MLA", "https://api.whatsapp.com/send?phone=5491123456789", &[SN]),
    ("MLM", "facebook.com/mitienda", &[SN]),
    ("MLB", "Vídeo da montagem: youtu.be/abc123XYZ", &[SN]),
    ("MLA", "Escribinos por https://chat.whatsapp.com/AbCdEf", &[SN]),
    ("MLC", "Síguenos @ventas_chile para descuentos", &[SN]),
    // ── short links ───────────────────────────────────────────────────────────────────────
    ("MLA", "Mirá el manual acá: bit.ly/manual-xyz", &[SU]),
    ("MLB", "Manual: https://bit.ly/3abcDEF", &[SU]),
    ("MLA", "El video está en https://tinyurl.com/2p8xyz", &[SU]),
    ("MLM", "Ver: rebrand.ly/guia", &[SU]),
    ("MLB", "Acesse t2m.io/abc12", &[SU]),
    ("MLA", "Detalles en https://bl.ink/xyz", &[SU]),
    ("MLC", "Info: zpr.io/aBcD", &[SU]),
    ("MLB", "Link: http://polr.minhaloja.com/x1", &[SU]),
    ("MLA", "https://yourls.org/abc", &[SU]),
    ("MCO", "Catálogo en bitly.com/catalogo", &[SU]),
    ("MLA", "BIT.LY/PROMO", &[SU]),
    // ── payment off the sale ──────────────────────────────────────────────────────────────
    ("MLA", "Te paso el link: https://mpago.la/2xYz9", &[MP]),
    ("MLA", "Pagá la diferencia en mpago.li/1AbC", &[MP]),
    ("MLB", "Paga aqui https://link.mercadopago.com.br/lojax", &[MP]),
    ("MLA", "https://www.mercadopago.com.ar/checkout/v1/redirect?pref_id=123", &[MP]),
    ("MLM", "Te mando un link de pago por la diferencia", &[MP]),
    ("MLB", "Te mando um link de pagamento do frete", &[MP]),
    ("MLA", "Podés pagarme por paypal.me/juanperez", &[PP]),
    ("MLB", "Pode pagar via PayPal se preferir", &[PP]),
    ("MLM", "https://www.paypal.com/paypalme/tienda", &[PP]),
    // ── claims ────────────────────────────────────────────────────────────────────────────
    ("MLA", "Por favor no abras un reclamo, lo solucionamos", &[EV]),
    ("MLA", "No inicies reclamo que te mando otro", &[EV]),
    ("MLM", "Le pido que no abra una reclamación", &[EV]),
    ("MLA", "Cerrá el reclamo y te devuelvo la plata", &[EV]),
    ("MLC", "Por favor cancele la disputa", &[EV]),
    ("MLA", "Te devuelvo el dinero por fuera", &[EV]),
    ("MLA", "Lo arreglamos fuera de Mercado Libre", &[EV]),
    ("MLA", "Lo solucionamos sin abrir reclamo", &[EV]),
    ("MLB", "Por favor, não abra reclamação", &[EV]),
    ("MLB", "Não abra uma reclamação, eu resolvo", &[EV]),
    ("MLB", "Feche a reclamação que eu te reembolso", &[EV]),
    ("MLB", "Cancele a reclamação por favor", &[EV]),
    ("MLB", "Devolvo o dinheiro por fora", &[EV]),
    ("MLB", "Resolvemos fora do Mercado Livre", &[EV]),
    ("MLB", "Dá pra resolver sem abrir reclamação?", &[EV]),
    ("MLA", "Retirá el reclamo así te mando el cambio", &[EV]),
    // ── several at once ───────────────────────────────────────────────────────────────────
    ("MLA", "Llamame al 11 2345-6789 o mirá bit.ly/xyz", &[PD, SU]),
    ("MLB", "Me chama no zap 11 98765-4321 ou no @loja", &[PD, SN]),
    ("MLA", "No abras reclamo, escribime a ventas@tienda.com", &[EV, PD]),
    ("MLB", "Pague pelo paypal.me/loja ou me liga", &[PP, PD]),
    // ── true negatives: order, pack and shipment numbers ──────────────────────────────────
    ("MLA", "Tu pedido #2000009012345678 ya está en camino", &[]),
    ("MLA", "Orden 2000009012345678: ya la despachamos", &[]),
    ("MLB", "Seu pedido 2000003456789012 foi enviado", &[]),
    ("MLA", "El pack 2000004567890123 incluye las dos unidades", &[]),
    ("MLA", "Número de venta 2000001234567890", &[]),
    ("MLA", "Tu envío número 41234567890 salió hoy", &[]),
    ("MLB", "O envio 41234567890 já saiu", &[]),
    ("MLM", "Tu número de pedido es 2000009876543210", &[]),
    ("MLA", "Compra 4567890123 confirmada", &[]),
    ("MLA", "Pedido nro. 1234567890", &[]),
    // ── tracking numbers ──────────────────────────────────────────────────────────────────
    ("MLB", "Código de rastreio: LB123456789BR", &[]),
    ("MLB", "Rastreio AA123456789BR nos Correios", &[]),
    ("MLA", "Número de seguimiento 360001234567890", &[]),
    ("MLA", "Tu guía de Andreani es 3600012345", &[]),
    ("MLM", "Tu guía es 1234567890 de Estafeta", &[]),
    ("MLA", "Tracking: MEL12345678ARG", &[]),
    ("MLB", "Rastreamento 12345678901", &[]),
    ("MCO", "La guía de Servientrega 2100012345", &[]),
    // ── prices and amounts ────────────────────────────────────────────────────────────────
    ("MLA", "El total es $ 125.999", &[]),
    ("MLA", "Son $12.345.678 en total", &[]),
    ("MLB", "O total ficou R$ 1.299,90", &[]),
    ("MLB", "Valor: R$ 12.345.678,00", &[]),
    ("MLA", "Te devuelvo 15000 pesos", &[]),
    ("MLM", "Son 1.250.000 pesos", &[]),
    ("MCO", "El precio es COP 1.250.000", &[]),
    ("MLA", "La diferencia es de 23.456.789,50", &[]),
    ("MLC", "Total CLP 25.990", &[]),
    ("MLB", "Frete de 25,90 reais", &[]),
    // ── dates and times ───────────────────────────────────────────────────────────────────
    ("MLA", "Llega entre el 12/05/2025 y el 15/05/2025", &[]),
    ("MLB", "Entrega prevista 12.05.2025", &[]),
    ("MLM", "Enviado el 2025-05-12 a las 14:30", &[]),
    ("MLA", "Atendemos de 9 a 18 hs", &[]),
    ("MLB", "Chega dia 20/12", &[]),
    ("MLA", "El 15-06-2025 te llega", &[]),
    // ── postal codes ──────────────────────────────────────────────────────────────────────
    ("MLB", "O CEP 01310-100 está correto?", &[]),
    ("MLB", "Confirma o CEP 01310100?", &[]),
    ("MLB", "Entregamos em 04567-000 amanhã", &[]),
    ("MLA", "Código postal C1425ABC", &[]),
    ("MLM", "CP 06600, CDMX", &[]),
    ("MPT", "Código postal 1000-001 Lisboa", &[]),
    ("MLC", "Código postal 8320000", &[]),
    // ── other everyday numbers ────────────────────────────────────────────────────────────
    ("MLA", "Tenemos talles 38 39 40 41 42", &[]),
    ("MLA", "Medidas: 120 x 60 x 75 cm", &[]),
    ("MLB", "Nota fiscal 123456789 emitida", &[]),
    ("MLA", "Factura A 0001-00012345", &[]),
    ("MLB", "NF-e 35240112345678000190550010000012341000012345", &[]),
    ("MLA", "Modelo 20231234 original", &[]),
    ("MLA", "Publicación MLA1234567890", &[]),
    ("MLB", "Anúncio MLB1234567890", &[]),
    ("MLA", "Garantía de 12 meses, 3 cuotas sin interés", &[]),
    ("MLA", "Son 2 unidades de 500 gr", &[]),
    // ── Mercado Libre's own links, and harmless text ──────────────────────────────────────
    ("MLA", "Mirá la publicación: https://articulo.mercadolibre.com.ar/MLA-1234567890-zapatillas", &[]),
    ("MLB", "Veja aqui https://www.mercadolivre.com.br/vendas/2000003456789012/detalhe", &[]),
    ("MLA", "La ayuda de Mercado Pago: https://www.mercadopago.com.ar/ayuda", &[]),
    ("MLM", "Sigue tu envío en https://www.mercadolibre.com.mx/envios/seguimiento", &[]),
    ("MLA", "Gracias por tu compra! Te aviso cuando salga", &[]),
    ("MLB", "Obrigado pela compra! Já separamos seu pedido", &[]),
    ("MLA", "Si tenés algún problema, podés abrir un reclamo desde la compra", &[]),
    ("MLB", "Se precisar, você pode abrir uma reclamação pelo Mercado Livre", &[]),
    ("MLA", "Las zapatillas son de cuero", &[]),
    ("MLA", "La instalación es sencilla, viene con manual", &[]),
    ("MLB", "O celular vem com carregador", &[]),
    ("MLA", "El celular tiene 128 GB", &[]),
    ("MLA", "Ya te enviamos la factura por acá", &[]),
    ("MLB", "Segue a nota fiscal em anexo", &[]),
    ("MLA", "Seguí el envío desde Mis compras", &[]),
    ("MLB", "A embalagem está no ponto de coleta", &[]),
    ("MLA", "¿Querés que lo mande a otro punto de retiro?", &[]),
    ("MLB", "Pagamento aprovado pelo Mercado Pago", &[]),
    ("MLA", "Pagaste con Mercado Pago, ya está acreditado", &[]),
    ("MLA", "El paquete pesa 2,5 kg", &[]),
    ("MLB", "Enviamos em até 24 horas úteis", &[]),
    ("MLA", "Lo despachamos hoy a las 17:00", &[]),
    ("MLA", "Saludos, equipo de Tienda Sur", &[]),
    ("MLB", "Abraços, Loja da Maria", &[]),
    ("MLA", "Podés retirarlo en el punto de retiro de Mercado Libre", &[]),
];

fn codes(found: &[Finding]) -> Vec<&str> {
    let mut out: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Precision and recall over the table, counted per (message, code): a code the table expects
/// and the linter gives is a true positive; one it gives unasked, a false positive; one it
/// misses, a false negative. A message without codes that warns is a false positive too.
#[test]
fn table_precision_and_recall() {
    let (mut tp, mut fp, mut fns) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    let mut sites = std::collections::BTreeSet::new();
    for (site, text, expected) in TABLE {
        sites.insert(*site);
        let found = check(text, site);
        let got = codes(&found);
        let mut want: Vec<&str> = expected.to_vec();
        want.sort_unstable();
        want.dedup();
        for code in &got {
            if want.contains(code) {
                tp += 1;
            } else {
                fp += 1;
            }
        }
        fns += want.iter().filter(|c| !got.contains(c)).count();
        if got != want {
            wrong.push(format!("{site} {text:?}: expected {want:?}, got {found:?}"));
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fns) as f64;
    let negatives = TABLE.iter().filter(|(_, _, e)| e.is_empty()).count();
    println!(
        "lint table: {} cases ({} that must not warn), {} sites; precision {:.3}, recall {:.3} (tp {tp}, fp {fp}, fn {fns})",
        TABLE.len(),
        negatives,
        sites.len(),
        precision,
        recall
    );
    for line in &wrong {
        println!("  miss: {line}");
    }
    assert!(TABLE.len() >= 150, "the table keeps at least 150 cases");
    assert_eq!(sites.len(), 14, "every site is in the table");
    assert!(
        precision >= 0.97 && recall >= 0.97,
        "precision {precision:.3}, recall {recall:.3}:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn spans_cover_the_finding_in_characters() {
    let text = "Olá! Ligação: 11 98765-4321 ou bit.ly/xyz.";
    let found = check(text, "MLB");
    let chars: Vec<char> = text.chars().collect();
    let pieces: Vec<(String, &str)> = found
        .iter()
        .map(|f| {
            (
                chars[f.span.start as usize..f.span.end as usize]
                    .iter()
                    .collect(),
                f.code.as_str(),
            )
        })
        .collect();
    assert_eq!(
        pieces,
        vec![
            ("11 98765-4321".to_owned(), PERSONAL_DATA),
            ("bit.ly/xyz".to_owned(), LINK_SHORT_URL),
        ]
    );
}

#[test]
fn a_link_inside_another_finding_is_reported_once() {
    let found = check("https://api.whatsapp.com/send?phone=5491123456789", "MLA");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, SOCIAL_NETWORK_LINK);
    assert_eq!(found[0].span.start, 0);
}

#[test]
fn empty_and_emoji_text_warn_of_nothing() {
    assert!(check("", "MLA").is_empty());
    assert!(check("🙂🚚 ¡Gracias!", "MLB").is_empty());
}
