//! Binary files are byte-compatible with the pipeline's NumPy view (`np.frombuffer(mmap, DTYPE)`)
//! in both directions.

mod common;

use common::{Rng, python, tmpdir};
use ohlcv::Bar;
use ohlcv::io::{BarWriter, BinaryReader, BinaryWriter};

const DTYPE: &str = "np.dtype([('ts', '<u8'), ('ohlcv', '<f8', (5,)), ('padding', '<u8', (2,))])";

/// Random bars including awkward doubles (NaN payloads, infinities, -0.0, subnormals, extremes).
fn awkward_bars(n: usize, seed: u64) -> Vec<Bar> {
    let mut rng = Rng(seed);
    let specials = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -0.0,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
    ];
    (0..n)
        .map(|i| {
            let mut v = [0f64; 5];
            for x in &mut v {
                *x = match rng.below(10) {
                    0 => specials[rng.below(specials.len() as u64) as usize],
                    1 => f64::from_bits(rng.next_u64()),
                    _ => (rng.f64() * 1e5).round() / 1e5,
                };
            }
            // Increasing minute timestamps, so the files also look like real series.
            Bar::new(
                1_104_710_400_000 + 60_000 * i as u64,
                v[0],
                v[1],
                v[2],
                v[3],
                v[4],
            )
        })
        .collect()
}

#[test]
fn numpy_reads_our_files_exactly() {
    let d = tmpdir("np-reads-ours");
    let p = d.join("ours.bin");
    let bars = awkward_bars(10_000, 7);
    let mut w = BinaryWriter::open(&p).unwrap();
    w.append(&bars).unwrap();
    w.finalize().unwrap();
    drop(w);

    // NumPy maps the file exactly as the pipeline does and dumps each field's raw bytes.
    let script = format!(
        r#"
import mmap, sys, numpy as np
DTYPE = {DTYPE}
with open(sys.argv[1], 'rb') as f:
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    rec = np.frombuffer(mm, dtype=DTYPE)
    assert (rec['padding'] == 0).all()
    rec['ts'].astype('<u8').tofile(sys.argv[2])
    rec['ohlcv'].astype('<f8').tofile(sys.argv[3])
    print(len(rec))
"#
    );
    let (ts_p, ohlcv_p) = (d.join("ts.raw"), d.join("ohlcv.raw"));
    let Some(out) = python(&script, &[&p, &ts_p, &ohlcv_p], &["numpy"]) else {
        return;
    };
    assert_eq!(out.trim(), "10000");
    let ts = std::fs::read(&ts_p).unwrap();
    let ohlcv = std::fs::read(&ohlcv_p).unwrap();
    for (i, b) in bars.iter().enumerate() {
        assert_eq!(ts[8 * i..8 * i + 8], b.ts.to_le_bytes(), "ts of record {i}");
        let fields = [b.open, b.high, b.low, b.close, b.volume];
        for (j, v) in fields.iter().enumerate() {
            let k = 40 * i + 8 * j;
            assert_eq!(
                ohlcv[k..k + 8],
                v.to_bits().to_le_bytes(),
                "field {j} of record {i}"
            );
        }
    }
}

#[test]
fn we_read_files_written_the_pipelines_way() {
    let d = tmpdir("ours-reads-np");
    let p = d.join("pipeline.bin");
    // The pipeline's writer: np.zeros(DTYPE) records filled from a DataFrame, written with
    // file.write(buf.tobytes()); values dumped separately so Rust can compare bit for bit.
    let script = format!(
        r#"
import sys, numpy as np, pandas as pd
DTYPE = {DTYPE}
rng = np.random.default_rng(3)
n = 50_000
idx = pd.date_range('2005-01-03', periods=n, freq='min')
df = pd.DataFrame(np.round(rng.lognormal(0, 1, (n, 5)), 5), index=idx,
                  columns=['open', 'high', 'low', 'close', 'volume'])
buf = np.zeros(len(df), dtype=DTYPE)
buf['ts'] = df.index.values.astype('datetime64[ms]').astype('uint64')
buf['ohlcv'] = df[['open', 'high', 'low', 'close', 'volume']].values
with open(sys.argv[1], 'wb+') as f:
    f.write(buf.tobytes())
buf['ts'].tofile(sys.argv[2])
df.values.astype('<f8').tofile(sys.argv[3])
"#
    );
    let (ts_p, v_p) = (d.join("ts.raw"), d.join("v.raw"));
    let Some(_) = python(&script, &[&p, &ts_p, &v_p], &["numpy", "pandas"]) else {
        return;
    };
    let r = BinaryReader::open(&p).unwrap();
    let ts = std::fs::read(&ts_p).unwrap();
    let v = std::fs::read(&v_p).unwrap();
    assert_eq!(r.len(), 50_000);
    for (i, b) in r.bars().iter().enumerate() {
        assert_eq!(b.ts.to_le_bytes(), ts[8 * i..8 * i + 8], "ts {i}");
        let fields = [b.open, b.high, b.low, b.close, b.volume];
        for (j, x) in fields.iter().enumerate() {
            let k = 40 * i + 8 * j;
            assert_eq!(x.to_bits().to_le_bytes(), v[k..k + 8], "field {j} of {i}");
        }
        assert!(b.reserved_is_zero());
    }
    assert_eq!(
        r.bars()[0].ts,
        1_104_710_400_000,
        "2005-01-03 00:00:00 in epoch ms"
    );
}
