//! This module defines [`Distinct`], an estimate of how many different keys a
//! stream of key hashes holds (HyperLogLog with 2^12 one-byte registers,
//! within a few percent), so a table can be sized for its keys before they
//! are counted.
//!
//! It takes the evaluator's own 64-bit hashes (`hash`) instead of hashing each
//! key's words a second time as a general-purpose sketch would, and only
//! stirs each hash once more (the evaluator's hash of consecutive numbers
//! leaves its high and low bits related enough to bias the estimate by a
//! sixth); 4 KiB of registers stay in the first-level cache.

/// Register index bits: 2^12 registers.
const BITS: u32 = 12;
const REGISTERS: usize = 1 << BITS;

/// The finish of MurmurHash3 (`fmix64`): every input bit moves every output
/// bit.
#[inline]
fn stir(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A HyperLogLog sketch over already mixed 64-bit hashes.
///
/// A register is chosen by 12 bits of the stirred hash and the rank taken from
/// the others, so hashes that agree in some bits (one half of a key table,
/// split by the top bit) still spread over every register.
pub struct Distinct {
    regs: Box<[u8; REGISTERS]>,
}

impl Default for Distinct {
    fn default() -> Distinct {
        Distinct {
            regs: Box::new([0; REGISTERS]),
        }
    }
}

impl Distinct {
    /// Notes one key's hash.
    #[inline]
    pub fn add(&mut self, h: u64) {
        let h = stir(h);
        let j = (h >> (63 - BITS)) as usize & (REGISTERS - 1);
        // The low 51 bits, topped so the rank is at most 52.
        let rest = (h << (BITS + 1)) | (1 << BITS);
        let rank = rest.leading_zeros() as u8 + 1;
        if rank > self.regs[j] {
            self.regs[j] = rank;
        }
    }

    /// The estimated number of different hashes noted.
    pub fn estimate(&self) -> usize {
        let m = REGISTERS as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self.regs.iter().map(|&r| (-f64::from(r)).exp2()).sum();
        let raw = alpha * m * m / sum;
        let zeros = self.regs.iter().filter(|&&r| r == 0).count();
        // Few keys: count the registers still empty (linear counting).
        let e = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        e.round() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::hash::hash_words;

    fn estimate_of(keys: impl Iterator<Item = u64>) -> usize {
        let mut d = Distinct::default();
        for k in keys {
            d.add(hash_words(&[k]));
        }
        d.estimate()
    }

    #[test]
    fn estimates_within_a_few_percent_at_every_scale() {
        for n in [0u64, 1, 10, 1_000, 30_000, 1_000_000] {
            let e = estimate_of(0..n) as f64;
            let err = (e - n as f64).abs() / (n as f64).max(1.0);
            assert!(err < 0.05, "{n} keys estimated as {e}");
        }
    }

    #[test]
    fn repeated_keys_count_once() {
        let once = estimate_of(0..50_000);
        let thrice = estimate_of((0..150_000).map(|i| i % 50_000));
        assert_eq!(once, thrice);
    }

    #[test]
    fn hashes_of_one_half_of_a_split_table_estimate_that_half() {
        // Only hashes whose top bit is set, as one half of a key table sees.
        let mut d = Distinct::default();
        let mut n = 0usize;
        for k in 0..400_000u64 {
            let h = hash_words(&[k]);
            if h >> 63 == 1 {
                d.add(h);
                n += 1;
            }
        }
        let err = (d.estimate() as f64 - n as f64).abs() / n as f64;
        assert!(err < 0.05, "{n} keys estimated as {}", d.estimate());
    }
}
