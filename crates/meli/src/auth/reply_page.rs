//! The small page the loopback listener shows in the seller's browser.

use crate::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Connected,
    Denied,
    WrongAttempt,
}

pub(crate) fn html(lang: Language, outcome: Outcome) -> String {
    let (title, body) = text(lang, outcome);
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\">\
         <h1>{title}</h1><p>{body}</p></body></html>",
        lang.tag()
    )
}

fn text(lang: Language, outcome: Outcome) -> (&'static str, &'static str) {
    match (lang, outcome) {
        (Language::Spanish, Outcome::Connected) => (
            "Cuenta conectada",
            "Mostrador ya puede leer tus ventas y mensajes. Puedes cerrar esta pestaña.",
        ),
        (Language::Spanish, Outcome::Denied) => (
            "Conexión cancelada",
            "No autorizaste a Mostrador. Vuelve a la aplicación para intentarlo de nuevo.",
        ),
        (Language::Spanish, Outcome::WrongAttempt) => (
            "Enlace vencido",
            "Esta respuesta no corresponde al intento actual. Vuelve a la aplicación y conéctate de nuevo.",
        ),
        (Language::Portuguese, Outcome::Connected) => (
            "Conta conectada",
            "O Mostrador já pode ler suas vendas e mensagens. Você pode fechar esta aba.",
        ),
        (Language::Portuguese, Outcome::Denied) => (
            "Conexão cancelada",
            "Você não autorizou o Mostrador. Volte ao aplicativo para tentar de novo.",
        ),
        (Language::Portuguese, Outcome::WrongAttempt) => (
            "Link expirado",
            "Esta resposta não corresponde à tentativa atual. Volte ao aplicativo e conecte de novo.",
        ),
        (Language::English, Outcome::Connected) => (
            "Account connected",
            "Mostrador can now read your sales and messages. You can close this tab.",
        ),
        (Language::English, Outcome::Denied) => (
            "Connection cancelled",
            "You did not authorize Mostrador. Go back to the app to try again.",
        ),
        (Language::English, Outcome::WrongAttempt) => (
            "Expired link",
            "This answer does not belong to the current attempt. Go back to the app and connect again.",
        ),
    }
}
