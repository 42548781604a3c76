//! WebIDL conversions a binding layer performs before the engine sees a value.

/// The largest value `[EnforceRange] unsigned long long` accepts (2^53 - 1,
/// JavaScript's `Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a JavaScript number is not a valid `[EnforceRange] unsigned long long`.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("Value is outside the 'unsigned long long' value range.")]
pub struct EnforceRangeError(pub f64);

/// Converts a JavaScript number to `[EnforceRange] unsigned long long` (WebIDL
/// §3.2.4.9): NaN, ±Infinity, and values outside 0..=2^53-1 after truncation
/// throw `TypeError`; fractions are truncated toward zero.
pub fn enforce_range_u64(value: f64) -> Result<u64, EnforceRangeError> {
    if !value.is_finite() {
        return Err(EnforceRangeError(value));
    }
    let truncated = value.trunc();
    if truncated < 0.0 || truncated > MAX_SAFE_INTEGER as f64 {
        return Err(EnforceRangeError(value));
    }
    Ok(truncated as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforce_range() {
        assert_eq!(enforce_range_u64(0.0), Ok(0));
        assert_eq!(enforce_range_u64(1500.9), Ok(1500));
        assert_eq!(enforce_range_u64(-0.5), Ok(0));
        assert!(enforce_range_u64(-1.0).is_err());
        assert!(enforce_range_u64(f64::NAN).is_err());
        assert!(enforce_range_u64(f64::INFINITY).is_err());
        assert!(enforce_range_u64(9_007_199_254_740_992.0).is_err());
        assert_eq!(enforce_range_u64(9_007_199_254_740_991.0), Ok(MAX_SAFE_INTEGER));
    }
}
