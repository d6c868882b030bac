//! Many series at once: four series side by side in the four `f64` lanes of a SIMD register.
//!
//! Recursive indicators (EMA, RSI, ATR, MACD) cannot be vectorised along time, so the
//! many-series path runs four independent series (four symbols, or four parameter sets over one
//! symbol) in lanes. Each lane's warm-up and every gap is handled by the lane's own streaming
//! state, one lane at a time; as soon as all four lanes are seeded, a vector loop advances them
//! together with the very same arithmetic. The lanes are therefore bitwise identical to running
//! each series on its own.
//!
//! The vector loop runs on AVX2 + FMA (x86-64, chosen at run time with `std`, or at compile
//! time) and otherwise on a portable form (`wide` vectors plus a per-lane correctly rounded
//! fused multiply-add), which gives the same bits.

use super::fma::MulAdd;
use super::fma::Portable;
use super::{IndicatorError, Series};

/// Number of series the many-series kernels advance together (the `f64` lanes of AVX2).
pub const LANES: usize = 4;

// ---------------------------------------------------------------------------------------------
// Four-lane vectors

/// Four `f64` lanes and the operations the lane kernels need. `Ctx` is what is needed to create
/// a vector (for AVX2, proof that the CPU has it).
pub(crate) trait V4: Copy {
    /// Creation context.
    type Ctx: Copy;
    /// All lanes `x`.
    fn splat(c: Self::Ctx, x: f64) -> Self;
    /// From an array, lane `i` = `a[i]`.
    fn load(c: Self::Ctx, a: [f64; 4]) -> Self;
    /// To an array.
    fn store(self) -> [f64; 4];
    /// Lane-wise sum.
    fn add(self, o: Self) -> Self;
    /// Lane-wise difference.
    fn sub(self, o: Self) -> Self;
    /// Lane-wise product.
    fn mul(self, o: Self) -> Self;
    /// Lane-wise quotient.
    fn div(self, o: Self) -> Self;
    /// Lane-wise correctly rounded `self·b + c`.
    fn fma(self, b: Self, c: Self) -> Self;
    /// Lane-wise absolute value.
    fn abs(self) -> Self;
    /// Per lane: `a > b ? x : y`.
    fn gt(a: Self, b: Self, x: Self, y: Self) -> Self;
    /// Per lane: `a == b ? x : y`.
    fn eq(a: Self, b: Self, x: Self, y: Self) -> Self;
    /// True when every lane is finite.
    fn finite(self) -> bool;
    /// From four consecutive values.
    #[inline(always)]
    fn load_arr(c: Self::Ctx, a: &[f64; 4]) -> Self {
        Self::load(c, *a)
    }
    /// To four consecutive values.
    #[inline(always)]
    fn store_arr(self, o: &mut [f64; 4]) {
        *o = self.store();
    }
    /// 4×4 transpose: lane `j` of result `i` is lane `i` of input `j`.
    fn transpose(r: [Self; 4]) -> [Self; 4] {
        let a = r.map(|v| v.store());
        [0, 1, 2, 3].map(|i| Self::from_lanes(r[0], [a[0][i], a[1][i], a[2][i], a[3][i]]))
    }
    /// A vector with the given lanes, created in the context of `like`.
    fn from_lanes(like: Self, a: [f64; 4]) -> Self;
    /// Hints that `x` will be read or written soon (no effect where unsupported).
    #[inline(always)]
    fn prefetch(_c: Self::Ctx, _x: &[f64; 4]) {}
}

/// The portable vector: `wide::f64x4` (SSE2 on a default x86-64 build, NEON on aarch64) with a
/// per-lane correctly rounded fma.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Port(wide::f64x4);

impl V4 for Port {
    type Ctx = ();
    #[inline(always)]
    fn splat(_: (), x: f64) -> Self {
        Port(wide::f64x4::splat(x))
    }
    #[inline(always)]
    fn load(_: (), a: [f64; 4]) -> Self {
        Port(wide::f64x4::from(a))
    }
    #[inline(always)]
    fn store(self) -> [f64; 4] {
        self.0.to_array()
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Port(self.0 + o.0)
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Port(self.0 - o.0)
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Port(self.0 * o.0)
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        Port(self.0 / o.0)
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        let (a, b, c) = (self.store(), b.store(), c.store());
        Port(wide::f64x4::from([
            Portable.mul_add(a[0], b[0], c[0]),
            Portable.mul_add(a[1], b[1], c[1]),
            Portable.mul_add(a[2], b[2], c[2]),
            Portable.mul_add(a[3], b[3], c[3]),
        ]))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Port(self.0.abs())
    }
    #[inline(always)]
    fn gt(a: Self, b: Self, x: Self, y: Self) -> Self {
        let (a, b, x, y) = (a.store(), b.store(), x.store(), y.store());
        Port(wide::f64x4::from(core::array::from_fn::<f64, 4, _>(|i| {
            if a[i] > b[i] { x[i] } else { y[i] }
        })))
    }
    #[inline(always)]
    fn eq(a: Self, b: Self, x: Self, y: Self) -> Self {
        let (a, b, x, y) = (a.store(), b.store(), x.store(), y.store());
        Port(wide::f64x4::from(core::array::from_fn::<f64, 4, _>(|i| {
            if a[i] == b[i] { x[i] } else { y[i] }
        })))
    }
    #[inline(always)]
    fn finite(self) -> bool {
        self.0.is_finite().all()
    }
    #[inline(always)]
    fn from_lanes(_: Self, a: [f64; 4]) -> Self {
        Port(wide::f64x4::from(a))
    }
    #[inline(always)]
    fn transpose(r: [Self; 4]) -> [Self; 4] {
        wide::f64x4::transpose(r.map(|v| v.0)).map(Port)
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::V4;
    use core::arch::x86_64::*;

    /// Proof that the CPU runs AVX2 and FMA instructions.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct AvxToken(());

    impl AvxToken {
        /// `Some` when AVX2 and FMA are available (compile-time target, or run-time CPUID with
        /// `std`).
        pub(crate) fn detect() -> Option<AvxToken> {
            #[cfg(all(target_feature = "avx2", target_feature = "fma"))]
            {
                Some(AvxToken(()))
            }
            #[cfg(all(
                not(all(target_feature = "avx2", target_feature = "fma")),
                feature = "std"
            ))]
            {
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    Some(AvxToken(()))
                } else {
                    None
                }
            }
            #[cfg(all(
                not(all(target_feature = "avx2", target_feature = "fma")),
                not(feature = "std")
            ))]
            {
                None
            }
        }
    }

    /// Four lanes in an AVX register. Values only come from an [`AvxToken`] or from other
    /// values, so every one of them proves the CPU supports the instructions used below.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Avx(__m256d);

    macro_rules! avx {
        ($e:expr) => {
            // SAFETY: an `Avx` value or `AvxToken` exists, so the CPU supports AVX2 and FMA
            // (see `AvxToken::detect`); the intrinsic only reads and writes registers.
            unsafe { $e }
        };
    }

    impl V4 for Avx {
        type Ctx = AvxToken;
        #[inline(always)]
        fn splat(_: AvxToken, x: f64) -> Self {
            Avx(avx!(_mm256_set1_pd(x)))
        }
        #[inline(always)]
        fn load(_: AvxToken, a: [f64; 4]) -> Self {
            Avx(avx!(_mm256_setr_pd(a[0], a[1], a[2], a[3])))
        }
        #[inline(always)]
        fn store(self) -> [f64; 4] {
            let mut a = [0.0; 4];
            // SAFETY: `a` is four writable f64 (unaligned store); AVX is available (see `avx!`).
            unsafe { _mm256_storeu_pd(a.as_mut_ptr(), self.0) };
            a
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            Avx(avx!(_mm256_add_pd(self.0, o.0)))
        }
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            Avx(avx!(_mm256_sub_pd(self.0, o.0)))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            Avx(avx!(_mm256_mul_pd(self.0, o.0)))
        }
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            Avx(avx!(_mm256_div_pd(self.0, o.0)))
        }
        #[inline(always)]
        fn fma(self, b: Self, c: Self) -> Self {
            Avx(avx!(_mm256_fmadd_pd(self.0, b.0, c.0)))
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Avx(avx!(_mm256_andnot_pd(_mm256_set1_pd(-0.0), self.0)))
        }
        #[inline(always)]
        fn gt(a: Self, b: Self, x: Self, y: Self) -> Self {
            Avx(avx!(_mm256_blendv_pd(
                y.0,
                x.0,
                _mm256_cmp_pd::<_CMP_GT_OQ>(a.0, b.0)
            )))
        }
        #[inline(always)]
        fn eq(a: Self, b: Self, x: Self, y: Self) -> Self {
            Avx(avx!(_mm256_blendv_pd(
                y.0,
                x.0,
                _mm256_cmp_pd::<_CMP_EQ_OQ>(a.0, b.0)
            )))
        }
        #[inline(always)]
        fn finite(self) -> bool {
            // x − x is 0 for finite lanes and NaN otherwise; compare all four with 0.
            avx!({
                let z = _mm256_sub_pd(self.0, self.0);
                _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_EQ_OQ>(z, _mm256_setzero_pd())) == 0xf
            })
        }
        #[inline(always)]
        fn from_lanes(_: Self, a: [f64; 4]) -> Self {
            Avx(avx!(_mm256_setr_pd(a[0], a[1], a[2], a[3])))
        }
        #[inline(always)]
        fn prefetch(_: AvxToken, x: &[f64; 4]) {
            // SAFETY: a prefetch never faults, whatever the address; the pointer comes from a
            // live slice. SSE is part of x86-64.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(x.as_ptr().cast()) };
        }
        #[inline(always)]
        fn load_arr(_: AvxToken, a: &[f64; 4]) -> Self {
            // SAFETY: `a` is four readable f64 (unaligned load); AVX is available (see `avx!`).
            Avx(unsafe { _mm256_loadu_pd(a.as_ptr()) })
        }
        #[inline(always)]
        fn store_arr(self, o: &mut [f64; 4]) {
            // SAFETY: `o` is four writable f64 (unaligned store); AVX is available.
            unsafe { _mm256_storeu_pd(o.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn transpose(r: [Self; 4]) -> [Self; 4] {
            avx!({
                let t0 = _mm256_unpacklo_pd(r[0].0, r[1].0);
                let t1 = _mm256_unpackhi_pd(r[0].0, r[1].0);
                let t2 = _mm256_unpacklo_pd(r[2].0, r[3].0);
                let t3 = _mm256_unpackhi_pd(r[2].0, r[3].0);
                [
                    Avx(_mm256_permute2f128_pd::<0x20>(t0, t2)),
                    Avx(_mm256_permute2f128_pd::<0x20>(t1, t3)),
                    Avx(_mm256_permute2f128_pd::<0x31>(t0, t2)),
                    Avx(_mm256_permute2f128_pd::<0x31>(t1, t3)),
                ]
            })
        }
    }

    /// [`group`](super::group) compiled for AVX2 and FMA, so the lane kernels and the
    /// intrinsics inline into straight vector code.
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn group_avx<L, I, const IN: usize, const OUT: usize>(
        t: AvxToken,
        st: [L; 4],
        inp: [I; 4],
        outs: &mut [[&mut [f64]; 4]; OUT],
    ) where
        L: super::Lane<IN, OUT>,
        I: super::LaneInput<IN>,
    {
        super::group::<Avx, L, I, IN, OUT>(t, st, inp, outs);
    }
}

// ---------------------------------------------------------------------------------------------
// Lanes

/// A per-lane streaming state that can also advance four seeded lanes at once. `IN` inputs and
/// `OUT` outputs per bar.
pub(crate) trait Lane<const IN: usize, const OUT: usize>: Copy {
    /// Vector state of four seeded lanes.
    type Vec<V: V4>: Copy;
    /// The streaming update (warm-up and gaps included).
    fn update(&mut self, x: [f64; IN]) -> [f64; OUT];
    /// True when the lane is seeded and [`vstep`](Self::vstep) applies.
    fn steady(&self) -> bool;
    /// How the vector step handles these four lanes: [`TALIB`], [`PANDAS`] or [`MIXED`]
    /// conventions, or `None` when only the scalar path applies.
    fn mode(lanes: &[Self; 4]) -> Option<u8>;
    /// Four seeded lanes as vectors.
    fn pack<V: V4>(c: V::Ctx, lanes: &[Self; 4]) -> Self::Vec<V>;
    /// Writes the vector state back into the lanes.
    fn unpack<V: V4>(v: &Self::Vec<V>, lanes: &mut [Self; 4]);
    /// One bar for four seeded lanes (finite inputs) in mode `M`.
    fn vstep<V: V4, const M: u8>(v: &mut Self::Vec<V>, x: [V; IN]) -> [V; OUT];
}

/// Vector mode: every lane follows TA-Lib.
pub(crate) const TALIB: u8 = 0;
/// Vector mode: every lane follows pandas.
pub(crate) const PANDAS: u8 = 1;
/// Vector mode: both conventions among the lanes (both computed, selected per lane).
pub(crate) const MIXED: u8 = 2;

/// The mode of four lanes from their pandas flags.
fn mode_of(pandas: [bool; 4]) -> u8 {
    match (pandas.iter().any(|&b| b), pandas.iter().all(|&b| b)) {
        (false, _) => TALIB,
        (true, true) => PANDAS,
        (true, false) => MIXED,
    }
}

/// The inputs of one lane: a series, or a few series of equal length.
pub(crate) trait LaneInput<const IN: usize>: Copy {
    /// Number of bars.
    fn len(&self) -> usize;
    /// Bar `t` (NaN past the end).
    fn at(&self, t: usize) -> [f64; IN];
    /// The inputs as contiguous slices, when they are stored that way.
    fn slices(&self) -> Option<[&[f64]; IN]>;
}

impl<S: Series> LaneInput<1> for S {
    #[inline(always)]
    fn len(&self) -> usize {
        Series::len(*self)
    }
    #[inline(always)]
    fn at(&self, t: usize) -> [f64; 1] {
        [Series::at(*self, t)]
    }
    #[inline(always)]
    fn slices(&self) -> Option<[&[f64]; 1]> {
        self.as_slice().map(|s| [s])
    }
}

impl<H: Series, L: Series, C: Series> LaneInput<3> for (H, L, C) {
    #[inline(always)]
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline(always)]
    fn at(&self, t: usize) -> [f64; 3] {
        [self.0.at(t), self.1.at(t), self.2.at(t)]
    }
    #[inline(always)]
    fn slices(&self) -> Option<[&[f64]; 3]> {
        Some([self.0.as_slice()?, self.1.as_slice()?, self.2.as_slice()?])
    }
}

/// Checks a many-series call: `lanes` outputs, 1 or `lanes` parameter sets and inputs, equal
/// lengths per lane. Returns the number of lanes.
pub(crate) fn check_lanes<const IN: usize, I: LaneInput<IN>>(
    params: usize,
    inputs: &[I],
    outputs: &[&[&mut [f64]]],
) -> Result<usize, IndicatorError> {
    let lanes = outputs.first().map_or(0, |o| o.len());
    if lanes == 0
        || outputs.iter().any(|o| o.len() != lanes)
        || !(params == 1 || params == lanes)
        || !(inputs.len() == 1 || inputs.len() == lanes)
    {
        return Err(IndicatorError::InvalidLanes);
    }
    for j in 0..lanes {
        let n = inputs[j % inputs.len()].len();
        for o in outputs {
            super::util::same_len(n, o[j].len())?;
        }
    }
    Ok(lanes)
}

/// Runs lanes of `L` over their inputs: groups of four through the vector loop, the rest one at
/// a time through the streaming state. `fresh(j)`, `input(j)`: lane `j`'s state and inputs;
/// `outs[k][j]`: lane `j`'s output `k`.
pub(crate) fn run_lanes<L, I, const IN: usize, const OUT: usize>(
    lanes: usize,
    fresh: impl Fn(usize) -> L,
    input: impl Fn(usize) -> I,
    outs: &mut [&mut [&mut [f64]]; OUT],
) where
    L: Lane<IN, OUT>,
    I: LaneInput<IN>,
{
    let mut j = 0;
    while j < lanes {
        let group = (lanes - j).min(LANES);
        if group == LANES {
            let st = [fresh(j), fresh(j + 1), fresh(j + 2), fresh(j + 3)];
            let inp = [input(j), input(j + 1), input(j + 2), input(j + 3)];
            let mut o: [[&mut [f64]; 4]; OUT] = core::array::from_fn(|_| Default::default());
            for (k, row) in outs.iter_mut().enumerate() {
                if let Some(src) = row.get_mut(j..j + 4) {
                    let [a, b, c, d] = src else { return };
                    o[k] = [&mut **a, &mut **b, &mut **c, &mut **d];
                }
            }
            dispatch(st, inp, &mut o);
        } else {
            for jj in j..lanes {
                let mut st = fresh(jj);
                let inp = input(jj);
                for t in 0..inp.len() {
                    let y = st.update(inp.at(t));
                    for (k, row) in outs.iter_mut().enumerate() {
                        if let Some(slot) = row.get_mut(jj).and_then(|r| r.get_mut(t)) {
                            *slot = y[k];
                        }
                    }
                }
            }
        }
        j += group;
    }
}

/// Picks the vector implementation for one group of four lanes.
fn dispatch<L, I, const IN: usize, const OUT: usize>(
    st: [L; 4],
    inp: [I; 4],
    outs: &mut [[&mut [f64]; 4]; OUT],
) where
    L: Lane<IN, OUT>,
    I: LaneInput<IN>,
{
    #[cfg(target_arch = "x86_64")]
    if let Some(t) = avx::AvxToken::detect() {
        // SAFETY: the token proves the CPU supports the features `group_avx` is compiled for.
        unsafe { avx::group_avx(t, st, inp, outs) };
        return;
    }
    group::<Port, L, I, IN, OUT>((), st, inp, outs);
}

/// The outputs from `t0` on as `nb` blocks of four bars each.
#[inline(always)]
fn outs_blocks<'a, const OUT: usize>(
    os: &'a mut [[&mut [f64]; 4]; OUT],
    t0: usize,
    nb: usize,
) -> [[&'a mut [[f64; 4]]; 4]; OUT] {
    os.each_mut().map(|row| {
        row.each_mut().map(|o| {
            let (ch, _) = o.get_mut(t0..).unwrap_or_default().as_chunks_mut::<4>();
            ch.get_mut(..nb).unwrap_or_default()
        })
    })
}

/// True when every lane of every input is finite (one test on their sum in the common case).
#[inline(always)]
fn all_finite<V: V4, const IN: usize>(x: &[V; IN]) -> bool {
    let mut sum = x[0];
    for v in &x[1..] {
        sum = sum.add(*v);
    }
    sum.finite() || x.iter().all(|v| v.finite())
}

/// Four lanes: the vector loop specialised for the lanes' mode, or the scalar path.
#[inline(always)]
fn group<V: V4, L, I, const IN: usize, const OUT: usize>(
    c: V::Ctx,
    st: [L; 4],
    inp: [I; 4],
    outs: &mut [[&mut [f64]; 4]; OUT],
) where
    L: Lane<IN, OUT>,
    I: LaneInput<IN>,
{
    match L::mode(&st) {
        Some(TALIB) => group_m::<V, L, I, IN, OUT, TALIB>(c, st, inp, outs),
        Some(PANDAS) => group_m::<V, L, I, IN, OUT, PANDAS>(c, st, inp, outs),
        Some(_) => group_m::<V, L, I, IN, OUT, MIXED>(c, st, inp, outs),
        None => {
            for (j, (mut s, i)) in st.into_iter().zip(inp).enumerate() {
                for t in 0..i.len() {
                    let y = s.update(i.at(t));
                    for (row, y) in outs.iter_mut().zip(y) {
                        if let Some(slot) = row[j].get_mut(t) {
                            *slot = y;
                        }
                    }
                }
            }
        }
    }
}

/// Four lanes in mode `M`: scalar steps while any lane warms up or meets a gap, the vector
/// loop otherwise.
#[inline(always)]
fn group_m<V: V4, L, I, const IN: usize, const OUT: usize, const M: u8>(
    c: V::Ctx,
    mut st: [L; 4],
    inp: [I; 4],
    outs: &mut [[&mut [f64]; 4]; OUT],
) where
    L: Lane<IN, OUT>,
    I: LaneInput<IN>,
{
    let len = inp.map(|i| i.len());
    let max = len.iter().copied().max().unwrap_or(0);
    let mut min = len.iter().copied().min().unwrap_or(0);
    for row in outs.iter() {
        for o in row {
            min = min.min(o.len());
        }
    }
    // Contiguous inputs, input-major: `xs[k][j]` is input `k` of lane `j`, cut to `min`.
    let xs: Option<[[&[f64]; 4]; IN]> = (|| {
        let s = [
            inp[0].slices()?,
            inp[1].slices()?,
            inp[2].slices()?,
            inp[3].slices()?,
        ];
        Some(core::array::from_fn(|k| {
            core::array::from_fn(|j| s[j][k].get(..min).unwrap_or(&[]))
        }))
    })();
    let mut t = 0;
    while t < max {
        if t < min && st.iter().all(|s| s.steady()) {
            let mut v = L::pack::<V>(c, &st);
            if let Some(xs) = &xs {
                let mut os = outs
                    .each_mut()
                    .map(|row| row.each_mut().map(|o| &mut o[..min]));
                // Blocks of four bars: 4×4 transposes turn four contiguous loads per input into
                // four time steps, and four time steps back into four contiguous stores.
                // Blocks of four bars: 4×4 transposes turn four contiguous loads per input into
                // four time steps, and four time steps back into four contiguous stores.
                let t0 = t;
                let nb = (min - t0) / 4;
                let mut xb = [[&[][..]; 4]; IN];
                for (k, row) in xs.iter().enumerate() {
                    for (j, x) in row.iter().enumerate() {
                        let (ch, _) = x.get(t0..).unwrap_or(&[]).as_chunks::<4>();
                        xb[k][j] = ch.get(..nb).unwrap_or(&[]);
                    }
                }
                let mut ob: [[&mut [[f64; 4]]; 4]; OUT] = outs_blocks(&mut os, t0, nb);
                // Many streams at once defeat the hardware prefetchers: ask for each stream's
                // cache line `AHEAD` blocks ahead, once per line.
                const AHEAD: usize = 16;
                let mut b = 0;
                while b < nb {
                    if b % 2 == 0 && b + AHEAD < nb {
                        for row in &xb {
                            for x in row {
                                V::prefetch(c, &x[b + AHEAD]);
                            }
                        }
                        for row in &ob {
                            for o in row {
                                V::prefetch(c, &o[b + AHEAD]);
                            }
                        }
                    }
                    let zero = V::splat(c, 0.0);
                    let mut x = [[zero; 4]; IN];
                    let mut sum = zero;
                    for k in 0..IN {
                        let l = &xb[k];
                        x[k] = V::transpose([
                            V::load_arr(c, &l[0][b]),
                            V::load_arr(c, &l[1][b]),
                            V::load_arr(c, &l[2][b]),
                            V::load_arr(c, &l[3][b]),
                        ]);
                        for v in x[k] {
                            sum = sum.add(v);
                        }
                    }
                    if !(sum.finite() || x.iter().flatten().all(|v| v.finite())) {
                        break;
                    }
                    let mut y = [[zero; 4]; OUT];
                    for s in 0..4 {
                        let mut xs_ = [zero; IN];
                        for k in 0..IN {
                            xs_[k] = x[k][s];
                        }
                        let ys = L::vstep::<V, M>(&mut v, xs_);
                        for k in 0..OUT {
                            y[k][s] = ys[k];
                        }
                    }
                    for k in 0..OUT {
                        let lanes = V::transpose(y[k]);
                        let row = &mut ob[k];
                        for j in 0..4 {
                            lanes[j].store_arr(&mut row[j][b]);
                        }
                    }
                    b += 1;
                }
                t = t0 + 4 * b;
                while t < min {
                    let mut x = [V::splat(c, 0.0); IN];
                    for k in 0..IN {
                        let l = &xs[k];
                        x[k] = V::load(c, [l[0][t], l[1][t], l[2][t], l[3][t]]);
                    }
                    if !all_finite(&x) {
                        break;
                    }
                    let y = L::vstep::<V, M>(&mut v, x);
                    for (row, y) in os.iter_mut().zip(y) {
                        let y = y.store();
                        for (o, y) in row.iter_mut().zip(y) {
                            o[t] = y;
                        }
                    }
                    t += 1;
                }
            } else {
                while t < min {
                    let bars = inp.map(|i| i.at(t));
                    let x: [V; IN] = core::array::from_fn(|k| {
                        V::load(c, [bars[0][k], bars[1][k], bars[2][k], bars[3][k]])
                    });
                    if !all_finite(&x) {
                        break;
                    }
                    let y = L::vstep::<V, M>(&mut v, x);
                    for (row, y) in outs.iter_mut().zip(y) {
                        let y = y.store();
                        for (o, y) in row.iter_mut().zip(y) {
                            if let Some(slot) = o.get_mut(t) {
                                *slot = y;
                            }
                        }
                    }
                    t += 1;
                }
            }
            L::unpack(&v, &mut st);
            if t >= max {
                break;
            }
        }
        for (j, s) in st.iter_mut().enumerate() {
            if t < len[j] {
                let y = s.update(inp[j].at(t));
                for (row, y) in outs.iter_mut().zip(y) {
                    if let Some(slot) = row[j].get_mut(t) {
                        *slot = y;
                    }
                }
            }
        }
        t += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Lane kernels

use super::ma::EmaState;
use super::macd::MacdState;
use super::range::AtrState;
use super::rsi::RsiState;

/// Per lane: `mask > 0.5 ? x : y` for a 0/1 mask vector.
#[inline(always)]
fn pick<V: V4>(c: V::Ctx, mask: V, x: V, y: V) -> V {
    V::gt(mask, V::splat(c, 0.5), x, y)
}

/// pandas' `adjust=False` update on four lanes whose normaliser `(1 − a) + a` is exactly 1
/// (see `ma::pandas_step`; lanes with another normaliser take the scalar path).
#[inline(always)]
fn pandas4<V: V4>(w: V, x: V, a: V, keep: V) -> V {
    V::eq(w, x, w, keep.mul(w).add(a.mul(x)))
}

/// Lane parameters of an EMA-like update: TA-Lib `k` or pandas `alpha`, `1 − alpha`, and a
/// 0/1 pandas flag.
#[derive(Clone, Copy)]
pub(crate) struct Ewm<V> {
    k: V,
    keep: V,
    pandas: V,
}

impl<V: V4> Ewm<V> {
    fn new(c: V::Ctx, k: [f64; 4], keep: [f64; 4], pandas: [bool; 4]) -> Self {
        Ewm {
            k: V::load(c, k),
            keep: V::load(c, keep),
            pandas: flags(c, pandas),
        }
    }
}

/// A 0/1 vector from four flags.
#[inline(always)]
fn flags<V: V4>(c: V::Ctx, f: [bool; 4]) -> V {
    V::load(c, f.map(|b| if b { 1.0 } else { 0.0 }))
}

/// One EMA-like update on four lanes in mode `M`: TA-Lib `fma(x − p, k, p)`, pandas, or both
/// selected per lane.
#[inline(always)]
fn ewm4<V: V4, const M: u8>(c: V::Ctx, p: V, x: V, e: &Ewm<V>) -> V {
    match M {
        TALIB => x.sub(p).fma(e.k, p),
        PANDAS => pandas4(p, x, e.k, e.keep),
        _ => pick(
            c,
            e.pandas,
            pandas4(p, x, e.k, e.keep),
            x.sub(p).fma(e.k, p),
        ),
    }
}

#[derive(Clone, Copy)]
pub(crate) struct EmaVec<V: V4> {
    c: V::Ctx,
    prev: V,
    e: Ewm<V>,
}

impl Lane<1, 1> for EmaState {
    type Vec<V: V4> = EmaVec<V>;

    #[inline(always)]
    fn update(&mut self, x: [f64; 1]) -> [f64; 1] {
        [EmaState::update(self, x[0])]
    }

    #[inline(always)]
    fn steady(&self) -> bool {
        self.core.ready()
    }

    fn mode(l: &[Self; 4]) -> Option<u8> {
        // Period-1 TA-Lib EMAs copy their input: left to the scalar path.
        if l.iter().any(|s| s.identity != 0 || s.core.norm != 1.0) {
            return None;
        }
        Some(mode_of(l.map(|s| s.core.pandas != 0)))
    }

    #[inline(always)]
    fn pack<V: V4>(c: V::Ctx, l: &[Self; 4]) -> EmaVec<V> {
        EmaVec {
            c,
            prev: V::load(c, l.map(|s| s.core.prev)),
            e: Ewm::new(
                c,
                l.map(|s| s.core.k),
                l.map(|s| s.core.keep),
                l.map(|s| s.core.pandas != 0),
            ),
        }
    }

    #[inline(always)]
    fn unpack<V: V4>(v: &EmaVec<V>, l: &mut [Self; 4]) {
        for (s, p) in l.iter_mut().zip(v.prev.store()) {
            s.core.prev = p;
        }
    }

    #[inline(always)]
    fn vstep<V: V4, const M: u8>(v: &mut EmaVec<V>, x: [V; 1]) -> [V; 1] {
        v.prev = ewm4::<V, M>(v.c, v.prev, x[0], &v.e);
        [v.prev]
    }
}

#[derive(Clone, Copy)]
pub(crate) struct RsiVec<V: V4> {
    c: V::Ctx,
    gain: V,
    loss: V,
    prev: V,
    inv: V,
    pm1: V,
    e: Ewm<V>,
}

impl Lane<1, 1> for RsiState {
    type Vec<V: V4> = RsiVec<V>;

    #[inline(always)]
    fn update(&mut self, x: [f64; 1]) -> [f64; 1] {
        [RsiState::update(self, x[0])]
    }

    #[inline(always)]
    fn steady(&self) -> bool {
        if self.convention == 1 {
            self.count >= 1
        } else {
            self.count > self.period
        }
    }

    fn mode(l: &[Self; 4]) -> Option<u8> {
        if l.iter().any(|s| s.norm != 1.0) {
            return None;
        }
        Some(mode_of(l.map(|s| s.convention == 1)))
    }

    #[inline(always)]
    fn pack<V: V4>(c: V::Ctx, l: &[Self; 4]) -> RsiVec<V> {
        RsiVec {
            c,
            gain: V::load(c, l.map(|s| s.gain)),
            loss: V::load(c, l.map(|s| s.loss)),
            prev: V::load(c, l.map(|s| s.prev)),
            inv: V::load(c, l.map(|s| 1.0 / s.period as f64)),
            pm1: V::load(c, l.map(|s| (s.period - 1) as f64)),
            e: Ewm::new(
                c,
                l.map(|s| s.alpha),
                l.map(|s| s.keep),
                l.map(|s| s.convention == 1),
            ),
        }
    }

    #[inline(always)]
    fn unpack<V: V4>(v: &RsiVec<V>, l: &mut [Self; 4]) {
        let (g, lo, p) = (v.gain.store(), v.loss.store(), v.prev.store());
        for (j, s) in l.iter_mut().enumerate() {
            (s.gain, s.loss, s.prev) = (g[j], lo[j], p[j]);
        }
    }

    #[inline(always)]
    fn vstep<V: V4, const M: u8>(v: &mut RsiVec<V>, x: [V; 1]) -> [V; 1] {
        let c = v.c;
        let x = x[0];
        let d = x.sub(v.prev);
        v.prev = x;
        let out = match M {
            TALIB => rsi_talib(c, v, d),
            PANDAS => rsi_pandas(c, v, d),
            _ => {
                let mut a = *v;
                let ya = rsi_talib(c, &mut a, d);
                let yb = rsi_pandas(c, v, d);
                let m = v.e.pandas;
                v.gain = pick(c, m, v.gain, a.gain);
                v.loss = pick(c, m, v.loss, a.loss);
                pick(c, m, yb, ya)
            }
        };
        [out]
    }
}

/// TA-Lib RSI step on four lanes for the change `d`: Wilder averages
/// `(avg·(p−1) + x)·(1/p)`, output `(gain/(gain+loss))·100`.
#[inline(always)]
fn rsi_talib<V: V4>(c: V::Ctx, v: &mut RsiVec<V>, d: V) -> V {
    let (zero, hundred) = (V::splat(c, 0.0), V::splat(c, 100.0));
    let g = V::gt(d, zero, d, zero);
    let l = g.sub(d);
    v.gain = v.gain.mul(v.pm1).add(g).mul(v.inv);
    v.loss = l.add(v.loss.mul(v.pm1)).mul(v.inv);
    let s = v.loss.add(v.gain);
    V::gt(s, zero, v.gain.div(s).mul(hundred), zero)
}

/// pandas RSI step on four lanes: `ewm(com=p−1)` of gains and losses, output
/// `100 − 100/(1 + gain/loss)` (100 when the average loss is 0).
#[inline(always)]
fn rsi_pandas<V: V4>(c: V::Ctx, v: &mut RsiVec<V>, d: V) -> V {
    let (zero, one, hundred) = (V::splat(c, 0.0), V::splat(c, 1.0), V::splat(c, 100.0));
    let g = V::gt(d, zero, d, zero);
    let l = V::gt(zero, d, zero.sub(d), zero);
    v.gain = pandas4(v.gain, g, v.e.k, v.e.keep);
    v.loss = pandas4(v.loss, l, v.e.k, v.e.keep);
    let r = hundred.sub(hundred.div(one.add(v.gain.div(v.loss))));
    V::eq(v.loss, zero, hundred, r)
}

#[derive(Clone, Copy)]
pub(crate) struct AtrVec<V: V4> {
    c: V::Ctx,
    atr: V,
    pc: V,
    w: V,
    r: V,
    e: Ewm<V>,
}

impl Lane<3, 1> for AtrState {
    type Vec<V: V4> = AtrVec<V>;

    #[inline(always)]
    fn update(&mut self, x: [f64; 3]) -> [f64; 1] {
        [AtrState::update(self, x[0], x[1], x[2])]
    }

    #[inline(always)]
    fn steady(&self) -> bool {
        if self.convention == 1 {
            self.count >= 1
        } else {
            self.count > self.period
        }
    }

    fn mode(l: &[Self; 4]) -> Option<u8> {
        if l.iter().any(|s| s.norm != 1.0) {
            return None;
        }
        Some(mode_of(l.map(|s| s.convention == 1)))
    }

    #[inline(always)]
    fn pack<V: V4>(c: V::Ctx, l: &[Self; 4]) -> AtrVec<V> {
        let w = l.map(|s| (s.period - 1) as f64 / s.period as f64);
        AtrVec {
            c,
            atr: V::load(c, l.map(|s| s.atr)),
            pc: V::load(c, l.map(|s| s.prev_close)),
            w: V::load(c, w),
            r: V::load(c, w.map(|w| 1.0 - w)),
            e: Ewm::new(
                c,
                l.map(|s| s.alpha),
                l.map(|s| s.keep),
                l.map(|s| s.convention == 1),
            ),
        }
    }

    #[inline(always)]
    fn unpack<V: V4>(v: &AtrVec<V>, l: &mut [Self; 4]) {
        let (a, p) = (v.atr.store(), v.pc.store());
        for (j, s) in l.iter_mut().enumerate() {
            (s.atr, s.prev_close) = (a[j], p[j]);
        }
    }

    #[inline(always)]
    fn vstep<V: V4, const M: u8>(v: &mut AtrVec<V>, x: [V; 3]) -> [V; 1] {
        let [h, l, c] = x;
        // True range: the greater of h − l, |pc − h| and |l − pc| (TA-Lib's comparison order).
        let g = h.sub(l);
        let a = v.pc.sub(h).abs();
        let g = V::gt(a, g, a, g);
        let b = l.sub(v.pc).abs();
        let tr = V::gt(b, g, b, g);
        v.pc = c;
        v.atr = match M {
            TALIB => v.w.fma(v.atr, tr.mul(v.r)),
            PANDAS => pandas4(v.atr, tr, v.e.k, v.e.keep),
            _ => pick(
                v.c,
                v.e.pandas,
                pandas4(v.atr, tr, v.e.k, v.e.keep),
                v.w.fma(v.atr, tr.mul(v.r)),
            ),
        };
        [v.atr]
    }
}

#[derive(Clone, Copy)]
pub(crate) struct MacdVec<V: V4> {
    c: V::Ctx,
    fast: V,
    slow: V,
    sig: V,
    ef: Ewm<V>,
    es: Ewm<V>,
    eg: Ewm<V>,
}

impl Lane<1, 3> for MacdState {
    type Vec<V: V4> = MacdVec<V>;

    #[inline(always)]
    fn update(&mut self, x: [f64; 1]) -> [f64; 3] {
        let r = MacdState::update(self, x[0]);
        [r.macd, r.signal, r.hist]
    }

    #[inline(always)]
    fn steady(&self) -> bool {
        self.seen >= self.skip && self.fast.ready() && self.slow.ready() && self.signal.ready()
    }

    fn mode(l: &[Self; 4]) -> Option<u8> {
        if l.iter()
            .any(|s| s.fast.norm != 1.0 || s.slow.norm != 1.0 || s.signal.norm != 1.0)
        {
            return None;
        }
        Some(mode_of(l.map(|s| s.convention == 1)))
    }

    #[inline(always)]
    fn pack<V: V4>(c: V::Ctx, l: &[Self; 4]) -> MacdVec<V> {
        let pandas = l.map(|s| s.convention == 1);
        MacdVec {
            c,
            fast: V::load(c, l.map(|s| s.fast.prev)),
            slow: V::load(c, l.map(|s| s.slow.prev)),
            sig: V::load(c, l.map(|s| s.signal.prev)),
            ef: Ewm::new(c, l.map(|s| s.fast.k), l.map(|s| s.fast.keep), pandas),
            es: Ewm::new(c, l.map(|s| s.slow.k), l.map(|s| s.slow.keep), pandas),
            eg: Ewm::new(c, l.map(|s| s.signal.k), l.map(|s| s.signal.keep), pandas),
        }
    }

    #[inline(always)]
    fn unpack<V: V4>(v: &MacdVec<V>, l: &mut [Self; 4]) {
        let (f, s, g) = (v.fast.store(), v.slow.store(), v.sig.store());
        for (j, st) in l.iter_mut().enumerate() {
            (st.fast.prev, st.slow.prev, st.signal.prev) = (f[j], s[j], g[j]);
        }
    }

    #[inline(always)]
    fn vstep<V: V4, const M: u8>(v: &mut MacdVec<V>, x: [V; 1]) -> [V; 3] {
        let x = x[0];
        v.slow = ewm4::<V, M>(v.c, v.slow, x, &v.es);
        v.fast = ewm4::<V, M>(v.c, v.fast, x, &v.ef);
        let line = v.fast.sub(v.slow);
        v.sig = ewm4::<V, M>(v.c, v.sig, line, &v.eg);
        [line, v.sig, line.sub(v.sig)]
    }
}

// ---------------------------------------------------------------------------------------------
// Public many-series entry points

use super::ma::Ema;
use super::macd::Macd;
use super::range::Atr;
use super::rsi::Rsi;

impl Ema {
    /// Many EMAs at once, four per SIMD pass: lane `j` computes `params[j]` over `inputs[j]`
    /// into `outputs[j]`. `params` and `inputs` may also hold a single entry shared by every
    /// lane (one parameter set over many symbols, or several periods of one symbol). Each lane
    /// is bitwise identical to [`compute`](Self::compute) on its own.
    pub fn compute_many<S: Series>(
        params: &[Ema],
        inputs: &[S],
        outputs: &mut [&mut [f64]],
    ) -> Result<(), IndicatorError> {
        let lanes = check_lanes::<1, S>(params.len(), inputs, &[&*outputs])?;
        run_lanes::<EmaState, S, 1, 1>(
            lanes,
            |j| params[j % params.len()].stream(),
            |j| inputs[j % inputs.len()],
            &mut [outputs],
        );
        Ok(())
    }
}

impl Rsi {
    /// Many RSIs at once, four per SIMD pass; lanes as in [`Ema::compute_many`]. Each lane is
    /// bitwise identical to [`compute`](Self::compute) on its own.
    pub fn compute_many<S: Series>(
        params: &[Rsi],
        inputs: &[S],
        outputs: &mut [&mut [f64]],
    ) -> Result<(), IndicatorError> {
        let lanes = check_lanes::<1, S>(params.len(), inputs, &[&*outputs])?;
        run_lanes::<RsiState, S, 1, 1>(
            lanes,
            |j| params[j % params.len()].stream(),
            |j| inputs[j % inputs.len()],
            &mut [outputs],
        );
        Ok(())
    }
}

impl Atr {
    /// Many ATRs at once, four per SIMD pass: lane `j` reads `inputs[j] = (high, low, close)`;
    /// lanes as in [`Ema::compute_many`]. Each lane is bitwise identical to
    /// [`compute`](Self::compute) on its own.
    pub fn compute_many<H: Series, L: Series, C: Series>(
        params: &[Atr],
        inputs: &[(H, L, C)],
        outputs: &mut [&mut [f64]],
    ) -> Result<(), IndicatorError> {
        for (h, l, c) in inputs {
            super::util::same_len(h.len(), l.len())?;
            super::util::same_len(h.len(), c.len())?;
        }
        let lanes = check_lanes::<3, (H, L, C)>(params.len(), inputs, &[&*outputs])?;
        run_lanes::<AtrState, (H, L, C), 3, 1>(
            lanes,
            |j| params[j % params.len()].stream(),
            |j| inputs[j % inputs.len()],
            &mut [outputs],
        );
        Ok(())
    }
}

impl Macd {
    /// Many MACDs at once, four per SIMD pass: lane `j` writes `macd[j]`, `signal[j]` and
    /// `hist[j]`; lanes as in [`Ema::compute_many`]. Each lane is bitwise identical to
    /// [`compute`](Self::compute) on its own.
    pub fn compute_many<'a, S: Series>(
        params: &[Macd],
        inputs: &[S],
        macd: &mut [&'a mut [f64]],
        signal: &mut [&'a mut [f64]],
        hist: &mut [&'a mut [f64]],
    ) -> Result<(), IndicatorError> {
        let lanes = check_lanes::<1, S>(params.len(), inputs, &[&*macd, &*signal, &*hist])?;
        run_lanes::<MacdState, S, 1, 3>(
            lanes,
            |j| params[j % params.len()].stream(),
            |j| inputs[j % inputs.len()],
            &mut [macd, signal, hist],
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn walk(seed: u64, n: usize) -> Vec<f64> {
        let mut s = seed;
        let mut p = 100.0;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                p *= 1.0 + 0.05 * (((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5);
                p
            })
            .collect()
    }

    /// Runs one group of four lanes on the portable vectors and compares every lane with its
    /// streaming state run alone.
    fn port_matches<L: Lane<1, OUT>, const OUT: usize>(fresh: [L; 4]) {
        let mut xs: Vec<Vec<f64>> = (0..4).map(|k| walk(k + 1, 400 - 10 * k as usize)).collect();
        xs[2][100] = f64::NAN;
        let inp: [&[f64]; 4] = core::array::from_fn(|k| &xs[k][..]);
        let mut bufs: Vec<Vec<Vec<f64>>> = (0..OUT)
            .map(|_| (0..4).map(|k| std::vec![0.0; xs[k].len()]).collect())
            .collect();
        {
            let mut it = bufs.iter_mut();
            let mut outs: [[&mut [f64]; 4]; OUT] = core::array::from_fn(|_| {
                let row = it.next().unwrap();
                let mut r = row.iter_mut();
                core::array::from_fn(|_| &mut r.next().unwrap()[..])
            });
            group::<Port, L, &[f64], 1, OUT>((), fresh, inp, &mut outs);
        }
        for k in 0..4 {
            let mut st = fresh[k];
            for (t, &x) in xs[k].iter().enumerate() {
                let y = st.update([x]);
                for o in 0..OUT {
                    let (a, b) = (bufs[o][k][t], y[o]);
                    assert!(
                        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                        "lane {k} t {t}: {a} {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn portable_lanes_match_single() {
        use crate::indicators::{Convention::*, Ema, Macd, Rsi};
        for conv in [[TaLib; 4], [Pandas; 4], [TaLib, Pandas, TaLib, TaLib]] {
            port_matches(core::array::from_fn(|k| {
                Ema::new([5, 1, 14, 30][k])
                    .unwrap()
                    .with_convention(conv[k])
                    .stream()
            }));
            port_matches(core::array::from_fn(|k| {
                Rsi::new([5, 2, 14, 30][k])
                    .unwrap()
                    .with_convention(conv[k])
                    .stream()
            }));
            port_matches(core::array::from_fn(|k| {
                Macd::new([12, 5, 26, 3][k], [26, 35, 12, 10][k], [9, 5, 1, 4][k])
                    .unwrap()
                    .with_convention(conv[k])
                    .stream()
            }));
        }
    }
}
