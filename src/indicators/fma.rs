//! Fused multiply-add, `a·b + c` with a single rounding.
//!
//! TA-Lib (0.6 and later) computes its exponential and Wilder updates with `fma`, so matching it
//! bit for bit needs a correctly rounded fused multiply-add everywhere: the CPU instruction when
//! it exists (chosen at compile time, or at run time with `std` on x86-64), otherwise
//! [`soft_fma`], an exact software version. All paths give the same bits.

/// A way of computing `a·b + c` with one rounding. Kernels are generic over it so that the
/// hardware form inlines into code compiled for it.
pub(crate) trait MulAdd: Copy {
    /// Correctly rounded `a·b + c`.
    fn mul_add(self, a: f64, b: f64, c: f64) -> f64;
}

/// The portable form: `f64::mul_add` with `std` (the C library's correctly rounded `fma`, or
/// the instruction when compiled in), [`soft_fma`] without.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable;

impl MulAdd for Portable {
    #[inline(always)]
    fn mul_add(self, a: f64, b: f64, c: f64) -> f64 {
        #[cfg(feature = "std")]
        {
            a.mul_add(b, c)
        }
        #[cfg(not(feature = "std"))]
        {
            soft_fma(a, b, c)
        }
    }
}

/// The x86-64 FMA instruction. A value exists only after the CPU was found to support it.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fused(());

#[cfg(target_arch = "x86_64")]
impl Fused {
    /// `Some` when the CPU executes FMA instructions.
    #[inline]
    pub(crate) fn detect() -> Option<Fused> {
        #[cfg(target_feature = "fma")]
        {
            Some(Fused(()))
        }
        #[cfg(all(not(target_feature = "fma"), feature = "std"))]
        {
            if std::arch::is_x86_feature_detected!("fma") {
                Some(Fused(()))
            } else {
                None
            }
        }
        #[cfg(all(not(target_feature = "fma"), not(feature = "std")))]
        {
            None
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
#[inline]
fn fused(a: f64, b: f64, c: f64) -> f64 {
    use core::arch::x86_64::{_mm_cvtsd_f64, _mm_fmadd_sd, _mm_set_sd};
    _mm_cvtsd_f64(_mm_fmadd_sd(_mm_set_sd(a), _mm_set_sd(b), _mm_set_sd(c)))
}

#[cfg(target_arch = "x86_64")]
impl MulAdd for Fused {
    #[inline(always)]
    fn mul_add(self, a: f64, b: f64, c: f64) -> f64 {
        // SAFETY: a `Fused` is only constructed by `detect`, after the compile-time target or a
        // run-time CPUID check confirmed FMA support.
        unsafe { fused(a, b, c) }
    }
}

/// Correctly rounded `a·b + c` on whatever the best available path is (for streaming updates;
/// batch kernels pick a [`MulAdd`] once per call).
#[inline]
pub(crate) fn fma(a: f64, b: f64, c: f64) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if let Some(f) = Fused::detect() {
        return f.mul_add(a, b, c);
    }
    Portable.mul_add(a, b, c)
}

/// The best path, chosen per call (for streaming updates, where one `fma` per update makes the
/// dispatch cost irrelevant).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Auto;

impl MulAdd for Auto {
    #[inline(always)]
    fn mul_add(self, a: f64, b: f64, c: f64) -> f64 {
        fma(a, b, c)
    }
}

/// Runs `$kernel(m, args..)` with the best [`MulAdd`]: on x86-64 with FMA, through a wrapper
/// compiled with the `fma` feature so the instruction inlines into the loop.
macro_rules! with_fma {
    ($kernel:ident ( $($arg:expr),* $(,)? )) => {{
        #[cfg(target_arch = "x86_64")]
        {
            match $crate::indicators::fma::Fused::detect() {
                Some(f) => {
                    #[target_feature(enable = "fma")]
                    fn wrapped<R>(run: impl FnOnce() -> R) -> R {
                        run()
                    }
                    // SAFETY: `f` exists, so the CPU supports the `fma` feature `wrapped` is
                    // compiled for.
                    unsafe { wrapped(|| $kernel(f, $($arg),*)) }
                }
                None => $kernel($crate::indicators::fma::Portable, $($arg),*),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $kernel($crate::indicators::fma::Portable, $($arg),*)
        }
    }};
}
pub(crate) use with_fma;

/// Correctly rounded (to nearest, ties to even) `a·b + c` in integer arithmetic, for targets
/// without an FMA instruction or C library.
#[cfg_attr(feature = "std", allow(dead_code))]
pub(crate) fn soft_fma(a: f64, b: f64, c: f64) -> f64 {
    // A zero or non-finite operand makes the product exact (or the result special): the plain
    // expression is then correctly rounded and follows IEEE-754's special cases.
    if !(a.is_finite() && b.is_finite()) || a == 0.0 || b == 0.0 {
        return a * b + c;
    }
    // A finite product never overflows inside an fma: an infinite or NaN addend wins.
    if !c.is_finite() {
        return c;
    }
    if c == 0.0 {
        return a * b;
    }
    let (sa, ea, ma) = split(a);
    let (sb, eb, mb) = split(b);
    let (sc, ec, mc) = split(c);
    let sp = sa ^ sb;
    let p = u128::from(ma) * u128::from(mb); // 105 or 106 bits
    let ep = ea + eb;
    let bits_p = 128 - p.leading_zeros() as i32;
    let top_p = ep + bits_p - 1;
    let top_c = ec + 52;
    // Frame both terms as integers times 2^f, the larger one's top bit at bit 124 (room for a
    // carry); the smaller is shifted right with its lost bits jammed into bit 0, where the larger
    // has a zero, so the sum is never mistaken for a rounding tie.
    let (xp, xc, f);
    if top_p + 2 >= top_c {
        let shift = 124 - (bits_p - 1);
        f = ep - shift;
        xp = p << shift;
        xc = place(u128::from(mc), ec - f);
    } else {
        f = ec - 72;
        xc = u128::from(mc) << 72;
        xp = place(p, ep - f);
    }
    let (neg, s) = if sp == sc {
        (sp, xp + xc)
    } else if xp >= xc {
        (sp, xp - xc)
    } else {
        (sc, xc - xp)
    };
    if s == 0 {
        return 0.0;
    }
    let top = 127 - s.leading_zeros() as i32;
    // Keep 53 bits, or fewer where the result is subnormal (its last bit is 2^-1074).
    let r = (top - 52).max(-1074 - f);
    let m = if r <= 0 {
        (s << (-r) as u32) as u64
    } else if r > 128 {
        0
    } else if r == 128 {
        u64::from(s > 1u128 << 127)
    } else {
        let r = r as u32;
        let kept = s >> r;
        let rest = s & ((1u128 << r) - 1);
        let half = 1u128 << (r - 1);
        let up = rest > half || (rest == half && kept & 1 == 1);
        (kept + u128::from(up)) as u64
    };
    let e = f + r;
    let v = if e > 971 {
        f64::INFINITY
    } else {
        scale(m as f64, e)
    };
    if neg { -v } else { v }
}

/// `(sign, exponent, mantissa)` with `|x| = mantissa · 2^exponent`, mantissa in `[2^52, 2^53)`
/// (subnormals normalised). `x` is finite and non-zero.
fn split(x: f64) -> (bool, i32, u64) {
    let bits = x.to_bits();
    let sign = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        let shift = frac.leading_zeros() as i32 - 11;
        (sign, -1074 - shift, frac << shift)
    } else {
        (sign, exp - 1075, frac | (1u64 << 52))
    }
}

/// `x · 2^s` as an integer in the frame: shifted left exactly, or right with the lost bits
/// jammed into bit 0.
fn place(x: u128, s: i32) -> u128 {
    if s >= 0 {
        x << s as u32
    } else if s <= -128 {
        u128::from(x != 0)
    } else {
        let r = (-s) as u32;
        (x >> r) | u128::from(x & ((1u128 << r) - 1) != 0)
    }
}

/// `m · 2^e` for an integer `m <= 2^53` and `-1074 <= e <= 971` whose product is exactly
/// representable or overflows.
fn scale(m: f64, e: i32) -> f64 {
    let pow = |k: i32| f64::from_bits(((k + 1023) as u64) << 52);
    if e > 600 {
        m * pow(600) * pow(e - 600)
    } else if e < -600 {
        m * pow(e + 600) * pow(-600)
    } else {
        m * pow(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: f64, b: f64, c: f64) {
        let want = a.mul_add(b, c);
        let got = soft_fma(a, b, c);
        assert!(
            want.to_bits() == got.to_bits() || (want.is_nan() && got.is_nan()),
            "fma({a:e}, {b:e}, {c:e}): soft {got:e} vs {want:e}"
        );
    }

    #[test]
    fn soft_fma_is_correctly_rounded() {
        let mut s = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let specials = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1.0 + f64::EPSILON,
            1.0 - f64::EPSILON / 2.0,
        ];
        for &a in &specials {
            for &b in &specials {
                for &c in &specials {
                    check(a, b, c);
                }
            }
        }
        for i in 0..400_000 {
            let r = |x: u64, span: u64| {
                f64::from_bits(
                    (x & 0x800f_ffff_ffff_ffff) | ((1023 - span / 2 + (x >> 52) % span) << 52),
                )
            };
            let span = [4, 60, 400, 2000][i % 4];
            let (a, b) = (r(next(), span), r(next(), span));
            // Plain random addends, and addends that nearly cancel the product.
            let c = match i % 5 {
                0 => r(next(), span),
                1 => -(a * b),
                2 => -(a * b) * (1.0 + f64::EPSILON * ((next() % 16) as f64 - 8.0)),
                3 => f64::from_bits(next()),
                _ => -(a * b) + (a * b) * f64::EPSILON * 0.5,
            };
            check(a, b, c);
            check(
                f64::from_bits(next()),
                f64::from_bits(next()),
                f64::from_bits(next()),
            );
        }
        // Subnormal results and operands.
        for k in 0..2000u64 {
            let a = f64::from_bits(next() % (1 << 53));
            let b = f64::from_bits((1023u64 << 52) | (next() >> 12));
            check(a, b, -a);
            check(a, b, f64::from_bits(k));
            check(1e-160 * (1.0 + k as f64), 1e-160, -1e-320);
            check(f64::MAX, 1.0 + f64::EPSILON * (k % 4) as f64, -f64::MAX);
        }
    }
}
