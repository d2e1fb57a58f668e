//! The contract between generated code and the hand-written runtime.
//!
//! Generated code is data plus thin typed wrappers: each operation is a request struct that
//! implements [`Operation`] with a static [`OperationDescriptor`] (method, path, idempotency) and a
//! tiny [`Operation::write_query`]. Everything else (defaults, signing, sending, retries,
//! envelope handling, decoding) is done once, here and in [`crate::Client`].

use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

/// HTTP method of an operation. The image API uses only these two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl HttpMethod {
    /// The method name.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// Static facts about one operation, emitted by the generator from the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationDescriptor {
    /// The spec's `operationId`, e.g. `listImages`.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the endpoint, e.g. `/v4/image/list`.
    pub path: &'static str,
    /// True when the operation has a JSON request body.
    pub has_body: bool,
    /// True when repeating the call cannot change server state (`x-idempotent` in the spec);
    /// only such operations are retried after the request may have reached the server.
    pub idempotent: bool,
}

/// Defaults the client applies to requests that leave a field out.
#[derive(Clone, Debug, Default)]
pub struct RequestDefaults {
    /// Default `regionID` (from `CTYUN_REGION_ID` or [`crate::ClientBuilder::region`]).
    pub region_id: Option<String>,
}

impl RequestDefaults {
    /// Fills a region field left empty by the caller; errors when neither is set.
    pub fn fill_region(&self, field: &mut Option<String>, wire_name: &str) -> Result<(), String> {
        if field.is_none() {
            *field = Some(self.region_id.clone().ok_or_else(|| {
                format!(
                    "`{wire_name}` is required: set it on the request or configure a default region \
                     (CTYUN_REGION_ID or ClientBuilder::region)"
                )
            })?);
        }
        Ok(())
    }
}

/// One API operation: implemented by every generated request type.
pub trait Operation: Serialize + Send {
    /// The decoded `returnObj` of a successful response.
    type Output: DeserializeOwned + Send;
    /// Static facts about the operation.
    const DESCRIPTOR: &'static OperationDescriptor;

    /// Applies client defaults and checks what must hold before sending.
    fn prepare(&mut self, defaults: &RequestDefaults) -> Result<(), String> {
        let _ = defaults;
        Ok(())
    }

    /// Writes the query-string parameters (raw values; the signer encodes them).
    fn write_query(&self, query: &mut QueryWriter);
}

/// Collects raw query parameters of a request.
#[derive(Debug, Default)]
pub struct QueryWriter {
    pairs: Vec<(&'static str, String)>,
}

impl QueryWriter {
    /// Adds a parameter.
    pub fn push<V: QueryValue + ?Sized>(&mut self, key: &'static str, value: &V) {
        let mut s = String::new();
        value.write_query_value(&mut s);
        self.pairs.push((key, s));
    }

    /// Adds a parameter when it is set.
    pub fn push_opt<V: QueryValue>(&mut self, key: &'static str, value: &Option<V>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    /// The pairs collected, in call order.
    pub fn into_pairs(self) -> Vec<(&'static str, String)> {
        self.pairs
    }
}

/// A value that can be a query parameter.
pub trait QueryValue {
    /// Appends the raw (unencoded) textual form.
    fn write_query_value(&self, out: &mut String);
}

/// A comma-separated list (`x-comma-separated`): the values joined with `,`.
impl QueryValue for Vec<String> {
    fn write_query_value(&self, out: &mut String) {
        out.push_str(&self.join(","));
    }
}
macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn write_query_value(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_query_value!(str, String, bool, i32, i64, u32, u64, f64);

/// Implements `Display`, `FromStr`, `Serialize`, `Deserialize`, `From<&str>` and [`QueryValue`]
/// for a generated string enum that has `as_str()` and `from_wire(&str)`. Exported (hidden) so
/// generated code outside this crate can use it as `ctyun_image::runtime::string_enum_impls!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::deserialize_str_with(d, Self::from_wire)
            }
        }
        impl $crate::runtime::QueryValue for $name {
            fn write_query_value(&self, out: &mut String) {
                out.push_str(self.as_str());
            }
        }
    };
}
#[doc(hidden)]
pub use crate::__string_enum_impls as string_enum_impls;

/// Implements `Display`, `Serialize`, `Deserialize` and [`QueryValue`] for a generated integer
/// enum that has `value()` and `from_value(i64)`. Exported like [`string_enum_impls!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __int_enum_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }
        impl ::std::convert::From<i64> for $name {
            fn from(n: i64) -> Self {
                Self::from_value(n)
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(d).map(Self::from_value)
            }
        }
        impl $crate::runtime::QueryValue for $name {
            fn write_query_value(&self, out: &mut String) {
                use ::std::fmt::Write as _;
                let _ = write!(out, "{}", self.value());
            }
        }
    };
}
#[doc(hidden)]
pub use crate::__int_enum_impls as int_enum_impls;

/// A scalar the server sends sometimes as a string and sometimes as a number (or boolean);
/// kept as its text (`"3"` for both `3` and `"3"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scalar(pub String);

impl Scalar {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an integer, when it is one.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.trim().parse().ok()
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Scalar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Scalar(s)),
            // A float as Rust prints it: `3.0` is `3`, as `"3"` would be.
            Value::Number(n) if n.is_f64() => Ok(Scalar(n.as_f64().unwrap_or_default().to_string())),
            v @ (Value::Number(_) | Value::Bool(_)) => Ok(Scalar(v.to_string())),
            _ => Err(serde::de::Error::custom("expected a string, number or boolean, not null, an array or an object")),
        }
    }
}

/// Deserializes a string (borrowed or owned) and maps it.
pub fn deserialize_str_with<'de, D, T>(d: D, f: fn(&str) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<T>(fn(&str) -> T);
    impl<T> serde::de::Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    d.deserialize_str(V(f))
}

/// The CTyun response envelope, with `returnObj` left undecoded.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<'a> {
    /// A number from CTyun, a string from some gateways.
    #[serde(rename = "statusCode")]
    pub status_code: Option<Scalar>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub error: Option<String>,
    #[serde(rename = "errorCode", default, deserialize_with = "lenient_text")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub description: Option<String>,
    #[serde(rename = "returnObj", borrow, default)]
    pub return_obj: Option<&'a serde_json::value::RawValue>,
}

/// Text of any JSON value: a string as is, `null` as `None`, anything else (a numeric code, an
/// object message) as its JSON, so an odd error envelope still yields its code and message.
fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// Serde `with` module for a `Vec<String>` that CTyun sends and receives as one comma-separated
/// string (`x-comma-separated` in the spec): serialized joined with `,`; decoded from such a
/// string (empty or blank items dropped) or, leniently, from a JSON array of strings.
pub mod comma_list {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Joins the values with `,`.
    pub fn serialize<S: Serializer>(values: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&values.join(","))
    }

    /// Splits a comma-separated string (or takes an array of strings).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            List(Vec<String>),
        }
        Ok(match Wire::deserialize(d)? {
            Wire::Text(t) => split(&t),
            Wire::List(l) => l,
        })
    }

    /// The values of a comma-separated string, trimmed, without empty items.
    pub fn split(text: &str) -> Vec<String> {
        text.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
    }

    /// The same for an `Option<Vec<String>>` (`null` or absent: `None`).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        /// Joins the values with `,` (`None` is skipped by the field's `skip_serializing_if`).
        pub fn serialize<S: Serializer>(values: &Option<Vec<String>>, s: S) -> Result<S::Ok, S::Error> {
            match values {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }

        /// `null` → `None`, else as [`super::deserialize`].
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
            #[derive(Deserialize)]
            struct Inner(#[serde(deserialize_with = "super::deserialize")] Vec<String>);
            Ok(Option::<Inner>::deserialize(d)?.map(|i| i.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn scalar_keeps_the_text_of_strings_numbers_and_booleans() {
        let text = |json: &str| serde_json::from_str::<Scalar>(json).map(|s| s.0).map_err(|e| e.to_string());
        assert_eq!(text(r#""3""#), Ok("3".into()));
        assert_eq!(text("3"), Ok("3".into()));
        assert_eq!(text("-7"), Ok("-7".into()));
        assert_eq!(text("2.5"), Ok("2.5".into()));
        assert_eq!(text("3.0"), Ok("3".into()));
        assert_eq!(serde_json::from_str::<Scalar>("3.0").unwrap().as_i64(), Some(3));
        assert_eq!(text("1e2"), Ok("100".into()));
        assert_eq!(text("18446744073709551615"), Ok("18446744073709551615".into()));
        assert_eq!(text("true"), Ok("true".into()));
        let err = text("[1]").unwrap_err();
        assert!(err.contains("expected a string, number or boolean, not null"), "{err}");
        assert!(text("null").is_err());
    }
}
