//! The secret key behind fingerprints (DESIGN.md §6).
//!
//! Taken from `HIHOJI_FINGERPRINT_KEY`, else from a key file, else generated
//! once and kept with mode 0600 in the user's config directory, so that
//! fingerprints — and so baselines — stay stable across runs on one machine.
//! Where no key is given and none can be kept, the run uses an ephemeral key.
//!
//! A key with less than 128 bits is refused: a masked value leaves about 10^6
//! candidates for the hidden digits, so with a guessable key the masked value
//! and the fingerprint give the whole number back in seconds.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that holds the key itself.
pub const KEY_ENV: &str = "HIHOJI_FINGERPRINT_KEY";

/// Fewest bytes of key material: 128 bits.
const MIN_KEY_BYTES: usize = 16;
/// Fewest distinct bytes in a key: `aaaa…` is long but guessable.
const MIN_DISTINCT_BYTES: usize = 8;
/// How to make a good key, quoted in every refusal.
pub const MAKE_KEY: &str = "head -c 32 /dev/urandom | xxd -p -c 64";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read fingerprint key file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create fingerprint key file {path}")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("fingerprint key file {path} is empty")]
    Empty { path: PathBuf },
    #[error("no config directory to keep a fingerprint key in: set {KEY_ENV} or pass --key-file")]
    NoConfigDir,
    #[error("no random source for a new fingerprint key: {0}")]
    Random(String),
    #[error("the fingerprint key in {origin} is too weak: {problem}; a key needs at least 128 bits (32 hex digits, or 16 random bytes in a key file). Make one with `{MAKE_KEY}`")]
    Weak { origin: String, problem: String },
}

/// Where the key comes from, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    Generated(PathBuf),
    /// Made for this run only, because no key could be kept (the reason):
    /// fingerprints are not comparable with other runs.
    Ephemeral(String),
}

/// The key from the environment, `key_file`, or the default key file (created if missing).
/// A key that is given (environment, `--key-file`, an existing default key
/// file) must be strong; where none is given and none can be kept, an
/// ephemeral key is made for this run.
pub fn load_key(key_file: Option<&Path>) -> Result<(Vec<u8>, KeySource), KeyError> {
    if let Some(key) = std::env::var_os(KEY_ENV).filter(|k| !k.is_empty()) {
        let key = key.into_encoded_bytes();
        check_strength(&key, KEY_ENV)?;
        return Ok((key, KeySource::Environment));
    }
    if let Some(path) = key_file {
        return Ok((read_key(path)?, KeySource::File(path.to_path_buf())));
    }
    let Some(path) = default_key_path() else {
        return ephemeral(KeyError::NoConfigDir.to_string());
    };
    match read_key(&path) {
        Ok(key) => Ok((key, KeySource::File(path))),
        Err(KeyError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            match create_key(&path) {
                Ok(key) => Ok((key, KeySource::Generated(path))),
                Err(e @ KeyError::Create { .. }) => ephemeral(error_chain(&e)),
                Err(e) => Err(e),
            }
        }
        Err(e @ KeyError::Read { .. }) => ephemeral(error_chain(&e)),
        Err(e) => Err(e),
    }
}

/// A random key for this run only.
fn ephemeral(reason: String) -> Result<(Vec<u8>, KeySource), KeyError> {
    Ok((random_key()?, KeySource::Ephemeral(reason)))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Refuses key material with less than 128 bits: fewer than 32 hex digits
/// when it is written in hex, else fewer than 16 bytes, or too few distinct
/// bytes to be random.
fn check_strength(key: &[u8], origin: &str) -> Result<(), KeyError> {
    let weak = |problem: String| {
        Err(KeyError::Weak {
            origin: origin.to_string(),
            problem,
        })
    };
    let is_hex = key.iter().all(u8::is_ascii_hexdigit);
    if is_hex && key.len() < 2 * MIN_KEY_BYTES {
        return weak(format!("{} hex digits", key.len()));
    }
    if key.len() < MIN_KEY_BYTES {
        return weak(format!("{} bytes", key.len()));
    }
    let mut seen = [false; 256];
    for &b in key {
        seen[usize::from(b)] = true;
    }
    let distinct = seen.iter().filter(|&&s| s).count();
    if distinct < MIN_DISTINCT_BYTES {
        return weak(format!("only {distinct} different characters"));
    }
    Ok(())
}

/// `<config dir>/hihoji/fingerprint.key`.
pub fn default_key_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("hihoji").join("fingerprint.key"))
}

fn read_key(path: &Path) -> Result<Vec<u8>, KeyError> {
    let text = std::fs::read(path).map_err(|source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let key = text.trim_ascii().to_vec();
    if key.is_empty() {
        return Err(KeyError::Empty {
            path: path.to_path_buf(),
        });
    }
    check_strength(&key, &path.display().to_string())?;
    Ok(key)
}

/// 256 random bits, in hex.
fn random_key() -> Result<Vec<u8>, KeyError> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(hex::encode(raw).into_bytes())
}

fn create_key(path: &Path) -> Result<Vec<u8>, KeyError> {
    let key = random_key()?;
    let created = |source| KeyError::Create {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(created)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(&key).map_err(created)?;
            Ok(key)
        }
        // Another hihoji created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_key(path),
        Err(e) => Err(created(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("fingerprint.key");
        let first = create_key(&path).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(read_key(&path).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // A second creation finds the first key instead of replacing it.
        assert_eq!(create_key(&path).unwrap(), first);
    }

    #[test]
    fn keys_under_128_bits_are_refused_with_how_to_make_one() {
        for weak in [
            &b"secret"[..],
            b"0123456789abcdef0123456789abcde",
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            let err = check_strength(weak, "test").unwrap_err().to_string();
            assert!(err.contains(MAKE_KEY) && err.contains("128 bits"), "{err}");
        }
        assert!(check_strength(b"0123456789abcdef0123456789abcdef", "test").is_ok());
        assert!(check_strength(&random_key().unwrap(), "test").is_ok());
    }

    #[test]
    fn weak_key_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weak.key");
        std::fs::write(&path, "hunter2\n").unwrap();
        assert!(matches!(read_key(&path), Err(KeyError::Weak { .. })));
    }
}
