//! The engine's heap use is bounded by its batch size, not by the file size.

mod common;

use common::tmpdir;
use ohlcv::engine::{self, Config, Durability, Layout, Progress};
use ohlcv::io::binary::write_atomic;
use ohlcv::io::{BarWriter, CsvWriter, Format};
use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak heap growth (bytes) of one engine run over `years` of one symbol.
fn peak_for(format: Format, years: f64, name: &str) -> usize {
    let dir = tmpdir(name);
    let root = dir.join("aggregate/1m");
    std::fs::create_dir_all(&root).unwrap();
    let bars = ohlcv::demo::symbol_bars(1, ohlcv::demo::DEFAULT_START_MS, years);
    let path = root.join(format!("S{}", format.extension()));
    match format {
        Format::Binary => write_atomic(&path, &bars).unwrap(),
        Format::Csv => {
            let mut w = CsvWriter::open(&path).unwrap();
            let p = w.data_start();
            w.write_at(p, &bars).unwrap();
        }
    }
    drop(bars);
    let mut cfg = Config::pipeline(format);
    cfg.batch_rows = 20_000;
    cfg.jobs = 1;
    cfg.durability = Durability::Process;
    let layout = Layout::new(&dir, format).unwrap();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    engine::run(&layout, &cfg, &Progress::default()).unwrap();
    PEAK.load(Ordering::Relaxed) - base
}

#[test]
fn heap_is_bounded_by_the_batch_not_the_file() {
    for format in [Format::Binary, Format::Csv] {
        let small = peak_for(format, 0.25, &format!("mem-small-{format:?}"));
        let large = peak_for(format, 1.0, &format!("mem-large-{format:?}"));
        // 1 year is ~370k input rows (24 MB binary): a file-sized buffer would show here.
        assert!(large < 8 << 20, "{format:?}: peak heap {large} bytes");
        assert!(
            large < small + small / 4 + (64 << 10),
            "{format:?}: heap grows with the file: {small} bytes for 3 months, {large} for a year"
        );
    }
}
