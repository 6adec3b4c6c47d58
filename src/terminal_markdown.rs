//! Rule help is Markdown (it is rendered as HTML in the reports); on a
//! terminal it is printed as plain text that reads the same: emphasis
//! without asterisks, bullets with `•`, code as it is, links with their address.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Columns a rendered line may take (80-column terminals are the smallest expected).
const WIDTH: usize = 80;

/// `markdown` as plain text for a terminal, lines indented by `indent` and
/// wrapped to 80 columns (bullet items' continuation lines under their text).
pub fn to_terminal(markdown: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut list_depth = 0usize;
    let mut link_target: Vec<String> = Vec::new();
    let flush = |out: &mut String, line: &mut String| {
        if !line.trim().is_empty() {
            wrap_into(out, indent, line.trim_end());
        } else {
            out.push('\n');
        }
        line.clear();
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Item) => {
                if !line.trim().is_empty() {
                    flush(&mut out, &mut line);
                }
                line.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                line.push_str("• ");
            }
            Event::Start(Tag::List(_)) => {
                if !line.trim().is_empty() {
                    flush(&mut out, &mut line);
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push('\n');
                }
            }
            Event::End(TagEnd::Item) if !line.trim().is_empty() => flush(&mut out, &mut line),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => {
                flush(&mut out, &mut line);
                if list_depth == 0 {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link_target.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link_target.pop() {
                    line.push_str(&format!(" ({url})"));
                }
            }
            Event::Text(text) | Event::Code(text) => line.push_str(&text),
            Event::SoftBreak => line.push(' '),
            Event::HardBreak => flush(&mut out, &mut line),
            _ => {}
        }
    }
    if !line.trim().is_empty() {
        flush(&mut out, &mut line);
    }
    let trimmed = out.trim_end();
    format!("{trimmed}\n")
}

/// Appends `line` wrapped to [`WIDTH`] columns, at spaces and between wide
/// (CJK) characters, which Japanese text breaks between; continuation lines
/// are indented to where the text after a leading bullet starts.
fn wrap_into(out: &mut String, indent: &str, line: &str) {
    let lead = line.len() - line.trim_start_matches([' ', '•']).len();
    let hang = " ".repeat(columns(&line[..lead]));
    let mut current = format!("{indent}{}", &line[..lead]);
    let mut empty = true;
    for (i, word) in line[lead..].split(' ').filter(|w| !w.is_empty()).enumerate() {
        // A word is cut into pieces at each wide character: (piece, space before it).
        let mut pieces: Vec<(String, bool)> = Vec::new();
        for c in word.chars() {
            let joins = !is_wide(c)
                && pieces
                    .last()
                    .is_some_and(|(p, _)| !p.chars().last().is_some_and(is_wide));
            match pieces.last_mut() {
                Some((piece, _)) if joins => piece.push(c),
                _ => pieces.push((c.to_string(), pieces.is_empty() && i > 0)),
            }
        }
        for (piece, space) in pieces {
            let needed = columns(&piece) + usize::from(space && !empty);
            if !empty && columns(&current) + needed > WIDTH {
                out.push_str(&current);
                out.push('\n');
                current = format!("{indent}{hang}");
                empty = true;
            }
            if space && !empty {
                current.push(' ');
            }
            current.push_str(&piece);
            empty = false;
        }
    }
    out.push_str(&current);
    out.push('\n');
}

/// Whether `c` takes two terminal columns.
fn is_wide(c: char) -> bool {
    columns(c.encode_utf8(&mut [0; 4])) == 2
}

/// Terminal columns of `text`: East Asian wide characters take two.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::to_terminal;

    #[test]
    fn emphasis_loses_its_asterisks_and_lists_get_bullets() {
        let text = to_terminal(
            "Card data in the clear.\n\n**What to do**\n- Delete it and its\n  copies.\n- Use a `token`.\n",
            "  ",
        );
        assert!(!text.contains("**"), "{text}");
        assert!(text.contains("  What to do\n"), "{text}");
        assert!(text.contains("  • Delete it and its copies.\n"), "{text}");
        assert!(text.lines().all(|l| super::columns(l) <= super::WIDTH), "{text}");
        assert!(text.contains("  • Use a token.\n"), "{text}");
        assert!(text.starts_with("  Card data in the clear.\n\n"), "{text}");
    }

    #[test]
    fn long_lines_wrap_at_80_columns_under_their_bullet() {
        let long = "word ".repeat(40);
        let text = to_terminal(
            &format!("- {long}\n\nカード番号を{}\n", "保存しない。".repeat(12)),
            "  ",
        );
        assert!(text.lines().all(|l| super::columns(l) <= super::WIDTH), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("  • word"), "{text}");
        assert!(
            lines[1].starts_with("    word"),
            "continuation not under the text: {text}"
        );
    }

    #[test]
    fn links_keep_their_address() {
        let text = to_terminal("See [the guide](https://example.org/g).", "");
        assert_eq!(text, "See the guide (https://example.org/g).\n");
    }
}
