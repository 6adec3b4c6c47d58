//! Turning report paths into URI references for SARIF.

/// A relative path becomes a relative URI reference; an absolute one a
/// `file://` URI. Characters a URI cannot hold are percent-encoded.
pub fn path_to_uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let absolute = slashed.starts_with('/');
    let mut out = String::with_capacity(slashed.len() + 8);
    if absolute {
        out.push_str("file://");
    }
    for &b in slashed.as_bytes() {
        let keep = b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::path_to_uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_to_uri("logs/app.log"), "logs/app.log");
        assert_eq!(path_to_uri("a b/c#1.txt"), "a%20b/c%231.txt");
        assert_eq!(path_to_uri("/var/log/x.log"), "file:///var/log/x.log");
        assert_eq!(path_to_uri("注文.csv"), "%E6%B3%A8%E6%96%87.csv");
    }
}
