//! AVX-512F kernels: eight bars per 512-bit vector.
//!
//! One `vgatherqpd` collects a field of eight consecutive bars (64 bytes apart). The last
//! partial chunk is gathered under a lane mask, so masked-off lanes read no memory.

use super::super::scalar::{SUM_LANES, combine_sums};
use super::super::{Backend, Field, Kernels, finish_max, finish_min, scalar};
use crate::bar::Bar;
use core::arch::x86_64::{
    __m512d, __mmask8, _CMP_ORD_Q, _mm512_cmp_pd_mask, _mm512_mask_add_pd,
    _mm512_mask_i64gather_pd, _mm512_max_pd, _mm512_min_pd, _mm512_reduce_max_pd,
    _mm512_reduce_min_pd, _mm512_set1_pd, _mm512_setr_epi64, _mm512_setzero_pd, _mm512_storeu_pd,
};

pub(super) static KERNELS: Kernels = Kernels {
    backend: Backend::Avx512,
    max_high,
    min_low,
    sum_volume,
    fold: scalar::fold,
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

/// `field` of the first `min(8, bars.len())` bars in the low lanes; the other lanes hold
/// `fill` and read no memory.
///
/// # Safety
/// The CPU must support AVX-512F.
#[inline(always)]
unsafe fn gather8(bars: &[Bar], field: Field, fill: __m512d) -> __m512d {
    let n = bars.len().min(8);
    let mask: __mmask8 = if n == 8 { 0xff } else { (1u8 << n) - 1 };
    let words = bars.as_ptr().cast::<f64>();
    // SAFETY: the caller guarantees AVX-512F. A bar is eight 8-byte words and `slot() < 8`,
    // so lane k reads `field` of bars[k], 64·k bytes after `field` of bars[0]; lanes k >= n
    // are masked off and read nothing, so only bars[..n] are read (none when n == 0).
    // Every bit pattern is a valid f64.
    unsafe {
        let base = words.wrapping_add(field.slot());
        _mm512_mask_i64gather_pd::<8>(
            fill,
            mask,
            _mm512_setr_epi64(0, 8, 16, 24, 32, 40, 48, 56),
            base,
        )
    }
}

/// The raw NaN-skipping maximum (`MAX`) or minimum of `field`, for `finish_max`/`finish_min`.
///
/// `vmaxpd(v, acc)` returns `acc` unless `v > acc`, so a NaN `v` leaves `acc` unchanged, and
/// the accumulator (starting at ∓inf) never becomes NaN. The horizontal reduction at the end
/// only sees non-NaN lanes, so its order does not matter (a zero's sign is fixed afterwards).
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
    // SAFETY: the caller guarantees AVX-512F; `gather8` reads only bars of its slice.
    unsafe {
        let fill = _mm512_set1_pd(init);
        let mut acc = fill;
        for chunk in bars.chunks(8) {
            let v = gather8(chunk, field, fill);
            acc = if MAX {
                _mm512_max_pd(v, acc)
            } else {
                _mm512_min_pd(v, acc)
            };
        }
        if MAX {
            _mm512_reduce_max_pd(acc)
        } else {
            _mm512_reduce_min_pd(acc)
        }
    }
}

/// The fixed-association sum of `field`: lane k of the accumulator is partial sum k. NaN
/// lanes, and the missing lanes of the last chunk, are left out by the add mask.
///
/// # Safety
/// The CPU must support AVX-512F.
#[inline(always)]
unsafe fn sum(bars: &[Bar], field: Field) -> f64 {
    let mut lanes = [0.0; SUM_LANES];
    // SAFETY: the caller guarantees AVX-512F; `gather8` reads only bars of its slice, and
    // the store writes the eight-element `lanes` array.
    unsafe {
        let mut acc = _mm512_setzero_pd();
        for chunk in bars.chunks(SUM_LANES) {
            // Missing lanes of a short chunk are NaN, so the ordered mask drops them too.
            let v = gather8(chunk, field, _mm512_set1_pd(f64::NAN));
            let valid = _mm512_cmp_pd_mask::<_CMP_ORD_Q>(v, v);
            acc = _mm512_mask_add_pd(acc, valid, acc, v);
        }
        _mm512_storeu_pd(lanes.as_mut_ptr(), acc);
    }
    combine_sums(lanes)
}
