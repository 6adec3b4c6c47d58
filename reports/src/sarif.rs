//! SARIF 2.1.0, as DESIGN.md §5 specifies: the interchange contract with code
//! scanning (GitHub reads `ruleId`, the top-level `uri`, `region` and
//! `partialFingerprints`) and with SARIF viewers (which also read
//! `run.artifacts` and their `parentIndex` chain).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

use hihoji_scanner::findings::{BaselineState, Finding, Level, Note, Provenance, Redacted, Skipped, Step};
use hihoji_scanner::outcome::{severity_column, ScanOutcome};
use hihoji_scanner::rules::{RuleKind, RuleSpec};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    Artifact, ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
};

use crate::messages;
use crate::summary::Lang;
use crate::uri::path_to_uri;

/// GitHub code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;
/// Key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "hihoji/v1";
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Builds the SARIF log for an outcome that holds its findings; messages
/// and rule texts in `lang`.
pub fn to_sarif(outcome: &ScanOutcome, lang: Lang) -> Sarif {
    let rule_index = RuleIndex::of(&outcome.rules);
    let mut artifacts = ArtifactTable::default();
    // Most severe first, so that a cut at the limit drops notes before errors.
    let mut order: Vec<&Finding> = outcome.findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.level));
    let total = order.len() as u64;
    order.truncate(MAX_RESULTS);
    let results: Vec<SarifResult> = order
        .into_iter()
        .map(|f| {
            result(
                f,
                rule_index.get(&outcome.rules, &f.rule_id),
                lang,
                &mut artifacts,
            )
        })
        .collect();
    let notifications = notifications(outcome, lang, &mut artifacts, total).collect();
    frame(outcome, lang, &mut artifacts, results, notifications, total)
}

/// Rule positions by id, for `ruleIndex`.
struct RuleIndex(HashMap<String, usize>);

impl RuleIndex {
    fn of(rules: &[RuleSpec]) -> Self {
        RuleIndex(rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect())
    }

    fn get<'r>(&self, rules: &'r [RuleSpec], id: &str) -> Option<(usize, &'r RuleSpec)> {
        let &i = self.0.get(id)?;
        rules.get(i).map(|r| (i, r))
    }
}

/// Writes the SARIF log as findings arrive, in bounded memory: each result
/// is serialized as it comes into a temporary file of its level, until
/// [`MAX_RESULTS`] of that level are kept; [`SarifWriter::finish`] writes
/// the log with the results most severe first, cut at [`MAX_RESULTS`], and
/// says how many were left out (a notification and the run's
/// `results_total` / `results_left_out` properties).
pub struct SarifWriter<W: Write> {
    out: W,
    rules: Vec<RuleSpec>,
    rule_index: RuleIndex,
    artifacts: ArtifactTable,
    lang: Lang,
    /// Serialized results per level, most severe first, one per line.
    kept: [(BufWriter<File>, usize); 3],
    total: u64,
}

impl<W: Write> SarifWriter<W> {
    /// `head` is the outcome as known when the scan starts (its rules);
    /// messages and rule texts in `lang`.
    pub fn begin(out: W, head: &ScanOutcome, lang: Lang) -> std::io::Result<Self> {
        let spool = || -> std::io::Result<_> { Ok((BufWriter::new(tempfile::tempfile()?), 0)) };
        Ok(SarifWriter {
            out,
            rules: head.rules.clone(),
            rule_index: RuleIndex::of(&head.rules),
            artifacts: ArtifactTable {
                spool: Some(BufWriter::new(tempfile::tempfile()?)),
                ..ArtifactTable::default()
            },
            lang,
            kept: [spool()?, spool()?, spool()?],
            total: 0,
        })
    }

    pub fn finding(&mut self, f: &Finding) -> std::io::Result<()> {
        self.total += 1;
        let (spool, count) = &mut self.kept[severity_column(f.level)];
        if *count >= MAX_RESULTS {
            return Ok(());
        }
        let rule = self.rule_index.get(&self.rules, &f.rule_id);
        serde_json::to_writer(&mut *spool, &result(f, rule, self.lang, &mut self.artifacts))?;
        spool.write_all(b"\n")?;
        *count += 1;
        Ok(())
    }

    /// Writes the log: `outcome` is the rest of the scan (skipped, notes,
    /// coverage, verdict); its held findings are not written again.
    pub fn finish(self, outcome: &ScanOutcome) -> std::io::Result<W> {
        let SarifWriter {
            mut out,
            mut artifacts,
            kept,
            total,
            lang,
            ..
        } = self;
        // Every artifact a notification names is registered before the
        // artifacts' spool is read back, wherever the lists fall in the log.
        for provenance in outcome.skipped.iter().map(|s| &s.provenance) {
            artifacts.index_of(provenance);
        }
        for provenance in outcome.notes.iter().map(|n| &n.provenance) {
            artifacts.index_of(provenance);
        }
        let log = serde_json::to_string_pretty(&frame(
            outcome,
            lang,
            &mut artifacts,
            Vec::new(),
            Vec::new(),
            total,
        ))?;
        if let Some(e) = artifacts.failed.take() {
            return Err(e);
        }
        // The log with its three lists still empty: results and artifacts are
        // filled from their spools, notifications one by one from the outcome.
        let mut rest = log.as_str();
        let mut results = Some(kept);
        let mut artifact_spool = artifacts.spool.take();
        let mut notifications_left = true;
        loop {
            let at = |marker: &str, pending: bool| rest.find(marker).filter(|_| pending);
            let next = [
                (at(RESULTS, results.is_some()), RESULTS),
                (at(ARTIFACTS, artifact_spool.is_some()), ARTIFACTS),
                (at(NOTIFICATIONS, notifications_left), NOTIFICATIONS),
            ]
            .into_iter()
            .filter_map(|(position, marker)| Some((position?, marker)))
            .min();
            let Some((position, marker)) = next else { break };
            out.write_all(&rest.as_bytes()[..position])?;
            out.write_all(marker.trim_end_matches(']').as_bytes())?;
            match marker {
                RESULTS => {
                    let spools = results.take().into_iter().flatten().map(|(spool, _)| spool);
                    copy_lines(spools.collect(), MAX_RESULTS, &mut out)?;
                }
                ARTIFACTS => copy_lines(artifact_spool.take().into_iter().collect(), usize::MAX, &mut out)?,
                _ => {
                    notifications_left = false;
                    let mut first = true;
                    for notification in notifications(outcome, lang, &mut artifacts, total) {
                        out.write_all(if first { b"\n" } else { b",\n" })?;
                        serde_json::to_writer(&mut out, &notification)?;
                        first = false;
                    }
                }
            }
            out.write_all(b"\n      ]")?;
            rest = &rest[position + marker.len()..];
        }
        if results.is_some() || artifact_spool.is_some() || notifications_left {
            return Err(std::io::Error::other(
                "SARIF run without results, artifacts or notifications",
            ));
        }
        out.write_all(rest.as_bytes())?;
        out.write_all(b"\n")?;
        Ok(out)
    }
}

const RESULTS: &str = "\"results\": []";
const ARTIFACTS: &str = "\"artifacts\": []";
const NOTIFICATIONS: &str = "\"toolExecutionNotifications\": []";

/// Writes the lines of the spools, in turn, as the items of a JSON list (at most `limit`).
fn copy_lines(spools: Vec<BufWriter<File>>, limit: usize, out: &mut impl Write) -> std::io::Result<()> {
    let mut left = limit;
    for spool in spools {
        let mut file = spool.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        for line in BufReader::new(file).lines() {
            if left == 0 {
                return Ok(());
            }
            let comma = if left == limit { "\n" } else { ",\n" };
            out.write_all(comma.as_bytes())?;
            out.write_all(line?.as_bytes())?;
            left -= 1;
        }
    }
    Ok(())
}

/// The log around the results: rules, invocation with its notifications,
/// artifacts and the run's properties; `total` results were made, of which
/// at most [`MAX_RESULTS`] are written.
fn frame(
    outcome: &ScanOutcome,
    lang: Lang,
    artifacts: &mut ArtifactTable,
    results: Vec<SarifResult>,
    notifications: Vec<Notification>,
    total: u64,
) -> Sarif {
    let truncated = total.saturating_sub(MAX_RESULTS as u64);
    // The scan ran to its end even when something could not be read: the
    // gaps are among the notifications, and the verdict says incomplete.
    let invocation = Invocation::builder()
        .execution_successful(true)
        .exit_code(i64::from(outcome.exit_code()))
        .properties(bag(BTreeMap::from([
            ("verdict".to_string(), json!(outcome.verdict().as_str())),
            ("gaps".to_string(), json!(outcome.gap_count())),
            ("fail_on".to_string(), json!(outcome.policy.fail_on.as_str())),
            ("accept_gaps".to_string(), json!(outcome.policy.accept_gaps)),
        ])))
        .start_time_utc(outcome.started_at.clone())
        .end_time_utc(outcome.finished_at.clone())
        .machine(outcome.host.clone())
        .tool_execution_notifications(notifications)
        .build();
    let driver = ToolComponent::builder()
        .name("hihoji")
        .full_name(format!(
            "hihoji {} (非保持 card-data scanner)",
            outcome.tool_version
        ))
        .version(outcome.tool_version.clone())
        .semantic_version(outcome.tool_version.clone())
        .rules(
            outcome
                .rules
                .iter()
                .map(|r| descriptor(r, lang))
                .collect::<Vec<_>>(),
        )
        .properties(bag(BTreeMap::from([
            ("rule_pack".to_string(), json!(outcome.rule_pack.id)),
            ("rule_pack_version".to_string(), json!(outcome.rule_pack.version)),
            ("rule_pack_sha256".to_string(), json!(outcome.rule_pack.sha256)),
        ])))
        .build();
    let run = Run::builder()
        .tool(Tool::from(driver))
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .artifacts(std::mem::take(&mut artifacts.artifacts))
        .results(results)
        .properties(bag(BTreeMap::from([
            ("roots".to_string(), json!(outcome.roots)),
            ("verdict".to_string(), json!(outcome.verdict().as_str())),
            ("files_scanned".to_string(), json!(outcome.coverage.files_scanned)),
            ("bytes_scanned".to_string(), json!(outcome.coverage.bytes_scanned)),
            ("results_total".to_string(), json!(total)),
            ("results_left_out".to_string(), json!(truncated)),
        ])))
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The run's notifications: what was skipped, the notes an auditor should
/// see (stale baseline entries, encrypted flows, …) and the cut at
/// [`MAX_RESULTS`]; made one at a time, since a scan can skip many files.
fn notifications<'a>(
    outcome: &'a ScanOutcome,
    lang: Lang,
    artifacts: &'a mut ArtifactTable,
    total: u64,
) -> impl Iterator<Item = Notification> + 'a {
    let truncated = total.saturating_sub(MAX_RESULTS as u64);
    let cut = (truncated > 0).then(|| {
        Notification::builder()
            .level(json!("warning"))
            .message(Message::from(
                messages::truncated(
                    usize::try_from(truncated).unwrap_or(usize::MAX),
                    MAX_RESULTS,
                    lang,
                )
                .as_str(),
            ))
            .build()
    });
    let skips = outcome.skipped.iter().map(Told::Skip);
    let notes = outcome.notes.iter().map(Told::Note);
    skips
        .chain(notes)
        .map(move |told| told.notification(lang, artifacts))
        .chain(cut)
}

/// Something the run tells the auditor besides its results.
enum Told<'a> {
    Skip(&'a Skipped),
    Note(&'a Note),
}

impl Told<'_> {
    fn notification(&self, lang: Lang, artifacts: &mut ArtifactTable) -> Notification {
        match self {
            Told::Skip(s) => {
                let top = artifacts.index_of(&s.provenance);
                // A gap (in scope, not read) is a warning; a scope decision is a note.
                let level = if s.reason.is_gap() { "warning" } else { "note" };
                Notification::builder()
                    .level(json!(level))
                    .message(Message::from(messages::skipped(s, lang).as_str()))
                    .locations(vec![artifact_only_location(&s.provenance, top)])
                    .properties(bag(BTreeMap::from([
                        ("reason".to_string(), json!(s.reason.as_str())),
                        ("gap".to_string(), json!(s.reason.is_gap())),
                        ("provenance".to_string(), json!(s.provenance.to_string())),
                    ])))
                    .build()
            }
            Told::Note(n) => {
                let top = artifacts.index_of(&n.provenance);
                Notification::builder()
                    .level(json!("note"))
                    .message(Message::from(messages::note(n, lang).as_str()))
                    .locations(vec![artifact_only_location(&n.provenance, top)])
                    .properties(bag(BTreeMap::from([
                        ("kind".to_string(), json!(n.kind)),
                        ("provenance".to_string(), json!(n.provenance.to_string())),
                    ])))
                    .build()
            }
        }
    }
}

/// Writes the SARIF log of an outcome that holds its findings.
pub fn write_sarif(outcome: &ScanOutcome, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = SarifWriter::begin(out, outcome, lang)?;
    for finding in &outcome.findings {
        writer.finding(finding)?;
    }
    writer.finish(outcome).map(drop)
}

fn result(
    f: &Finding,
    rule: Option<(usize, &RuleSpec)>,
    lang: Lang,
    artifacts: &mut ArtifactTable,
) -> SarifResult {
    let process = RunningProcess::of(f);
    // A process's memory has no file: its executable stands for it.
    let (top, top_path) = match process.as_ref().and_then(|p| p.executable) {
        Some(executable) => (artifacts.index_under(executable, &f.provenance), executable),
        None => (artifacts.index_of(&f.provenance), f.provenance.artifact.as_str()),
    };
    let mut physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(path_to_uri(top_path))
                .index(top as i64)
                .build(),
        )
        .build();
    if f.provenance.layers.is_empty() {
        // The hit is in the top-level file's own bytes: point at it.
        let region = match (f.location.line, f.location.column) {
            (Some(line), Some(column)) => Region::builder()
                .start_line(line as i64)
                .start_column(column as i64)
                .byte_offset(f.location.offset as i64)
                .build(),
            _ => Region::builder().byte_offset(f.location.offset as i64).build(),
        };
        physical.region = Some(region);
    }
    let mut properties = BTreeMap::from([
        ("masked_pan".to_string(), json!(f.masked)),
        ("category".to_string(), json!(f.category.as_str())),
        ("category_ja".to_string(), json!(f.category.japanese())),
        ("provenance".to_string(), json!(f.provenance.to_string())),
        ("offset".to_string(), json!(f.location.offset)),
        (
            "confidence".to_string(),
            json!((f64::from(f.confidence) * 100.0).round() / 100.0),
        ),
        ("guideline".to_string(), json!(f.category.guideline_heading())),
        ("expiry_nearby".to_string(), json!(f.expiry_nearby)),
    ]);
    if let Some(brand) = &f.brand {
        properties.insert("brand".to_string(), json!(brand));
    }
    if !f.evidence.is_empty() {
        properties.insert("evidence".to_string(), json!(f.evidence));
    }
    if let Some(host) = &f.provenance.host {
        // A merged report of several hosts: say which machine the file is on.
        properties.insert("host".to_string(), json!(host));
    }
    if let Some(line) = f.location.line {
        properties.insert("line".to_string(), json!(line));
    }
    let mut location = Location::builder().physical_location(physical).build();
    if let Some(process) = &process {
        location.logical_locations = Some(vec![process.logical_location()]);
        if let Some(address) = f.annotations.get("address") {
            properties.insert("address".to_string(), json!(address));
        }
    }
    let mut builder_result = SarifResult::builder()
        .rule_id(f.rule_id.clone())
        .level(sarif_level(f.level))
        .message(Message::from(
            messages::finding(f, rule.map(|(_, spec)| spec), lang).as_str(),
        ))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_KEY.to_string(),
            f.fingerprint.clone(),
        )]))
        .build();
    if let Some((index, spec)) = rule {
        builder_result.rule_index = Some(index as i64);
        properties.insert("pci_dss".to_string(), json!(spec.pci_dss));
    }
    if let Some(state) = f.baseline_state {
        builder_result.baseline_state = Some(json!(match state {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }));
    }
    if let Some(suppression) = &f.suppression {
        builder_result.suppressions = Some(vec![Suppression::builder()
            .kind(json!("inSource"))
            .status(json!("accepted"))
            .justification(suppression.justification.clone())
            .build()]);
    }
    builder_result.properties = Some(bag(properties));
    builder_result
}

/// The running process a finding was made in, from its annotations.
struct RunningProcess<'f> {
    provenance: &'f str,
    pid: &'f str,
    name: Option<&'f str>,
    executable: Option<&'f str>,
    user: Option<&'f str>,
}

impl<'f> RunningProcess<'f> {
    /// `Some` for findings in process memory (`pid:1234(java)#…`).
    fn of(f: &'f Finding) -> Option<Self> {
        let pid = f.annotations.get("pid")?;
        f.provenance.artifact.starts_with("pid:").then(|| RunningProcess {
            provenance: &f.provenance.artifact,
            pid,
            name: f.annotations.get("process").map(Redacted::as_str),
            executable: f.annotations.get("executable").map(Redacted::as_str),
            user: f.annotations.get("user").map(Redacted::as_str),
        })
    }

    /// A logical location of kind `process`: name, pid, executable and user.
    fn logical_location(&self) -> LogicalLocation {
        let mut properties = BTreeMap::from([("pid".to_string(), json!(self.pid.parse::<u64>().ok()))]);
        if let Some(executable) = self.executable {
            properties.insert("executable".to_string(), json!(executable));
        }
        if let Some(user) = self.user {
            properties.insert("user".to_string(), json!(user));
        }
        let mut location = LogicalLocation::builder()
            .kind("process")
            .fully_qualified_name(self.provenance)
            .properties(bag(properties))
            .build();
        location.name = self.name.map(str::to_string);
        location
    }
}

fn sarif_level(level: Level) -> ResultLevel {
    match level {
        Level::Note => ResultLevel::Note,
        Level::Warning => ResultLevel::Warning,
        Level::Error => ResultLevel::Error,
    }
}

fn descriptor(rule: &RuleSpec, lang: Lang) -> ReportingDescriptor {
    let text = |s: &str| MultiformatMessageString::builder().text(s.to_string()).build();
    let (name, description, help) = rule.text(lang == Lang::Ja);
    let help_text = format!(
        "{}\n\nPCI DSS v4.0.1: {}",
        help.trim(),
        if rule.pci_dss.is_empty() {
            "-".to_string()
        } else {
            rule.pci_dss.join(", ")
        }
    );
    let mut properties = bag(BTreeMap::from([
        (
            "security-severity".to_string(),
            json!(format!("{:.1}", rule.security_severity)),
        ),
        ("pci_dss".to_string(), json!(rule.pci_dss)),
        (
            "precision".to_string(),
            json!(if rule.kind == RuleKind::Pattern {
                "high"
            } else {
                "very-high"
            }),
        ),
    ]));
    properties.tags = Some(rule.tags.clone());
    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(&rule.name))
        .short_description(text(name))
        .full_description(text(description.trim()))
        .help(
            MultiformatMessageString::builder()
                .text(help_text.clone())
                .markdown(help_text)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(rule.level.as_str()))
                .build(),
        )
        .properties(properties)
        .build()
}

/// SARIF rule names are identifiers: "Card number (PAN) in the clear" → "CardNumberPanInTheClear".
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase()).into_iter();
            first
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}

fn bag(properties: BTreeMap<String, Value>) -> PropertyBag {
    PropertyBag::builder().additional_properties(properties).build()
}

fn artifact_only_location(provenance: &Provenance, top: usize) -> Location {
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(path_to_uri(&provenance.artifact))
                        .index(top as i64)
                        .build(),
                )
                .build(),
        )
        .build()
}

/// `run.artifacts`: each top-level file once, and each nested member or stream
/// once with `parentIndex` pointing at its container (SARIF §3.24).
#[derive(Default)]
struct ArtifactTable {
    artifacts: Vec<Artifact>,
    /// When set, each new artifact is written here, one per line, instead
    /// of kept in `artifacts` (a scan of many files has many).
    spool: Option<BufWriter<File>>,
    count: usize,
    /// The first error writing the spool, reported when it is read back.
    failed: Option<std::io::Error>,
    /// Artifacts by [`chain_key`]: a scan can have many, and a key of the
    /// names themselves would hold each path once more in memory.
    index: HashMap<u128, usize>,
}

impl ArtifactTable {
    /// Registers the provenance chain; returns the top-level artifact's index.
    fn index_of(&mut self, provenance: &Provenance) -> usize {
        let top = self.intern(&provenance.artifact, &[], None);
        let mut parent = top;
        for depth in 1..=provenance.layers.len() {
            parent = self.intern(&provenance.artifact, &provenance.layers[..depth], Some(parent));
        }
        top
    }

    /// Registers a chain that has no file of its own (a process's memory)
    /// under the file standing for it (the executable); returns that file's index.
    fn index_under(&mut self, file: &str, provenance: &Provenance) -> usize {
        let top = self.intern(file, &[], None);
        let mut parent = self.intern(&provenance.artifact, &[], Some(top));
        for depth in 1..=provenance.layers.len() {
            parent = self.intern(&provenance.artifact, &provenance.layers[..depth], Some(parent));
        }
        top
    }

    fn intern(&mut self, artifact: &str, layers: &[Step], parent: Option<usize>) -> usize {
        let key = chain_key(artifact, layers);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let uri = if layers.is_empty() {
            path_to_uri(artifact)
        } else {
            let chain = Provenance {
                host: None,
                artifact: artifact.into(),
                layers: layers.to_vec(),
            };
            path_to_uri(&chain.to_string())
        };
        let mut builder = Artifact::builder()
            .location(ArtifactLocation::builder().uri(uri).build())
            .build();
        builder.parent_index = parent.map(|p| p as i64);
        if let Some(layer) = layers.last() {
            builder.description = Some(Message::from(layer.name.as_str()));
        }
        let i = self.count;
        self.count += 1;
        match &mut self.spool {
            Some(spool) => {
                let written = serde_json::to_writer(&mut *spool, &builder)
                    .map_err(std::io::Error::from)
                    .and_then(|()| spool.write_all(b"\n"));
                if let (Err(e), None) = (written, &self.failed) {
                    self.failed = Some(e);
                }
            }
            None => self.artifacts.push(builder),
        }
        self.index.insert(key, i);
        i
    }
}

/// A 128-bit digest of an artifact and its layers. Two chains share a key
/// only by a collision, about 2^-64 likely even among billions of artifacts.
fn chain_key(artifact: &str, layers: &[Step]) -> u128 {
    let half = |seed: u8| {
        let mut hasher = std::hash::DefaultHasher::new();
        seed.hash(&mut hasher);
        (artifact, layers).hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}
