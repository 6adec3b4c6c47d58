//! The HTML report's view model: the [`ScanOutcome`] turned into what the
//! page shows, in the order an auditor reads it — verdict, scope, pictures,
//! findings by category, host and file/flow, rules and remediation, coverage
//! and blind spots. All counting and grouping happens here, so it is unit
//! tested; the template only lays it out.

use std::collections::BTreeMap;

use hihoji_scanner::findings::{Finding, GuidelineCategory, LayerKind, Level, Provenance, Redacted};
use hihoji_scanner::outcome::{FileKey, FindingTotals, ScanOutcome};
use hihoji_scanner::verdict::Verdict as VerdictKind;

use super::breakable::Breakable;
use super::charts::{BarChart, SeverityCounts};
use super::i18n::{catalogue, lang_code, Catalogue, Lang};
use super::markdown::help_html;
use crate::merge::rule_packs_differ;

/// How many directories the directory chart shows.
const TOP_DIRECTORIES: usize = 12;

/// The whole page.
#[derive(Debug)]
pub struct ReportView {
    pub t: &'static Catalogue,
    pub lang: &'static str,
    pub verdict: Verdict,
    /// One row per category, then the totals row.
    pub counts: Vec<CountRow>,
    pub scopes: Vec<ScopeView>,
    /// Several scans were merged (hosts of a fleet, shards of a tree).
    pub merged: bool,
    /// The merged scans are of more than one host: findings are grouped by host.
    pub by_host: bool,
    pub rule_packs_differ: bool,
    /// Findings per category, per brand, per directory (top ones).
    pub charts: Vec<Chart>,
    pub sections: Vec<CategorySection>,
    pub finding_count: usize,
    pub rule_ids: Vec<String>,
    pub hosts: Vec<String>,
    pub rules: Vec<RuleView>,
    pub coverage: CoverageView,
    pub skipped: Vec<SkipRow>,
    pub skipped_by_reason: Vec<(String, usize)>,
    pub notes: Vec<NoteRow>,
    pub footer_generated: String,
}

/// A chart and its title.
#[derive(Debug)]
pub struct Chart {
    pub title: &'static str,
    pub bars: BarChart,
}

/// The headline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Card data at or above the failing level was found.
    pub retention: bool,
    /// `retention`, `incomplete` or `clean`: the verdict's class and colour.
    pub state: &'static str,
    pub headline: String,
    pub detail: String,
    /// Said when something could not be scanned: the verdict does not cover it.
    pub blind_spots: Option<String>,
    /// Said when masked or test numbers were found.
    pub notes: Option<String>,
}

/// Counts of one category (or of all) per severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    pub label: String,
    /// The category key (`stored`, …), empty for the totals row.
    pub key: &'static str,
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    pub total: usize,
}

/// What one scan covered, as the scope table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeView {
    pub host: String,
    pub roots: String,
    pub started: String,
    pub finished: String,
    pub tool_version: String,
    pub rule_pack: String,
    pub rule_pack_sha256: String,
    pub shard: Option<String>,
    pub files: u64,
    pub bytes: String,
}

/// The findings of one guideline category.
#[derive(Debug)]
pub struct CategorySection {
    pub key: &'static str,
    pub label: &'static str,
    pub means: &'static str,
    pub guideline_heading: &'static str,
    pub remedy: &'static str,
    pub count: usize,
    pub hosts: Vec<HostGroup>,
    /// Findings of files with none in the listed sample.
    pub unlisted: Option<String>,
}

/// The findings of one category on one host (a single scan has one, unnamed).
#[derive(Debug)]
pub struct HostGroup {
    /// Empty when the report is not merged.
    pub host: String,
    pub count: usize,
    pub groups: Vec<FileGroup>,
}

/// The findings in one top-level file, or one flow/stream of a capture or process.
#[derive(Debug)]
pub struct FileGroup {
    pub title: String,
    pub count: usize,
    /// Highest severity in the group, for its marker.
    pub worst: &'static str,
    pub findings: Vec<FindingRow>,
    /// How many more of the file's findings the JSON report holds, in words.
    pub more: Option<String>,
}

/// One finding as a table row.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub rule_id: String,
    pub level: &'static str,
    pub level_label: &'static str,
    pub brand: String,
    pub masked: String,
    /// The provenance chain below the group's title, or empty when the hit is in the group's own bytes.
    pub inner: String,
    /// Source details (frame, timestamp, pid, …) as `key=value` pairs.
    pub annotations: String,
    pub line: String,
    /// Line number for sorting, 0 when none.
    pub line_sort: u64,
    pub offset: u64,
    pub confidence: String,
    pub pci_dss: String,
    pub expiry_nearby: bool,
    /// Accepted in a baseline or allowed by a comment in the source: still
    /// card data, but not a failure of the scan.
    pub accepted: bool,
}

impl FileGroup {
    pub fn title_breakable(&self) -> Breakable<'_> {
        Breakable(&self.title)
    }
}

impl FindingRow {
    pub fn inner_breakable(&self) -> Breakable<'_> {
        Breakable(&self.inner)
    }
}

impl SkipRow {
    pub fn item_breakable(&self) -> Breakable<'_> {
        Breakable(&self.item)
    }
}

impl NoteRow {
    pub fn item_breakable(&self) -> Breakable<'_> {
        Breakable(&self.item)
    }
}

/// One rule and its remediation.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleView {
    pub id: String,
    pub name: String,
    pub level: &'static str,
    pub level_label: &'static str,
    pub pci_dss: String,
    pub description: String,
    pub help_html: String,
    pub count: usize,
    pub found: String,
}

/// Totals of what was scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageView {
    pub files: u64,
    pub bytes: String,
    pub decoders: Vec<DecoderRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecoderRow {
    pub name: String,
    pub streams: u64,
    pub bytes: String,
}

/// One item not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipRow {
    pub item: String,
    pub reason: &'static str,
    pub reason_key: &'static str,
    pub detail: String,
    /// What the reason means and what to do, in a language other than the
    /// scanner's (see [`Catalogue::reasons_explained`]).
    pub explanation: Option<&'static str>,
}

/// One note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub item: String,
    pub kind: String,
    pub detail: String,
    pub annotations: String,
}

impl ReportView {
    pub fn new(outcome: &ScanOutcome, lang: Lang) -> ReportView {
        let t = catalogue(lang);
        let scopes = outcome.scopes();
        let merged = scopes.len() > 1;
        let by_host = scopes.iter().any(|s| s.host != scopes[0].host);
        let rule_index: BTreeMap<&str, &hihoji_scanner::rules::RuleSpec> =
            outcome.rules.iter().map(|r| (r.id.as_str(), r)).collect();
        let pci = |rule_id: &str| {
            rule_index
                .get(rule_id)
                .map(|r| r.pci_dss.join(", "))
                .unwrap_or_default()
        };

        let counts = count_rows(outcome, t);
        let sections = GuidelineCategory::ALL
            .iter()
            .map(|&category| category_section(outcome, category, lang, t, by_host, &pci))
            .collect();
        // Counts cover every finding; the rows are a sample when the scan streamed them.
        let totals = outcome.totals();
        let rule_ids: Vec<String> = totals.by_rule.keys().cloned().collect();
        let mut hosts: Vec<String> = outcome
            .findings
            .iter()
            .filter_map(|f| f.provenance.host.clone().map(String::from))
            .collect();
        hosts.sort();
        hosts.dedup();

        let mut skipped_by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &outcome.skipped {
            *skipped_by_reason.entry(t.reason(s.reason)).or_default() += 1;
        }

        ReportView {
            t,
            lang: lang_code(lang),
            verdict: verdict(outcome, t, &counts),
            charts: vec![
                Chart {
                    title: t.chart_by_category,
                    bars: BarChart::stacked(
                        counts[..GuidelineCategory::ALL.len()]
                            .iter()
                            .map(|row| (row.label.clone(), [row.error, row.warning, row.note]))
                            .collect(),
                    ),
                },
                Chart {
                    title: t.chart_by_brand,
                    bars: BarChart::stacked(ranked(
                        totals
                            .by_brand
                            .iter()
                            .map(|(brand, counts)| (brand.clone(), *counts)),
                    )),
                },
                Chart {
                    title: t.chart_by_directory,
                    bars: BarChart::stacked(
                        ranked(totals.by_file.iter().map(|((host, artifact, _), counts)| {
                            let file = Provenance {
                                host: host.clone(),
                                ..Provenance::file(artifact.clone())
                            };
                            (directory_of(&file, by_host), *counts)
                        }))
                        .into_iter()
                        .take(TOP_DIRECTORIES)
                        .collect(),
                    ),
                },
            ],
            counts,
            rule_packs_differ: rule_packs_differ(&scopes),
            scopes: scopes
                .iter()
                .map(|s| ScopeView {
                    host: s.host.to_string(),
                    roots: s.roots.join(", "),
                    started: s.started_at.clone(),
                    finished: s.finished_at.clone(),
                    tool_version: s.tool_version.clone(),
                    rule_pack: format!("{} {}", s.rule_pack.id, s.rule_pack.version),
                    rule_pack_sha256: s.rule_pack.sha256.clone(),
                    shard: s.shard.clone(),
                    files: s.coverage.files_scanned,
                    bytes: human_bytes(s.coverage.bytes_scanned),
                })
                .collect(),
            merged,
            by_host,
            sections,
            finding_count: outcome.findings.len(),
            rule_ids,
            hosts,
            rules: outcome
                .rules
                .iter()
                .map(|r| {
                    let count = totals.by_rule.get(&r.id).copied().unwrap_or(0) as usize;
                    let (name, description, help) = r.text(lang == Lang::Ja);
                    RuleView {
                        id: r.id.clone(),
                        name: name.to_string(),
                        level: r.level.as_str(),
                        level_label: t.level(r.level),
                        pci_dss: r.pci_dss.join(", "),
                        description: description.trim().to_string(),
                        help_html: help_html(help),
                        count,
                        found: t.rule_found.replace("{n}", &count.to_string()),
                    }
                })
                .collect(),
            coverage: CoverageView {
                files: outcome.coverage.files_scanned,
                bytes: human_bytes(outcome.coverage.bytes_scanned),
                decoders: outcome
                    .coverage
                    .by_decoder
                    .iter()
                    .map(|(name, c)| DecoderRow {
                        name: name.clone(),
                        streams: c.streams,
                        bytes: human_bytes(c.bytes),
                    })
                    .collect(),
            },
            skipped: outcome
                .skipped
                .iter()
                .map(|s| SkipRow {
                    item: located(&s.provenance, by_host),
                    reason: t.reason(s.reason),
                    reason_key: s.reason.as_str(),
                    detail: s.detail.to_string(),
                    explanation: t.reason_explained(s.reason),
                })
                .collect(),
            skipped_by_reason: skipped_by_reason
                .into_iter()
                .map(|(r, n)| (r.to_string(), n))
                .collect(),
            notes: outcome
                .notes
                .iter()
                .map(|n| NoteRow {
                    item: located(&n.provenance, by_host),
                    kind: t.note_kind(&n.kind).to_string(),
                    detail: n.detail.to_string(),
                    annotations: pairs(&n.annotations),
                })
                .collect(),
            footer_generated: t.footer_generated.replace("{version}", &outcome.tool_version),
        }
    }
}

fn count_rows(outcome: &ScanOutcome, t: &Catalogue) -> Vec<CountRow> {
    let totals = outcome.totals();
    let mut rows: Vec<CountRow> = GuidelineCategory::ALL
        .iter()
        .map(|&c| {
            let mut row = CountRow {
                label: t.category(c).to_string(),
                key: c.as_str(),
                error: 0,
                warning: 0,
                note: 0,
                total: 0,
            };
            let count = |level| totals.count(Some(level), Some(c), false) as usize;
            row.error = count(Level::Error);
            row.warning = count(Level::Warning);
            row.note = count(Level::Note);
            row.total = row.error + row.warning + row.note;
            row
        })
        .collect();
    let total = rows.iter().fold(
        CountRow {
            label: t.total.to_string(),
            key: "",
            error: 0,
            warning: 0,
            note: 0,
            total: 0,
        },
        |mut acc, r| {
            acc.error += r.error;
            acc.warning += r.warning;
            acc.note += r.note;
            acc.total += r.total;
            acc
        },
    );
    rows.push(total);
    rows
}

fn verdict(outcome: &ScanOutcome, t: &Catalogue, counts: &[CountRow]) -> Verdict {
    let fail_on = outcome.policy.fail_on;
    let retained: Vec<String> = counts
        .iter()
        .filter(|r| !r.key.is_empty())
        .filter_map(|r| {
            let n = GuidelineCategory::ALL
                .into_iter()
                .filter(|c| c.as_str() == r.key)
                .map(|c| outcome.totals().failing(fail_on, Some(c)))
                .sum::<u64>();
            (n > 0).then(|| {
                t.verdict_count
                    .replace("{category}", &r.label)
                    .replace("{n}", &n.to_string())
            })
        })
        .collect();
    let notes = counts.last().map_or(0, |r| r.note);
    let notes = if fail_on > Level::Note { notes } else { 0 };
    let files = outcome.coverage.files_scanned.to_string();
    let bytes = human_bytes(outcome.coverage.bytes_scanned);
    let gaps = outcome.gap_count();
    let kind = outcome.verdict();
    let (state, headline, detail) = match kind {
        VerdictKind::RetentionFound => (
            "retention",
            t.verdict_retention.to_string(),
            t.verdict_retention_detail
                .replace("{list}", &retained.join(t.list_separator)),
        ),
        VerdictKind::Incomplete => {
            let mut detail = t
                .verdict_incomplete_detail
                .replace("{files}", &files)
                .replace("{bytes}", &bytes)
                .replace("{gaps}", &gaps.to_string());
            if outcome.policy.accept_gaps {
                detail.push(' ');
                detail.push_str(t.verdict_gaps_accepted);
            }
            ("incomplete", t.verdict_incomplete.to_string(), detail)
        }
        VerdictKind::Clean => (
            "clean",
            t.verdict_clean.to_string(),
            t.verdict_clean_detail
                .replace("{files}", &files)
                .replace("{bytes}", &bytes),
        ),
    };
    Verdict {
        retention: kind == VerdictKind::RetentionFound,
        state,
        headline,
        detail,
        blind_spots: (!outcome.skipped.is_empty()).then(|| {
            t.verdict_blind_spots
                .replace("{n}", &outcome.skipped.len().to_string())
        }),
        notes: (notes > 0).then(|| t.verdict_notes_only.replace("{n}", &notes.to_string())),
    }
}

fn category_section(
    outcome: &ScanOutcome,
    category: GuidelineCategory,
    lang: Lang,
    t: &'static Catalogue,
    by_host: bool,
    pci: &dyn Fn(&str) -> String,
) -> CategorySection {
    // host → group title → rows, in the outcome's (sorted) order.
    let mut hosts: Vec<HostGroup> = Vec::new();
    // Each file's last group, and how many of its findings are listed.
    let mut listed: BTreeMap<FileKey, (usize, usize, u64)> = BTreeMap::new();
    for f in outcome.findings.iter().filter(|f| f.category == category) {
        let host = if by_host {
            f.provenance.host.clone().map(String::from).unwrap_or_default()
        } else {
            String::new()
        };
        if hosts.last().is_none_or(|h| h.host != host) {
            hosts.push(HostGroup {
                host,
                count: 0,
                groups: Vec::new(),
            });
        }
        let host_index = hosts.len().saturating_sub(1);
        let Some(host_group) = hosts.last_mut() else {
            continue;
        };
        host_group.count += 1;
        let (title, inner) = split_group(&f.provenance);
        if host_group.groups.last().is_none_or(|g| g.title != title) {
            host_group.groups.push(FileGroup {
                title,
                count: 0,
                worst: "note",
                findings: Vec::new(),
                more: None,
            });
        }
        let at = (host_index, host_group.groups.len().saturating_sub(1));
        let entry = listed.entry(FindingTotals::file_key(f)).or_insert((0, 0, 0));
        *entry = (at.0, at.1, entry.2 + 1);
        if let Some(group) = host_group.groups.last_mut() {
            group.count += 1;
            if level_rank(f.level.as_str()) > level_rank(group.worst) {
                group.worst = f.level.as_str();
            }
            group.findings.push(finding_row(f, inner, t, pci));
        }
    }
    // Findings beyond the sample: counted under their file's last group, or
    // for files with none listed, in one line.
    let totals = outcome.totals();
    let (mut unlisted, mut unlisted_files) = (0u64, 0u64);
    for (key, counts) in totals.by_file.iter() {
        if key.2 != category {
            continue;
        }
        let all: u64 = counts.iter().sum();
        match listed.get(key) {
            Some(&(host, group, shown)) if all > shown => {
                if let Some(g) = hosts.get_mut(host).and_then(|h| h.groups.get_mut(group)) {
                    g.more = Some(t.more_in_json.replace("{n}", &(all - shown).to_string()));
                }
            }
            Some(_) => {}
            None => {
                unlisted += all;
                unlisted_files += 1;
            }
        }
    }
    let count = totals.count(None, Some(category), false) as usize;
    CategorySection {
        unlisted: (unlisted > 0).then(|| {
            t.unlisted_in_json
                .replace("{n}", &unlisted.to_string())
                .replace("{files}", &unlisted_files.to_string())
        }),
        key: category.as_str(),
        label: t.category(category),
        means: t.category_means(category),
        guideline_heading: match lang {
            Lang::Ja => category.guideline_heading_ja(),
            Lang::En => category.guideline_heading_en(),
        },
        remedy: t.category_remedy(category),
        count,
        hosts,
    }
}

fn level_rank(level: &str) -> u8 {
    match level {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    }
}

fn finding_row(f: &Finding, inner: String, t: &Catalogue, pci: &dyn Fn(&str) -> String) -> FindingRow {
    FindingRow {
        rule_id: f.rule_id.clone(),
        level: f.level.as_str(),
        level_label: t.level(f.level),
        brand: f.brand.clone().unwrap_or_default(),
        masked: f.masked.to_string(),
        inner,
        annotations: pairs(&f.annotations),
        line: match (f.location.line, f.location.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            (Some(l), None) => l.to_string(),
            _ => String::new(),
        },
        line_sort: f.location.line.unwrap_or(0),
        offset: f.location.offset,
        confidence: format!("{:.2}", f.confidence),
        pci_dss: pci(&f.rule_id),
        expiry_nearby: f.expiry_nearby,
        accepted: !f.is_actionable(),
    }
}

/// Splits a provenance into the group it belongs to — the top-level file, or
/// for captures and memory the first stream (a TCP flow, a process region) —
/// and the rest of the chain below it.
pub fn split_group(p: &Provenance) -> (String, String) {
    let cut = p
        .layers
        .iter()
        .position(|l| l.kind == LayerKind::Stream)
        .map_or(0, |i| i + 1);
    let group = Provenance {
        host: None,
        artifact: p.artifact.clone(),
        layers: p.layers[..cut].to_vec(),
    };
    let full = Provenance {
        host: None,
        ..p.clone()
    }
    .to_string();
    let title = group.to_string();
    let inner = full.get(title.len()..).unwrap_or_default().to_string();
    (title, inner)
}

/// The directory of a finding's top-level artifact, prefixed with its host in a merged report.
pub fn directory_of(p: &Provenance, by_host: bool) -> String {
    let artifact = &p.artifact;
    let dir = match artifact.rfind(['/', '\\']) {
        Some(0) => "/",
        Some(i) => &artifact[..i],
        None => ".",
    };
    match (&p.host, by_host) {
        (Some(host), true) => format!("{host}:{dir}"),
        _ => dir.to_string(),
    }
}

/// Sums counts per key, most findings first (ties by key).
fn ranked(rows: impl Iterator<Item = (String, [u64; 3])>) -> Vec<(String, SeverityCounts)> {
    let mut counts: BTreeMap<String, SeverityCounts> = BTreeMap::new();
    for (key, row) in rows {
        let entry = counts.entry(key).or_default();
        for (sum, n) in entry.iter_mut().zip(row) {
            *sum += n as usize;
        }
    }
    let mut rows: Vec<(String, SeverityCounts)> = counts.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.iter()
            .sum::<usize>()
            .cmp(&a.1.iter().sum::<usize>())
            .then(a.0.cmp(&b.0))
    });
    rows
}

/// A provenance as shown in the coverage tables: with its host when merged.
fn located(p: &Provenance, by_host: bool) -> String {
    match (&p.host, by_host) {
        (Some(host), true) => format!("{host}: {p}"),
        _ => p.to_string(),
    }
}

fn pairs(annotations: &BTreeMap<String, Redacted>) -> String {
    annotations
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Bytes in binary units, with the exact count when it is not small.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    format!("{value:.1} {unit} ({bytes} B)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::merge;
    use crate::test_support::{finding, outcome};

    fn capture_stream() -> Provenance {
        Provenance::file("captures/edge.pcapng")
            .child(LayerKind::Stream, "tcp:10.0.0.5:51234->10.0.0.9:80")
            .child(LayerKind::Decoded, "http-body")
    }

    #[test]
    fn counts_are_per_category_and_severity_with_a_total_row() {
        let o = outcome(
            "pos1",
            vec![
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Stored,
                    Provenance::file("a.log"),
                ),
                finding(
                    "CVV",
                    Level::Error,
                    GuidelineCategory::Stored,
                    Provenance::file("a.log"),
                ),
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Transmitted,
                    capture_stream(),
                ),
                finding(
                    "PAN_MASKED",
                    Level::Note,
                    GuidelineCategory::Processed,
                    Provenance::file("core"),
                ),
            ],
        );
        let v = ReportView::new(&o, Lang::En);
        let row = |key: &str| v.counts.iter().find(|r| r.key == key).unwrap().clone();
        assert_eq!(
            (row("stored").error, row("stored").warning, row("stored").total),
            (1, 1, 2)
        );
        assert_eq!((row("transmitted").warning, row("transmitted").total), (1, 1));
        assert_eq!((row("processed").note, row("processed").total), (1, 1));
        let total = v.counts.last().unwrap();
        assert_eq!(
            (total.error, total.warning, total.note, total.total),
            (1, 2, 1, 4)
        );
        assert_eq!(v.sections.iter().map(|s| s.count).sum::<usize>(), 4);
    }

    #[test]
    fn verdict_shows_retention_only_above_note() {
        let notes_only = outcome(
            "h",
            vec![finding(
                "PAN_TEST",
                Level::Note,
                GuidelineCategory::Stored,
                Provenance::file("t"),
            )],
        );
        let v = ReportView::new(&notes_only, Lang::Ja);
        assert!(!v.verdict.retention);
        assert_eq!(v.verdict.state, "incomplete", "the unread zip is a gap");
        assert_eq!(v.verdict.headline, super::super::i18n::JA.verdict_incomplete);
        assert!(v.verdict.notes.is_some());
        assert!(
            v.verdict.blind_spots.as_deref().unwrap().contains('1'),
            "the skipped zip is a blind spot"
        );
        let mut read_all = notes_only.clone();
        read_all.skipped.clear();
        let v = ReportView::new(&read_all, Lang::En);
        assert_eq!(v.verdict.state, "clean");
        assert_eq!(v.verdict.headline, super::super::i18n::EN.verdict_clean);

        let retained = outcome(
            "h",
            vec![finding(
                "PAN",
                Level::Warning,
                GuidelineCategory::Transmitted,
                capture_stream(),
            )],
        );
        let v = ReportView::new(&retained, Lang::Ja);
        assert!(v.verdict.retention);
        assert!(v.verdict.detail.contains("通過 1 件"), "{}", v.verdict.detail);
    }

    #[test]
    fn findings_group_by_file_or_flow() {
        let o = outcome(
            "h",
            vec![
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Transmitted,
                    capture_stream(),
                ),
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Transmitted,
                    capture_stream(),
                ),
                finding(
                    "PAN",
                    Level::Error,
                    GuidelineCategory::Stored,
                    Provenance::file("exports/2024.zip")
                        .child(LayerKind::Member, "march/orders.csv.gz")
                        .child(LayerKind::Member, "orders.csv"),
                ),
            ],
        );
        let v = ReportView::new(&o, Lang::En);
        let transmitted = v.sections.iter().find(|s| s.key == "transmitted").unwrap();
        let groups = &transmitted.hosts[0].groups;
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups[0].title,
            "captures/edge.pcapng#tcp:10.0.0.5:51234->10.0.0.9:80"
        );
        assert_eq!(groups[0].count, 2);
        assert_eq!(groups[0].findings[0].inner, "!/http-body");
        let stored = v.sections.iter().find(|s| s.key == "stored").unwrap();
        let group = &stored.hosts[0].groups[0];
        assert_eq!(group.title, "exports/2024.zip");
        assert_eq!(group.findings[0].inner, "!/march/orders.csv.gz!/orders.csv");
        assert_eq!(group.worst, "error");
        assert_eq!(group.findings[0].line, "3:7");
        assert!(stored.guideline_heading.contains("stored"));
        let ja = ReportView::new(&o, Lang::Ja);
        let stored_ja = ja.sections.iter().find(|s| s.key == "stored").unwrap();
        assert!(stored_ja.guideline_heading.contains("保存"));
        assert!(!stored_ja.guideline_heading.contains("card data"));
    }

    #[test]
    fn merged_report_groups_findings_by_host() {
        let a = outcome(
            "pos1",
            vec![finding(
                "PAN",
                Level::Warning,
                GuidelineCategory::Stored,
                Provenance::file("a.log"),
            )],
        );
        let b = outcome(
            "pos2",
            vec![
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Stored,
                    Provenance::file("a.log"),
                ),
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Stored,
                    Provenance::file("logs/b.log"),
                ),
            ],
        );
        let merged = merge(vec![a, b]).unwrap();
        let v = ReportView::new(&merged, Lang::En);
        assert!(v.merged && v.by_host);
        assert_eq!(v.scopes.len(), 2);
        let stored = &v.sections[0];
        let hosts: Vec<(&str, usize)> = stored.hosts.iter().map(|h| (h.host.as_str(), h.count)).collect();
        assert_eq!(hosts, [("pos1", 1), ("pos2", 2)]);
        assert_eq!(v.hosts, ["pos1", "pos2"]);
        assert_eq!(v.skipped.len(), 2, "each host's skipped item is kept");
        assert!(v.skipped[0].item.starts_with("pos1: "));
        let dirs: Vec<&str> = v.charts[2]
            .bars
            .rows
            .iter()
            .map(|r| r.full_label.as_str())
            .collect();
        assert_eq!(dirs, ["pos1:.", "pos2:.", "pos2:logs"]);
    }

    #[test]
    fn shards_of_one_host_are_merged_without_host_groups() {
        let mut shards: Vec<ScanOutcome> = (1..=2)
            .map(|k| {
                let mut o = outcome(
                    "nas",
                    vec![finding(
                        "PAN",
                        Level::Warning,
                        GuidelineCategory::Stored,
                        Provenance::file("a"),
                    )],
                );
                o.shard = Some(format!("{k}/2"));
                o
            })
            .collect();
        shards[1].findings[0].provenance = Provenance::file("b");
        let v = ReportView::new(&merge(shards).unwrap(), Lang::En);
        assert!(v.merged && !v.by_host);
        assert_eq!(v.scopes[1].shard.as_deref(), Some("2/2"));
        assert_eq!(v.sections[0].hosts.len(), 1);
        assert_eq!(v.sections[0].hosts[0].host, "");
        assert_eq!(v.sections[0].hosts[0].groups.len(), 2);
        assert_eq!(v.skipped[0].item, "secret.zip", "no host prefix for one host");
    }

    #[test]
    fn charts_count_categories_brands_and_top_directories() {
        let mut findings: Vec<Finding> = (0..3)
            .map(|_| {
                finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Stored,
                    Provenance::file("x/y/a.log"),
                )
            })
            .collect();
        let mut jcb = finding(
            "PAN",
            Level::Warning,
            GuidelineCategory::Stored,
            Provenance::file("b.log"),
        );
        jcb.brand = Some("JCB".to_string());
        findings.push(jcb);
        let v = ReportView::new(&outcome("h", findings), Lang::En);
        let totals = |i: usize| -> Vec<(String, usize)> {
            v.charts[i]
                .bars
                .rows
                .iter()
                .map(|r| (r.full_label.clone(), r.total))
                .collect()
        };
        assert_eq!(totals(0)[0], ("Stored (保存)".to_string(), 4));
        assert_eq!(totals(1), [("Visa".to_string(), 3), ("JCB".to_string(), 1)]);
        assert_eq!(totals(2), [("x/y".to_string(), 3), (".".to_string(), 1)]);
    }

    #[test]
    fn coverage_lists_skips_with_reasons_and_notes() {
        let v = ReportView::new(&outcome("h", Vec::new()), Lang::Ja);
        assert_eq!(v.skipped[0].reason, "暗号化されていて読めない");
        assert_eq!(v.skipped_by_reason, [("暗号化されていて読めない".to_string(), 1)]);
        assert_eq!(v.notes[0].kind, "TLS で暗号化された通信（内容は読めません）");
        assert_eq!(v.coverage.files, 10);
        assert_eq!(v.coverage.bytes, "2.0 KiB (2048 B)");
    }

    #[test]
    fn bytes_are_human_with_the_exact_count() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB (1536 B)");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB (3221225472 B)");
    }
}
