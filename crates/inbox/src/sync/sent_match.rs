//! Whether a message listed in a conversation is the one a draft posted. Mercado Libre may
//! store a text a little differently from how it was sent (line ends as `\n`, spaces trimmed or
//! squeezed, another Unicode form, a moderated part masked with asterisks), so texts are
//! compared after the same normalising on both sides; files by their count and names.

use icu_normalizer::ComposingNormalizerBorrowed;

/// What a draft's post shows in the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The text (a template's is the site's own); `None` when it is not known, and then no
    /// message can be proven to be it.
    pub text: Option<String>,
    /// The names of the files sent with it.
    pub files: Vec<String>,
}

/// A run of at least this many asterisks in a listed text is taken as a masked part.
const MASK_RUN: usize = 3;

/// The text in NFC, with `\n` line ends, each line's spaces squeezed and trimmed, and no blank
/// lines around the whole.
pub fn normalise(text: &str) -> String {
    let nfc = ComposingNormalizerBorrowed::new_nfc().normalize(text);
    let unified = nfc.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// Whether `listed` (text and file names of a message in the conversation) is what `expected`
/// posted.
pub fn matches(expected: &Expected, listed_text: &str, listed_files: &[String]) -> bool {
    let Some(text) = &expected.text else {
        return false;
    };
    let mut want: Vec<&str> = expected.files.iter().map(String::as_str).collect();
    let mut got: Vec<&str> = listed_files.iter().map(String::as_str).collect();
    want.sort_unstable();
    got.sort_unstable();
    want == got && text_matches(&normalise(text), &normalise(listed_text))
}

/// Equal, or equal but for parts of `sent` that the listing masked with asterisks.
fn text_matches(sent: &str, listed: &str) -> bool {
    if sent == listed {
        return true;
    }
    let pieces = masked_pieces(listed);
    if pieces.len() < 2 {
        return false;
    }
    // Each masked gap stands for at least one character of the sent text.
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    let Some(mut rest) = sent.strip_prefix(first) else {
        return false;
    };
    for piece in &pieces[1..pieces.len() - 1] {
        let Some(found) = rest
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .find(|&i| rest[i..].starts_with(piece))
        else {
            return false;
        };
        rest = &rest[found + piece.len()..];
    }
    rest.len() > last.len() && rest.ends_with(last)
}

/// `listed` split at each run of [`MASK_RUN`] or more asterisks.
fn masked_pieces(listed: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut run_start, mut run) = (0, 0, 0);
    for (i, c) in listed.char_indices() {
        if c == '*' {
            if run == 0 {
                run_start = i;
            }
            run += 1;
        } else {
            if run >= MASK_RUN {
                pieces.push(&listed[start..run_start]);
                start = i;
            }
            run = 0;
        }
    }
    if run >= MASK_RUN {
        pieces.push(&listed[start..run_start]);
        start = listed.len();
    }
    pieces.push(&listed[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Expected {
        Expected {
            text: Some(t.into()),
            files: Vec::new(),
        }
    }

    #[test]
    fn line_ends_spaces_and_unicode_form_do_not_matter() {
        let sent = text("Hola  \r\nTu pedido  sale   mañana.  \r\n");
        assert!(matches(&sent, "Hola\nTu pedido sale mañana.", &[]));
        // "ñ" as n + combining tilde (NFD), as another system may store it.
        assert!(matches(&sent, "Hola\nTu pedido sale man\u{303}ana.", &[]));
        assert!(
            !matches(&sent, "Hola\nTu pedido sale mañana", &[]),
            "a dot is text"
        );
        assert!(
            !matches(&sent, "Hola Tu pedido sale mañana.", &[]),
            "a line break is text"
        );
    }

    #[test]
    fn a_masked_part_stands_for_what_was_there() {
        let sent = text("Escribime a ventas@tienda.com.ar o llamame");
        assert!(matches(&sent, "Escribime a ***** o llamame", &[]));
        assert!(!matches(&sent, "Escribime a ***** o escribime", &[]));
        assert!(
            !matches(&text("Hola"), "Hola ***", &[]),
            "a mask stands for something"
        );
    }

    #[test]
    fn files_by_count_and_name_and_an_unknown_text_matches_nothing() {
        let sent = Expected {
            text: Some("Factura".into()),
            files: vec!["factura.pdf".into(), "foto.jpg".into()],
        };
        let both = ["foto.jpg".to_owned(), "factura.pdf".to_owned()];
        assert!(matches(&sent, "Factura", &both));
        assert!(!matches(&sent, "Factura", &both[..1]));
        assert!(!matches(&sent, "Factura", &[]));
        let unknown = Expected {
            text: None,
            files: Vec::new(),
        };
        assert!(!matches(&unknown, "", &[]));
    }
}
