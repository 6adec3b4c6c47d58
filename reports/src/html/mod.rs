//! The auditor's report: one self-contained HTML file (inline CSS, inline SVG,
//! a little inline JavaScript for sorting and filtering; nothing fetched from
//! anywhere), in Japanese or English, rendered from the same [`ScanOutcome`]
//! as the JSON report. It opens from a USB stick on an offline PC and prints
//! to A4.
//!
//! [`model`] turns the outcome into what the page shows; the askama template
//! `templates/report.html` lays it out.

mod breakable;
mod charts;
pub mod i18n;
mod markdown;
pub mod model;

use std::io::Write;

use askama::Template;
use hihoji_scanner::outcome::ScanOutcome;

pub use i18n::{Catalogue, Lang};
pub use model::ReportView;

#[derive(Template)]
#[template(path = "report.html", whitespace = "minimize")]
struct ReportPage<'a> {
    v: &'a ReportView,
}

/// Writes the HTML report of `outcome` in `lang`.
pub fn write_html(outcome: &ScanOutcome, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    let view = ReportView::new(outcome, lang);
    ReportPage { v: &view }.write_into(out)
}
