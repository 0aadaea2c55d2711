//! Files a seller may attach: .jpg/.jpeg, .png, .pdf and .txt, at most 25 MB each, recognised
//! by their content, not only their name.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Mercado Libre's limit for one attachment.
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
/// Mercado Libre's limit of attachments in one message.
pub const MAX_FILES: usize = 25;
/// Enough for every magic number `infer` knows.
const HEAD_BYTES: u64 = 8 * 1024;
/// Mercado Libre's limit for a file name; it must not contain `/` or `\` either.
pub const MAX_NAME_CHARS: usize = 200;

/// What a file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileContent {
    Jpeg,
    Png,
    Pdf,
    /// Valid UTF-8 with no NUL byte.
    Text,
    /// Anything else; the MIME type if `infer` recognised it.
    Other(Option<String>),
    /// Not inspected because it is too large to be sent anyway.
    TooLargeToInspect,
}

impl FileContent {
    /// Inspects the whole content: magic bytes for images and PDF, UTF-8 for text.
    pub fn detect(bytes: &[u8]) -> FileContent {
        match infer::get(bytes).map(|kind| kind.mime_type()) {
            Some("image/jpeg") => FileContent::Jpeg,
            Some("image/png") => FileContent::Png,
            Some("application/pdf") => FileContent::Pdf,
            Some(other) => FileContent::Other(Some(other.to_owned())),
            None if !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() => FileContent::Text,
            None => FileContent::Other(None),
        }
    }

    /// What a file on disk holds (a received attachment: Mercado Libre serves at most
    /// [`MAX_FILE_BYTES`]); one larger than that is only measured. Read whole, since text is
    /// text only if every byte is.
    pub fn of_file(path: &Path) -> std::io::Result<FileContent> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Ok(FileContent::TooLargeToInspect);
        }
        Ok(FileContent::detect(&bytes))
    }

    /// Whether the desktop may hand a received file to the system's viewer: only the kinds
    /// Mercado Libre lets anyone send (a picture, a PDF, plain text). Anything else a buyer's
    /// file turns out to hold — a web page, a program, an archive — would be rendered or run
    /// by whatever the system pairs with it, so it is only shown in its folder.
    pub fn opens_with_system(&self) -> bool {
        matches!(
            self,
            FileContent::Jpeg | FileContent::Png | FileContent::Pdf | FileContent::Text
        )
    }

    /// The extensions a file of this content may carry.
    pub fn extensions(&self) -> &'static [&'static str] {
        match self {
            FileContent::Jpeg => &["jpg", "jpeg"],
            FileContent::Png => &["png"],
            FileContent::Pdf => &["pdf"],
            FileContent::Text => &["txt"],
            FileContent::Other(_) | FileContent::TooLargeToInspect => &[],
        }
    }
}

/// A file in a draft, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFile {
    /// The name the buyer will see.
    pub name: String,
    pub size: u64,
    pub content: FileContent,
}

impl DraftFile {
    pub fn inspect(name: &str, bytes: &[u8]) -> DraftFile {
        DraftFile {
            name: name.to_owned(),
            size: bytes.len() as u64,
            content: FileContent::detect(bytes),
        }
    }

    /// Inspects a file on disk. Only its head is read (the composer asks on every keystroke),
    /// except for a `.txt`, whose every byte must be UTF-8; one larger than the limit is only
    /// measured. The answer is the same as [`DraftFile::inspect`] on the whole content, as far
    /// as [`DraftFile::type_allowed`] is concerned: text counts only under a `.txt` name.
    pub fn from_path(path: &Path, name: &str) -> std::io::Result<DraftFile> {
        let size = std::fs::metadata(path)?.len();
        if size > MAX_FILE_BYTES {
            return Ok(DraftFile {
                name: name.to_owned(),
                size,
                content: FileContent::TooLargeToInspect,
            });
        }
        let mut file = DraftFile {
            name: name.to_owned(),
            size,
            content: FileContent::Other(None),
        };
        let whole = file.extension().as_deref() == Some("txt");
        let limit = if whole {
            MAX_FILE_BYTES + 1
        } else {
            HEAD_BYTES
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(limit)
            .read_to_end(&mut bytes)?;
        file.content = match FileContent::detect(&bytes) {
            FileContent::Text if !whole => FileContent::Other(None),
            content => content,
        };
        Ok(file)
    }

    fn extension(&self) -> Option<String> {
        Path::new(&self.name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// The content is an allowed kind and the name's extension says the same thing, so the
    /// buyer's device opens it as what it is.
    pub fn type_allowed(&self) -> bool {
        let ext = self.extension();
        self.content
            .extensions()
            .iter()
            .any(|allowed| ext.as_deref() == Some(*allowed))
    }

    pub fn name_allowed(&self) -> bool {
        !self.name.trim().is_empty()
            && self.name.chars().count() <= MAX_NAME_CHARS
            && !self.name.contains(['/', '\\'])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
    pub(crate) const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
    ];
    pub(crate) const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";
    const ZIP: &[u8] = &[b'P', b'K', 3, 4, 20, 0, 0, 0, 8, 0];

    #[test]
    fn detects_allowed_kinds_by_magic_bytes() {
        assert_eq!(FileContent::detect(JPEG), FileContent::Jpeg);
        assert_eq!(FileContent::detect(PNG), FileContent::Png);
        assert_eq!(FileContent::detect(PDF), FileContent::Pdf);
        assert_eq!(
            FileContent::detect("Factura nº 12\nGracias".as_bytes()),
            FileContent::Text
        );
        assert_eq!(
            FileContent::detect(b""),
            FileContent::Text,
            "an empty text file is text"
        );
    }

    #[test]
    fn binary_or_disguised_content_is_not_text() {
        assert_eq!(FileContent::detect(b"abc\0def"), FileContent::Other(None));
        assert_eq!(
            FileContent::detect(&[0xC3, 0x28]),
            FileContent::Other(None),
            "invalid UTF-8"
        );
        assert_eq!(
            FileContent::detect(ZIP),
            FileContent::Other(Some("application/zip".into()))
        );
    }

    #[test]
    fn extension_must_match_the_content() {
        assert!(DraftFile::inspect("foto.JPG", JPEG).type_allowed());
        assert!(DraftFile::inspect("foto.jpeg", JPEG).type_allowed());
        assert!(DraftFile::inspect("a.png", PNG).type_allowed());
        assert!(DraftFile::inspect("factura.pdf", PDF).type_allowed());
        assert!(DraftFile::inspect("notas.txt", b"hola").type_allowed());
        assert!(
            !DraftFile::inspect("virus.jpg", ZIP).type_allowed(),
            "a zip named .jpg"
        );
        assert!(
            !DraftFile::inspect("foto.png", JPEG).type_allowed(),
            "a jpeg named .png"
        );
        assert!(
            !DraftFile::inspect("script.sh", b"echo hi").type_allowed(),
            "text with another extension"
        );
        assert!(!DraftFile::inspect("noextension", PDF).type_allowed());
    }

    #[test]
    fn only_the_kinds_mercado_libre_allows_open_with_the_system() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opens = |bytes: &[u8]| {
            let path = dir.path().join("received");
            std::fs::write(&path, bytes).expect("write");
            FileContent::of_file(&path)
                .expect("reads")
                .opens_with_system()
        };
        assert!(opens(JPEG));
        assert!(opens(PNG));
        assert!(opens(PDF));
        assert!(opens("Gracias por la compra\n".as_bytes()));
        // Text Mercado Libre may pass as .txt, which a browser would render and run.
        assert!(!opens(b"<html><script>alert(1)</script></html>"));
        assert!(!opens(b"<!DOCTYPE html><p>hola</p>"));
        assert!(!opens(ZIP), "an archive");
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
        exe.resize(4096, 0);
        assert!(!opens(&exe), "a Windows program");
        assert!(!opens(
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"
        ));
        assert!(
            !opens(&[0xC3, 0x28, 0x00]),
            "binary that is none of the above"
        );
        // A PDF's header followed by anything is still the PDF viewer's to judge.
        let mut pdf = PDF.to_vec();
        pdf.extend(std::iter::repeat_n(0xFFu8, 50_000));
        assert!(opens(&pdf));

        let huge = dir.path().join("huge");
        let f = std::fs::File::create(&huge).expect("create");
        f.set_len(MAX_FILE_BYTES + 1).expect("sparse file");
        let content = FileContent::of_file(&huge).expect("measures");
        assert_eq!(content, FileContent::TooLargeToInspect);
        assert!(!content.opens_with_system());
    }

    #[test]
    fn file_names_follow_mercado_libre_limits() {
        assert!(DraftFile::inspect("factura.pdf", PDF).name_allowed());
        assert!(!DraftFile::inspect("a/b.pdf", PDF).name_allowed());
        assert!(!DraftFile::inspect("a\\b.pdf", PDF).name_allowed());
        let long = format!("{}.pdf", "n".repeat(MAX_NAME_CHARS));
        assert!(!DraftFile::inspect(&long, PDF).name_allowed());
    }

    #[test]
    fn text_is_checked_to_the_last_byte_and_binaries_by_their_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = "línea de texto\n".repeat(2000).into_bytes();
        let path = dir.path().join("notes");
        std::fs::write(&path, &text).expect("write");
        let file = DraftFile::from_path(&path, "notas.txt").expect("reads");
        assert_eq!(file.content, FileContent::Text);
        assert!(file.type_allowed());
        text.push(0xFF);
        std::fs::write(&path, &text).expect("write");
        let file = DraftFile::from_path(&path, "notas.txt").expect("reads");
        assert_eq!(
            file.content,
            FileContent::Other(None),
            "invalid UTF-8 past the head"
        );
        assert!(!file.type_allowed());

        let mut pdf = PDF.to_vec();
        pdf.extend(std::iter::repeat_n(0u8, 100_000));
        std::fs::write(&path, &pdf).expect("write");
        let file = DraftFile::from_path(&path, "factura.pdf").expect("reads");
        assert_eq!(file.content, FileContent::Pdf);
        assert_eq!(file.size, pdf.len() as u64);
        let renamed = DraftFile::from_path(&path, "factura.txt").expect("reads");
        assert!(!renamed.type_allowed(), "a PDF named .txt");
    }

    #[test]
    fn reads_files_from_disk_and_only_measures_huge_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir.path().join("x");
        std::fs::write(&small, PDF).expect("write");
        let file = DraftFile::from_path(&small, "factura.pdf").expect("reads");
        assert_eq!(file.content, FileContent::Pdf);
        assert_eq!(file.size, PDF.len() as u64);

        let huge = dir.path().join("y");
        let f = std::fs::File::create(&huge).expect("create");
        f.set_len(MAX_FILE_BYTES + 1).expect("sparse file");
        let file = DraftFile::from_path(&huge, "big.pdf").expect("measures");
        assert_eq!(file.content, FileContent::TooLargeToInspect);
        assert_eq!(file.size, MAX_FILE_BYTES + 1);
    }
}
