//! One value read from a database table, as a decoder (SQLite, a dump) or a
//! live server hands it to the scan. Ground floor: decoders and sources make
//! these, the scan reads them (see `scan/field.rs` for why a value is scanned
//! on its own).

/// One value read from a table.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// The table (`payments`, `public.orders`).
    pub table: &'a str,
    /// The column.
    pub column: &'a str,
    /// Which row: `rowid=17`, `ctid=(0,17)`, `line=120`.
    pub row: &'a str,
    pub value: FieldValue<'a>,
    /// Carved from a deleted record (free space of a database file): not
    /// reported when a live record of the same stream holds the same value.
    pub recovered: bool,
}

/// A value as the database gave it. Numbers are passed as their decimal text.
#[derive(Clone, Copy)]
pub enum FieldValue<'a> {
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

impl FieldValue<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            FieldValue::Text(b) | FieldValue::Blob(b) => b,
        }
    }
}

/// Never prints the value: it may be a card number.
impl std::fmt::Debug for FieldValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldValue::Text(b) => write!(f, "Text({} bytes)", b.len()),
            FieldValue::Blob(b) => write!(f, "Blob({} bytes)", b.len()),
        }
    }
}

/// The decimal text of an SQL REAL that holds a whole number of 13–19 digits
/// (a card number stored in a floating-point column), else `None`.
pub fn integral_real(value: f64) -> Option<String> {
    let magnitude = value.abs();
    (value.fract() == 0.0 && (1e12..1e19).contains(&magnitude)).then(|| format!("{magnitude:.0}"))
}

#[cfg(test)]
mod tests {
    use super::integral_real;

    #[test]
    fn integral_real_of_card_length_is_its_decimal_text() {
        assert_eq!(
            integral_real(4_012_888_888_881_881.0).as_deref(),
            Some("4012888888881881")
        );
        assert_eq!(integral_real(12.5), None);
        assert_eq!(integral_real(123_456.0), None);
    }
}
