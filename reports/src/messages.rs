//! What the SARIF log and the terminal summary say about one finding, one
//! item not scanned or one note, in the report's language.
//!
//! The scanner's own details (an OS error, a parser's message, a limit and
//! its figures) are English and stay as they are: in a Japanese report they
//! follow a Japanese explanation of the typed [`SkipReason`] as technical
//! information in a code span (`` `…` ``), never translated by matching their
//! words. Every value shown here is already [`Redacted`](hihoji_scanner::findings::Redacted).

use hihoji_scanner::findings::{Finding, Note, Skipped};
use hihoji_scanner::rules::RuleSpec;

use crate::html::i18n::catalogue;
use crate::summary::Lang;

/// A result's `message.text`: what was found, the masked value, the brand and
/// the guideline category.
pub fn finding(f: &Finding, rule: Option<&RuleSpec>, lang: Lang) -> String {
    match lang {
        Lang::En => finding_en(f),
        Lang::Ja => finding_ja(f, rule),
    }
}

fn finding_en(f: &Finding) -> String {
    let brand = f.brand.as_deref().unwrap_or("card");
    let category = format!("{} ({})", f.category.as_str(), f.category.japanese());
    match f.rule_id.as_str() {
        "PAN" => format!("{brand} card number {} in the clear, {category}", f.masked),
        "PAN_MASKED" => format!(
            "Masked {brand} card number {} (permitted display form), {category}",
            f.masked
        ),
        "PAN_TEST" => format!("Public test {brand} card number {}, {category}", f.masked),
        "TRACK1" | "TRACK2" => {
            format!(
            "Magnetic-stripe {} data with {brand} card number {} (sensitive authentication data), {category}",
            if f.rule_id == "TRACK1" { "track 1" } else { "track 2" },
            f.masked
        )
        }
        "CVV" => format!(
            "Card security code {} (sensitive authentication data), {category}",
            f.masked
        ),
        other => format!("{other}: {} {}, {category}", brand, f.masked),
    }
}

fn finding_ja(f: &Finding, rule: Option<&RuleSpec>) -> String {
    let brand = f.brand.as_deref().map(|b| format!("（{b}）")).unwrap_or_default();
    let category = f.category.japanese();
    let masked = &f.masked;
    match f.rule_id.as_str() {
        "PAN" => format!("平文のカード番号 {masked}{brand} — {category}"),
        "PAN_MASKED" => format!("マスク済みのカード番号 {masked}{brand}（表示が認められた形式）— {category}"),
        "PAN_TEST" => format!("公開されているテスト用カード番号 {masked}{brand} — {category}"),
        "TRACK1" | "TRACK2" => format!(
            "磁気ストライプの{}データ（機密認証データ）、カード番号 {masked}{brand} — {category}",
            if f.rule_id == "TRACK1" {
                "トラック1"
            } else {
                "トラック2"
            },
        ),
        "CVV" => format!("セキュリティコード {masked}（機密認証データ）— {category}"),
        other => {
            let name = rule.map_or(other, |r| r.text(true).0);
            format!("{name}: {masked}{brand}（{other}）— {category}")
        }
    }
}

/// A `toolExecutionNotification`'s text for an item not scanned: a gap (in
/// scope, not read) or a scope decision, where, why and the detail.
pub fn skipped(s: &Skipped, lang: Lang) -> String {
    match lang {
        Lang::Ja => {
            let what = if s.reason.is_gap() {
                "読み取れなかったもの（調査の死角）"
            } else {
                "調査の対象外"
            };
            format!("{what}: {} — {}", s.provenance, skip_reason_and_detail(s, lang))
        }
        Lang::En => {
            let what = if s.reason.is_gap() {
                "Not read (gap)"
            } else {
                "Out of scope"
            };
            format!("{what}: {} ({}): {}", s.provenance, s.reason.as_str(), s.detail)
        }
    }
}

/// The terminal summary's words for why an item was not scanned, after its
/// place: `reason: detail` in English, the reason explained in Japanese.
pub fn skip_reason_and_detail(s: &Skipped, lang: Lang) -> String {
    let t = catalogue(lang);
    match t.reason_explained(s.reason) {
        Some(explained) => format!(
            "{}: {explained} {}",
            t.reason(s.reason),
            technical(&s.detail, lang)
        ),
        None => format!("{}: {}", s.reason.as_str(), s.detail),
    }
}

/// A `toolExecutionNotification`'s text for a note.
pub fn note(n: &Note, lang: Lang) -> String {
    let t = catalogue(lang);
    match t.technical_detail {
        Some(_) => format!(
            "{}（{}）: {}",
            n.provenance,
            t.note_kind(&n.kind),
            technical(&n.detail, lang)
        ),
        None => format!("{} ({}): {}", n.provenance, n.kind, n.detail),
    }
}

/// The notification that says results were left out at the SARIF limit.
pub fn truncated(left_out: usize, limit: usize, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("{left_out} results beyond the {limit}-result limit were left out; see the JSON report")
        }
        Lang::Ja => format!(
            "SARIF の上限 {limit} 件を超えた {left_out} 件の検出は含めていません。JSON レポートを参照してください。"
        ),
    }
}

/// The scanner's own detail, labelled and set as code where the language is
/// not the scanner's; as it is otherwise.
pub fn technical(detail: &str, lang: Lang) -> String {
    match catalogue(lang).technical_detail {
        Some(label) => format!("[{label}: `{}`]", detail.replace('`', "'")),
        None => detail.to_string(),
    }
}
