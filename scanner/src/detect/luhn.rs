//! The Luhn (mod 10) check that every card number carries.

/// Doubled-digit sums for the Luhn check, indexed by digit.
const DOUBLED: [u8; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/// True when the ASCII digits pass the Luhn check. Branch-light: one table
/// lookup per doubled digit, no division in the loop.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut double = false;
    for &d in digits.iter().rev() {
        let v = d.wrapping_sub(b'0');
        if v > 9 {
            return false;
        }
        sum += u32::from(if double { DOUBLED[usize::from(v)] } else { v });
        double = !double;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::luhn_valid;

    #[test]
    fn known_valid_and_invalid_numbers() {
        assert!(luhn_valid(b"4526018159083012"));
        assert!(luhn_valid(b"372319487574919"));
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"4526018159083013"));
        assert!(!luhn_valid(b"79927398710"));
        assert!(!luhn_valid(b""));
        assert!(!luhn_valid(b"45260181590830a2"));
    }

    #[test]
    fn every_single_digit_change_breaks_the_check() {
        let pan = b"4526018159083012";
        for i in 0..pan.len() {
            for d in b'0'..=b'9' {
                if d == pan[i] {
                    continue;
                }
                let mut changed = *pan;
                changed[i] = d;
                assert!(!luhn_valid(&changed), "{}", String::from_utf8_lossy(&changed));
            }
        }
    }
}
