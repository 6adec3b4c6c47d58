//! The secret key behind fingerprints (DESIGN.md §6).
//!
//! Taken from `HIHOJI_FINGERPRINT_KEY`, else from a key file, else generated
//! once and kept with mode 0600 in the user's config directory, so that
//! fingerprints — and so baselines — stay stable across runs on one machine.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that holds the key itself.
pub const KEY_ENV: &str = "HIHOJI_FINGERPRINT_KEY";

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
}

/// Where the key comes from, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    Generated(PathBuf),
}

/// The key from the environment, `key_file`, or the default key file (created if missing).
pub fn load_key(key_file: Option<&Path>) -> Result<(Vec<u8>, KeySource), KeyError> {
    if let Some(key) = std::env::var_os(KEY_ENV).filter(|k| !k.is_empty()) {
        return Ok((key.into_encoded_bytes(), KeySource::Environment));
    }
    if let Some(path) = key_file {
        return Ok((read_key(path)?, KeySource::File(path.to_path_buf())));
    }
    let path = default_key_path().ok_or(KeyError::NoConfigDir)?;
    match read_key(&path) {
        Ok(key) => Ok((key, KeySource::File(path))),
        Err(KeyError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            create_key(&path).map(|key| (key, KeySource::Generated(path)))
        }
        Err(e) => Err(e),
    }
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
    Ok(key)
}

fn create_key(path: &Path) -> Result<Vec<u8>, KeyError> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = hex::encode(raw).into_bytes();
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
}
