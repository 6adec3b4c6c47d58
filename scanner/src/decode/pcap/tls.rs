//! Recognising TLS flows and reading the server name (SNI) their client
//! asked for, with tls-parser. Payloads are encrypted and cannot be scanned;
//! the flow is reported so an auditor sees where card data may travel.

use std::ops::Range;

use tls_parser::{
    parse_tls_extensions, parse_tls_message_handshake, parse_tls_raw_record, SNIType, TlsExtension,
    TlsMessage, TlsMessageHandshake, TlsRecordType,
};

/// True when a direction starts with a TLS handshake record (SSL 3.0 to TLS 1.3).
pub fn starts_tls(view: &[u8]) -> bool {
    matches!(view, [0x16, 0x03, minor, ..] if *minor <= 0x04)
}

/// The bodies of the application-data records of a direction that starts
/// with TLS: ciphertext, where a match could only be chance. Walking stops at
/// the first bytes that are not a TLS record.
pub fn ciphertext(view: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut rest = view;
    while let Ok((after, record)) = parse_tls_raw_record(rest) {
        if record.hdr.record_type == TlsRecordType::ApplicationData {
            let end = view.len() - after.len();
            spans.push(end - record.data.len()..end);
        }
        rest = after;
    }
    spans
}

/// The host name of the ClientHello at the start of `view`, if any. The
/// hello may be split over several records; they are joined first.
pub fn client_hello_sni(view: &[u8]) -> Option<String> {
    let mut handshake = Vec::new();
    let mut rest = view;
    while let Ok((after, record)) = parse_tls_raw_record(rest) {
        if record.hdr.record_type != TlsRecordType::Handshake {
            break;
        }
        handshake.extend_from_slice(record.data);
        if let Ok((_, message)) = parse_tls_message_handshake(&handshake) {
            return sni(&message);
        }
        rest = after;
    }
    None
}

fn sni(message: &TlsMessage<'_>) -> Option<String> {
    let TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello)) = message else {
        return None;
    };
    let (_, extensions) = parse_tls_extensions(hello.ext?).ok()?;
    extensions.iter().find_map(|e| match e {
        TlsExtension::SNI(names) => names
            .iter()
            .find(|(kind, _)| *kind == SNIType::HostName)
            .map(|(_, name)| printable(name)),
        _ => None,
    })
}

/// A host name as text; anything that is not a host-name character is escaped
/// so a crafted name cannot forge report lines.
fn printable(name: &[u8]) -> String {
    name.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                char::from(b).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}
