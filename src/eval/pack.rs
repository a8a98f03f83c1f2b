//! This module defines how values are packed into machine words inside the
//! evaluator: symbols as interned ids, numbers as `i64` bits, floats as `f64`
//! bits, dates as [`Date::packed`]. A word means nothing without its column's
//! type, which always travels beside it.

use super::intern::Interner;
use crate::value::{Date, Type, Value};
use std::cmp::Ordering;

/// Packs a value whose type the caller has checked, interning symbols.
pub fn pack(value: &Value, interner: &mut Interner) -> Result<u64, &'static str> {
    Ok(match value {
        Value::Symbol(s) => u64::from(interner.intern(s)?),
        Value::Number(n) => *n as u64,
        Value::Float(x) => x.to_bits(),
        Value::Date(d) => u64::from(d.packed()),
    })
}

/// Packs a value without interning: `None` when it is a symbol the interner
/// has never seen (so no stored row can contain it).
pub fn pack_existing(value: &Value, interner: &Interner) -> Option<u64> {
    Some(match value {
        Value::Symbol(s) => u64::from(interner.get(s)?),
        Value::Number(n) => *n as u64,
        Value::Float(x) => x.to_bits(),
        Value::Date(d) => u64::from(d.packed()),
    })
}

/// Unpacks a word of a column of type `ty`.
pub fn unpack(word: u64, ty: Type, interner: &Interner) -> Value {
    match ty {
        Type::Symbol => Value::Symbol(interner.resolve(word as u32).to_string()),
        Type::Number => Value::Number(word as i64),
        Type::Float => Value::Float(f64::from_bits(word)),
        Type::Date => Value::Date(Date::from_packed(word as u32)),
    }
}

/// Orders two words of type `ty` the way their values order (symbols
/// lexicographically, floats by `total_cmp`).
pub fn cmp_words(a: u64, b: u64, ty: Type, interner: &Interner) -> Ordering {
    match ty {
        Type::Symbol => interner.cmp(a as u32, b as u32),
        Type::Number => (a as i64).cmp(&(b as i64)),
        Type::Float => f64::from_bits(a).total_cmp(&f64::from_bits(b)),
        Type::Date => a.cmp(&b),
    }
}

/// Orders two packed rows column by column.
pub fn cmp_rows(a: &[u64], b: &[u64], types: &[Type], interner: &Interner) -> Ordering {
    for ((x, y), ty) in a.iter().zip(b).zip(types) {
        match cmp_words(*x, *y, *ty, interner) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_type() {
        let mut i = Interner::new();
        let vals = [
            (Value::Symbol("Tangier".into()), Type::Symbol),
            (Value::Number(-42), Type::Number),
            (Value::Float(2.5), Type::Float),
            (
                Value::Date(Date::parse("2024-02-15").expect("valid")),
                Type::Date,
            ),
        ];
        for (v, ty) in vals {
            let w = pack(&v, &mut i).expect("fits");
            assert_eq!(unpack(w, ty, &i), v);
            assert_eq!(pack_existing(&v, &i), Some(w));
        }
        assert_eq!(pack_existing(&Value::Symbol("nowhere".into()), &i), None);
    }

    #[test]
    fn words_order_like_values() {
        let mut i = Interner::new();
        let b = pack(&Value::Symbol("b".into()), &mut i).expect("fits");
        let a = pack(&Value::Symbol("a".into()), &mut i).expect("fits");
        assert_eq!(cmp_words(a, b, Type::Symbol, &i), Ordering::Less);
        let m = Value::Number(-1);
        let p = Value::Number(1);
        assert_eq!(
            cmp_words(
                pack(&m, &mut i).expect("n"),
                pack(&p, &mut i).expect("n"),
                Type::Number,
                &i
            ),
            Ordering::Less
        );
    }
}
