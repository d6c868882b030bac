//! Scalar kernels: plain Rust with no explicit SIMD (the compiler may still auto-vectorise).
//!
//! This backend is the reference the others are tested against and the fallback on every
//! target. Each function follows the contract written in the [module docs](super) exactly;
//! the other backends must return the same bits.

use super::{Field, finish_max, finish_min};
use crate::bar::Bar;

/// Number of partial sums in the fixed association of [`sum_volume`] (see the module docs).
pub(crate) const SUM_LANES: usize = 8;

/// Adds the eight partial sums of [`sum_volume`] in the fixed tree
/// `((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))`.
///
/// The tree is the natural horizontal reduction of two 4-lane vectors (lanes 0-3 and 4-7):
/// add the halves, then the 128-bit halves, then the two remaining lanes.
#[inline(always)]
pub(crate) fn combine_sums(l: [f64; SUM_LANES]) -> f64 {
    ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

/// `v`, or `+0.0` when `v` is NaN. Adding `+0.0` to a partial sum that starts at `+0.0` never
/// changes it (such a sum is never `-0.0`), so this is the same as skipping the NaN.
#[inline(always)]
pub(crate) fn nan_to_zero(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v }
}

/// One step of a NaN-skipping maximum: `x` replaces `acc` only when strictly greater, which is
/// also what `maxpd(x, acc)` computes (a NaN `x` compares false and leaves `acc`).
#[inline(always)]
pub(crate) fn step_max(acc: f64, x: f64) -> f64 {
    if x > acc { x } else { acc }
}

/// One step of a NaN-skipping minimum (`minpd(x, acc)`).
#[inline(always)]
pub(crate) fn step_min(acc: f64, x: f64) -> f64 {
    if x < acc { x } else { acc }
}

/// The raw maximum of one field over eight interleaved lanes: the largest non-NaN value (sign
/// of a zero unspecified), or `-inf` when there is none larger than `-inf`.
#[inline(always)]
fn raw_max(bars: &[Bar], field: Field) -> f64 {
    let mut lanes = [f64::NEG_INFINITY; 8];
    let mut chunks = bars.chunks_exact(8);
    for chunk in &mut chunks {
        for (lane, bar) in lanes.iter_mut().zip(chunk) {
            *lane = step_max(*lane, field.get(bar));
        }
    }
    for (lane, bar) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane = step_max(*lane, field.get(bar));
    }
    lanes.into_iter().fold(f64::NEG_INFINITY, step_max)
}

/// The raw minimum of one field (see [`raw_max`]); `+inf` when there is nothing smaller.
#[inline(always)]
fn raw_min(bars: &[Bar], field: Field) -> f64 {
    let mut lanes = [f64::INFINITY; 8];
    let mut chunks = bars.chunks_exact(8);
    for chunk in &mut chunks {
        for (lane, bar) in lanes.iter_mut().zip(chunk) {
            *lane = step_min(*lane, field.get(bar));
        }
    }
    for (lane, bar) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane = step_min(*lane, field.get(bar));
    }
    lanes.into_iter().fold(f64::INFINITY, step_min)
}

/// Highest `high`, NaN skipped (see [`super::max_high`]).
pub(crate) fn max_high(bars: &[Bar]) -> f64 {
    finish_max(raw_max(bars, Field::High), bars, Field::High)
}

/// Lowest `low`, NaN skipped (see [`super::min_low`]).
pub(crate) fn min_low(bars: &[Bar]) -> f64 {
    finish_min(raw_min(bars, Field::Low), bars, Field::Low)
}

/// Sum of `volume` in the fixed association (see [`super::sum_volume`]).
pub(crate) fn sum_volume(bars: &[Bar]) -> f64 {
    let mut lanes = [0.0_f64; SUM_LANES];
    let mut chunks = bars.chunks_exact(SUM_LANES);
    for chunk in &mut chunks {
        for (lane, bar) in lanes.iter_mut().zip(chunk) {
            *lane += nan_to_zero(bar.volume);
        }
    }
    for (lane, bar) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane += nan_to_zero(bar.volume);
    }
    combine_sums(lanes)
}

/// First non-NaN value of `field`, or NaN.
#[inline]
pub(crate) fn first_valid(bars: &[Bar], field: Field) -> f64 {
    bars.iter()
        .map(|bar| field.get(bar))
        .find(|v| !v.is_nan())
        .unwrap_or(f64::NAN)
}

/// Last non-NaN value of `field`, or NaN.
#[inline]
pub(crate) fn last_valid(bars: &[Bar], field: Field) -> f64 {
    bars.iter()
        .rev()
        .map(|bar| field.get(bar))
        .find(|v| !v.is_nan())
        .unwrap_or(f64::NAN)
}

/// pandas' compensated (Kahan) sum, step by step as its Cython `group_sum` does it.
///
/// The loop is split so that the common step (a non-NaN value whose compensation stays
/// finite) has no select on the dependency chain `c -> y -> t -> c`: both exceptional cases
/// leave the inner loop through a branch, and the outer loop finishes that one value with
/// the full rules. The results are the same as the plain per-value rules.
#[inline(always)]
pub(crate) fn kahan_sum(bars: &[Bar]) -> f64 {
    let mut sum = 0.0_f64;
    let mut comp = 0.0_f64;
    let mut i = 0;
    while i < bars.len() {
        while let Some(bar) = bars.get(i) {
            let v = bar.volume;
            if v.is_nan() {
                break;
            }
            let y = v - comp;
            let t = sum + y;
            let c = (t - sum) - y;
            if !c.is_finite() {
                break;
            }
            comp = c;
            sum = t;
            i += 1;
        }
        // Slow path for bars[i] (if any): a NaN value, or a compensation that is not finite.
        if let Some(bar) = bars.get(i) {
            let v = bar.volume;
            if !v.is_nan() {
                let y = v - comp;
                let t = sum + y;
                comp = (t - sum) - y;
                if !comp.is_finite() {
                    comp = 0.0;
                }
                sum = t;
            }
            i += 1;
        }
    }
    sum
}

/// The slice as one bar (see [`super::fold`]), in one pass: the Kahan chain bounds the speed
/// (four dependent additions per bar), and the max/min updates run beside it for free.
pub(crate) fn fold(bars: &[Bar]) -> Option<Bar> {
    let first = bars.first()?;
    let mut high = f64::NEG_INFINITY;
    let mut low = f64::INFINITY;
    let mut sum = 0.0_f64;
    let mut comp = 0.0_f64;
    let mut i = 0;
    while i < bars.len() {
        while let Some(bar) = bars.get(i) {
            high = step_max(high, bar.high);
            low = step_min(low, bar.low);
            let v = bar.volume;
            if v.is_nan() {
                break;
            }
            let y = v - comp;
            let t = sum + y;
            let c = (t - sum) - y;
            if !c.is_finite() {
                break;
            }
            comp = c;
            sum = t;
            i += 1;
        }
        // Slow path for the volume of bars[i] (its high and low are already counted).
        if let Some(bar) = bars.get(i) {
            let v = bar.volume;
            if !v.is_nan() {
                let y = v - comp;
                let t = sum + y;
                comp = (t - sum) - y;
                if !comp.is_finite() {
                    comp = 0.0;
                }
                sum = t;
            }
            i += 1;
        }
    }
    Some(Bar::new(
        first.ts,
        first_valid(bars, Field::Open),
        finish_max(high, bars, Field::High),
        finish_min(low, bars, Field::Low),
        last_valid(bars, Field::Close),
        sum,
    ))
}
