//! This module defines the word hash used by every table of the evaluator: a
//! multiply-add hash in the style of rustc's Fx hash with a folded-multiply finish, fast on the one to
//! four machine words a packed row or key holds, and a byte variant for
//! interning strings.

use super::rows::Word;

/// The multiplier of rustc-hash 2 (odd, with well-spread bits).
const K: u64 = 0xf135_7aea_2e62_a9c5;

/// Hashes a sequence of packed words (stored narrow or wide: a row hashes
/// the same either way).
#[inline]
pub fn hash_words<W: Word>(words: &[W]) -> u64 {
    let mut h: u64 = 0;
    for &w in words {
        h = h.wrapping_add(w.word()).wrapping_mul(K);
    }
    finish(h)
}

/// Hashes the words `row[cols[0]], row[cols[1]], ...` (a key taken from a row)
/// exactly as [`hash_words`] would hash the key collected into a slice.
#[inline]
pub fn hash_cols<W: Word>(row: &[W], cols: &[usize]) -> u64 {
    let mut h: u64 = 0;
    for &c in cols {
        h = h.wrapping_add(row[c].word()).wrapping_mul(K);
    }
    finish(h)
}

/// Hashes a byte string (symbols in the interner).
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("chunk of 8 bytes"));
        h = h.wrapping_add(w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = h.wrapping_add(u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    finish(h)
}

/// Mixes every input bit into every output bit (a folded 128-bit multiply),
/// so tables may take buckets from the low bits and tags from the high ones.
#[inline]
fn finish(h: u64) -> u64 {
    let p = u128::from(h) * u128::from(K);
    (p as u64) ^ ((p >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_from_row_hashes_like_key() {
        let row = [7u64, 11, 13];
        assert_eq!(hash_cols(&row, &[2, 0]), hash_words(&[13u64, 7]));
        assert_ne!(hash_words(&[1u64, 2]), hash_words(&[2u64, 1]));
    }

    #[test]
    fn bytes_hash_depends_on_every_byte_and_length() {
        assert_ne!(hash_bytes(b"abcdefghi"), hash_bytes(b"abcdefghj"));
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
    }
}
