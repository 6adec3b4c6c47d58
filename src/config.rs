//! `hihoji.yaml`: settings a team keeps with its code, so that every run of
//! the gate scans the same way. Command-line flags win over the file; lists
//! (excludes, rule packs) are joined. Paths in the file are relative to it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::cli::{FailOn, LangArg};
use crate::limits::LimitOverrides;

/// The file looked for in the first directory scanned.
pub const CONFIG_FILE: &str = "hihoji.yaml";

/// The contents of `hihoji.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Globs to skip, like --exclude.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Extra rule packs, like --rules.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    pub fail_on: Option<FailOn>,
    #[serde(default)]
    pub limits: LimitOverrides,
    #[serde(default)]
    pub output: OutputConfig,
    pub baseline: Option<PathBuf>,
    pub threads: Option<usize>,
    pub follow_symlinks: Option<bool>,
    pub respect_gitignore: Option<bool>,
    pub lang: Option<LangArg>,
    /// Like --accept-gaps: an incomplete scan exits 0.
    pub accept_gaps: Option<bool>,
}

/// Where reports go when no flag says.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    pub sarif: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
}

/// A loaded config file and where it came from.
#[derive(Debug, Default)]
pub struct Config {
    pub file: ConfigFile,
    /// The file's directory, against which its relative paths resolve.
    pub dir: PathBuf,
}

impl Config {
    /// `explicit` if given (it must exist), else `hihoji.yaml` in the first
    /// root that is a directory, or in the current directory when only files
    /// are scanned (as a pre-commit hook does), else the defaults.
    pub fn load(explicit: Option<&Path>, roots: &[PathBuf]) -> Result<Self> {
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => roots
                .iter()
                .find(|r| r.is_dir())
                .map_or(Path::new("."), PathBuf::as_path)
                .join(CONFIG_FILE)
                .canonicalize()
                .ok()
                .filter(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read config", path.display()))?;
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            // serde-saphyr's message carries the line and column of the problem.
            serde_saphyr::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: invalid config: {e}", path.display()))?
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config { file, dir })
    }

    /// A path from the file, resolved against the file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, text)?;
        Config::load(Some(&path), &[])
    }

    #[test]
    fn every_setting_is_read() {
        let config = load_text(
            "exclude: [\"*.log\"]\nrules: [extra.yaml]\nfail_on: error\nlimits:\n  max_file_size: 1000\n  max_depth: 3\noutput:\n  sarif: out.sarif\nbaseline: b.json\nthreads: 2\nfollow_symlinks: true\nrespect_gitignore: true\nlang: ja\naccept_gaps: true\n",
        )
        .unwrap();
        let f = &config.file;
        assert_eq!(f.exclude, vec!["*.log"]);
        assert_eq!(f.fail_on, Some(FailOn::Error));
        assert_eq!(f.limits.max_file_size, Some(crate::size::ByteSize(1000)));
        assert_eq!(f.limits.max_depth, Some(3));
        assert_eq!(f.output.sarif.as_deref(), Some(Path::new("out.sarif")));
        assert_eq!(f.lang, Some(LangArg::Ja));
        assert_eq!(f.accept_gaps, Some(true));
        assert_eq!(
            config.resolve(Path::new("extra.yaml")),
            config.dir.join("extra.yaml")
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_its_position() {
        let err = load_text("exclude: []\nfail_onn: error\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("fail_onn"), "{err}");
        assert!(err.contains('2'), "no line number: {err}");
    }

    #[test]
    fn missing_explicit_config_is_an_error() {
        let err = Config::load(Some(Path::new("/nonexistent/hihoji.yaml")), &[]).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/hihoji.yaml"), "{err}");
    }
}
