//! The JSON report: the whole [`ScanOutcome`] plus a summary of counts. It is
//! also the input of `hihoji report`, so it can be read back.
//!
//! It is one JSON document, written as the scan goes ([`JsonWriter`]): the
//! scan's header (tool, host, roots, start, rule pack, rules, policy) first,
//! then each finding as it is made, then what is only known at the end
//! (skipped, notes, coverage, finish time) and the `summary` last. A reader
//! takes the keys in any order; [`read_json_stream`] hands the findings over
//! one by one, so neither side holds them all.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Write};

use hihoji_scanner::findings::{Finding, GuidelineCategory, Level};
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::redact::{is_object_id, redact};
use hihoji_scanner::verdict::Verdict;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

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
    /// The counts of every finding of `outcome` (held, or counted as they
    /// streamed past: [`ScanOutcome::totals`]).
    pub fn of(outcome: &ScanOutcome) -> Self {
        let totals = outcome.totals();
        let mut s = Summary {
            findings: totals.findings as usize,
            skipped: outcome.skipped.len(),
            verdict: outcome.verdict(),
            gaps: outcome.gap_count(),
            exit_code: outcome.exit_code(),
            ..Summary::default()
        };
        for c in GuidelineCategory::ALL {
            s.by_category.insert(c.as_str().to_string(), 0);
        }
        for (&(level, category), tally) in &totals.by_level_category {
            if tally.all == 0 {
                continue;
            }
            let n = tally.all as usize;
            *s.by_level.entry(level.as_str().to_string()).or_default() += n;
            *s.by_category.entry(category.as_str().to_string()).or_default() += n;
            s.retention_found |= level > Level::Note;
        }
        for (rule, &n) in &totals.by_rule {
            s.by_rule.insert(rule.clone(), n as usize);
        }
        for (brand, counts) in &totals.by_brand {
            s.by_brand
                .insert(brand.clone(), counts.iter().sum::<u64>() as usize);
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

/// Keys written before the findings: what is known when a scan starts.
const HEAD_KEYS: [&str; 8] = [
    "tool_version",
    "host",
    "roots",
    "started_at",
    "rule_pack",
    "rules",
    "policy",
    "shard",
];

/// Writes the JSON report as findings arrive: [`JsonWriter::begin`] with the
/// scan's header, [`JsonWriter::finding`] for each, [`JsonWriter::finish`]
/// with the rest of the outcome.
pub struct JsonWriter<W: Write> {
    out: W,
    findings: u64,
}

impl<W: Write> JsonWriter<W> {
    /// Writes everything up to the first finding. `head` is the outcome as
    /// known when the scan starts; its findings are not written.
    pub fn begin(mut out: W, head: &ScanOutcome) -> std::io::Result<Self> {
        let fields = object(head)?;
        write!(out, "{{\n  \"format\": {}", Value::from(FORMAT))?;
        for key in HEAD_KEYS {
            if let Some(value) = fields.get(key) {
                write!(out, ",\n  {}: ", Value::from(key))?;
                if key == "rules" {
                    // Directly: a `Value` would widen their f32 severities (0.1 → 0.10000000149011612).
                    serde_json::to_writer(&mut out, &head.rules)?;
                } else {
                    serde_json::to_writer(&mut out, value)?;
                }
            }
        }
        out.write_all(b",\n  \"findings\": [")?;
        Ok(JsonWriter { out, findings: 0 })
    }

    pub fn finding(&mut self, finding: &Finding) -> std::io::Result<()> {
        let comma = if self.findings == 0 { "" } else { "," };
        write!(self.out, "{comma}\n    ")?;
        serde_json::to_writer(&mut self.out, finding)?;
        self.findings += 1;
        Ok(())
    }

    /// Writes what is known at the end: the outcome's other fields (its
    /// findings are those already written) and the summary of counts.
    pub fn finish(mut self, outcome: &ScanOutcome) -> std::io::Result<W> {
        let fields = object(outcome)?;
        self.out.write_all(b"\n  ]")?;
        for (key, value) in &fields {
            if key == "findings" || HEAD_KEYS.contains(&key.as_str()) {
                continue;
            }
            write!(self.out, ",\n  {}: ", Value::from(key.as_str()))?;
            serde_json::to_writer(&mut self.out, value)?;
        }
        write!(self.out, ",\n  \"summary\": ")?;
        serde_json::to_writer_pretty(&mut self.out, &Summary::of(outcome))?;
        self.out.write_all(b"\n}\n")?;
        Ok(self.out)
    }
}

/// The outcome's fields as a JSON object, without its findings.
fn object(outcome: &ScanOutcome) -> std::io::Result<Map<String, Value>> {
    #[derive(Serialize)]
    struct Fields<'a> {
        #[serde(flatten)]
        outcome: &'a ScanOutcome,
    }
    let mut fields = match serde_json::to_value(Fields { outcome })? {
        Value::Object(fields) => fields,
        _ => Map::new(),
    };
    fields.remove("findings");
    Ok(fields)
}

/// Writes the JSON report of an outcome that holds its findings.
pub fn write_json(outcome: &ScanOutcome, out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = JsonWriter::begin(out, outcome)?;
    for finding in &outcome.findings {
        writer.finding(finding)?;
    }
    writer.finish(outcome).map(drop)
}

/// Reads a JSON report written by [`write_json`], holding its findings.
pub fn read_json(text: &str) -> Result<JsonReport, String> {
    let mut findings = Vec::new();
    let mut report = read_json_stream(text.as_bytes(), &mut |f| {
        findings.push(f);
        Ok(())
    })?;
    report.outcome.findings = findings;
    Ok(report)
}

/// Reads a JSON report, handing each finding to `on_finding` as it is read
/// and returning the rest (its `findings` empty), so that a report of
/// millions of findings is read in bounded memory. A report read back is
/// input like any other: every string in it, not only those the model types
/// as [`Redacted`](hihoji_scanner::redact::Redacted), passes the redaction
/// step, and the parser's messages too.
pub fn read_json_stream(
    reader: impl Read,
    on_finding: &mut dyn FnMut(Finding) -> Result<(), String>,
) -> Result<JsonReport, String> {
    let fail = |e: serde_json::Error| redact(&e.to_string()).into_owned();
    let mut parser = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let fields = ReportFields { on_finding }
        .deserialize(&mut parser)
        .map_err(fail)?;
    parser.end().map_err(fail)?;
    let mut value = Value::Object(fields);
    redact_strings(&mut value);
    let report: JsonReport = serde_json::from_value(value).map_err(fail)?;
    if report.format != FORMAT {
        return Err(format!("format {:?} is not {FORMAT:?}", report.format));
    }
    Ok(report)
}

/// The report's top-level object, its findings handed over one by one.
struct ReportFields<'a> {
    on_finding: &'a mut dyn FnMut(Finding) -> Result<(), String>,
}

impl<'de> DeserializeSeed<'de> for ReportFields<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReportFields<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a hihoji JSON report (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "findings" {
                map.next_value_seed(FindingList {
                    on_finding: &mut *self.on_finding,
                })?;
                fields.insert(key, Value::Array(Vec::new()));
            } else {
                let value: Value = map.next_value()?;
                fields.insert(key, value);
            }
        }
        Ok(fields)
    }
}

/// The `findings` array, read one finding at a time.
struct FindingList<'a> {
    on_finding: &'a mut dyn FnMut(Finding) -> Result<(), String>,
}

impl<'de> DeserializeSeed<'de> for FindingList<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FindingList<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(mut value) = seq.next_element::<Value>()? {
            redact_strings(&mut value);
            let finding: Finding =
                serde_json::from_value(value).map_err(|e| A::Error::custom(redact(&e.to_string())))?;
            (self.on_finding)(finding).map_err(A::Error::custom)?;
        }
        Ok(())
    }
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
