//! Portable kernels on the `wide` crate.
//!
//! `wide` picks its instructions when the crate is compiled (SSE2 on a default x86-64 build,
//! NEON on aarch64, scalar code elsewhere), so this backend is always available and never
//! needs run-time detection. Lanes are filled from eight consecutive bars at a time.

use super::scalar::{SUM_LANES, combine_sums};
use super::{Backend, Field, Kernels, finish_max, finish_min, scalar};
use crate::bar::Bar;
use wide::f64x2;

pub(crate) static KERNELS: Kernels = Kernels {
    backend: Backend::Wide,
    max_high,
    min_low,
    sum_volume,
};

/// Field `field` of bars `2j` and `2j + 1` of an eight-bar chunk.
#[inline(always)]
fn pair(chunk: &[Bar], j: usize, field: Field) -> f64x2 {
    f64x2::new([field.get(&chunk[2 * j]), field.get(&chunk[2 * j + 1])])
}

/// Reduces four vectors of NaN-free lanes with `step` (max or min of two non-NaN values).
#[inline(always)]
fn reduce(acc: [f64x2; 4], init: f64, step: fn(f64, f64) -> f64) -> f64 {
    acc.iter().flat_map(|v| v.to_array()).fold(init, step)
}

/// `x` where `x > acc`, else `acc`: a NaN `x` compares false and is skipped, and the
/// accumulators never become NaN. (A compare and a bit-select: fewer instructions than
/// `wide`'s NaN-aware `max`, and unlike `fast_max` its NaN behaviour is specified.)
#[inline(always)]
fn vmax(acc: f64x2, x: f64x2) -> f64x2 {
    x.simd_gt(acc).bitselect(x, acc)
}

/// `x` where `x < acc`, else `acc` (see [`vmax`]).
#[inline(always)]
fn vmin(acc: f64x2, x: f64x2) -> f64x2 {
    x.simd_lt(acc).bitselect(x, acc)
}

#[inline(always)]
fn raw_max(bars: &[Bar], field: Field) -> f64 {
    let mut acc = [f64x2::splat(f64::NEG_INFINITY); 4];
    let mut chunks = bars.chunks_exact(8);
    for chunk in &mut chunks {
        for (j, a) in acc.iter_mut().enumerate() {
            *a = vmax(*a, pair(chunk, j, field));
        }
    }
    let tail = chunks
        .remainder()
        .iter()
        .map(|bar| field.get(bar))
        .fold(f64::NEG_INFINITY, scalar::step_max);
    scalar::step_max(reduce(acc, f64::NEG_INFINITY, scalar::step_max), tail)
}

#[inline(always)]
fn raw_min(bars: &[Bar], field: Field) -> f64 {
    let mut acc = [f64x2::splat(f64::INFINITY); 4];
    let mut chunks = bars.chunks_exact(8);
    for chunk in &mut chunks {
        for (j, a) in acc.iter_mut().enumerate() {
            *a = vmin(*a, pair(chunk, j, field));
        }
    }
    let tail = chunks
        .remainder()
        .iter()
        .map(|bar| field.get(bar))
        .fold(f64::INFINITY, scalar::step_min);
    scalar::step_min(reduce(acc, f64::INFINITY, scalar::step_min), tail)
}

fn max_high(bars: &[Bar]) -> f64 {
    finish_max(raw_max(bars, Field::High), bars, Field::High)
}

fn min_low(bars: &[Bar]) -> f64 {
    finish_min(raw_min(bars, Field::Low), bars, Field::Low)
}

/// Lanes `2j, 2j + 1` of the fixed association live in `acc[j]`.
fn sum_volume(bars: &[Bar]) -> f64 {
    let mut acc = [f64x2::ZERO; SUM_LANES / 2];
    let mut chunks = bars.chunks_exact(SUM_LANES);
    for chunk in &mut chunks {
        for (j, a) in acc.iter_mut().enumerate() {
            let v = pair(chunk, j, Field::Volume);
            // NaN lanes become +0.0 (the mask is all ones where v == v, zero where v is NaN).
            *a += v & v.simd_eq(v);
        }
    }
    let mut lanes = [0.0; SUM_LANES];
    for (j, a) in acc.iter().enumerate() {
        lanes[2 * j..2 * j + 2].copy_from_slice(&a.to_array());
    }
    // Bar k of the last partial chunk belongs to lane k.
    for (lane, bar) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane += scalar::nan_to_zero(bar.volume);
    }
    combine_sums(lanes)
}
