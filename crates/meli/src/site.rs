//! Mercado Libre sites (countries): ids, authorization hosts, languages, currencies.

use serde::{Deserialize, Serialize};

/// The language a site speaks, for reply pages and the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[serde(rename = "es")]
    Spanish,
    #[serde(rename = "pt-BR")]
    Portuguese,
    #[serde(rename = "en")]
    English,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::Spanish => "es",
            Language::Portuguese => "pt-BR",
            Language::English => "en",
        }
    }

    /// Picks from a BCP 47 tag (`pt-PT`, `es-419`, `en-US`); anything else is Spanish, the
    /// language of most sites.
    pub fn from_tag(tag: &str) -> Language {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "pt" => Language::Portuguese,
            "en" => Language::English,
            _ => Language::Spanish,
        }
    }
}

/// A Mercado Libre site. The serde form is the API's id (`MLA`, `MLB`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Site {
    #[serde(rename = "MLA")]
    Argentina,
    #[serde(rename = "MLB")]
    Brasil,
    #[serde(rename = "MCO")]
    Colombia,
    #[serde(rename = "MCR")]
    CostaRica,
    #[serde(rename = "MEC")]
    Ecuador,
    #[serde(rename = "MLC")]
    Chile,
    #[serde(rename = "MLM")]
    Mexico,
    #[serde(rename = "MLU")]
    Uruguay,
    #[serde(rename = "MLV")]
    Venezuela,
    #[serde(rename = "MPA")]
    Panama,
    #[serde(rename = "MPE")]
    Peru,
    #[serde(rename = "MPT")]
    Portugal,
    #[serde(rename = "MRD")]
    Dominicana,
    #[serde(rename = "CBT")]
    GlobalSelling,
}

struct SiteInfo {
    id: &'static str,
    country: &'static str,
    auth_host: &'static str,
    language: Language,
    currency: &'static str,
}

impl Site {
    pub const ALL: [Site; 14] = [
        Site::Argentina,
        Site::Brasil,
        Site::Colombia,
        Site::CostaRica,
        Site::Ecuador,
        Site::Chile,
        Site::Mexico,
        Site::Uruguay,
        Site::Venezuela,
        Site::Panama,
        Site::Peru,
        Site::Portugal,
        Site::Dominicana,
        Site::GlobalSelling,
    ];

    // Auth hosts follow the official PHP SDK's map (meli-api.md §1.1). Currencies are the local
    // ones; the reference marks that table as unconfirmed, so callers that need certainty read
    // `GET /sites/{id}` at run time.
    fn info(self) -> SiteInfo {
        let (id, country, auth_host, language, currency) = match self {
            Site::Argentina => (
                "MLA",
                "Argentina",
                "https://auth.mercadolibre.com.ar",
                Language::Spanish,
                "ARS",
            ),
            Site::Brasil => (
                "MLB",
                "Brasil",
                "https://auth.mercadolivre.com.br",
                Language::Portuguese,
                "BRL",
            ),
            Site::Colombia => (
                "MCO",
                "Colombia",
                "https://auth.mercadolibre.com.co",
                Language::Spanish,
                "COP",
            ),
            Site::CostaRica => (
                "MCR",
                "Costa Rica",
                "https://auth.mercadolibre.com.cr",
                Language::Spanish,
                "CRC",
            ),
            Site::Ecuador => (
                "MEC",
                "Ecuador",
                "https://auth.mercadolibre.com.ec",
                Language::Spanish,
                "USD",
            ),
            Site::Chile => (
                "MLC",
                "Chile",
                "https://auth.mercadolibre.cl",
                Language::Spanish,
                "CLP",
            ),
            Site::Mexico => (
                "MLM",
                "México",
                "https://auth.mercadolibre.com.mx",
                Language::Spanish,
                "MXN",
            ),
            Site::Uruguay => (
                "MLU",
                "Uruguay",
                "https://auth.mercadolibre.com.uy",
                Language::Spanish,
                "UYU",
            ),
            Site::Venezuela => (
                "MLV",
                "Venezuela",
                "https://auth.mercadolibre.com.ve",
                Language::Spanish,
                "VES",
            ),
            Site::Panama => (
                "MPA",
                "Panamá",
                "https://auth.mercadolibre.com.pa",
                Language::Spanish,
                "USD",
            ),
            Site::Peru => (
                "MPE",
                "Perú",
                "https://auth.mercadolibre.com.pe",
                Language::Spanish,
                "PEN",
            ),
            Site::Portugal => (
                "MPT",
                "Portugal",
                "https://auth.mercadolibre.com.pt",
                Language::Portuguese,
                "EUR",
            ),
            Site::Dominicana => (
                "MRD",
                "República Dominicana",
                "https://auth.mercadolibre.com.do",
                Language::Spanish,
                "DOP",
            ),
            Site::GlobalSelling => (
                "CBT",
                "Global Selling",
                "https://global-selling.mercadolibre.com",
                Language::English,
                "USD",
            ),
        };
        SiteInfo {
            id,
            country,
            auth_host,
            language,
            currency,
        }
    }

    /// The API's site id (`MLA`).
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The country's name in its own language.
    pub fn country_name(self) -> &'static str {
        self.info().country
    }

    /// ISO 3166-1 alpha-2 code of the site's country (users carry it as `country_id`), or
    /// `None` for Global Selling, which spans countries. Lets a UI name the country in any
    /// language.
    pub fn country_code(self) -> Option<&'static str> {
        Some(match self {
            Site::Argentina => "AR",
            Site::Brasil => "BR",
            Site::Colombia => "CO",
            Site::CostaRica => "CR",
            Site::Ecuador => "EC",
            Site::Chile => "CL",
            Site::Mexico => "MX",
            Site::Uruguay => "UY",
            Site::Venezuela => "VE",
            Site::Panama => "PA",
            Site::Peru => "PE",
            Site::Portugal => "PT",
            Site::Dominicana => "DO",
            Site::GlobalSelling => return None,
        })
    }

    /// Where the seller authorizes the application (the authorization page lives under it).
    pub fn auth_host(self) -> &'static str {
        self.info().auth_host
    }

    pub fn language(self) -> Language {
        self.info().language
    }

    /// The sale's page in the seller's account on the site's web (`…/ventas/{id}/detalle`,
    /// `…/vendas/{id}/detalhe` in Portuguese), `id` being the order or pack number. Global
    /// Selling has no single storefront host, so it has none.
    pub fn sale_page(self, id: &str) -> Option<String> {
        if self == Site::GlobalSelling || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let web = self
            .auth_host()
            .replacen("https://auth.", "https://www.", 1);
        Some(match self.language() {
            Language::Portuguese => format!("{web}/vendas/{id}/detalhe"),
            _ => format!("{web}/ventas/{id}/detalle"),
        })
    }

    /// The hosts of the site's own web where the app may send the seller's browser: the
    /// authorization host, the storefront (`www.`), listings and product pages. Only these:
    /// the app's link scope is made of them, so no buyer-written address leaves to elsewhere.
    pub fn web_hosts(self) -> Vec<String> {
        let auth = self.auth_host().trim_start_matches("https://").to_owned();
        if self == Site::GlobalSelling {
            return vec![
                auth,
                "mercadolibre.com".into(),
                "www.mercadolibre.com".into(),
            ];
        }
        let domain = auth.trim_start_matches("auth.").to_owned();
        let (item, listing) = match self.language() {
            Language::Portuguese => ("produto", "lista"),
            _ => ("articulo", "listado"),
        };
        vec![
            auth,
            format!("www.{domain}"),
            format!("{item}.{domain}"),
            format!("{listing}.{domain}"),
            domain,
        ]
    }

    /// Every site's [`Site::web_hosts`], once each, in site order.
    pub fn all_web_hosts() -> Vec<String> {
        let mut hosts: Vec<String> = Vec::new();
        for host in Site::ALL.into_iter().flat_map(Site::web_hosts) {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        hosts
    }

    /// ISO 4217 code of the site's usual currency.
    pub fn default_currency(self) -> &'static str {
        self.info().currency
    }

    /// Looks a site up by its id, in any case.
    pub fn from_id(id: &str) -> Option<Site> {
        Site::ALL
            .into_iter()
            .find(|s| s.id().eq_ignore_ascii_case(id.trim()))
    }
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Site {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Site::from_id(s).ok_or_else(|| format!("unknown Mercado Libre site {s:?}"))
    }
}

/// The API host every site shares.
pub const DEFAULT_API_BASE: &str = "https://api.mercadolibre.com";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_of_the_sdk_mock_is_known_with_its_country() {
        let raw = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/meli-fixtures/sites_phpsdk_mock.json"
        ))
        .expect("fixture");
        let sites: Vec<serde_json::Value> = serde_json::from_str(&raw).expect("json");
        assert_eq!(sites.len(), 13);
        for s in sites {
            let id = s["id"].as_str().expect("id");
            let site = Site::from_id(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(site.id(), id);
            let serde_id = serde_json::to_value(site).expect("serializes");
            assert_eq!(serde_id, serde_json::json!(id));
        }
        assert_eq!(Site::ALL.len(), 14, "the 13 local sites plus CBT");
    }

    #[test]
    fn hosts_languages_and_currencies_match_the_reference() {
        assert_eq!(Site::Brasil.auth_host(), "https://auth.mercadolivre.com.br");
        assert_eq!(Site::Chile.auth_host(), "https://auth.mercadolibre.cl");
        assert_eq!(
            Site::GlobalSelling.auth_host(),
            "https://global-selling.mercadolibre.com"
        );
        assert_eq!(Site::Mexico.auth_host(), "https://auth.mercadolibre.com.mx");
        assert_eq!(Site::Brasil.language(), Language::Portuguese);
        assert_eq!(Site::Portugal.language().tag(), "pt-BR");
        assert_eq!(Site::Argentina.language(), Language::Spanish);
        assert_eq!(Site::GlobalSelling.language(), Language::English);
        assert_eq!(Site::Argentina.default_currency(), "ARS");
        assert_eq!(Site::Brasil.default_currency(), "BRL");
        assert_eq!(Site::Mexico.default_currency(), "MXN");
        assert_eq!(Site::Peru.country_name(), "Perú");
        for site in Site::ALL {
            assert!(site.auth_host().starts_with("https://"), "{site}");
            assert_eq!(site.default_currency().len(), 3, "{site}");
        }
    }

    #[test]
    fn web_hosts_cover_each_sites_auth_host_and_sale_pages() {
        for site in Site::ALL {
            let hosts = site.web_hosts();
            let auth = site.auth_host().trim_start_matches("https://");
            assert!(hosts.iter().any(|h| h == auth), "{site}: {hosts:?}");
            if let Some(page) = site.sale_page("1") {
                let host = page.trim_start_matches("https://").split('/').next();
                assert!(hosts.iter().any(|h| Some(h.as_str()) == host), "{page}");
            }
            for host in &hosts {
                assert!(
                    host.ends_with("mercadolibre.com")
                        || host.contains(".mercadolibre.")
                        || host.starts_with("mercadolibre.")
                        || host.contains("mercadolivre.com.br"),
                    "{host} is not Mercado Libre's"
                );
            }
        }
        assert!(Site::Brasil
            .web_hosts()
            .contains(&"produto.mercadolivre.com.br".into()));
        let all = Site::all_web_hosts();
        assert_eq!(all.len(), 13 * 5 + 3, "{all:?}");
    }

    #[test]
    fn ids_parse_in_any_case_and_unknown_ids_fail() {
        assert_eq!("mlb".parse::<Site>(), Ok(Site::Brasil));
        assert_eq!(Site::from_id(" MLU "), Some(Site::Uruguay));
        assert!("XYZ".parse::<Site>().is_err());
        assert_eq!(Language::from_tag("pt-PT"), Language::Portuguese);
        assert_eq!(Language::from_tag("en_US"), Language::English);
        assert_eq!(Language::from_tag("es-419"), Language::Spanish);
    }

    #[test]
    fn sale_pages_live_on_each_sites_web_in_its_language() {
        assert_eq!(
            Site::Argentina.sale_page("2000009000000388").as_deref(),
            Some("https://www.mercadolibre.com.ar/ventas/2000009000000388/detalle")
        );
        assert_eq!(
            Site::Brasil.sale_page("2000006100000040").as_deref(),
            Some("https://www.mercadolivre.com.br/vendas/2000006100000040/detalhe")
        );
        assert_eq!(
            Site::Chile.sale_page("1").as_deref(),
            Some("https://www.mercadolibre.cl/ventas/1/detalle")
        );
        assert_eq!(Site::GlobalSelling.sale_page("1"), None);
        // Only a number goes into the address.
        assert_eq!(Site::Mexico.sale_page("1/../../x"), None);
        assert_eq!(Site::Mexico.sale_page(""), None);
    }
}
