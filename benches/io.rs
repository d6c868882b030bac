//! File access: opening a binary file with mmap and scanning it (zero-copy) versus reading it
//! into a `Vec<Bar>` first, on a file in the page cache.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ohlcv::io::binary::write_atomic;
use ohlcv::io::{BarReader, BinaryReader};
use std::hint::black_box;

const BARS: usize = 4 << 20; // 256 MiB

fn io(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ohlcv-bench-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scan.bin");
    let bars = ohlcv::demo::symbol_bars(7, ohlcv::demo::DEFAULT_START_MS, 10.0);
    write_atomic(&path, &bars[..BARS.min(bars.len())]).unwrap();
    let n = BARS.min(bars.len()) as u64;
    drop(bars);

    let mut g = c.benchmark_group("scan_file");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    g.bench_function("mmap_open_and_sum_volume", |b| {
        b.iter(|| {
            let r = BinaryReader::open(&path).unwrap();
            black_box(ohlcv::simd::sum_volume(r.bars()))
        })
    });
    g.bench_function("read_into_vec_and_sum_volume", |b| {
        b.iter(|| {
            let mut r = BinaryReader::open(&path).unwrap();
            let (mut v, mut o) = (Vec::new(), Vec::new());
            r.read_batch(usize::MAX, &mut v, &mut o).unwrap();
            black_box(ohlcv::simd::sum_volume(&v))
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, io);
criterion_main!(benches);
