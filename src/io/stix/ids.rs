//! This module defines the STIX ids sleuth gives what it exports: UUIDv5
//! names in one fixed namespace, so the same data exports to the same ids
//! every time (and two sleuths agree on them).

use uuid::Uuid;

/// The namespace of every id sleuth makes: a fixed UUID chosen once for
/// sleuth (README, "STIX 2.1", documents it). Changing it changes every id.
pub const NAMESPACE: Uuid = Uuid::from_bytes([
    0x5b, 0x1e, 0x7c, 0x3a, 0x2f, 0x44, 0x4d, 0x0e, 0x9c, 0x61, 0x8a, 0x27, 0xd5, 0x3b, 0x90, 0x16,
]);

/// The STIX id of an object of type `ty` (`location`, `relationship` ...)
/// named by `key`, sleuth's own name for it (`place:Tangier`, or a fact as
/// Datalog text): `ty--` and the UUIDv5 of `ty|key` in [`NAMESPACE`].
pub fn stix_id(ty: &str, key: &str) -> String {
    format!(
        "{ty}--{}",
        Uuid::new_v5(&NAMESPACE, format!("{ty}|{key}").as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_is_the_one_readme_gives() {
        assert_eq!(
            NAMESPACE.to_string(),
            "5b1e7c3a-2f44-4d0e-9c61-8a27d53b9016"
        );
        let readme = include_str!("../../../README.md");
        assert!(readme.contains(&NAMESPACE.to_string()));
    }

    #[test]
    fn ids_are_stable_version_5_and_typed() {
        let a = stix_id("location", "place:Tangier");
        assert_eq!(a, stix_id("location", "place:Tangier"));
        assert_ne!(a, stix_id("location", "place:Tetouan"));
        assert_ne!(
            stix_id("location", "x").split_once("--").map(|p| p.1),
            stix_id("note", "x").split_once("--").map(|p| p.1)
        );
        let uuid = Uuid::parse_str(a.strip_prefix("location--").expect("typed")).expect("uuid");
        assert_eq!(uuid.get_version_num(), 5);
    }
}
