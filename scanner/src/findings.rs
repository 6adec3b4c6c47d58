//! The findings model: what was found, where, and in which of the guideline's
//! categories — everything a report needs, and nothing that could leak the
//! value itself (findings hold only a masked value and a keyed fingerprint).

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};

pub use crate::redact::Redacted;
pub use crate::rules::Level;

/// The guideline's definition of retention (保持): where card data was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidelineCategory {
    /// 保存: at rest in files, archives, databases, logs.
    Stored,
    /// 処理: in memory: process memory, core dumps, swap.
    Processed,
    /// 通過: passing through the network: packet captures.
    Transmitted,
}

impl GuidelineCategory {
    pub const ALL: [GuidelineCategory; 3] = [
        GuidelineCategory::Stored,
        GuidelineCategory::Processed,
        GuidelineCategory::Transmitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GuidelineCategory::Stored => "stored",
            GuidelineCategory::Processed => "processed",
            GuidelineCategory::Transmitted => "transmitted",
        }
    }

    /// The guideline's own word for the category.
    pub fn japanese(self) -> &'static str {
        match self {
            GuidelineCategory::Stored => "保存",
            GuidelineCategory::Processed => "処理",
            GuidelineCategory::Transmitted => "通過",
        }
    }

    /// The guideline heading a finding in this category bears on, in Japanese and English
    /// (SARIF's `guideline` property carries both).
    pub fn guideline_heading(self) -> String {
        format!(
            "カード情報の非保持化（{}）: {}",
            self.japanese(),
            self.guideline_heading_en()
        )
    }

    /// The guideline heading in Japanese alone, for `--lang ja` reports.
    pub fn guideline_heading_ja(self) -> &'static str {
        match self {
            GuidelineCategory::Stored => {
                "カード情報の非保持化（保存）：加盟店の機器・ネットワークにカード情報を電磁的に保存しないこと"
            }
            GuidelineCategory::Processed => {
                "カード情報の非保持化（処理）：加盟店の機器・ネットワークでカード情報を電磁的に処理しないこと"
            }
            GuidelineCategory::Transmitted => {
                "カード情報の非保持化（通過）：加盟店の機器・ネットワークをカード情報が電磁的に通過しないこと"
            }
        }
    }

    /// The guideline heading in English alone.
    pub fn guideline_heading_en(self) -> &'static str {
        match self {
            GuidelineCategory::Stored => {
                "card data must not be stored electronically on the merchant's equipment"
            }
            GuidelineCategory::Processed => {
                "card data must not be processed electronically on the merchant's equipment"
            }
            GuidelineCategory::Transmitted => {
                "card data must not pass through the merchant's equipment or network"
            }
        }
    }
}

/// How one provenance layer is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// A member of an archive or a decompressed stream: `a.zip!/b.csv`.
    Member,
    /// Bytes found by decoding an encoding inside the parent: `app.log!/base64@1234`.
    Decoded,
    /// A stream inside a capture or a region of memory: `edge.pcapng#tcp:…`.
    Stream,
}

impl LayerKind {
    fn joiner(self) -> &'static str {
        match self {
            LayerKind::Member | LayerKind::Decoded => "!/",
            LayerKind::Stream => "#",
        }
    }
}

/// A layer as a decoder names it, before it joins a provenance. Its name is
/// raw — a member or attachment name may hold a card number — so it is never
/// written out: the decoder's sink scans the name as data and keeps only its
/// redacted form, a [`Step`].
#[derive(Clone, PartialEq, Eq)]
pub struct Layer {
    pub kind: LayerKind,
    pub name: String,
}

/// Never prints the raw name.
impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Layer({:?}, {:?})", self.kind, Redacted::new(&self.name))
    }
}

/// One step inward from the top-level artifact, named in redacted form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Step {
    pub kind: LayerKind,
    pub name: Redacted,
}

impl From<Layer> for Step {
    fn from(layer: Layer) -> Self {
        Step {
            kind: layer.kind,
            name: layer.name.into(),
        }
    }
}

/// Where bytes came from: the top-level artifact (a file, relative to the
/// scan root when the root is a directory) and the chain of layers inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provenance {
    /// The machine the artifact is on, set when reports of several scans are
    /// merged (`hihoji report a.json b.json`); a single scan's host is
    /// [`crate::outcome::ScanOutcome::host`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Redacted>,
    pub artifact: Redacted,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Step>,
}

/// The layer a value found in a name, rather than in content, ends with:
/// `exports/report.zip!/<member>#name` (DESIGN.md §3).
pub const NAME_LAYER: &str = "name";

impl Provenance {
    pub fn file(artifact: impl Into<Redacted>) -> Self {
        Provenance {
            host: None,
            artifact: artifact.into(),
            layers: Vec::new(),
        }
    }

    /// This provenance with one more layer inside it.
    pub fn child(&self, kind: LayerKind, name: impl Into<Redacted>) -> Self {
        let mut child = self.clone();
        child.layers.push(Step {
            kind,
            name: name.into(),
        });
        child
    }

    /// Where a value found in this item's name is: `<this>#name`.
    pub fn name_of(&self) -> Self {
        self.child(LayerKind::Stream, NAME_LAYER)
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.artifact)?;
        for layer in &self.layers {
            write!(f, "{}{}", layer.kind.joiner(), layer.name)?;
        }
        Ok(())
    }
}

/// Position of a hit in the innermost layer of its provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Byte offset.
    pub offset: u64,
    /// 1-based line, when the bytes are text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column in Unicode code points, when the bytes are text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

/// One piece of card data found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub level: Level,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// First 6 and last 4 digits with the rest as `*`; `***` for a security code.
    pub masked: Redacted,
    /// Hex HMAC-SHA256 of the normalised value and rule id, under the secret key.
    pub fingerprint: String,
    pub category: GuidelineCategory,
    pub provenance: Provenance,
    pub location: Location,
    pub confidence: f32,
    #[serde(default)]
    pub expiry_nearby: bool,
    /// Where-details that depend on the source: `frame` and `timestamp` for a
    /// capture, `pid`, `process`, `executable`, `user` for memory, `commit` for
    /// git history. Never scanned content.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Redacted>,
    /// Set when the scan ran against a baseline (`scan --baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<BaselineState>,
    /// Set when the finding's own line carries a `hihoji:allow` comment: the
    /// finding is kept and reported, but it does not fail the scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// Why it was judged card data: the named signals behind it (`luhn`,
    /// `brand:Visa/16`, `keyword:card_number`, `expiry_nearby`, …), see
    /// docs/precision.md. Never the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Redacted>,
}

impl Finding {
    /// Whether this finding counts towards the exit code: not accepted in a
    /// baseline and not allowed in the source.
    pub fn is_actionable(&self) -> bool {
        self.suppression.is_none() && self.baseline_state != Some(BaselineState::Unchanged)
    }
}

/// A finding compared with a baseline (SARIF `baselineState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    /// Not in the baseline: a new leak.
    New,
    /// Accepted in the baseline; reported at level `note`.
    Unchanged,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}

/// An in-source allow comment (`hihoji:allow PAN reason=fixture`) on the
/// finding's line (SARIF `suppressions`, kind `inSource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The `reason=` text, which the comment's author wrote.
    pub justification: Redacted,
}

/// Why something was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    PermissionDenied,
    /// It disappeared between listing and reading.
    Vanished,
    TooLarge,
    /// FIFO, socket or device: reading could block forever or never end.
    SpecialFile,
    /// A symbolic link, not followed unless asked.
    Symlink,
    /// A kernel pseudo-filesystem such as /proc or /sys.
    PseudoFilesystem,
    /// Matched an exclude pattern.
    Excluded,
    /// A decompression-bomb limit (ratio, total size, depth, member count).
    BombLimit,
    /// Damaged or truncated; what was readable before the damage was scanned.
    Corrupt,
    /// Encrypted content that cannot be read.
    Encrypted,
    /// Any other read error.
    ReadError,
    /// Compressed or encrypted by a format hihoji has no decoder for (a known
    /// signature such as rar or cab, or high-entropy bytes): not readable.
    NotDecodable,
    /// hihoji itself faulted on this item; the scan went on without it.
    InternalError,
    /// A database server cancelled the read at the statement or lock timeout.
    Timeout,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::PermissionDenied => "permission_denied",
            SkipReason::Vanished => "vanished",
            SkipReason::TooLarge => "too_large",
            SkipReason::SpecialFile => "special_file",
            SkipReason::Symlink => "symlink",
            SkipReason::PseudoFilesystem => "pseudo_filesystem",
            SkipReason::Excluded => "excluded",
            SkipReason::BombLimit => "bomb_limit",
            SkipReason::Corrupt => "corrupt",
            SkipReason::Encrypted => "encrypted",
            SkipReason::ReadError => "read_error",
            SkipReason::NotDecodable => "not_decodable",
            SkipReason::InternalError => "internal_error",
            SkipReason::Timeout => "timeout",
        }
    }

    /// Whether the item was in scope but could not be read: a gap makes the
    /// verdict "incomplete" (DESIGN.md §4). The other reasons are scope
    /// decisions (excluded, a symlink not followed, a special file, a
    /// pseudo-filesystem) or an item that no longer exists: listed, but not gaps.
    pub fn is_gap(self) -> bool {
        match self {
            SkipReason::PermissionDenied
            | SkipReason::TooLarge
            | SkipReason::BombLimit
            | SkipReason::Corrupt
            | SkipReason::Encrypted
            | SkipReason::ReadError
            | SkipReason::NotDecodable
            | SkipReason::InternalError
            | SkipReason::Timeout => true,
            SkipReason::Vanished
            | SkipReason::SpecialFile
            | SkipReason::Symlink
            | SkipReason::PseudoFilesystem
            | SkipReason::Excluded => false,
        }
    }
}

/// Something that was not scanned, or not completely, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub provenance: Provenance,
    pub reason: SkipReason,
    /// Human-readable detail; never contains scanned content.
    pub detail: Redacted,
}

/// Something an auditor should know that is neither a finding nor a skip:
/// an encrypted (TLS) flow whose payload cannot be read, a process scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub provenance: Provenance,
    /// What kind of note (`tls_flow`, …).
    pub kind: String,
    /// Human-readable detail; never scanned content.
    pub detail: Redacted,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Redacted>,
}

/// Where findings go as a scan makes them.
///
/// The scan drives and pushes: workers send each item's findings down a
/// bounded channel, and one writer thread hands them to the sink one by one,
/// in walk order (see `scan::collect`). The sink decides what to keep — a
/// report writer streams each finding out and keeps nothing, a view a person
/// reads keeps counts and a capped sample — so a scan's memory does not grow
/// with the number of findings (DESIGN.md §9). Push, not pull, because the
/// scan alone knows when a finding is made, and a pull would hold it there.
pub trait FindingSink: Send {
    /// Takes one finding. An error (a report that cannot be written) stops
    /// the findings reaching this sink; the scan itself goes on and says so.
    fn finding(&mut self, finding: Finding) -> io::Result<()>;
}

/// Keeps every finding: for library users and tests that want the whole list.
impl FindingSink for Vec<Finding> {
    fn finding(&mut self, finding: Finding) -> io::Result<()> {
        self.push(finding);
        Ok(())
    }
}
