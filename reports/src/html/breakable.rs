//! Provenance chains in table cells: escaped, with a line-break opportunity
//! (`<wbr>`) after each `/` and `#`, so a long chain wraps at its joints inside
//! its cell instead of widening the column and squeezing its neighbours.

use std::fmt;

/// A path or provenance to write into HTML, breakable at its joints.
pub struct Breakable<'a>(pub &'a str);

impl fmt::Display for Breakable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#x27;")?,
                '/' | '#' => write!(f, "{c}<wbr>")?,
                c => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

// Escapes on its own (above), so askama writes it as it is.
impl askama::filters::HtmlSafe for Breakable<'_> {}

#[cfg(test)]
mod tests {
    use super::Breakable;

    #[test]
    fn escapes_markup_and_breaks_after_joints() {
        assert_eq!(
            Breakable("a.zip!/b<i>.csv#tcp:1").to_string(),
            "a.zip!/<wbr>b&lt;i&gt;.csv#<wbr>tcp:1"
        );
        assert_eq!(Breakable("\"'&").to_string(), "&quot;&#x27;&amp;");
    }
}
