//! Reductions over `&[Bar]`: highest high, lowest low, first open, last close, volume sums,
//! and the whole slice folded into one bar, with SIMD backends chosen at run time.
//!
//! # Semantics (the same for every backend)
//!
//! The reductions follow the pandas aggregations that the resample pipeline uses
//! (`first`, `max`, `min`, `last`, `sum` on a resampled or grouped `float64` column), as
//! computed by pandas' Cython group kernels:
//!
//! | function | result | empty or all-NaN |
//! |---|---|---|
//! | [`max_high`] | largest non-NaN `high` | NaN |
//! | [`min_low`] | smallest non-NaN `low` | NaN |
//! | [`first_open`] | first non-NaN `open` | NaN |
//! | [`last_close`] | last non-NaN `close` | NaN |
//! | [`sum_volume`] | sum of the non-NaN volumes, fixed association (below) | `0.0` |
//! | [`sum_volume_kahan`] | pandas' compensated sum of the non-NaN volumes | `0.0` |
//! | [`fold`] | one bar made of the above (Kahan volume) | `None` if empty |
//!
//! **NaN policy: NaN values are skipped**, as pandas does with its default `skipna`. A NaN
//! result means "no valid value"; it is the canonical [`f64::NAN`]. Infinities are ordinary
//! values: `max_high` of `[-inf]` is `-inf`, a sum holding `+inf` and `-inf` is NaN.
//!
//! **Signed zeros.** `+0.0` and `-0.0` compare equal, so when the extreme is a zero both may
//! qualify. [`max_high`] and [`min_low`] then return the *first* zero of the slice, with its
//! sign, because pandas' `group_max`/`group_min` only replace the running value with a strictly
//! greater (smaller) one. Every backend follows this rule, so all of them return the same bits.
//!
//! **`sum_volume` association.** A floating-point sum depends on the order of the additions.
//! So that every backend returns the same bits, the association is fixed: eight partial sums
//! `l0..l7`, all starting at `+0.0`; the volume of bar `i` is added to `l[i % 8]` (NaN
//! skipped); the result is `((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))`. It is fast
//! and usually closer to the exact sum than a left-to-right loop, but it is not what pandas
//! computes: use [`sum_volume_kahan`] for pandas-identical volumes.
//!
//! **`sum_volume_kahan`** is bit-identical to pandas' Cython `group_sum`: starting from
//! `s = c = 0.0`, for each non-NaN `v`: `y = v - c; t = s + y; c = (t - s) - y; s = t`, and
//! `c` is reset to `0.0` when it is not finite (around infinities, or when a partial sum
//! overflows). That is the sum behind the pipeline's resampled volumes. pandas changed the
//! reset over time: none before 2.1 (an infinite volume made the sum NaN), "when NaN" from
//! 2.1 (pandas issue 53606), "when not finite" from 3.0 (issue 60303); the last two differ
//! only when a partial sum overflows. And pandas 3.1 sums *sorted, NaN-free* groups with
//! NumPy's `add.reduceat` instead, which is not compensated (pull request 65103); the
//! compensated kernel is still what it uses for groups holding a NaN.
//!
//! # Backends
//!
//! | [`Backend`] | code | chosen when |
//! |---|---|---|
//! | `Scalar` | plain Rust: the reference, and the kernels for short slices | through [`kernels`] only |
//! | `Wide` | the `wide` crate: SSE2 on x86-64, NEON on aarch64, scalar elsewhere | nothing wider is available |
//! | `Avx2` | `core::arch` AVX2 intrinsics | the CPU has AVX2 |
//! | `Avx512` | `core::arch` AVX-512F intrinsics | the CPU has AVX-512F |
//!
//! With the `std` feature the backend is detected once, at the first call
//! (`is_x86_feature_detected!`), and kept for the life of the process. Without `std`
//! it is chosen at compile time from the enabled target features (`-C target-feature=+avx2`,
//! or a `target-cpu`). [`backend`] reports the choice; [`kernels`] hands out any backend's
//! kernels, which is how the tests run each of them on the same inputs.
//!
//! Only the reductions that benefit are dispatched ([`Kernels`]); the others have a single
//! implementation:
//!
//! * [`first_open`] and [`last_close`] stop at the first valid value they meet.
//! * [`sum_volume_kahan`] is one chain of four dependent additions per bar
//!   (`c -> y -> t -> c`), which no reordering may shorten without changing the bits. It runs
//!   at about one bar per four addition latencies, whatever the vector width.
//! * [`fold`] is bounded by that same chain; its max/min updates run beside it in the same
//!   pass at no measurable cost, so vector max/min would not make it faster.
//!
//! Slices shorter than [`SHORT_SLICE`] bars skip dispatch and use the scalar kernels (the
//! results are the same).
//!
//! Each bar is a whole 64-byte cache line, so a reduction of one field reads one line per
//! bar: past the L1 cache every backend is bounded by how fast lines arrive, and the wider
//! backends mainly save instructions while the data is cache-resident.

use crate::bar::Bar;
use core::fmt;

mod portable;
mod scalar;
#[cfg(target_arch = "x86_64")]
mod x86_64;

/// Slices shorter than this many bars skip dispatch and use the scalar kernels.
pub const SHORT_SLICE: usize = 16;

/// A SIMD backend, named as [`backend`] reports it.
///
/// The discriminants are stable (the C ABI reports them as integers).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Plain Rust: the reference implementation and the fallback.
    Scalar = 0,
    /// The `wide` crate, with instructions chosen at compile time (SSE2 on a default x86-64
    /// build, NEON on aarch64).
    Wide = 1,
    /// x86-64 AVX2 intrinsics, chosen at run time.
    Avx2 = 2,
    /// x86-64 AVX-512F intrinsics, chosen at run time.
    Avx512 = 3,
}

impl Backend {
    /// Every backend, from the simplest to the widest.
    pub const ALL: [Backend; 4] = [
        Backend::Scalar,
        Backend::Wide,
        Backend::Avx2,
        Backend::Avx512,
    ];

    /// Lower-case name: `"scalar"`, `"wide"`, `"avx2"` or `"avx512"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Wide => "wide",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
        }
    }

    /// True when this CPU (or, without `std`, this build) can run the backend.
    #[must_use]
    pub fn is_available(self) -> bool {
        kernels(self).is_some()
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The dispatched kernels of one backend. Get one from [`kernels`]; every method computes
/// exactly what the free function of the same name documents.
#[derive(Debug)]
pub struct Kernels {
    pub(crate) backend: Backend,
    pub(crate) max_high: fn(&[Bar]) -> f64,
    pub(crate) min_low: fn(&[Bar]) -> f64,
    pub(crate) sum_volume: fn(&[Bar]) -> f64,
}

impl Kernels {
    /// The backend these kernels belong to.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// [`max_high`] computed by this backend.
    #[must_use]
    pub fn max_high(&self, bars: &[Bar]) -> f64 {
        (self.max_high)(bars)
    }

    /// [`min_low`] computed by this backend.
    #[must_use]
    pub fn min_low(&self, bars: &[Bar]) -> f64 {
        (self.min_low)(bars)
    }

    /// [`sum_volume`] computed by this backend.
    #[must_use]
    pub fn sum_volume(&self, bars: &[Bar]) -> f64 {
        (self.sum_volume)(bars)
    }
}

static SCALAR: Kernels = Kernels {
    backend: Backend::Scalar,
    max_high: scalar::max_high,
    min_low: scalar::min_low,
    sum_volume: scalar::sum_volume,
};

/// The kernels of `backend`, or `None` when this CPU (without `std`: this build) cannot run
/// them or the target is not x86-64.
#[must_use]
pub fn kernels(backend: Backend) -> Option<&'static Kernels> {
    match backend {
        Backend::Scalar => Some(&SCALAR),
        Backend::Wide => Some(&portable::KERNELS),
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 => x86_64::avx2_kernels(),
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => x86_64::avx512_kernels(),
        #[cfg(not(target_arch = "x86_64"))]
        Backend::Avx2 | Backend::Avx512 => None,
    }
}

/// Order of preference: the first available backend is the one dispatched to.
const PREFERENCE: [Backend; 4] = [
    Backend::Avx512,
    Backend::Avx2,
    Backend::Wide,
    Backend::Scalar,
];

fn detect() -> &'static Kernels {
    PREFERENCE.into_iter().find_map(kernels).unwrap_or(&SCALAR)
}

#[cfg(feature = "std")]
fn selected() -> &'static Kernels {
    static SELECTED: std::sync::OnceLock<&'static Kernels> = std::sync::OnceLock::new();
    SELECTED.get_or_init(detect)
}

#[cfg(not(feature = "std"))]
fn selected() -> &'static Kernels {
    // Without std, availability is a compile-time constant, so this is cheap to redo.
    detect()
}

/// The backend that the free functions of this module dispatch to.
///
/// ```
/// let b = ohlcv::simd::backend();
/// assert!(b.is_available());
/// ```
#[must_use]
pub fn backend() -> Backend {
    selected().backend
}

/// Highest `high`, skipping NaN; NaN when the slice is empty or all NaN. A zero maximum is
/// returned with the sign of the first zero in the slice. See the [module docs](self).
///
/// ```
/// use ohlcv::{Bar, simd::max_high};
/// let bars = [Bar::new(0, 1.0, 2.0, 0.5, 1.5, 10.0), Bar::new(60_000, 1.5, f64::NAN, 1.0, 1.2, 5.0)];
/// assert_eq!(max_high(&bars), 2.0);
/// assert!(max_high(&[]).is_nan());
/// ```
#[must_use]
pub fn max_high(bars: &[Bar]) -> f64 {
    if bars.len() < SHORT_SLICE {
        scalar::max_high(bars)
    } else {
        selected().max_high(bars)
    }
}

/// Lowest `low`, skipping NaN; NaN when the slice is empty or all NaN. A zero minimum is
/// returned with the sign of the first zero in the slice. See the [module docs](self).
#[must_use]
pub fn min_low(bars: &[Bar]) -> f64 {
    if bars.len() < SHORT_SLICE {
        scalar::min_low(bars)
    } else {
        selected().min_low(bars)
    }
}

/// First non-NaN `open`; NaN when there is none (pandas `first`).
#[must_use]
pub fn first_open(bars: &[Bar]) -> f64 {
    scalar::first_valid(bars, Field::Open)
}

/// Last non-NaN `close`; NaN when there is none (pandas `last`).
#[must_use]
pub fn last_close(bars: &[Bar]) -> f64 {
    scalar::last_valid(bars, Field::Close)
}

/// Sum of the non-NaN volumes in the fixed association of the [module docs](self); `0.0`
/// when there are none. Fast, the same bits on every backend, but not pandas' sum.
#[must_use]
pub fn sum_volume(bars: &[Bar]) -> f64 {
    if bars.len() < SHORT_SLICE {
        scalar::sum_volume(bars)
    } else {
        selected().sum_volume(bars)
    }
}

/// Sum of the non-NaN volumes, bit-identical to pandas' compensated (Kahan) group sum;
/// `0.0` when there are none.
///
/// ```
/// use ohlcv::{Bar, simd::sum_volume_kahan};
/// let bars = [Bar::new(0, 1.0, 1.0, 1.0, 1.0, 0.1); 10];
/// assert_eq!(sum_volume_kahan(&bars), 1.0); // a plain loop gives 0.9999999999999999
/// ```
#[must_use]
pub fn sum_volume_kahan(bars: &[Bar]) -> f64 {
    scalar::kahan_sum(bars)
}

/// The whole slice aggregated into one bar, as the resample kernel does for each bin:
/// the first bar's `ts`, [`first_open`], [`max_high`], [`min_low`], [`last_close`] and
/// [`sum_volume_kahan`]; `reserved` is zero. `None` for an empty slice.
///
/// ```
/// use ohlcv::{Bar, simd::fold};
/// let bars = [
///     Bar::new(0, 1.0, 2.0, 0.5, 1.5, 10.0),
///     Bar::new(60_000, 1.5, 3.0, 1.0, 2.5, 5.0),
/// ];
/// assert_eq!(fold(&bars), Some(Bar::new(0, 1.0, 3.0, 0.5, 2.5, 15.0)));
/// assert_eq!(fold(&[]), None);
/// ```
#[must_use]
pub fn fold(bars: &[Bar]) -> Option<Bar> {
    scalar::fold(bars)
}

/// One `f64` field of a bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Open,
    High,
    Low,
    Close,
    Volume,
}

impl Field {
    #[inline(always)]
    pub(crate) fn get(self, bar: &Bar) -> f64 {
        match self {
            Field::Open => bar.open,
            Field::High => bar.high,
            Field::Low => bar.low,
            Field::Close => bar.close,
            Field::Volume => bar.volume,
        }
    }
}

/// Turns a raw NaN-skipping maximum (the largest non-NaN value with either zero sign, or
/// `-inf` if nothing larger was seen) into the documented result. Only the rare cases
/// (a zero maximum, or `-inf`) look at the bars again.
#[inline]
pub(crate) fn finish_max(raw: f64, bars: &[Bar], field: Field) -> f64 {
    if raw == 0.0 {
        first_zero(bars, field)
    } else if raw == f64::NEG_INFINITY {
        infinite_or_nan(bars, field, f64::NEG_INFINITY)
    } else {
        raw
    }
}

/// [`finish_max`] for a minimum (`+inf` when nothing smaller was seen).
#[inline]
pub(crate) fn finish_min(raw: f64, bars: &[Bar], field: Field) -> f64 {
    if raw == 0.0 {
        first_zero(bars, field)
    } else if raw == f64::INFINITY {
        infinite_or_nan(bars, field, f64::INFINITY)
    } else {
        raw
    }
}

#[cold]
fn first_zero(bars: &[Bar], field: Field) -> f64 {
    bars.iter()
        .map(|bar| field.get(bar))
        .find(|&v| v == 0.0)
        .unwrap_or(0.0)
}

#[cold]
fn infinite_or_nan(bars: &[Bar], field: Field, inf: f64) -> f64 {
    if bars.iter().any(|bar| field.get(bar) == inf) {
        inf
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_codes_and_names_are_stable() {
        let codes: [i32; 4] = Backend::ALL.map(|b| b as i32);
        assert_eq!(codes, [0, 1, 2, 3]);
        let names = Backend::ALL.map(Backend::name);
        assert_eq!(names, ["scalar", "wide", "avx2", "avx512"]);
        assert!(kernels(backend()).is_some());
    }

    #[test]
    fn sum_tree_is_the_documented_one() {
        // Only ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)) gives 2.0 here: 1e16 and
        // -1e16 must meet before any 1.0 is added to either of them.
        let l = [1e16, 1.0, 0.0, 0.0, -1e16, 1.0, 0.0, 0.0];
        assert_eq!(scalar::combine_sums(l), 2.0);
        let left_to_right: f64 = l.iter().sum();
        assert_ne!(left_to_right, 2.0);
    }

    #[test]
    fn kahan_fast_path_leaves_for_nan_and_infinities() {
        let bars = |v: &[f64]| -> [Bar; 6] {
            core::array::from_fn(|i| Bar::new(0, 0.0, 0.0, 0.0, 0.0, v[i]))
        };
        // inf makes the compensation NaN (reset to 0), NaN values are skipped; after both, the
        // compensated sum goes on from the reset state.
        let b = bars(&[0.1, f64::INFINITY, f64::NAN, 0.2, 1.0, 2.0]);
        assert_eq!(scalar::kahan_sum(&b), f64::INFINITY);
        let b = bars(&[0.7, 0.1, f64::NAN, 0.1, f64::NAN, 0.1]);
        assert_eq!(scalar::kahan_sum(&b), 1.0);
        assert_eq!(0.7 + 0.1 + 0.1 + 0.1, 0.9999999999999999);
        // An overflowing partial sum leaves an infinite compensation, which is reset too.
        let b = bars(&[f64::MAX, f64::MAX, -f64::MAX, 1.0, f64::NAN, 2.0]);
        assert_eq!(scalar::kahan_sum(&b), f64::INFINITY);
    }
}
