//! This module defines the value types of a data document: a value that may
//! carry its own provenance ([`Attested`]), names, ISO dates and Admiralty
//! grades. Dates and grades that do not parse are reported with a marked
//! message so the loader can give them their own error code.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, Visitor};

use crate::diag::Code;
use crate::grade::Grade;
use crate::value::Date;

/// Prefixes a serde error message with a diagnostic code, read back by
/// [`split_code`].
pub(crate) fn with_code(code: Code, message: impl fmt::Display) -> String {
    format!("[[{code}]] {message}")
}

/// Splits a message made by [`with_code`] into its code and the rest.
pub(crate) fn split_code(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("[[")?;
    let (code, rest) = rest.split_once("]] ")?;
    Some((code, rest))
}

/// A name: an id, a place, an activity... any plain string.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct Name(pub String);

/// An ISO month or day, as in `"2023-11"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IsoDate(pub Date);

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IsoDate, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse(&text)
            .map(IsoDate)
            .map_err(|e| de::Error::custom(with_code(Code::BadDate, e)))
    }
}

impl serde::Serialize for IsoDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// An Admiralty grade, as in `"B2"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GradeText(pub Grade);

impl<'de> Deserialize<'de> for GradeText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<GradeText, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        Grade::parse(&text)
            .map(GradeText)
            .map_err(|e| de::Error::custom(with_code(Code::BadGrade, e)))
    }
}

impl serde::Serialize for GradeText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A value written either plainly (`"Morocco"`) or with its own provenance
/// (`{"value": "Morocco", "inferred": "why", "grade": "C3", "paragraph": 3}`).
#[derive(Debug)]
pub(crate) struct Attested<T> {
    /// The value.
    pub value: T,
    /// Its own provenance, when written as an object.
    pub detail: Option<Detail>,
}

/// The provenance written next to one value.
#[derive(Debug, Default)]
pub(crate) struct Detail {
    pub paragraph: Option<u32>,
    pub grade: Option<Grade>,
    pub inferred: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailedForm<T> {
    value: T,
    #[serde(default)]
    paragraph: Option<u32>,
    #[serde(default)]
    grade: Option<GradeText>,
    #[serde(default)]
    inferred: Option<String>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Attested<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Attested<T>, D::Error> {
        deserializer.deserialize_any(AttestedVisitor(PhantomData))
    }
}

struct AttestedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AttestedVisitor<T> {
    type Value = Attested<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a string, or an object with `value` and any of `paragraph`, `grade`, `inferred`",
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Attested<T>, E> {
        let value = T::deserialize(text.into_deserializer())?;
        Ok(Attested {
            value,
            detail: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Attested<T>, A::Error> {
        let form = DetailedForm::<T>::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Attested {
            value: form.value,
            detail: Some(Detail {
                paragraph: form.paragraph,
                grade: form.grade.map(|g| g.0),
                inferred: form.inferred,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_detailed_forms() {
        let plain: Attested<Name> = serde_json::from_str("\"Tangier\"").expect("plain");
        assert_eq!(plain.value, Name("Tangier".into()));
        assert!(plain.detail.is_none());
        let detailed: Attested<IsoDate> =
            serde_json::from_str(r#"{"value": "2023-11", "inferred": "year", "grade": "C3"}"#)
                .expect("detailed");
        assert_eq!(detailed.value.0.to_string(), "2023-11");
        let detail = detailed.detail.expect("has detail");
        assert_eq!(detail.inferred.as_deref(), Some("year"));
        assert_eq!(detail.grade.map(|g| g.to_string()).as_deref(), Some("C3"));
    }

    #[test]
    fn bad_values_carry_their_code() {
        let err = serde_json::from_str::<Attested<IsoDate>>("\"2023-13\"").expect_err("bad");
        let text = err.to_string();
        assert_eq!(
            split_code(&text).map(|(c, _)| c),
            Some("bad-date"),
            "{text}"
        );
        let err = serde_json::from_str::<GradeText>("\"Z9\"").expect_err("bad");
        let text = err.to_string();
        assert_eq!(
            split_code(&text).map(|(c, _)| c),
            Some("bad-grade"),
            "{text}"
        );
        let err = serde_json::from_str::<Attested<Name>>("12").expect_err("number");
        assert!(err.to_string().contains("a string, or an object"), "{err}");
    }
}
