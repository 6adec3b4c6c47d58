//! Masking and fingerprinting: the only forms in which a found value ever
//! leaves the detectors.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::detect::HitValue;

/// First 6 and last 4 digits with every digit between as `*` (PCI DSS 3.4.1's
/// display form); a security code becomes all `*`.
pub fn masked(value: &HitValue) -> String {
    match value {
        HitValue::Pan(d) => {
            let d = d.as_bytes();
            mask_digits(
                &d[..6.min(d.len())],
                d.len().saturating_sub(10),
                &d[d.len().saturating_sub(4)..],
            )
        }
        HitValue::Masked { first, hidden, last } => {
            let first = first.as_bytes();
            let shown = &first[..6.min(first.len())];
            let middle = first.len() - shown.len() + hidden.unwrap_or(6);
            mask_digits(shown, middle, last.as_bytes())
        }
        HitValue::Code(d) => "*".repeat(d.len()),
    }
}

fn mask_digits(first: &[u8], hidden: usize, last: &[u8]) -> String {
    let mut s = String::with_capacity(first.len() + hidden + last.len());
    s.push_str(std::str::from_utf8(first).unwrap_or(""));
    s.extend(std::iter::repeat_n('*', hidden));
    s.push_str(std::str::from_utf8(last).unwrap_or(""));
    s
}

/// Keyed fingerprints. A PAN has only about 10^6 unknown middle digits once its
/// first 6 and last 4 are shown, so an unkeyed hash would be reversed in
/// seconds; the key keeps fingerprints comparable across runs without that.
#[derive(Clone)]
pub struct Fingerprinter {
    mac: Hmac<Sha256>,
}

impl Fingerprinter {
    pub fn new(key: &[u8]) -> Self {
        // HMAC accepts keys of any length.
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        Fingerprinter { mac }
    }

    /// Hex HMAC-SHA256 of `rule_id`, a NUL and the normalised value.
    pub fn fingerprint(&self, rule_id: &str, value: &HitValue) -> String {
        let mut mac = self.mac.clone();
        mac.update(rule_id.as_bytes());
        mac.update(&[0]);
        match value {
            HitValue::Pan(d) => mac.update(d.as_bytes()),
            HitValue::Code(s) => mac.update(s.as_bytes()),
            HitValue::Masked { .. } => mac.update(masked(value).as_bytes()),
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fingerprinter(<secret key>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Digits;

    fn pan(s: &str) -> HitValue {
        HitValue::Pan(Digits::from_ascii(s.as_bytes()).unwrap())
    }

    #[test]
    fn pan_keeps_first_six_and_last_four() {
        assert_eq!(masked(&pan("4526018159083012")), "452601******3012");
        assert_eq!(masked(&pan("372319487574919")), "372319*****4919");
        assert_eq!(masked(&pan("4661318609133")), "466131***9133");
    }

    #[test]
    fn code_is_fully_hidden() {
        let code = HitValue::Code(crate::detect::SecretText::from_ascii(b"123").unwrap());
        assert_eq!(masked(&code), "***");
    }

    #[test]
    fn fingerprint_depends_on_key_rule_and_value() {
        let a = Fingerprinter::new(b"key-a");
        let b = Fingerprinter::new(b"key-b");
        let v = pan("4526018159083012");
        assert_eq!(a.fingerprint("PAN", &v), a.fingerprint("PAN", &v));
        assert_ne!(a.fingerprint("PAN", &v), b.fingerprint("PAN", &v));
        assert_ne!(a.fingerprint("PAN", &v), a.fingerprint("TRACK2", &v));
        assert_ne!(
            a.fingerprint("PAN", &v),
            a.fingerprint("PAN", &pan("4081003390757936"))
        );
        assert_eq!(a.fingerprint("PAN", &v).len(), 64);
    }
}
