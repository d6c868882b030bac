//! AVX-512F kernels: eight bars per 512-bit vector.
//!
//! The fields of consecutive bars are 64 bytes apart; each vector is built from eight scalar
//! loads, as in the AVX2 kernels (on the AMD core measured, `vgatherqpd` was slower than the
//! loads it replaces). The last partial chunk is handled with scalar steps, in the lanes the
//! fixed association assigns.

use super::super::scalar::{SUM_LANES, combine_sums, nan_to_zero, step_max, step_min};
use super::super::{Backend, Field, Kernels, finish_max, finish_min};
use crate::bar::Bar;
use core::arch::x86_64::{
    __m512d, _CMP_ORD_Q, _mm512_cmp_pd_mask, _mm512_mask_add_pd, _mm512_max_pd, _mm512_min_pd,
    _mm512_set1_pd, _mm512_setr_pd, _mm512_setzero_pd, _mm512_storeu_pd,
};

pub(super) static KERNELS: Kernels = Kernels {
    backend: Backend::Avx512,
    max_high,
    min_low,
    sum_volume,
};

// The safe wrappers below are private and only reachable through `KERNELS`, which
// `avx512_kernels` hands out only when the CPU supports AVX-512F.

fn max_high(bars: &[Bar]) -> f64 {
    // SAFETY: reachable only through KERNELS, so AVX-512F is available (see above).
    unsafe { max_high_avx512(bars) }
}

fn min_low(bars: &[Bar]) -> f64 {
    // SAFETY: reachable only through KERNELS, so AVX-512F is available (see above).
    unsafe { min_low_avx512(bars) }
}

fn sum_volume(bars: &[Bar]) -> f64 {
    // SAFETY: reachable only through KERNELS, so AVX-512F is available (see above).
    unsafe { sum_volume_avx512(bars) }
}

#[target_feature(enable = "avx512f")]
fn max_high_avx512(bars: &[Bar]) -> f64 {
    // SAFETY: AVX-512F is enabled for this function.
    let raw = unsafe { raw_extreme::<true>(bars, Field::High) };
    finish_max(raw, bars, Field::High)
}

#[target_feature(enable = "avx512f")]
fn min_low_avx512(bars: &[Bar]) -> f64 {
    // SAFETY: AVX-512F is enabled for this function.
    let raw = unsafe { raw_extreme::<false>(bars, Field::Low) };
    finish_min(raw, bars, Field::Low)
}

#[target_feature(enable = "avx512f")]
fn sum_volume_avx512(bars: &[Bar]) -> f64 {
    // SAFETY: AVX-512F is enabled for this function.
    unsafe { sum(bars, Field::Volume) }
}

/// `field` of the eight bars of the chunk, in lane order.
///
/// # Safety
/// The CPU must support AVX-512F.
#[inline(always)]
unsafe fn load8(chunk: &[Bar; 8], field: Field) -> __m512d {
    let v = chunk.each_ref().map(|bar| field.get(bar));
    // SAFETY: the caller guarantees AVX-512F (the intrinsic only builds a vector from values).
    unsafe { _mm512_setr_pd(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]) }
}

/// The raw NaN-skipping maximum (`MAX`) or minimum of `field`, for `finish_max`/`finish_min`.
///
/// `vmaxpd(v, acc)` returns `acc` unless `v > acc`, so a NaN `v` leaves `acc` unchanged, and
/// the accumulator (starting at ∓inf) never becomes NaN.
///
/// # Safety
/// The CPU must support AVX-512F.
#[inline(always)]
unsafe fn raw_extreme<const MAX: bool>(bars: &[Bar], field: Field) -> f64 {
    let init = if MAX {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let (chunks, rest) = bars.as_chunks::<8>();
    let mut lanes = [init; 8];
    // SAFETY: the caller guarantees AVX-512F; the store writes the eight-element `lanes`.
    unsafe {
        let mut acc = _mm512_set1_pd(init);
        for chunk in chunks {
            let v = load8(chunk, field);
            acc = if MAX {
                _mm512_max_pd(v, acc)
            } else {
                _mm512_min_pd(v, acc)
            };
        }
        _mm512_storeu_pd(lanes.as_mut_ptr(), acc);
    }
    let step = if MAX { step_max } else { step_min };
    let vector = lanes.into_iter().fold(init, step);
    rest.iter().map(|bar| field.get(bar)).fold(vector, step)
}

/// The fixed-association sum of `field`: lane k of the accumulator is partial sum k, and
/// the NaN lanes are left out by the add mask (the same as adding `+0.0`).
///
/// # Safety
/// The CPU must support AVX-512F.
#[inline(always)]
unsafe fn sum(bars: &[Bar], field: Field) -> f64 {
    let (chunks, rest) = bars.as_chunks::<SUM_LANES>();
    let mut lanes = [0.0; SUM_LANES];
    // SAFETY: the caller guarantees AVX-512F; the store writes the eight-element `lanes`.
    unsafe {
        let mut acc = _mm512_setzero_pd();
        for chunk in chunks {
            let v = load8(chunk, field);
            let valid = _mm512_cmp_pd_mask::<_CMP_ORD_Q>(v, v);
            acc = _mm512_mask_add_pd(acc, valid, acc, v);
        }
        _mm512_storeu_pd(lanes.as_mut_ptr(), acc);
    }
    // Bar k of the last partial chunk belongs to lane k.
    for (lane, bar) in lanes.iter_mut().zip(rest) {
        *lane += nan_to_zero(field.get(bar));
    }
    combine_sums(lanes)
}
