//! Mercado Libre sites (countries).

use serde::{Deserialize, Serialize};

/// A Mercado Libre site. The id is the one the API uses (`MLA`, `MLB`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Site {
    #[serde(rename = "MLA")]
    Argentina,
    #[serde(rename = "MLB")]
    Brasil,
    #[serde(rename = "MLM")]
    Mexico,
}

impl Site {
    pub fn id(self) -> &'static str {
        match self {
            Site::Argentina => "MLA",
            Site::Brasil => "MLB",
            Site::Mexico => "MLM",
        }
    }
}
