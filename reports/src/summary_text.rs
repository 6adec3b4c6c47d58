//! The terminal summary's words in Japanese and English. Small on purpose:
//! only the summary's own phrases (the HTML report keeps its own catalogue).

use crate::summary::Lang;

/// Every phrase the summary prints, in one language.
pub struct SummaryText {
    pub scanned: &'static str,
    pub files: &'static str,
    pub bytes: &'static str,
    pub under: &'static str,
    pub not_scanned: &'static str,
    pub more: &'static str,
    pub findings: &'static str,
    pub suppressed: &'static str,
    pub baseline_new: &'static str,
    pub baseline_unchanged: &'static str,
    pub stale: &'static str,
    pub verdict_fail: &'static str,
    pub verdict_pass: &'static str,
    pub verdict_incomplete: &'static str,
    pub gaps_accepted: &'static str,
    pub at_or_above: &'static str,
    pub exit: &'static str,
    pub accepted: &'static str,
    /// Level names as the summary writes them: error, warning, note.
    pub levels: [&'static str; 3],
    /// Says the per-category counts include every level.
    pub all_levels: &'static str,
    /// The PASS line's words when accepted findings exist: `{n}` is their count.
    pub pass_accepted: &'static str,
    /// Level names padded to one width, for the findings' column.
    pub level_labels: [&'static str; 3],
    /// Tags a finding from git history with its commit.
    pub commit: &'static str,
}

const EN: SummaryText = SummaryText {
    scanned: "scanned",
    files: "files",
    bytes: "bytes",
    under: "under",
    not_scanned: "Not scanned",
    more: "more (the full list is in the report: --json FILE or --sarif FILE)",
    findings: "Findings",
    suppressed: "allowed in source",
    baseline_new: "new",
    baseline_unchanged: "in baseline",
    stale: "Baseline entries no longer found",
    verdict_fail: "FAIL: card data found",
    verdict_pass: "PASS: no card data found",
    verdict_incomplete: "INCOMPLETE: not everything could be read, so this is not a pass",
    gaps_accepted: " (--accept-gaps)",
    at_or_above: "at or above",
    exit: "exit",
    accepted: "accepted (baseline or allow comment)",
    levels: ["error", "warning", "note"],
    all_levels: "all levels",
    pass_accepted: "PASS — {n} finding(s) accepted by the baseline or an allow comment, nothing new",
    level_labels: ["error  ", "warning", "note   "],
    commit: "commit",
};

const JA: SummaryText = SummaryText {
    scanned: "調査済み",
    files: "ファイル",
    bytes: "バイト",
    under: "対象",
    not_scanned: "調査できなかったもの",
    more: "件 (全件は --json または --sarif で書き出すレポートにあります)",
    findings: "検出",
    suppressed: "ソース内で許可",
    baseline_new: "新規",
    baseline_unchanged: "ベースライン済み",
    stale: "見つからなくなったベースライン項目",
    verdict_fail: "不合格: カード情報の保持が見つかりました",
    verdict_pass: "合格: カード情報は見つかりませんでした",
    verdict_incomplete: "判定不能 (調査未完了): 読み取れなかったものがあるため合格ではありません",
    gaps_accepted: " (--accept-gaps)",
    at_or_above: "以上",
    exit: "終了コード",
    accepted: "承認済み (ベースラインまたは許可コメント)",
    levels: ["エラー", "警告", "注記"],
    all_levels: "全重大度",
    pass_accepted:
        "合格 — ベースラインまたは許可コメントで承認済みの検出 {n} 件のほか、新たな検出はありません",
    // East Asian wide characters take two columns: each label is 7 wide.
    level_labels: ["エラー ", "警告   ", "注記   "],
    commit: "コミット",
};

pub fn text(lang: Lang) -> &'static SummaryText {
    match lang {
        Lang::En => &EN,
        Lang::Ja => &JA,
    }
}
