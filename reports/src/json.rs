//! The JSON report: the whole [`ScanOutcome`] plus a summary of counts. It is
//! also the input of `hihoji report`, so it can be read back.

use std::collections::BTreeMap;
use std::io::Write;

use hihoji_scanner::findings::{GuidelineCategory, Level};
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::redact::{is_object_id, redact};
use hihoji_scanner::verdict::Verdict;
use serde::{Deserialize, Serialize};

/// Identifies the format, so a reader can refuse what it does not understand.
pub const FORMAT: &str = "hihoji-report/v1";

/// Counts that a reader would otherwise compute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub findings: usize,
    pub skipped: usize,
    pub by_level: BTreeMap<String, usize>,
    pub by_rule: BTreeMap<String, usize>,
    pub by_brand: BTreeMap<String, usize>,
    pub by_category: BTreeMap<String, usize>,
    /// True when card data (anything above `note`) was found: retention is shown.
    pub retention_found: bool,
    /// The verdict under the scan's `--fail-on` and `--accept-gaps`:
    /// `retention_found`, `incomplete` or `clean` (DESIGN.md §4).
    #[serde(default)]
    pub verdict: Verdict,
    /// Items in scope that could not be read (the skipped that are gaps).
    #[serde(default)]
    pub gaps: usize,
    /// The exit code the verdict gives.
    #[serde(default)]
    pub exit_code: u8,
}

impl Summary {
    pub fn of(outcome: &ScanOutcome) -> Self {
        let mut s = Summary {
            findings: outcome.findings.len(),
            skipped: outcome.skipped.len(),
            verdict: outcome.verdict(),
            gaps: outcome.gap_count(),
            exit_code: outcome.exit_code(),
            ..Summary::default()
        };
        for c in GuidelineCategory::ALL {
            s.by_category.insert(c.as_str().to_string(), 0);
        }
        for f in &outcome.findings {
            *s.by_level.entry(f.level.as_str().to_string()).or_default() += 1;
            *s.by_rule.entry(f.rule_id.clone()).or_default() += 1;
            if let Some(brand) = &f.brand {
                *s.by_brand.entry(brand.clone()).or_default() += 1;
            }
            *s.by_category.entry(f.category.as_str().to_string()).or_default() += 1;
            s.retention_found |= f.level > Level::Note;
        }
        s
    }
}

/// The JSON document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonReport {
    pub format: String,
    pub summary: Summary,
    #[serde(flatten)]
    pub outcome: ScanOutcome,
}

/// The JSON document as written: the outcome borrowed, not copied (a scan
/// can hold a hundred thousand findings).
#[derive(Serialize)]
struct JsonReportRef<'a> {
    format: &'a str,
    summary: Summary,
    #[serde(flatten)]
    outcome: &'a ScanOutcome,
}

/// Writes the JSON report.
pub fn write_json(outcome: &ScanOutcome, out: &mut dyn Write) -> std::io::Result<()> {
    let report = JsonReportRef {
        format: FORMAT,
        summary: Summary::of(outcome),
        outcome,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}

/// Reads a JSON report written by [`write_json`]. A report read back is
/// input like any other: every string in it, not only those the model types
/// as [`Redacted`](hihoji_scanner::redact::Redacted), passes the redaction
/// step, and the parser's messages too.
pub fn read_json(text: &str) -> Result<JsonReport, String> {
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| redact(&e.to_string()).into_owned())?;
    redact_strings(&mut value);
    let report: JsonReport =
        serde_json::from_value(value).map_err(|e| redact(&e.to_string()).into_owned())?;
    if report.format != FORMAT {
        return Err(format!("format {:?} is not {FORMAT:?}", report.format));
    }
    Ok(report)
}

/// Masks every string, and every object key, in `value`.
fn redact_strings(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) if !is_object_id(s) => {
            if let std::borrow::Cow::Owned(masked) = redact(s) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                redact_strings(&mut item);
                map.insert(redact(&key).into_owned(), item);
            }
        }
        _ => {}
    }
}
