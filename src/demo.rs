//! The standard synthetic workload: FX-like 1-minute bars for many symbols, in the pipeline's
//! layout, for demos, benchmarks and tests.
//!
//! Each symbol is a seeded random walk (close = 1.1 · exp(cumulative N(0, 2e-4)) returns),
//! open = previous close, high/low spread by |N(0, 1e-4)|, prices rounded to 5 decimals,
//! volume lognormal(3, 1) rounded to 2 decimals. Bars exist only in the FX trading week,
//! Sunday 22:00 to Friday 22:00 UTC, with about 1 % of minutes missing at random.

use crate::io::binary::replace_file;
use crate::{Bar, Error, Result};
use std::path::Path;
use std::vec::Vec;
use std::{format, string::String};

/// Epoch milliseconds of 2024-01-01 00:00:00 UTC, the default start.
pub const DEFAULT_START_MS: u64 = 1_704_067_200_000;

const MINUTE_MS: u64 = 60_000;

/// SplitMix64 with Box-Muller normals: small, seeded, reproducible everywhere.
struct Rng {
    state: u64,
    spare: Option<f64>,
}

impl Rng {
    fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x6A09_E667_F3BC_C909,
            spare: None,
        }
    }
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let t = core::f64::consts::TAU * v;
        self.spare = Some(r * t.sin());
        r * t.cos()
    }
}

/// NumPy's `round(x, d)`: `rint(x * 10^d) / 10^d`, ties to even.
fn np_round(x: f64, scale: f64) -> f64 {
    (x * scale).round_ties_even() / scale
}

/// True when the FX market is open at `ms` (Sunday 22:00 to Friday 22:00 UTC).
#[must_use]
pub fn fx_market_open(ms: u64) -> bool {
    let minute = ms / MINUTE_MS;
    let dow = (minute / 1440 + 3) % 7; // 0 = Monday (1970-01-01 was a Thursday)
    let mod_day = minute % 1440;
    !(dow == 5 || (dow == 4 && mod_day >= 22 * 60) || (dow == 6 && mod_day < 22 * 60))
}

/// One symbol's bars: `years` of minutes from `start_ms`, seeded by `seed`.
#[must_use]
pub fn symbol_bars(seed: u64, start_ms: u64, years: f64) -> Vec<Bar> {
    let mut rng = Rng::new(seed);
    let minutes = (years * 365.25 * 1440.0) as u64;
    let mut out = Vec::with_capacity(minutes as usize);
    let (mut prev_close, mut log_price) = (1.1f64, 0.0f64);
    for m in 0..minutes {
        let ts = start_ms + m * MINUTE_MS;
        if !fx_market_open(ts) || rng.uniform() < 0.01 {
            continue;
        }
        log_price += 2e-4 * rng.normal();
        let close = 1.1 * log_price.exp();
        let open = prev_close;
        let high = open.max(close) * (1.0 + (1e-4 * rng.normal()).abs());
        let low = open.min(close) * (1.0 - (1e-4 * rng.normal()).abs());
        let volume = np_round((3.0 + rng.normal()).exp(), 1e2);
        out.push(Bar::new(
            ts,
            np_round(open, 1e5),
            np_round(high, 1e5),
            np_round(low, 1e5),
            np_round(close, 1e5),
            volume,
        ));
        prev_close = close;
    }
    out
}

/// The name of demo symbol `i`: `SYM00`, `SYM01`, ...
#[must_use]
pub fn symbol_name(i: usize) -> String {
    format!("SYM{i:02}")
}

/// Writes `symbols` demo symbols as binary 1-minute files under `data_dir/aggregate/1m/`, in
/// parallel over `jobs` threads. Returns the number of bars written.
pub fn generate(data_dir: &Path, symbols: usize, years: f64, jobs: usize) -> Result<u64> {
    let dir = data_dir.join("aggregate").join("1m");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create directory", e))?;
    let next = core::sync::atomic::AtomicUsize::new(0);
    let total = core::sync::atomic::AtomicU64::new(0);
    let first_error = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
                    if i >= symbols {
                        break;
                    }
                    let bars = symbol_bars(i as u64, DEFAULT_START_MS, years);
                    let path = dir.join(format!("{}.bin", symbol_name(i)));
                    // Disposable data: atomic (temp + rename) but not fsynced.
                    match replace_file(&path, bytemuck::cast_slice(&bars), false) {
                        Ok(()) => {
                            total.fetch_add(
                                bars.len() as u64,
                                core::sync::atomic::Ordering::Relaxed,
                            );
                        }
                        Err(e) => {
                            let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                            slot.get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    match first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(total.into_inner()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_sane_sorted_and_in_trading_hours() {
        let bars = symbol_bars(1, DEFAULT_START_MS, 0.05);
        assert!(bars.len() > 10_000);
        assert_eq!(crate::bar::validate(&bars), None);
        assert!(bars.iter().all(|b| fx_market_open(b.ts) && b.volume > 0.0));
        // Saturday 2024-01-06 has no bars; Sunday 21:59 none, 22:00 opens.
        let sat = DEFAULT_START_MS + 5 * 86_400_000;
        assert!(!fx_market_open(sat + 12 * 3_600_000));
        assert!(!fx_market_open(
            sat + 86_400_000 + 21 * 3_600_000 + 59 * 60_000
        ));
        assert!(fx_market_open(sat + 86_400_000 + 22 * 3_600_000));
        assert_eq!(
            symbol_bars(1, DEFAULT_START_MS, 0.01),
            symbol_bars(1, DEFAULT_START_MS, 0.01)
        );
        assert_ne!(
            symbol_bars(1, DEFAULT_START_MS, 0.01),
            symbol_bars(2, DEFAULT_START_MS, 0.01)
        );
    }
}
