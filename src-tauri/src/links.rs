//! Where links may take the seller: Mercado Libre's own hosts, as `capabilities/default.json`
//! scopes the opener plugin. That file is the one list; this module reads it, so a browser
//! chosen at launch (`--browser`) gets exactly the same scope for its program, and its tests
//! check the list against the sites the client knows and against look-alike addresses.

use serde_json::Value;

const CAPABILITY: &str = include_str!("../../capabilities/default.json");
const PERMISSION: &str = "opener:allow-open-url";

/// The URL patterns the default capability lets the webview open.
pub fn allowed_urls() -> Vec<String> {
    let capability: Value = serde_json::from_str(CAPABILITY).unwrap_or(Value::Null);
    capability["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["identifier"] == PERMISSION)
        .flat_map(|p| p["allow"].as_array().cloned().unwrap_or_default())
        .filter_map(|entry| entry["url"].as_str().map(str::to_owned))
        .collect()
}

/// The same scope for links opened with `program` (the browser chosen at launch): the plugin
/// allows a `with` program only where an entry names it.
pub fn browser_capability(program: &str) -> tauri::ipc::CapabilityBuilder {
    let entries: Vec<Value> = allowed_urls()
        .into_iter()
        .map(|url| serde_json::json!({ "url": url, "app": program }))
        .collect();
    tauri::ipc::CapabilityBuilder::new("launch-browser")
        .window("main")
        .permission_scoped(PERMISSION, entries, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(url: &str) -> bool {
        allowed_urls()
            .iter()
            .any(|p| glob::Pattern::new(p).expect("pattern").matches(url))
    }

    #[test]
    fn the_scope_is_every_sites_hosts_and_nothing_else() {
        let expected: Vec<String> = meli::Site::all_web_hosts()
            .into_iter()
            .map(|host| format!("https://{host}/*"))
            .collect();
        assert_eq!(allowed_urls(), expected);
        // The UI links exactly these hosts.
        let ui: Vec<String> =
            serde_json::from_str(include_str!("../../ui/src/lib/chat/meliHosts.json"))
                .expect("meliHosts.json");
        assert_eq!(ui, meli::Site::all_web_hosts());
    }

    #[test]
    fn sale_pages_authorization_pages_and_listings_open() {
        for site in meli::Site::ALL {
            if let Some(page) = site.sale_page("2000009000000388") {
                assert!(allowed(&page), "{page}");
            }
            let auth = format!("{}/authorization?client_id=1", site.auth_host());
            assert!(allowed(&auth), "{auth}");
        }
        assert!(allowed("https://articulo.mercadolibre.com.ar/MLA-123-x"));
        assert!(allowed("https://produto.mercadolivre.com.br/MLB-1"));
        assert!(allowed("https://www.mercadolibre.cl/ayuda"));
    }

    #[test]
    fn look_alikes_and_other_hosts_do_not() {
        for url in [
            "https://evil.example/",
            "https://evil.example/www.mercadolibre.com.ar/",
            "https://www.mercadolibre.com.ar.evil.example/",
            "https://www.mercadolibre.com.ar@evil.example/",
            "https://www.mercadolibre.com.ar:8443/",
            "http://www.mercadolibre.com.ar/",
            "https://evil.mercadolibre.com.ar/",
            "javascript:alert(1)//https://www.mercadolibre.com.ar/",
            "file:///etc/passwd",
            "http://127.0.0.1:1/authorization",
        ] {
            assert!(!allowed(url), "{url} must not open");
        }
    }
}
