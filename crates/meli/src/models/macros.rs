//! Two shapes every model repeats: enums that keep unknown values, and records that keep their raw
//! JSON beside the parsed fields.

/// An enum of the API's string values that matches case-insensitively and keeps any value it does
/// not know as `Other(String)`, because Mercado Libre adds values without notice.
macro_rules! tolerant_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The API's spelling (lower case) of a known value, or the unknown value as sent.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Matches case-insensitively; never fails.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) { return $name::$variant; })*
                $name::Other(s.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = serde_json::Value::deserialize(d)?;
                Ok(match v {
                    serde_json::Value::String(s) => $name::parse(&s),
                    other => $name::Other(other.to_string()),
                })
            }
        }
    };
}

/// A record that also keeps the JSON it was parsed from in `raw`, so the cache can store it and a
/// later version can re-derive fields without downloading again. The fields are parsed through a
/// private twin struct so the same serde attributes apply.
macro_rules! raw_record {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// The JSON object as Mercado Libre sent it.
            #[serde(skip)]
            pub raw: serde_json::Value,
        }

        const _: () = {
            #[derive(serde::Deserialize)]
            struct Twin {
                $($(#[$fmeta])* $field: $ty,)*
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    use serde::de::Error as _;
                    let raw = serde_json::Value::deserialize(d)?;
                    // Read from the tree by reference: cloning it would build it twice.
                    let twin = <Twin as serde::Deserialize>::deserialize(&raw).map_err(D::Error::custom)?;
                    Ok($name { $($field: twin.$field,)* raw })
                }
            }
        };
    };
}

pub(crate) use raw_record;
pub(crate) use tolerant_enum;
