//! Text from buyers, cleaned for the places where its characters could mislead or turn into
//! markup. Buyer text is always shown as text; these cover what text alone does not.

/// Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).
/// In a name they reorder what follows it on the screen — a lead's number or an amount — so
/// "Juan", U+202E, "0021" can read as "Juan1200".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A buyer's name or nickname as the app keeps it: without bidirectional controls and without
/// the surrounding spaces they leave.
pub fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| !is_bidi_control(*c))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Text for a desktop notification: some Linux notification servers render a subset of HTML in
/// the body, so `<`, `>` and `&` are escaped; bidirectional controls are dropped as in names.
pub fn notification_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidi_control_is_removed_from_names() {
        for control in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let name = format!("Juan{control}0021 Pérez");
            assert_eq!(
                clean_name(&name),
                "Juan0021 Pérez",
                "U+{:04X}",
                control as u32
            );
        }
    }

    #[test]
    fn ordinary_names_in_any_script_are_kept() {
        for name in ["María José", "João", "محمد", "שרה", "李雷", "O'Brien-Smith"] {
            assert_eq!(clean_name(name), name);
        }
        assert_eq!(clean_name("  Ana \u{202E} "), "Ana");
    }

    #[test]
    fn notification_text_is_not_markup() {
        assert_eq!(
            notification_text("<b>Hola</b> & <a href='x'>link</a>"),
            "&lt;b&gt;Hola&lt;/b&gt; &amp; &lt;a href='x'&gt;link&lt;/a&gt;"
        );
        assert_eq!(notification_text("precio\u{202E}001"), "precio001");
        assert_eq!(notification_text("¿Llega el martes?"), "¿Llega el martes?");
    }
}
