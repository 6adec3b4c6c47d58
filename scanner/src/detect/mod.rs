//! Detectors: from a window of bytes to hits.
//!
//! The flow for each window is candidate finder → Luhn → brand/IIN →
//! context/confidence. The caller pushes windows (a whole small file, or
//! overlapping chunks of a large file or a decompressed stream) and receives
//! [`Hit`]s; it knows nothing of how they were found.
//!
//! Windows overlap so that a hit spanning a chunk boundary is found exactly
//! once: a hit is decided by the window in which everything the detectors look
//! at after it (context, expiry, boundary bytes) is visible, and only there.

mod code_list;
mod context;
mod digits;
mod expiry;
mod luhn;
mod masked;
mod pan;
mod patterns;
mod runs;
mod security_code;
mod shape;
mod signals;
mod table;
pub use runs::{Run, RunMasks};
pub use signals::EVIDENCE_SIGNALS;

use std::sync::Arc;

use regex_automata::util::captures::Captures;

pub use digits::Separator;
pub use luhn::luhn_valid;
pub use pan::is_card_number;

use crate::rules::{RuleKind, RuleSet};
use digits::{parse_run, Group};

/// Up to 19 ASCII digits, kept on the stack so that no allocation is made per candidate.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Digits {
    buf: [u8; 19],
    len: u8,
}

impl Digits {
    /// `None` when `ascii` is longer than 19 bytes or holds a non-digit.
    pub fn from_ascii(ascii: &[u8]) -> Option<Digits> {
        let mut d = Digits::default();
        (ascii.len() <= 19 && ascii.iter().all(u8::is_ascii_digit)).then(|| {
            d.extend(ascii);
            d
        })
    }

    fn extend(&mut self, ascii: &[u8]) {
        let start = usize::from(self.len);
        let take = ascii.len().min(19 - start);
        self.buf[start..start + take].copy_from_slice(&ascii[..take]);
        self.len += take as u8;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Never prints the digits: a `Digits` may hold a card number.
impl std::fmt::Debug for Digits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Digits({} digits)", self.len)
    }
}

/// A short secret other than a card number — a security code, or what a user
/// rule captures — kept on the stack like [`Digits`].
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SecretText {
    buf: [u8; 32],
    len: u8,
}

impl SecretText {
    /// `None` when longer than 32 bytes or not printable ASCII.
    pub fn from_ascii(ascii: &[u8]) -> Option<SecretText> {
        let mut s = SecretText::default();
        (!ascii.is_empty() && ascii.len() <= 32 && ascii.iter().all(u8::is_ascii_graphic)).then(|| {
            s.buf[..ascii.len()].copy_from_slice(ascii);
            s.len = ascii.len() as u8;
            s
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Never prints the text.
impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretText({} bytes)", self.len)
    }
}

/// The value behind a hit, normalised for masking and fingerprinting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitValue {
    /// A full card number (also inside track data).
    Pan(Digits),
    /// A masked card number: visible first digits, hidden count, last 4.
    Masked {
        first: Digits,
        hidden: Option<usize>,
        last: Digits,
    },
    /// A security code or another secret a pattern rule captured.
    Code(SecretText),
}

/// One detection in a window, with offsets relative to the window.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into [`RuleSet::rules`].
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub value: HitValue,
    pub brand: Option<Arc<str>>,
    /// 0–1: how sure the detectors are that this is card data.
    pub confidence: f32,
    /// An expiry date is written near a card number.
    pub expiry_nearby: bool,
    /// The named signals behind the hit (`luhn`, `brand:Visa/16`,
    /// `keyword:card_number`, `expiry_nearby`, `table`, …), in the order found.
    pub evidence: Vec<String>,
    /// The evidence is too weak for the rule's level: report it as a note.
    pub weak: bool,
}

/// Track data holds a valid card number followed by its field separator
/// (`^` in track 1, `=` or EMV's `D` in track 2): a cheap test that keeps the
/// track patterns away from the timestamps and ids that fill logs.
fn could_start_track(bytes: &[u8], g: &Group, rules: &RuleSet) -> bool {
    (13..=19).contains(&g.len())
        && matches!(bytes.get(g.end), Some(b'^' | b'=' | b'D'))
        && Digits::from_ascii(&bytes[g.start..g.end]).is_some_and(|d| is_card_number(&d, rules))
}

/// A view of a stream's bytes handed to the detectors.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    pub bytes: &'a [u8],
    /// Bytes before this index were already in the previous window.
    pub fresh_from: usize,
    /// `bytes[0]` is the first byte of the stream.
    pub starts_stream: bool,
    /// The stream ends with `bytes`.
    pub ends_stream: bool,
}

impl<'a> Window<'a> {
    /// Whether this window decides a hit spanning `start..end`: everything the
    /// detectors read after it (`lookahead` bytes) is visible here, it was not
    /// decided by the previous window, and it does not touch the start of a
    /// carried-over window (where it may be the tail of a longer run that the
    /// previous window decided).
    pub(crate) fn decides(&self, start: usize, end: usize, lookahead: usize) -> bool {
        let horizon = end + lookahead;
        let cut_at_start = start == 0 && !self.starts_stream;
        !cut_at_start && (self.ends_stream || horizon <= self.bytes.len()) && horizon > self.fresh_from
    }

    /// A whole stream in one window.
    pub fn whole(bytes: &'a [u8]) -> Self {
        Window {
            bytes,
            fresh_from: 0,
            starts_stream: true,
            ends_stream: true,
        }
    }
}

/// Scans windows with one rule set. One per thread: it keeps scratch buffers
/// between windows so the common path allocates nothing.
pub struct Detector<'r> {
    rules: &'r RuleSet,
    pan_rule: Option<usize>,
    masked_rule: Option<usize>,
    test_rule: Option<usize>,
    groups: Vec<Group>,
    runs: RunMasks,
    /// Bytes that can start a mask character (`*`, `X`, `•`, …).
    mask_lead: [bool; 256],
    pan_caps: Option<Captures>,
    free_caps: Option<Captures>,
    /// The window in ASCII lower case, for the pattern rules' prefix search.
    lowered: Vec<u8>,
}

impl<'r> Detector<'r> {
    pub fn new(rules: &'r RuleSet) -> Self {
        Detector {
            rules,
            pan_rule: rules.rule_of_kind(RuleKind::Pan),
            masked_rule: rules.rule_of_kind(RuleKind::PanMasked),
            test_rule: rules.rule_of_kind(RuleKind::PanTest),
            groups: Vec::new(),
            runs: RunMasks::new(&rules.mask_chars),
            mask_lead: std::array::from_fn(|b| b >= 0x80 || rules.mask_chars.contains(&char::from(b as u8))),
            pan_caps: rules.pan_patterns.as_ref().map(|p| p.regex.create_captures()),
            free_caps: rules.free_patterns.as_ref().map(|p| p.regex.create_captures()),
            lowered: Vec::new(),
        }
    }

    /// How many bytes after a hit the detectors read to decide it.
    pub fn lookahead(&self) -> usize {
        self.rules.context_window.max(self.rules.expiry_window) + 24
    }

    /// How many bytes of the previous window a chunked reader must carry into
    /// the next one so that every hit is seen whole, with its context.
    pub fn overlap(&self) -> usize {
        const LONGEST_HIT: usize = 256;
        2 * self.lookahead() + LONGEST_HIT
    }

    /// Appends the hits decided by `window` to `hits`, sorted by start.
    pub fn scan(&mut self, window: &Window<'_>, hits: &mut Vec<Hit>) {
        let first_new = hits.len();
        self.scan_digit_runs(window, hits);
        self.scan_free_patterns(window, hits);
        hits[first_new..].sort_by_key(|h| (h.start, h.end));
    }

    fn scan_digit_runs(&mut self, window: &Window<'_>, hits: &mut Vec<Hit>) {
        let bytes = window.bytes;
        let mut groups = std::mem::take(&mut self.groups);
        let mut runs = std::mem::replace(&mut self.runs, RunMasks::new(&[]));
        runs.classify(bytes);
        runs.for_each_candidate(bytes, |run| {
            if !self.worth_parsing(bytes, &run) {
                return;
            }
            if run.is_one_group() {
                // The masks found it exactly: nothing to parse.
                groups.clear();
                groups.push(Group {
                    start: run.start,
                    end: run.end,
                    joined_by: None,
                });
                self.decide_run(window, &groups, hits);
            } else if run.percent_joined() {
                // The masks may join more than `%20` does: parse every run inside.
                self.every_run_in(window, run.start..run.end, &mut groups, hits);
            } else {
                self.digit_run(window, run.start, &mut groups, hits);
            }
        });
        self.runs = runs;
        self.groups = groups;
    }

    /// Whether a run's length, digit count and neighbours leave room for
    /// card data: a card number (13–19 digits, starting 2–8 when written as
    /// one group) or the visible first digits of a masked one (6 to 12
    /// digits followed by a mask). Timestamps, ids and amounts end here.
    fn worth_parsing(&self, bytes: &[u8], run: &Run<'_>) -> bool {
        let masked_may_follow = || self.mask_may_follow(bytes, run.end);
        let len = run.end - run.start;
        if run.is_one_group() {
            match len {
                6..=8 => masked_may_follow(),
                13..=pan::LONGEST_RECORD => self.one_group_may_hold_card(bytes, run.start, len),
                _ => false,
            }
        } else {
            let digits = run.digits();
            digits >= 13 || (digits >= 6 && masked_may_follow())
        }
    }

    /// The plain loop that parses every digit run and looks for hits in each,
    /// without the cheap first looks (`worth_parsing`, `could_hold_card_data`):
    /// the reference the skipping loop above is tested against.
    #[cfg(test)]
    fn scan_digit_runs_reference(&mut self, window: &Window<'_>, hits: &mut Vec<Hit>) {
        let bytes = window.bytes;
        let mut groups = Vec::new();
        let mut at = 0;
        while let Some(offset) = bytes[at..].iter().position(u8::is_ascii_digit) {
            let start = at + offset;
            at = parse_run(bytes, start, &mut groups);
            if window.decides(start, at, self.lookahead()) {
                self.run_hits(window, &groups, hits);
            }
        }
    }

    /// Decides every run of digit groups that starts in `range`.
    fn every_run_in(
        &mut self,
        window: &Window<'_>,
        range: std::ops::Range<usize>,
        groups: &mut Vec<Group>,
        hits: &mut Vec<Hit>,
    ) {
        let mut at = range.start;
        while let Some(offset) = window.bytes[at..range.end].iter().position(u8::is_ascii_digit) {
            at = self.digit_run(window, at + offset, groups, hits);
        }
    }

    /// Decides the run of digit groups starting at `start`; returns its end.
    fn digit_run(
        &mut self,
        window: &Window<'_>,
        start: usize,
        groups: &mut Vec<Group>,
        hits: &mut Vec<Hit>,
    ) -> usize {
        let end = parse_run(window.bytes, start, groups);
        self.decide_run(window, groups, hits);
        end
    }

    /// Decides the parsed run of digit groups `groups` (not empty).
    fn decide_run(&mut self, window: &Window<'_>, groups: &[Group], hits: &mut Vec<Hit>) {
        let (Some(first), Some(last)) = (groups.first(), groups.last()) else {
            return;
        };
        if self.could_hold_card_data(window.bytes, groups, last.end)
            && window.decides(first.start, last.end, self.lookahead())
        {
            self.run_hits(window, groups, hits);
        }
    }

    /// A cheap first look at a run: most runs in logs are timestamps, ids and
    /// amounts written as one group, which can be neither a card number (13–19
    /// digits starting as a brand does, or a fixed-width record starting with
    /// one) nor the visible part of a masked one (6 or 8 digits followed by a
    /// mask character).
    fn could_hold_card_data(&self, bytes: &[u8], groups: &[Group], end: usize) -> bool {
        let [only] = groups else {
            // Several groups (`200 30402 16510` in an access log): a grouping
            // starts with a group of its first length, a group of 13 digits
            // or more is read alone (a number, a record, a track), and a
            // masked number needs a mask after the run.
            let rules = self.rules;
            return groups
                .iter()
                .any(|g| g.len() >= 13 || rules.may_start_grouping(g.len()))
                || self.mask_may_follow(bytes, end);
        };
        match only.len() {
            6..=8 => bytes
                .get(end)
                .is_some_and(|&b| !b.is_ascii_alphanumeric() || b == b'X' || b == b'x'),
            13..=pan::LONGEST_RECORD => self.one_group_may_hold_card(bytes, only.start, only.len()),
            _ => false,
        }
    }

    /// Whether a mask character follows the run ending at `end`, maybe after
    /// one space or dash.
    fn mask_may_follow(&self, bytes: &[u8], end: usize) -> bool {
        let mask_at = |at: usize| bytes.get(at).is_some_and(|&b| self.mask_lead[usize::from(b)]);
        mask_at(end) || (matches!(bytes.get(end), Some(b' ' | b'-')) && mask_at(end + 1))
    }

    /// Whether one group of `len` (13 to [`pan::LONGEST_RECORD`]) digits at
    /// `start` may be a card number, or lead a fixed-width record with one,
    /// judged by its first two digits and its length: of the long numbers in
    /// logs (ids, order numbers), most end here, before any parsing.
    fn one_group_may_hold_card(&self, bytes: &[u8], start: usize, len: usize) -> bool {
        let brands = self.rules.brands();
        let (first, second) = (bytes[start], bytes[start + 1]);
        if len <= 19 {
            brands.may_issue_prefix(first, second, len)
        } else {
            brands.may_lead_record(first, second)
        }
    }

    /// Hits in one run of digit groups.
    fn run_hits(&mut self, window: &Window<'_>, groups: &[Group], hits: &mut Vec<Hit>) {
        let bytes = window.bytes;
        let digit_count: usize = groups.iter().map(Group::len).sum();
        if digit_count >= 6 {
            if let Some(m) = masked::masked_after_run(bytes, groups, self.rules) {
                if let Some(rule) = self.masked_rule {
                    hits.push(Hit {
                        rule,
                        start: m.start,
                        end: m.end,
                        value: HitValue::Masked {
                            first: m.first,
                            hidden: m.hidden,
                            last: m.last,
                        },
                        brand: self.brand_name(m.first.as_bytes(), true),
                        confidence: 0.8,
                        expiry_nearby: false,
                        evidence: vec!["masked".to_string()],
                        weak: false,
                    });
                }
                return;
            }
        }
        if digit_count < 13 {
            return;
        }
        let mut track_end = 0;
        for g in groups
            .iter()
            .filter(|g| could_start_track(window.bytes, g, self.rules))
        {
            track_end = track_end.max(self.track_hits(window, g, hits));
        }
        let rules = self.rules;
        let card_rules = (self.pan_rule, self.test_rule);
        pan::candidates_in_run(bytes, groups, rules, |c| {
            if c.start >= track_end {
                hits.extend(judge_pan(rules, card_rules, bytes, c));
            }
        });
    }

    /// Track data around the digit group `g`; returns the end of the last one found.
    fn track_hits(&mut self, window: &Window<'_>, g: &Group, hits: &mut Vec<Hit>) -> usize {
        let (Some(set), Some(caps)) = (&self.rules.pan_patterns, self.pan_caps.as_mut()) else {
            return 0;
        };
        let bytes = window.bytes;
        let from = g.start.saturating_sub(2);
        let to = (g.end + 128).min(bytes.len());
        let mut last_end = 0;
        let rules = self.rules;
        patterns::search(set, rules, bytes, from, to, caps, |m| {
            let HitValue::Pan(pan) = m.value else { return };
            let around_group = m.start <= g.start && m.end > g.end;
            if around_group && pan.as_bytes() == &bytes[g.start..g.end] {
                last_end = m.end;
                // Track data around a public test number is test data.
                let test = rules.is_test_pan(pan.as_bytes());
                hits.push(Hit {
                    rule: m.rule,
                    start: m.start,
                    end: m.end,
                    value: m.value,
                    brand: rules.brands().lookup(pan.as_bytes()).map(|b| b.name.clone()),
                    confidence: 0.95,
                    expiry_nearby: true,
                    evidence: [
                        "luhn".to_string(),
                        brand_signal(rules, pan.as_bytes()),
                        "track_format".to_string(),
                        "expiry_in_track".to_string(),
                    ]
                    .into_iter()
                    .chain(test.then(|| "public_test_number".to_string()))
                    .collect(),
                    weak: test,
                });
            }
        });
        last_end
    }

    fn brand_name(&self, digits: &[u8], prefix_only: bool) -> Option<Arc<str>> {
        let table = self.rules.brands();
        let brand = if prefix_only {
            table.prefix_brand(digits)
        } else {
            table.lookup(digits)
        };
        brand.map(|b| b.name.clone())
    }

    /// Pattern rules without a card number (security codes): where their
    /// literal prefixes occur, or over the whole window when they have none.
    fn scan_free_patterns(&mut self, window: &Window<'_>, hits: &mut Vec<Hit>) {
        let lookahead = self.lookahead();
        let (Some(set), Some(caps)) = (&self.rules.free_patterns, self.free_caps.as_mut()) else {
            return;
        };
        let bytes = window.bytes;
        let rules = self.rules;
        let card_rules = (self.pan_rule, self.test_rule);
        let mut push = |m: patterns::PatternMatch| {
            if !window.decides(m.start, m.end, lookahead) {
                return;
            }
            let mut evidence = vec!["label".to_string()];
            let is_security_code = rules.rules[m.rule].meta.tags.iter().any(|t| t == "security-code");
            if !is_security_code {
                hits.push(Hit {
                    rule: m.rule,
                    start: m.start,
                    end: m.end,
                    value: m.value,
                    brand: None,
                    confidence: 0.85,
                    expiry_nearby: false,
                    evidence,
                    weak: false,
                });
                return;
            }
            if !security_code::ends_cleanly(bytes, m.end) {
                return;
            }
            let is_card =
                |c: pan::PanCandidate| judge_pan(rules, card_rules, bytes, c).is_some_and(|h| !h.weak);
            let weak = match security_code::card_near(bytes, m.start, m.end, rules, &is_card) {
                security_code::CardNear::None => return,
                security_code::CardNear::Card(signal) => {
                    evidence.push(signal.to_string());
                    false
                }
                security_code::CardNear::TestNumber => {
                    evidence.push("public_test_number_nearby".to_string());
                    true
                }
            };
            hits.push(Hit {
                rule: m.rule,
                start: m.start,
                end: m.end,
                value: m.value,
                brand: None,
                confidence: if weak { 0.3 } else { 0.85 },
                expiry_nearby: false,
                evidence,
                weak,
            });
        };
        match &set.prefixes {
            Some(prefixes) => {
                // Every position where a prefix starts, in any letter case:
                // the automaton's lower-case prefixes over a lower-cased copy
                // (leftmost search from one past the previous start, so
                // overlapping prefixes are not missed).
                let lowered = &mut self.lowered;
                lowered.clear();
                lowered.extend(bytes.iter().map(u8::to_ascii_lowercase));
                let mut from = 0;
                while let Some(p) = prefixes.find(aho_corasick::Input::new(&lowered[..]).range(from..)) {
                    from = p.start() + 1;
                    if let Some(m) = patterns::match_at(set, rules, bytes, p.start(), caps) {
                        from = from.max(m.end);
                        push(m);
                    }
                }
            }
            None => patterns::search(set, rules, bytes, 0, bytes.len(), caps, push),
        }
    }
}

/// Judges a card-number candidate by its evidence (docs/precision.md):
/// `None` when it is not card data, else a hit whose `weak` flag says that
/// the evidence is too weak for the rule's level. The pair holds the
/// indices of the PAN and PAN_TEST rules.
fn judge_pan(
    rules: &RuleSet,
    (pan_rule, test_rule): (Option<usize>, Option<usize>),
    bytes: &[u8],
    c: pan::PanCandidate,
) -> Option<Hit> {
    let is_test = rules.is_test_pan(c.digits.as_bytes());
    let rule = if is_test { test_rule? } else { pan_rule? };
    let from = c.start.saturating_sub(rules.context_window);
    let to = (c.end + rules.context_window).min(bytes.len());
    let ctx = context::read_context(
        &rules.context,
        bytes,
        from,
        to,
        c.start,
        c.end,
        rules.label_distance,
    );
    if ctx.labelled_negative() && !is_test {
        return None;
    }
    let brand = rules.brands().lookup(c.digits.as_bytes());
    let mut evidence = vec!["luhn".to_string(), brand_signal(rules, c.digits.as_bytes())];
    if is_test {
        evidence.push("public_test_number".to_string());
    }
    let word = |i: usize| rules.context.words[i].as_str();
    if let Some((i, true)) = ctx.label {
        evidence.push(format!("keyword:{}", word(i)));
    }
    if let Some(i) = ctx.positive_nearby {
        evidence.push(format!("keyword_nearby:{}", word(i)));
    }
    match c.shape {
        shape::Shape::Free => {}
        shape::Shape::AttachedToWord => evidence.push("attached_to_word".to_string()),
        shape::Shape::InToken(why) => {
            // Inside an identifier: only a card word labelling it makes it
            // one, and not letters of the identifier itself (`cc4526…fb` in a hash).
            let glued = c.start > 0 && bytes[c.start - 1].is_ascii_alphabetic();
            if !ctx.labelled_positive() || glued {
                return None;
            }
            evidence.push(format!("in_token:{why}"));
        }
    }
    // Groups that count up (`5414 5415 5416 5417`) are a row of codes.
    let counting = c.grouped && groups_count_up(&bytes[c.start..c.end]);
    let grouped = c.grouped && !counting;
    if grouped {
        evidence.push("grouped".to_string());
    }
    if let Some(tail) = c.record {
        evidence.push(tail.as_str().to_string());
    }
    let expiry_outside_record =
        c.expiry_group || expiry::expiry_near(&rules.expiry, bytes, c.start, c.end, rules.expiry_window);
    let expiry_nearby = expiry_outside_record || c.record == Some(pan::RecordTail::Expiry);
    if expiry_nearby {
        evidence.push("expiry_nearby".to_string());
    }
    let in_table = table::in_table(bytes, c.start, c.run_end, rules);
    if in_table {
        evidence.push("table".to_string());
    }
    let needs_context = brand.is_some_and(|b| b.needs_context);
    // `342342342342345`, `5555500000…`: a pattern, not an issued account number.
    let patterned = counting || is_patterned(c.digits.as_bytes());
    if patterned && !is_test {
        evidence.push("patterned".to_string());
    }
    if ctx.negative_nearby {
        evidence.push("negative_word_nearby".to_string());
    }
    // Strong evidence: a card word labels it, an expiry goes with it (also
    // inside a fixed-width record), or it is written in its brand's grouping.
    let strong = ctx.labelled_positive() || expiry_nearby || grouped;
    // Card context: strong evidence, or a card word anywhere in the window.
    let card_context = strong || ctx.positive_nearby.is_some();
    // A literal in a list of numbers in code; a record's tail read as an
    // expiry (`<16 digits>4103` in a 20-digit constant) is no card context there.
    let in_code = !(ctx.positive() || grouped || expiry_outside_record)
        && c.shape == shape::Shape::Free
        && code_list::in_code_list(bytes, c.start, c.run_end, rules);
    if in_code {
        evidence.push("code_list".to_string());
    }
    // 17–19 digits written as one run: the length of random 64-bit ids
    // (half of them have 19 digits), rarely of a card.
    let id_length = !c.grouped && c.digits.len() >= 17;
    if needs_context && !card_context {
        evidence.push("brand_needs_context".to_string());
    }
    if id_length && !card_context {
        evidence.push("id_length".to_string());
    }
    // A record read by its zero-padded amount alone is a guess: it needs a
    // word glued to the record (a name, a currency) or card context.
    let amount_guess = c.record == Some(pan::RecordTail::Amount)
        && !(card_context || c.shape == shape::Shape::AttachedToWord);
    let weak = ((in_table || patterned) && !strong)
        || in_code
        || (!card_context && (needs_context || id_length))
        || amount_guess
        // Digits cut from a long number in a table of long numbers.
        || (c.record.is_some() && in_table && !ctx.labelled_positive());
    let mut confidence: f32 = 0.55;
    if grouped {
        confidence += 0.1;
    }
    if ctx.positive() {
        confidence += 0.3;
    }
    if expiry_nearby {
        confidence += 0.1;
    }
    if ctx.negative_nearby && !ctx.positive() {
        confidence -= 0.25;
    }
    if weak {
        confidence = confidence.min(0.3);
    }
    Some(Hit {
        rule,
        start: c.start,
        end: c.end,
        value: HitValue::Pan(c.digits),
        brand: brand.map(|b| b.name.clone()),
        confidence: if is_test {
            0.9
        } else {
            confidence.clamp(0.05, 0.99)
        },
        expiry_nearby,
        evidence,
        weak,
    })
}

/// Digits that repeat a short block (`342342342342345`), count up or down
/// (`6543210123456788`) or use fewer than four kinds of digit
/// (`5555500000555554`): documentation examples, test vectors and constants. The 9 or more account digits of an issued card are random.
fn is_patterned(digits: &[u8]) -> bool {
    let mut kinds = [false; 10];
    digits
        .iter()
        .for_each(|&d| kinds[usize::from(d.wrapping_sub(b'0') % 10)] = true);
    // (Fewer than six kinds, the packed-BCD view's test, would also take
    // 1.5% of random 14-digit numbers: too many real cards.)
    let few_kinds = kinds.iter().filter(|&&k| k).count() < 4;
    // The check digit (last) is left out: it rarely continues the pattern.
    let body = &digits[..digits.len().saturating_sub(1)];
    let periodic = (1..=4).any(|p| body.len() > 2 * p && (p..body.len()).all(|i| body[i] == body[i - p]));
    // Seven or more digits counting up or down (`…0123456…`, `6543210…`).
    let sequential = [1u8, 9].iter().any(|&step| {
        body.windows(7)
            .any(|w| w.windows(2).all(|p| p[1] == b'0' + (p[0] - b'0' + step) % 10))
    });
    few_kinds || periodic || sequential
}

/// Three or more groups, each one more than the one before.
fn groups_count_up(text: &[u8]) -> bool {
    let groups: Vec<u64> = text
        .split(|b| !b.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(|g| {
            g.iter().fold(0u64, |n, &d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            })
        })
        .collect();
    groups.len() >= 3 && groups.windows(2).all(|w| w[1] == w[0].saturating_add(1))
}

/// `brand:<name>/<length>`: the brand range and length the number fits.
fn brand_signal(rules: &RuleSet, digits: &[u8]) -> String {
    let name = rules.brands().lookup(digits).map_or("?", |b| &b.name);
    format!("brand:{name}/{}", digits.len())
}

#[cfg(test)]
mod precision_tests;
#[cfg(test)]
mod tests;
