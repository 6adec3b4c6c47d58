//! Where a byte of a decoded stream came from: the offset a finding reports
//! and its where-details. Ground floor: decoders produce these maps, the text
//! scanner reads them, and this module imports neither.

use std::collections::BTreeMap;

/// Where a byte of a decoded stream came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcePosition {
    /// Offset to report (in the bytes the provenance's innermost layer names).
    pub offset: u64,
    /// Extra where-details for the finding (`frame`, `timestamp`, …).
    pub annotations: BTreeMap<String, String>,
}

/// Maps offsets in a decoded stream back to their source.
pub trait OffsetMap {
    fn locate(&self, offset: u64) -> SourcePosition;
}
