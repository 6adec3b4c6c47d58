//! Byte sizes as people write them: `16GiB`, `100MB`, `512k`, `1048576`.
//!
//! The units follow GNU coreutils (`head -c`, `truncate`): `KiB`, `MiB`, … and
//! the bare `K`, `M`, `G`, `T` are powers of 1024; `KB`, `MB`, `GB`, `TB` are
//! powers of 1000. Case is ignored except that a bare `b` is bytes.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A number of bytes, parsed from a size with an optional unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn bytes(self) -> u64 {
        self.0
    }
}

/// Why a size could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("empty size")]
    Empty,
    #[error("{0:?} is not a size: write a number with an optional unit, e.g. 512k, 100MB, 16GiB")]
    Malformed(String),
    #[error("unknown unit {0:?}: use B, K/KiB, M/MiB, G/GiB, T/TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)")]
    UnknownUnit(String),
    #[error("{0:?} is more bytes than hihoji can count")]
    TooLarge(String),
}

fn unit_factor(unit: &str) -> Option<u64> {
    const KI: u64 = 1 << 10;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "ki" | "kib" => KI,
        "m" | "mi" | "mib" => KI.pow(2),
        "g" | "gi" | "gib" => KI.pow(3),
        "t" | "ti" | "tib" => KI.pow(4),
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return None,
    };
    Some(factor)
}

impl FromStr for ByteSize {
    type Err = SizeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SizeError::Empty);
        }
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(number_end);
        let number: String = number.chars().filter(|&c| c != '_').collect();
        if number.is_empty() || number.matches('.').count() > 1 {
            return Err(SizeError::Malformed(text.to_string()));
        }
        let factor =
            unit_factor(unit.trim()).ok_or_else(|| SizeError::UnknownUnit(unit.trim().to_string()))?;
        let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
        let too_large = || SizeError::TooLarge(text.to_string());
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_large())?
        };
        let mut bytes = whole.checked_mul(factor).ok_or_else(too_large)?;
        if !fraction.is_empty() {
            // Exact for the digits a person writes: 1.5G is 1610612736.
            let digits = fraction.len().min(9) as u32;
            let fraction: u64 = fraction[..digits as usize]
                .parse()
                .map_err(|_| SizeError::Malformed(text.to_string()))?;
            let part = u128::from(fraction) * u128::from(factor) / 10u128.pow(digits);
            bytes = bytes.checked_add(part as u64).ok_or_else(too_large)?;
        }
        Ok(ByteSize(bytes))
    }
}

impl fmt::Display for ByteSize {
    /// The largest binary unit that writes the size exactly (`16GiB`), so that
    /// `--help` prints defaults in a form the flag accepts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 4] = [
            (1 << 40, "TiB"),
            (1 << 30, "GiB"),
            (1 << 20, "MiB"),
            (1 << 10, "KiB"),
        ];
        for (factor, unit) in UNITS {
            if self.0 >= factor && self.0.is_multiple_of(factor) {
                return write!(f, "{}{unit}", self.0 / factor);
            }
        }
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    /// A YAML number of bytes (`1048576`) or a size string (`1MiB`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeVisitor;
        impl Visitor<'_> for SizeVisitor {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size in bytes, with an optional unit (512k, 100MB, 16GiB)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v)
                    .map(ByteSize)
                    .map_err(|_| E::custom("a size cannot be negative"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteSize, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(SizeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(text: &str) -> u64 {
        text.parse::<ByteSize>().unwrap().bytes()
    }

    #[test]
    fn units_follow_coreutils() {
        assert_eq!(size("1048576"), 1 << 20);
        assert_eq!(size("16GiB"), 16 << 30);
        assert_eq!(size("16 GiB"), 16 << 30);
        assert_eq!(size("100MB"), 100_000_000);
        assert_eq!(size("512k"), 512 << 10);
        assert_eq!(size("512K"), 512 << 10);
        assert_eq!(size("2kb"), 2000);
        assert_eq!(size("1.5G"), 3 << 29);
        assert_eq!(size("10B"), 10);
        assert_eq!(size("1_000"), 1000);
    }

    #[test]
    fn bad_sizes_say_what_is_wrong() {
        assert_eq!("".parse::<ByteSize>(), Err(SizeError::Empty));
        assert!(matches!("12XB".parse::<ByteSize>(), Err(SizeError::UnknownUnit(u)) if u == "XB"));
        assert!(matches!("GiB".parse::<ByteSize>(), Err(SizeError::Malformed(_))));
        assert!(matches!(
            "1.2.3k".parse::<ByteSize>(),
            Err(SizeError::Malformed(_))
        ));
        assert!(matches!(
            "99999999999T".parse::<ByteSize>(),
            Err(SizeError::TooLarge(_))
        ));
        assert!(matches!("-5".parse::<ByteSize>(), Err(SizeError::Malformed(_))));
    }

    #[test]
    fn display_round_trips_through_parse() {
        for bytes in [0, 1, 1000, 1 << 10, 3 << 29, 16 << 30, 256 << 20, 123_456_789] {
            let shown = ByteSize(bytes).to_string();
            assert_eq!(size(&shown), bytes, "{shown}");
        }
        assert_eq!(ByteSize(16 << 30).to_string(), "16GiB");
    }
}
