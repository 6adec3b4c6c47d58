//! A rule's `help` (Markdown, from a rule pack a user may have written) as
//! HTML that is safe in a self-contained report: raw HTML is shown as text,
//! and links and images become their text, so the report never references
//! anything outside itself.

use pulldown_cmark::{html, Event, Parser, Tag, TagEnd};

/// Renders `markdown` to HTML without raw HTML, links or images.
pub fn help_html(markdown: &str) -> String {
    let events = Parser::new(markdown).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) => None,
        Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::help_html;

    #[test]
    fn lists_and_emphasis_render() {
        let html = help_html("Intro.\n\n**What to do**\n- Delete it\n- Tokenise it\n");
        assert!(html.contains("<strong>What to do</strong>"), "{html}");
        assert!(html.contains("<li>Delete it</li>"), "{html}");
    }

    #[test]
    fn raw_html_links_and_images_cannot_escape_the_report() {
        let html = help_html(
            "<script>alert(1)</script>\n\nSee [the docs](https://example.com/x) and ![logo](http://example.com/l.png) <img src=x>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("http"), "{html}");
        assert!(html.contains("the docs"), "{html}");
    }
}
