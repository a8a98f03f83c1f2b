//! This module defines the content hash of a rule library: FNV-1a (64 bit)
//! over the files sorted by name, each as its name, a `0xFF` byte, its
//! text and another `0xFF` (a byte no UTF-8 text contains, so no two
//! libraries run together into the same stream). build.rs embeds the hash of
//! rules/; at run time the same function over the loaded rule files says
//! whether the compiled program is theirs. build.rs and the runtime call
//! this one function; it depends on nothing.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

/// The file name a library file is hashed under: its last path component, so
/// `rules/geo.dl` and `geo.dl` name the same file.
pub fn file_key(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The hash of a rule library given as `(file name or path, text)` pairs, in
/// any order.
pub fn library_hash<N: AsRef<str>, T: AsRef<str>>(files: &[(N, T)]) -> u64 {
    let mut sorted: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (file_key(n.as_ref()), t.as_ref()))
        .collect();
    sorted.sort_unstable();
    let mut hash = OFFSET;
    for (name, text) in sorted {
        hash = fnv1a(hash, name.as_bytes());
        hash = fnv1a(hash, &[0xFF]);
        hash = fnv1a(hash, text.as_bytes());
        hash = fnv1a(hash, &[0xFF]);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_directory_do_not_matter_but_content_does() {
        let a = library_hash(&[("rules/geo.dl", "a(1)."), ("cells.dl", "b(2).")]);
        let b = library_hash(&[("cells.dl", "b(2)."), ("geo.dl", "a(1).")]);
        let c = library_hash(&[("cells.dl", "b(2)."), ("geo.dl", "a(1). ")]);
        let d = library_hash(&[("cells.dl", "b(2).geo.dl"), ("", "a(1).")]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(fnv1a(OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
