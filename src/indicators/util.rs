//! Shared helpers: argument checks, the gap driver, scalar math missing from `core`.

use super::{IndicatorError, MAX_PERIOD, Series};

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

/// True when the CPU runs AVX2 instructions (run-time detection with `std`, the compile-time
/// target without).
#[cfg(target_arch = "x86_64")]
#[cfg_attr(target_feature = "avx2", allow(dead_code))]
#[inline]
pub(crate) fn avx2() -> bool {
    #[cfg(feature = "std")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(feature = "std"))]
    {
        cfg!(target_feature = "avx2")
    }
}

/// Defines `fn $name<..>(args) -> R` that runs `$inner::<..>(args)` compiled for AVX2 when
/// the CPU has it. The batch kernels are written as plain slice loops (`#[inline(always)]`, no
/// closures in the hot paths) that the compiler vectorises, four `f64` at a time under AVX2,
/// two with the x86-64 baseline: the same operations, so the same bits, either way.
macro_rules! avx2_dispatch {
    (
        $(#[$m:meta])*
        fn $name:ident [$($gen:tt)*] ($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty
        = $inner:ident [$($use:tt)*]
    ) => {
        $(#[$m])*
        fn $name<$($gen)*>($($arg: $ty),*) -> $ret {
            #[cfg(all(target_arch = "x86_64", not(target_feature = "avx2")))]
            if $crate::indicators::util::avx2() {
                #[target_feature(enable = "avx2")]
                fn go<$($gen)*>($($arg: $ty),*) -> $ret {
                    $inner::<$($use)*>($($arg),*)
                }
                // SAFETY: `avx2()` confirmed that the CPU supports the `avx2` feature `go` is
                // compiled for.
                return unsafe { go::<$($use)*>($($arg),*) };
            }
            $inner::<$($use)*>($($arg),*)
        }
    };
}
pub(crate) use avx2_dispatch;

/// Outputs per piece of the piecewise batch kernels: a piece's inputs are checked for gaps and
/// then run through the kernel while they are still in cache.
pub(crate) const PIECE: usize = 1024;

/// Index of the first non-finite value of `x`, if any (vectorisable: eight values at a time).
#[inline(always)]
pub(crate) fn first_bad(x: &[f64]) -> Option<usize> {
    let mut chunks = x.chunks_exact(8);
    let mut base = 0;
    for c in chunks.by_ref() {
        if !c.iter().fold(true, |a, v| a & v.is_finite()) {
            return c.iter().position(|v| !v.is_finite()).map(|i| base + i);
        }
        base += 8;
    }
    let r = chunks.remainder();
    r.iter().position(|v| !v.is_finite()).map(|i| base + i)
}

/// Index of the first non-finite value of `x[a..b]` (absolute), if any.
#[inline(always)]
pub(crate) fn gap_in<S: Series>(x: S, a: usize, b: usize) -> Option<usize> {
    match x.as_slice() {
        Some(s) => first_bad(s.get(a..b).unwrap_or(&[])).map(|q| a + q),
        None => x
            .values_from(a)
            .take(b.saturating_sub(a))
            .position(|v| !ok(v))
            .map(|q| a + q),
    }
}

/// `x[a..b]` as a slice: borrowed when `x` is a column, else copied into `buf` (which must
/// hold `b − a` values; the result is shorter if it does not).
#[inline(always)]
pub(crate) fn values<'a, S: Series>(x: &'a S, a: usize, b: usize, buf: &'a mut [f64]) -> &'a [f64] {
    match x.as_slice() {
        Some(s) => s.get(a..b).unwrap_or(&[]),
        None => {
            let n = b.saturating_sub(a).min(buf.len());
            let d = &mut buf[..n];
            for (o, v) in d.iter_mut().zip(x.values_from(a)) {
                *o = v;
            }
            d
        }
    }
}

/// Asks the CPU to start loading `x` into cache (one hint per 64-byte line; no effect off
/// x86-64). The piecewise kernels call it on the next piece's inputs before working on the
/// current one, so that memory transfers overlap the computation.
#[inline(always)]
pub(crate) fn prefetch<S: Series>(x: S, a: usize, b: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = x.as_slice().and_then(|s| s.get(a..b.min(s.len()))) {
        for line in s.chunks(8) {
            // SAFETY: a prefetch never faults whatever the address, and the pointer comes from
            // a live slice; SSE is part of x86-64.
            unsafe {
                core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
                    line.as_ptr().cast(),
                )
            };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (x, a, b);
}
