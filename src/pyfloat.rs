//! Python's float text forms, without allocation (`no_std`).
//!
//! [`Buffer::format`] writes a double exactly as Python's `repr(float)` (and NumPy's
//! `astype(str)`, which pandas `to_csv` uses) does: the shortest digit string that reads back
//! as the same double, in positional form with at least one fractional digit when the decimal
//! exponent lies in `[-4, 16)` (`7598.0`, `1.35548`, `0.000202`), otherwise in scientific form
//! with a sign and at least two exponent digits (`2.02e-05`, `1e-05`, `1e+16`,
//! `1.2345678901234568e+16`). Non-finite values are `nan`, `inf` and `-inf`; negative zero is
//! `-0.0`.
//!
//! [`parse`] and [`parse_prefix`] read decimal text back into the correctly rounded double
//! (the one Python's `float()` and pandas `read_csv` produce). Short decimals such as prices
//! and volumes take an exact fast path; anything else falls back to the standard library's
//! correctly rounded parser.

/// The longest text [`Buffer::format`] produces, in bytes (`-2.2250738585072014e-308`).
pub const MAX_LEN: usize = 24;

/// Scratch space for formatting doubles; reuse one per thread or per writer.
pub struct Buffer {
    digits: zmij::Buffer,
    out: [u8; 32],
}

impl Default for Buffer {
    fn default() -> Self {
        Buffer::new()
    }
}

impl core::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("pyfloat::Buffer")
    }
}

impl Buffer {
    /// A new buffer.
    #[must_use]
    pub fn new() -> Self {
        Buffer {
            digits: zmij::Buffer::new(),
            out: [0; 32],
        }
    }

    /// `v` as Python's `repr(v)`: `nan`, `inf`, `-inf` for non-finite values (the sign of a
    /// NaN is not shown, as in Python), the shortest round-trip digits otherwise.
    pub fn format(&mut self, v: f64) -> &str {
        // The text is ASCII, so the check cannot fail.
        core::str::from_utf8(self.format_bytes(v)).unwrap_or_default()
    }

    /// The same text as [`Buffer::format`], as bytes (always ASCII).
    pub fn format_bytes(&mut self, v: f64) -> &[u8] {
        let mut out = self.out;
        let n = self.format_into(v, &mut out);
        self.out = out;
        &self.out[..n]
    }

    /// Writes the same text as [`Buffer::format`] at the start of `dst` and returns its
    /// length (at most [`MAX_LEN`]); the rest of `dst` is unspecified. Writing straight into
    /// the caller's row buffer saves a copy.
    #[inline]
    pub fn format_into(&mut self, v: f64, dst: &mut [u8; 32]) -> usize {
        if let Some(n) = positional_short(v, dst) {
            return n;
        }
        if !v.is_finite() {
            let t: &[u8] = if v.is_nan() {
                b"nan"
            } else if v.is_sign_negative() {
                b"-inf"
            } else {
                b"inf"
            };
            dst[..t.len()].copy_from_slice(t);
            return t.len();
        }
        self.format_general(v, dst)
    }

    /// Any finite `v`, through zmij's shortest digits, laid out as Python does.
    fn format_general(&mut self, v: f64, dst: &mut [u8; 32]) -> usize {
        let digits = &mut self.digits;
        // zmij prints the shortest round-trip digits (the closest such string), as Python's
        // repr does. Its layout agrees with Python's for decimal exponents in [-4, 15]:
        // positional, with ".0" after integers. It differs in two places, rewritten here:
        //  * exponent -5, which it prints positionally as "0.0000ddd" and Python as "d.dde-05";
        //  * one-digit scientific exponents, "e-7" where Python writes "e-07".
        let s = digits.format_finite(v).as_bytes();
        let (sign, body) = match s.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, s),
        };
        let mut n = 0;
        let mut put = |bytes: &[u8]| {
            dst[n..n + bytes.len()].copy_from_slice(bytes);
            n += bytes.len();
        };
        if let Some(digits) = body.strip_prefix(b"0.0000") {
            // 10^-5 <= |v| < 10^-4: "d[.ddd]e-05".
            if sign {
                put(b"-");
            }
            // zmij never prints "0.0000" without a digit after it.
            let (first, rest) = digits.split_first().unwrap_or((&b'0', &[]));
            put(core::slice::from_ref(first));
            if !rest.is_empty() {
                put(b".");
                put(rest);
            }
            put(b"e-05");
        } else if let Some(e) = s.iter().position(|&c| c == b'e') {
            let (neg_exp, exp_digits) = match s[e + 1..].split_first() {
                Some((b'-', rest)) => (true, rest),
                Some((b'+', rest)) => (false, rest),
                _ => (false, &s[e + 1..]),
            };
            put(&s[..=e]);
            put(if neg_exp { b"-" } else { b"+" });
            if exp_digits.len() < 2 {
                put(b"0");
            }
            put(exp_digits);
        } else {
            // Already Python's form.
            put(s);
        }
        n
    }
}

/// `5^k` for `k` in `0..=19`.
const POW5: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
};

/// For `e` in `1..=66`: the largest `k` with `10^k < 2^e` (decimals that keep at most one
/// candidate inside the rounding interval of a double whose last bit weighs `2^-e`).
const KMAX: [u8; 67] = {
    let mut t = [0u8; 67];
    let mut e = 1;
    while e < 67 {
        let mut k = 0;
        while 10u128.pow(k + 1) < (1u128 << e) {
            k += 1;
        }
        t[e] = k as u8;
        e += 1;
    }
    t
};

/// Two ASCII digits for each number below 100.
const DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Exact shortest repr for doubles in Python's positional range that are short decimals, the
/// common case for prices and volumes (`1.35548`, `7598.0`, `0.000202`); `None` for anything
/// else (which then goes through zmij). Returns the text's length.
///
/// For `10^-4 <= |v| < 2^52`, write `|v| = M·2^-e` (53-bit `M`, `1 <= e <= 66`) and let `k` be
/// the largest number of decimals with `10^k < 2^e`. The doubles' rounding interval around
/// `v`, scaled by `10^k`, is then narrower than 1, so it holds at most one integer `q`. If some
/// decimal with at most `k` decimals reads back as `v`, the shortest one (Python's repr) is
/// `q·10^-k` with its trailing zeros removed; if `q` is not inside the interval, no decimal
/// with `k` or fewer decimals reads back as `v` and the caller falls back. All arithmetic is
/// exact (`M·5^k < 2^97`).
#[inline]
fn positional_short(v: f64, out: &mut [u8; 32]) -> Option<usize> {
    let a = v.abs();
    // Also rejects NaN.
    if !(1e-4..4_503_599_627_370_496.0).contains(&a) {
        return None;
    }
    let bits = a.to_bits();
    let biased = (bits >> 52) as usize; // normal: 1009..=1074 in this range
    let mant = (bits & ((1 << 52) - 1)) | (1 << 52);
    let e = 1075usize.checked_sub(biased)?;
    let k = usize::from(*KMAX.get(e)?);
    // v·10^k = M·5^k / 2^s
    let s = e - k;
    let num = u128::from(mant) * u128::from(POW5[k]);
    let q = (num + (1u128 << (s - 1))) >> s;
    let qs = q << s;
    // |q - v·10^k| must be under half the scaled interval: 5^k / 2^(s+1), or a quarter when
    // v is a power of two and q lies below it (the next double down is closer). Equality
    // cannot occur (5^k is odd).
    let pow5 = u128::from(POW5[k]);
    let inside = if qs >= num {
        2 * (qs - num) < pow5
    } else if mant == 1 << 52 {
        4 * (num - qs) < pow5
    } else {
        2 * (num - qs) < pow5
    };
    if !inside {
        return None;
    }
    // q < 2^53 (v·10^k < 2^53 because 10^k·2^-e < 1).
    let mut q = q as u64;
    let mut k = k;
    // Strip trailing zeros, eight, four, two, then one at a time.
    for (step, p) in [(8, 100_000_000u64), (4, 10_000), (2, 100), (1, 10)] {
        while k >= step && q.is_multiple_of(p) {
            q /= p;
            k -= step;
        }
    }
    // Lay out: "<int>.<k decimals>", "<int>.0" when k == 0, "0.<zeros><digits>" when q has
    // no more than k digits; then fill right to left, taking digits from q (zeros once it
    // runs out). At most 1 + 16 + 2 or 1 + 2 + 19 bytes.
    let len_q = q.max(1).ilog10() as usize + 1;
    let sign = usize::from(v.is_sign_negative());
    let (len, point) = if k == 0 {
        (sign + len_q + 2, sign + len_q)
    } else if len_q > k {
        (sign + len_q + 1, sign + len_q - k)
    } else {
        (sign + 2 + k, sign + 1)
    };
    if sign == 1 {
        out[0] = b'-';
    }
    out[point] = b'.';
    // Decimals (q's low digits, then zeros), two at a time where possible.
    let mut i = len;
    if k == 0 {
        i -= 1;
        out[i] = b'0';
    }
    let mut left = k;
    while left >= 2 {
        i -= 2;
        out[i..i + 2].copy_from_slice(&DIGITS2[(q % 100) as usize]);
        q /= 100;
        left -= 2;
    }
    if left == 1 {
        i -= 1;
        out[i] = b'0' + (q % 10) as u8;
        q /= 10;
    }
    // The point, then the integer digits (at least one).
    i -= 1;
    out[i] = b'.';
    while i > sign + 1 {
        i -= 2;
        out[i..i + 2].copy_from_slice(&DIGITS2[(q % 100) as usize]);
        q /= 100;
    }
    if i > sign {
        out[sign] = b'0' + (q % 10) as u8;
    }
    Some(len)
}

/// Exact powers of ten representable as doubles (10^0 ..= 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Largest integer below which every integer is exactly representable as a double.
const EXACT_INT: u64 = 1 << 53;

/// Reads the decimal number at the start of `s` and returns it with the number of bytes it
/// spans, or `None` if `s` does not start with one.
///
/// The grammar is `[+-] digits [. [digits]] [(e|E) [+-] digits]` or `[+-] . digits [exponent]`
/// (at least one mantissa digit); an `e` not followed by exponent digits ends the number
/// before the `e`. The special words `nan`/`inf` are not numbers here: see [`parse`]. The
/// result is the correctly rounded double: mantissas of at most 19 significant digits that
/// fit in 53 bits with a decimal exponent within ±22 are computed exactly with one IEEE
/// multiplication or division (Clinger's fast path); the rest use `core`'s parser.
#[must_use]
#[inline]
pub fn parse_prefix(s: &[u8]) -> Option<(f64, usize)> {
    if let Some(r) = parse_short(s) {
        return Some(r);
    }
    parse_prefix_general(s)
}

/// `10^k` for `k` in `0..=7`.
const POW10_U64: [u64; 8] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/// The leading decimal digits of 8 bytes: their value and count, or `None` if all 8 are
/// digits. Eight bytes are examined at once (SWAR).
#[inline]
fn leading_digits(chunk: &[u8]) -> Option<(u64, usize)> {
    let x = u64::from_le_bytes(chunk.try_into().ok()?);
    // ASCII digits become their values 0..=9; every other byte becomes 10 or more.
    let a = x ^ 0x3030_3030_3030_3030;
    // High bit of each byte set where that byte is >= 10 (no carries cross bytes: the
    // low seven bits plus 0x76 stay below 0x100; bytes >= 0x80 are caught by `| a`).
    let non_digit =
        (((a & 0x7f7f_7f7f_7f7f_7f7f) + 0x7676_7676_7676_7676) | a) & 0x8080_8080_8080_8080;
    if non_digit == 0 {
        return None;
    }
    let n = (non_digit.trailing_zeros() / 8) as usize;
    if n == 0 {
        return Some((0, 0));
    }
    // Keep the n digit bytes and move them to the top, so the last digit is byte 7 and the
    // empty low bytes count as leading zeros. Byte 0 is now the most significant digit.
    let mut v = a << (8 * (8 - n));
    // Combine neighbours: pairs (0..=99), then quads (0..=9999), then all eight.
    v = (v * 10 + (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    v = (v * 100 + (v >> 16)) & 0x0000_ffff_0000_ffff;
    v = (v * 10_000 + (v >> 32)) & 0xffff_ffff;
    Some((v, n))
}

/// The common short form: `[-]d{0,7}[.d{0,7}]` with at least one digit, no exponent, and
/// 8 readable bytes after each part's start. The mantissa is below `10^14`, so one exact
/// division gives the correctly rounded double. `None` means "use the general parser".
#[inline]
fn parse_short(s: &[u8]) -> Option<(f64, usize)> {
    let neg = s.first() == Some(&b'-');
    let i = usize::from(neg);
    let (int, n1) = leading_digits(s.get(i..i + 8)?)?;
    let mut j = i + n1;
    let (mut mant, mut n2) = (int, 0);
    if s.get(j) == Some(&b'.') {
        let (frac, n) = leading_digits(s.get(j + 1..j + 9)?)?;
        mant = int * POW10_U64[n] + frac;
        n2 = n;
        j += 1 + n;
    }
    if n1 + n2 == 0 || matches!(s.get(j), Some(b'e' | b'E')) {
        return None;
    }
    let v = mant as f64 / POW10[n2];
    Some((if neg { -v } else { v }, j))
}

/// [`parse_prefix`] for any length and form.
fn parse_prefix_general(s: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    let neg = match s.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let unsigned_start = i;
    let mut mant: u64 = 0;
    let mut sig = 0u32; // significant digits held in `mant`
    let mut exact = true; // no non-zero digit was dropped
    let mut exp: i64 = 0;
    let mut ndigits = 0usize;
    while let Some(&c) = s.get(i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if sig < 19 {
            mant = mant * 10 + u64::from(d);
            sig += u32::from(mant != 0);
        } else {
            exp += 1;
            exact &= d == 0;
        }
        ndigits += 1;
        i += 1;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = s.get(i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            if sig < 19 {
                mant = mant * 10 + u64::from(d);
                sig += u32::from(mant != 0);
                exp -= 1;
            } else {
                exact &= d == 0;
            }
            ndigits += 1;
            i += 1;
        }
    }
    if ndigits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = s.get(i) {
        let mut j = i + 1;
        let neg_exp = match s.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let digits_at = j;
        let mut e: i64 = 0;
        while let Some(&c) = s.get(j) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            // Saturate: anything this large is 0 or infinity anyway.
            e = (e * 10 + i64::from(d)).min(1 << 40);
            j += 1;
        }
        if j > digits_at {
            exp += if neg_exp { -e } else { e };
            i = j;
        }
    }
    let v = if mant == 0 {
        0.0
    } else if exact && mant <= EXACT_INT && (-22..=22).contains(&exp) {
        let m = mant as f64;
        // `exp` is within ±22 here, so the index is in range.
        let p = POW10[exp.unsigned_abs() as usize];
        if exp < 0 { m / p } else { m * p }
    } else {
        // The span is ASCII and matches core's grammar; the sign is applied below.
        core::str::from_utf8(&s[unsigned_start..i])
            .ok()?
            .parse::<f64>()
            .ok()?
    };
    Some((if neg { -v } else { v }, i))
}

/// Parses all of `s` as a double: a decimal number (see [`parse_prefix`]) or one of the
/// words `nan`, `inf`, `infinity` in any letter case with an optional sign. No surrounding
/// whitespace is allowed. Returns `None` for anything else.
#[must_use]
pub fn parse(s: &[u8]) -> Option<f64> {
    match parse_prefix(s) {
        Some((v, n)) if n == s.len() => Some(v),
        Some(_) => None,
        None => parse_special(s),
    }
}

/// `nan`, `inf`, `infinity` (any case, optional sign).
fn parse_special(s: &[u8]) -> Option<f64> {
    let (neg, word) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if word.eq_ignore_ascii_case(b"nan") {
        Some(f64::NAN)
    } else if word.eq_ignore_ascii_case(b"inf") || word.eq_ignore_ascii_case(b"infinity") {
        Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    fn repr(v: f64) -> String {
        String::from(Buffer::new().format(v))
    }

    #[test]
    fn python_repr_forms() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (7598.0, "7598.0"),
            (1.35548, "1.35548"),
            (0.000202, "0.000202"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012345"),
            (2.02e-05, "2.02e-05"),
            (-2.02e-05, "-2.02e-05"),
            (1e-05, "1e-05"),
            (9.999999999999999e-05, "9.999999999999999e-05"),
            (1e-7, "1e-07"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (-1e16, "-1e+16"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (1.2345678901234568e16, "1.2345678901234568e+16"),
            (123456789012345.6, "123456789012345.6"),
            (1e100, "1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-2.2250738585072014e-308, "-2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (0.1, "0.1"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for &(v, want) in cases {
            let got = repr(v);
            assert_eq!(got, want, "{v:e}");
            assert!(got.len() <= MAX_LEN);
        }
    }

    #[test]
    fn short_decimal_path_agrees_with_the_general_path() {
        let mut b = Buffer::new();
        let mut check = |v: f64| {
            let mut out = [0u8; 32];
            if let Some(n) = positional_short(v, &mut out) {
                let mut general = [0u8; 32];
                let m = b.format_general(v, &mut general);
                assert_eq!(
                    String::from_utf8_lossy(&out[..n]),
                    String::from_utf8_lossy(&general[..m]),
                    "{v:e}"
                );
                true
            } else {
                false
            }
        };
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut hits = 0;
        for i in 0..400_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Short decimals of every magnitude in the positional range, and raw doubles.
            let digits = 1 + (x % 16) as i32;
            let m = (x >> 8) % 10u64.pow(digits as u32);
            let scale = ((x >> 4) % 24) as i32 - 4;
            let v = m as f64 / 10f64.powi(scale);
            hits += u64::from(check(v)) + u64::from(check(-v));
            check(f64::from_bits(x));
            check(f64::from_bits(x >> 2 | 0x3f00_0000_0000_0000));
            check(i as f64 / 1e5);
        }
        assert!(hits > 400_000, "the fast path was taken {hits} times");
        for v in [
            1e-4,
            0.0001000000000000001,
            4_503_599_627_370_495.5,
            2f64.powi(51),
            0.5,
            1.0,
        ] {
            check(v);
        }
    }

    #[test]
    fn parse_matches_core_and_round_trips() {
        let texts: &[&str] = &[
            "0",
            "-0",
            "-0.0",
            "1",
            "1.",
            ".5",
            "+.5",
            "-.5",
            "7598.0",
            "1.35548",
            "0.000202",
            "1e-05",
            "2.02e-05",
            "1E+16",
            "1.2345678901234568e+16",
            "123456789012345.6",
            "9007199254740993",
            "9007199254740992.5",
            "0.1",
            "0.30000000000000004",
            "1e22",
            "1e23",
            "4.9e-324",
            "2e-324",
            "1e-400",
            "1e400",
            "1.7976931348623157e308",
            "12345678901234567890123",
            "0.00000000000000000000000001234",
            "123456789012345678901234567890e-10",
            "1000000000000000000000000",
            "108027.31",
            "00001.5000",
            "1.000000000000000000000000000000000001",
        ];
        for t in texts {
            let want: f64 = t.parse().expect("test text is valid");
            let got = parse(t.as_bytes()).expect("parses");
            assert_eq!(got.to_bits(), want.to_bits(), "{t}");
            assert_eq!(
                parse_prefix(t.as_bytes()).map(|p| p.1),
                Some(t.len()),
                "{t}"
            );
        }
        // Shortest repr -> parse gives the same bits, for a spread of values.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if v.is_finite() {
                let mut b = Buffer::new();
                let s = b.format(v);
                assert_eq!(
                    parse(s.as_bytes()).map(f64::to_bits),
                    Some(v.to_bits()),
                    "{s}"
                );
            }
            let cents = (x >> 20) as f64 / 100.0;
            let mut b = Buffer::new();
            let s = b.format(cents);
            assert_eq!(
                parse(s.as_bytes()).map(f64::to_bits),
                Some(cents.to_bits()),
                "{s}"
            );
        }
    }

    #[test]
    fn short_parse_path_agrees_with_the_general_path() {
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let alphabet = b"0123456789012345678901234567890123456789.-+e,\n\r x";
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 20) as usize;
            let mut text = [0u8; 20];
            let mut y = x;
            for c in text.iter_mut().take(len) {
                *c = alphabet[(y % alphabet.len() as u64) as usize];
                y = y.rotate_left(7) ^ (y >> 3);
            }
            let t = &text[..len];
            if let Some((v, n)) = parse_short(t) {
                let (w, m) = parse_prefix_general(t).expect("general parser accepts it too");
                assert_eq!(
                    (v.to_bits(), n),
                    (w.to_bits(), m),
                    "{:?}",
                    String::from_utf8_lossy(t)
                );
            }
        }
        assert_eq!(leading_digits(b"12345678"), None);
        assert_eq!(leading_digits(b"1234567,"), Some((1_234_567, 7)));
        assert_eq!(leading_digits(b",1234567"), Some((0, 0)));
        assert_eq!(leading_digits(b"09\xff:/0000"[..8].as_ref()), Some((9, 2)));
        assert_eq!(parse_short(b"1.35548,1,2"), Some((1.35548, 7)));
        assert_eq!(parse_short(b"-7598.0\n......"), Some((-7598.0, 7)));
        assert_eq!(parse_short(b"1e-05,xxxxxx"), None);
    }

    #[test]
    fn parse_rejects_and_stops() {
        for bad in [
            "", "-", "+", ".", "e5", "-e5", "abc", "1.2.3", "1e", "1e+", " 1", "1 ", "nana",
        ] {
            assert_eq!(parse(bad.as_bytes()).map(f64::to_bits), None, "{bad:?}");
        }
        assert_eq!(parse_prefix(b"1e,"), Some((1.0, 1)));
        assert_eq!(parse_prefix(b"2.5,3"), Some((2.5, 3)));
        assert_eq!(parse_prefix(b"-1.5e-3\n"), Some((-0.0015, 7)));
        assert!(parse(b"NaN").is_some_and(f64::is_nan));
        assert!(parse(b"-nan").is_some_and(f64::is_nan));
        assert_eq!(parse(b"-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse(b"INF"), Some(f64::INFINITY));
    }
}
