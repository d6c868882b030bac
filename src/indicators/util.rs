//! Shared helpers: argument checks, the gap driver, scalar math missing from `core`.

use super::{IndicatorError, MAX_PERIOD};

/// `Ok` when `found == expected`.
#[inline]
pub(crate) fn same_len(expected: usize, found: usize) -> Result<(), IndicatorError> {
    if expected == found {
        Ok(())
    } else {
        Err(IndicatorError::LengthMismatch { expected, found })
    }
}

/// Validates a period against `min..=MAX_PERIOD`.
#[inline]
pub(crate) fn period(
    name: &'static str,
    value: usize,
    min: usize,
) -> Result<usize, IndicatorError> {
    if (min..=MAX_PERIOD).contains(&value) {
        Ok(value)
    } else {
        Err(IndicatorError::InvalidPeriod {
            name,
            value,
            min,
            max: MAX_PERIOD,
        })
    }
}

/// Validates that a streaming window fits the state's capacity.
#[inline]
pub(crate) fn fits(window: usize, capacity: usize) -> Result<(), IndicatorError> {
    if window <= capacity {
        Ok(())
    } else {
        Err(IndicatorError::WindowTooLarge { window, capacity })
    }
}

/// Validates a real parameter.
#[inline]
pub(crate) fn finite_param(name: &'static str, v: f64) -> Result<f64, IndicatorError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(IndicatorError::InvalidParameter { name })
    }
}

/// True for a usable (finite) input.
#[inline(always)]
pub(crate) fn ok(x: f64) -> bool {
    x.is_finite()
}

/// True when both values are finite: one test on their sum in the common case, the exact
/// per-value test only when the sum is not finite (a gap, or an overflowing sum).
#[inline(always)]
pub(crate) fn ok2(a: f64, b: f64) -> bool {
    (a + b).is_finite() || (ok(a) & ok(b))
}

/// [`ok2`] for three values.
#[inline(always)]
pub(crate) fn ok3(a: f64, b: f64, c: f64) -> bool {
    (a + b + c).is_finite() || (ok(a) & ok(b) & ok(c))
}

/// [`ok2`] for four values.
#[inline(always)]
pub(crate) fn ok4(a: f64, b: f64, c: f64, d: f64) -> bool {
    (a + b + c + d).is_finite() || (ok(a) & ok(b) & ok(c) & ok(d))
}

/// Runs `segment(start)` over gap-free runs: `segment` computes outputs from `start` on, as if
/// the series began there, and stops at the first gap, returning its index (having written NaN
/// there), or `None` at the end. The next run starts right after the gap.
#[inline]
pub(crate) fn by_segments(n: usize, mut segment: impl FnMut(usize) -> Option<usize>) {
    let mut start = 0;
    while start < n {
        match segment(start) {
            Some(gap) => start = gap + 1,
            None => return,
        }
    }
}

/// Correctly rounded square root (IEEE `sqrt`; `core` has none).
#[inline(always)]
pub(crate) fn sqrt(x: f64) -> f64 {
    wide::f64x2::from([x, x]).sqrt().to_array()[0]
}

/// Converts a period to `f64` (exact: periods are at most [`MAX_PERIOD`]).
#[inline(always)]
pub(crate) fn pf(p: usize) -> f64 {
    p as f64
}
