//! The C ABI's contract, exercised through the exported functions from Rust: NULL and stale
//! handles, misaligned buffers, overflowing counts, invalid paths and enum values, outputs left
//! untouched on failure, panics caught at the boundary, per-thread last-error messages, and the
//! status strings. Plus round trips showing the C entry points compute what the Rust API does.
#![allow(clippy::undocumented_unsafe_blocks)] // every call below is an FFI call with valid or deliberately invalid arguments

mod common;

use common::{Rng, tmpdir};
use ohlcv::Bar;
use ohlcv::ffi::*;
use std::ffi::{CStr, CString, c_char};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{null, null_mut};
use std::sync::{Arc, Barrier};

const OK: ohlcv_status = ohlcv_status::Ok;

fn cpath(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

/// The calling thread's last error message.
fn last_error() -> String {
    let mut buf = vec![0 as c_char; 1024];
    let mut n = 0usize;
    assert_eq!(
        unsafe { ohlcv_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) },
        OK
    );
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
    assert_eq!(s.to_bytes().len(), n.min(buf.len() - 1));
    s.to_str().unwrap().to_owned()
}

/// Sorted 1-minute bars with sane prices and positive volumes.
fn bars(n: usize, seed: u64) -> Vec<Bar> {
    let mut rng = Rng(seed);
    let mut ts = 1_704_067_200_000u64;
    let mut close = 1.1;
    (0..n)
        .map(|_| {
            ts += 60_000 * (1 + rng.below(3));
            let open = close;
            close = open + (rng.f64() - 0.5) * 1e-3;
            let high = open.max(close) + rng.f64() * 1e-4;
            let low = open.min(close) - rng.f64() * 1e-4;
            Bar::new(
                ts,
                open,
                high,
                low,
                close,
                (rng.f64() * 100.0).round() + 1.0,
            )
        })
        .collect()
}

/// A pointer 8 bytes into `v`: aligned for `f64`, not for `Bar`.
fn misaligned(v: &mut [Bar]) -> *mut Bar {
    unsafe { v.as_mut_ptr().cast::<u8>().add(8).cast::<Bar>() }
}

fn open_reader(path: &Path, format: ohlcv_format) -> *mut ohlcv_reader {
    let mut r = null_mut();
    let p = cpath(path);
    let st = unsafe { ohlcv_reader_open(p.as_ptr(), format as i32, &mut r) };
    assert_eq!(st, OK, "{}", last_error());
    r
}

fn open_writer(path: &Path, format: ohlcv_format) -> *mut ohlcv_writer {
    let mut w = null_mut();
    let p = cpath(path);
    let st = unsafe { ohlcv_writer_open(p.as_ptr(), format as i32, &mut w) };
    assert_eq!(st, OK, "{}", last_error());
    w
}

#[test]
fn every_status_has_a_distinct_non_empty_string() {
    let mut seen = std::collections::HashSet::new();
    for code in 0..=19 {
        let s = unsafe { CStr::from_ptr(ohlcv_status_str(code)) }
            .to_str()
            .unwrap();
        assert!(!s.is_empty(), "status {code}");
        assert_ne!(s, "unknown status", "status {code}");
        assert!(seen.insert(s), "status {code} repeats {s:?}");
        if code > 0 {
            let kind = ohlcv::ErrorKind::from_code(code).unwrap();
            assert_eq!(ohlcv_status::from(kind) as i32, code);
        }
    }
    for code in [-1, 20, 1000, i32::MIN, i32::MAX] {
        let s = unsafe { CStr::from_ptr(ohlcv_status_str(code)) };
        assert_eq!(s.to_str().unwrap(), "unknown status");
    }
}

#[test]
fn null_closed_and_wrong_kind_handles_are_bad_handle() {
    let mut pos = 7u64;
    let mut eof = false;
    let mut n = 0usize;
    let mut buf = vec![Bar::default(); 4];
    let bad = ohlcv_status::BadHandle;
    assert_eq!(unsafe { ohlcv_reader_tell(null(), &mut pos) }, bad);
    assert!(last_error().contains("NULL"), "{}", last_error());
    assert_eq!(unsafe { ohlcv_reader_eof(null(), &mut eof) }, bad);
    assert_eq!(unsafe { ohlcv_reader_seek(null_mut(), 0) }, bad);
    assert_eq!(
        unsafe { ohlcv_reader_read(null_mut(), buf.as_mut_ptr(), null_mut(), 4, &mut n) },
        bad
    );
    assert_eq!(unsafe { ohlcv_writer_tell(null(), &mut pos) }, bad);
    assert_eq!(unsafe { ohlcv_writer_flush(null_mut(), true) }, bad);
    assert_eq!(
        unsafe { ohlcv_resampler_push(null_mut(), null(), 0, null_mut(), 0, &mut n, &mut n) },
        bad
    );
    // Outputs are untouched on failure.
    assert_eq!((pos, eof, n), (7, false, 0));

    // Destroy functions accept NULL.
    assert_eq!(unsafe { ohlcv_reader_close(null_mut()) }, OK);
    assert_eq!(unsafe { ohlcv_writer_close(null_mut()) }, OK);
    assert_eq!(unsafe { ohlcv_resampler_free(null_mut()) }, OK);

    // Double close, use after close, wrong kind, made-up handle.
    let dir = tmpdir("ffi-handles");
    let path = dir.join("a.bin");
    ohlcv::io::binary::write_atomic(&path, &bars(10, 1)).unwrap();
    let r = open_reader(&path, ohlcv_format::Auto);
    assert_eq!(
        unsafe { ohlcv_writer_tell(r.cast::<ohlcv_writer>(), &mut pos) },
        bad,
        "a reader used as a writer"
    );
    assert!(last_error().contains("writer"), "{}", last_error());
    assert_eq!(
        unsafe { ohlcv_resampler_free(r.cast::<ohlcv_resampler>()) },
        bad
    );
    assert_eq!(unsafe { ohlcv_reader_tell(r, &mut pos) }, OK, "still open");
    assert_eq!(unsafe { ohlcv_reader_close(r) }, OK);
    assert_eq!(unsafe { ohlcv_reader_close(r) }, bad, "double close");
    assert!(last_error().contains("not open"), "{}", last_error());
    assert_eq!(
        unsafe { ohlcv_reader_tell(r, &mut pos) },
        bad,
        "use after close"
    );
    let forged = 0xdead_beef_usize as *const ohlcv_reader;
    assert_eq!(unsafe { ohlcv_reader_tell(forged, &mut pos) }, bad);

    let mut rs = null_mut();
    let tf = c"5m";
    assert_eq!(
        unsafe { ohlcv_resampler_new(tf.as_ptr(), null(), &mut rs) },
        OK
    );
    assert_eq!(unsafe { ohlcv_resampler_free(rs) }, OK);
    assert_eq!(unsafe { ohlcv_resampler_free(rs) }, bad, "double free");
}

#[test]
fn null_pointers_are_null_pointer_and_empty_buffers_are_empty() {
    let np = ohlcv_status::NullPointer;
    let mut x = 0.0f64;
    // NULL output.
    let b = bars(3, 2);
    assert_eq!(
        unsafe { ohlcv_bars_max_high(b.as_ptr(), 3, null_mut()) },
        np
    );
    // NULL input with a count.
    assert_eq!(unsafe { ohlcv_bars_max_high(null(), 3, &mut x) }, np);
    assert!(last_error().contains("bars is NULL"), "{}", last_error());
    // NULL path, NULL timeframe.
    let mut r = null_mut();
    assert_eq!(unsafe { ohlcv_reader_open(null(), 2, &mut r) }, np);
    assert!(r.is_null());
    let mut rs = null_mut();
    assert_eq!(unsafe { ohlcv_resampler_new(null(), null(), &mut rs) }, np);
    assert_eq!(
        unsafe { ohlcv_last_error_message(null_mut(), 10, null_mut()) },
        np
    );

    // (NULL, 0) is an empty buffer: reductions give their empty values.
    assert_eq!(unsafe { ohlcv_bars_max_high(null(), 0, &mut x) }, OK);
    assert!(x.is_nan());
    assert_eq!(
        unsafe { ohlcv_bars_sum_volume_kahan(null(), 0, &mut x) },
        OK
    );
    assert_eq!(x, 0.0);
    let mut folded = Bar::new(9, 9.0, 9.0, 9.0, 9.0, 9.0);
    let mut found = true;
    assert_eq!(
        unsafe { ohlcv_bars_fold(null(), 0, &mut folded, &mut found) },
        OK
    );
    assert!(!found);
    assert_eq!(folded.ts, 9, "an empty fold leaves *out untouched");
    let mut n = 5usize;
    let tf = c"5m";
    assert_eq!(
        unsafe { ohlcv_resample(null(), 0, tf.as_ptr(), null(), null_mut(), 0, &mut n) },
        OK
    );
    assert_eq!(n, 0);
}

#[test]
fn misaligned_buffers_and_overflowing_counts_are_rejected() {
    let mut v = bars(8, 3);
    let bad = misaligned(&mut v);
    let mut x = 1.5f64;
    let mis = ohlcv_status::Misaligned;
    for f in [
        ohlcv_bars_max_high,
        ohlcv_bars_min_low,
        ohlcv_bars_first_open,
        ohlcv_bars_last_close,
        ohlcv_bars_sum_volume,
        ohlcv_bars_sum_volume_kahan,
    ] {
        assert_eq!(unsafe { f(bad, 4, &mut x) }, mis);
        assert_eq!(x, 1.5, "output untouched");
    }
    assert!(last_error().contains("64-byte aligned"), "{}", last_error());
    let mut out = vec![Bar::default(); 8];
    let mut n = 0usize;
    let tf = c"5m";
    assert_eq!(
        unsafe { ohlcv_resample(bad, 4, tf.as_ptr(), null(), out.as_mut_ptr(), 8, &mut n) },
        mis
    );
    let input = bars(8, 4);
    let mut out2 = vec![Bar::default(); 9];
    assert_eq!(
        unsafe {
            ohlcv_resample(
                input.as_ptr(),
                8,
                tf.as_ptr(),
                null(),
                misaligned(&mut out2),
                8,
                &mut n,
            )
        },
        mis
    );
    // A misaligned scalar out-pointer.
    let mut words = [0u64; 3];
    let odd = unsafe { words.as_mut_ptr().cast::<u8>().add(4).cast::<f64>() };
    assert_eq!(unsafe { ohlcv_bars_max_high(input.as_ptr(), 8, odd) }, mis);

    // Counts whose byte size overflows.
    let over = ohlcv_status::Overflow;
    for count in [
        usize::MAX,
        usize::MAX / 64 + 1,
        isize::MAX as usize / 64 + 1,
    ] {
        assert_eq!(
            unsafe { ohlcv_bars_max_high(input.as_ptr(), count, &mut x) },
            over,
            "count {count}"
        );
    }
    assert!(last_error().contains("overflow"), "{}", last_error());
    // The address range would wrap around.
    let high = (usize::MAX - 63) & !63;
    assert_eq!(
        unsafe { ohlcv_bars_sum_volume(high as *const Bar, 2, &mut x) },
        over
    );
    let mut alloc = null_mut();
    assert_eq!(
        unsafe { ohlcv_bars_alloc(usize::MAX / 64, &mut alloc) },
        over
    );
    assert!(alloc.is_null());
}

#[test]
fn paths_and_enum_values_are_validated() {
    let mut r = null_mut();
    // Invalid UTF-8.
    let bad_utf8 = [
        b'/', b't', b'm', b'p', b'/', 0xff, 0xfe, b'.', b'b', b'i', b'n', 0,
    ];
    let st = unsafe { ohlcv_reader_open(bad_utf8.as_ptr().cast(), 2, &mut r) };
    assert_eq!(st, ohlcv_status::InvalidPath);
    assert!(last_error().contains("UTF-8"), "{}", last_error());
    let mut w = null_mut();
    assert_eq!(
        unsafe { ohlcv_writer_open(bad_utf8.as_ptr().cast(), 0, &mut w) },
        ohlcv_status::InvalidPath
    );
    assert_eq!(
        unsafe { ohlcv_writer_open(c"".as_ptr(), 0, &mut w) },
        ohlcv_status::InvalidPath
    );
    assert!(w.is_null() && r.is_null());

    // Out-of-range enum values.
    let dir = tmpdir("ffi-enums");
    let p = cpath(&dir.join("x.bin"));
    for f in [-1, 3, i32::MAX] {
        assert_eq!(
            unsafe { ohlcv_reader_open(p.as_ptr(), f, &mut r) },
            ohlcv_status::InvalidArgument,
            "format {f}"
        );
        assert_eq!(
            unsafe { ohlcv_writer_open(p.as_ptr(), f, &mut w) },
            ohlcv_status::InvalidArgument
        );
    }
    let mut rec = ohlcv_index_record {
        last_date: 0,
        reserved: 0,
        in_pos: 0,
        out_pos: 0,
    };
    assert_eq!(
        unsafe { ohlcv_index_read(p.as_ptr(), 7, &mut rec) },
        ohlcv_status::InvalidArgument
    );
    let mut opts = std::mem::MaybeUninit::<ohlcv_resample_options>::uninit();
    assert_eq!(
        unsafe { ohlcv_resample_options_default(opts.as_mut_ptr()) },
        OK
    );
    let mut opts = unsafe { opts.assume_init() };
    assert_eq!(opts.round_decimals, 8);
    assert!(opts.drop_nonpositive_volume);
    let mut rs = null_mut();
    let tf = c"5m";
    for (closed, label, round) in [(3, 0, 8), (0, -1, 8), (0, 0, -2), (0, 0, 256)] {
        opts.closed = closed;
        opts.label = label;
        opts.round_decimals = round;
        assert_eq!(
            unsafe { ohlcv_resampler_new(tf.as_ptr(), &opts, &mut rs) },
            ohlcv_status::InvalidArgument,
            "{closed} {label} {round}"
        );
    }
    assert!(rs.is_null());
    let engine_opts = ohlcv_engine_options {
        mode: 2,
        durability: 0,
        timeframes: null(),
        symbols: null(),
        jobs: 0,
        batch_rows: 0,
    };
    let mut summary = ohlcv_engine_summary::default();
    assert_eq!(
        unsafe { ohlcv_engine_run(p.as_ptr(), &engine_opts, &mut summary) },
        ohlcv_status::InvalidArgument
    );
    let bad_tf = c"7 fortnights";
    assert_eq!(
        unsafe { ohlcv_resampler_new(bad_tf.as_ptr(), null(), &mut rs) },
        ohlcv_status::InvalidTimeframe
    );
    assert!(last_error().contains("7 fortnights"), "{}", last_error());
}

#[test]
fn a_panic_inside_the_boundary_becomes_a_status_and_the_process_lives_on() {
    let st = ffi_boundary(|| panic!("deliberate test panic {}", 42));
    assert_eq!(st, ohlcv_status::Panic);
    assert_eq!(st as i32, 18);
    let msg = last_error();
    assert!(msg.contains("deliberate test panic 42"), "{msg}");
    // A &str payload too.
    assert_eq!(
        ffi_boundary(|| std::panic::panic_any("static payload")),
        ohlcv_status::Panic
    );
    assert!(last_error().contains("static payload"));
    // The library keeps working on this thread.
    let b = bars(20, 5);
    let mut x = 0.0;
    assert_eq!(
        unsafe { ohlcv_bars_max_high(b.as_ptr(), b.len(), &mut x) },
        OK
    );
    assert_eq!(x, ohlcv::simd::max_high(&b));
}

#[test]
fn last_error_messages_are_per_thread() {
    // Two threads make different errors in lockstep; each must read back its own message.
    let barrier = Arc::new(Barrier::new(2));
    let spawn = |which: u8| {
        let barrier = Arc::clone(&barrier);
        std::thread::spawn(move || {
            for round in 0..50 {
                if which == 0 {
                    let mut x = 0.0;
                    assert_eq!(
                        unsafe { ohlcv_bars_sum_volume(null(), 1 + round, &mut x) },
                        ohlcv_status::NullPointer
                    );
                } else {
                    let mut rs = null_mut();
                    let tf = CString::new(format!("{round}parsecs")).unwrap();
                    assert_eq!(
                        unsafe { ohlcv_resampler_new(tf.as_ptr(), null(), &mut rs) },
                        ohlcv_status::InvalidTimeframe
                    );
                }
                // Both errors are now recorded; the other thread's must not show here.
                barrier.wait();
                let msg = last_error();
                if which == 0 {
                    assert!(msg.contains("bars is NULL"), "thread 0 read {msg:?}");
                } else {
                    assert!(
                        msg.contains(&format!("{round}parsecs")),
                        "thread 1 read {msg:?}"
                    );
                }
                barrier.wait();
            }
        })
    };
    let (a, b) = (spawn(0), spawn(1));
    a.join().unwrap();
    b.join().unwrap();
    // A fresh thread has no message.
    std::thread::spawn(|| assert_eq!(last_error(), ""))
        .join()
        .unwrap();
}

#[test]
fn last_error_message_truncates_and_reports_the_full_length() {
    let mut x = 0.0;
    assert_eq!(
        unsafe { ohlcv_bars_max_high(null(), 1, &mut x) },
        ohlcv_status::NullPointer
    );
    let full = last_error();
    let mut small = [0x55 as c_char; 6];
    let mut n = 0;
    assert_eq!(
        unsafe { ohlcv_last_error_message(small.as_mut_ptr(), small.len(), &mut n) },
        OK
    );
    assert_eq!(n, full.len());
    let got = unsafe { CStr::from_ptr(small.as_ptr()) };
    assert_eq!(got.to_bytes(), &full.as_bytes()[..5]);
    // Length only.
    let mut n2 = 0;
    assert_eq!(
        unsafe { ohlcv_last_error_message(null_mut(), 0, &mut n2) },
        OK
    );
    assert_eq!(n2, full.len());
}

#[test]
fn reader_writer_round_trip_matches_the_rust_api() {
    let dir = tmpdir("ffi-rw");
    let data = bars(1000, 7);
    for (name, format) in [
        ("a.bin", ohlcv_format::Binary),
        ("a.csv", ohlcv_format::Auto),
    ] {
        let path = dir.join(name);
        let w = open_writer(&path, format);
        let mut pos = 0;
        assert_eq!(
            unsafe { ohlcv_writer_append(w, data.as_ptr(), 600, &mut pos) },
            OK
        );
        assert_eq!(
            unsafe { ohlcv_writer_append(w, data[600..].as_ptr(), 400, null_mut()) },
            OK
        );
        // A second writer on the same file is refused while the first is open.
        let p = cpath(&path);
        let mut w2 = null_mut();
        assert_eq!(
            unsafe { ohlcv_writer_open(p.as_ptr(), format as i32, &mut w2) },
            ohlcv_status::Busy
        );
        assert!(w2.is_null());
        assert_eq!(unsafe { ohlcv_writer_flush(w, true) }, OK);
        assert_eq!(unsafe { ohlcv_writer_close(w) }, OK);
        assert_eq!(unsafe { ohlcv_writer_close(w) }, ohlcv_status::BadHandle);

        // The Rust factory reads what the C writer wrote.
        let mut rust = ohlcv::io::factory::open_reader(&path).unwrap();
        let (mut expect, mut offs) = (Vec::new(), Vec::new());
        while rust.read_batch(1 << 16, &mut expect, &mut offs).unwrap() > 0 {}
        assert_eq!(expect, data);

        // Zero-copy borrow.
        let r = open_reader(&path, ohlcv_format::Auto);
        let mut ptr = null();
        let mut len = 0usize;
        assert_eq!(unsafe { ohlcv_reader_bars(r, &mut ptr, &mut len) }, OK);
        assert_eq!(ptr as usize % 64, 0);
        let borrowed = unsafe { std::slice::from_raw_parts(ptr, len) };
        assert_eq!(borrowed, &data[..]);
        // Batches with offsets, interleaved with the borrow (which does not move the position).
        let mut buf = vec![Bar::default(); 300];
        let mut got_offs = vec![0u64; 300];
        let (mut all, mut all_offs) = (Vec::new(), Vec::new());
        loop {
            let mut n = 0;
            let st = unsafe {
                ohlcv_reader_read(r, buf.as_mut_ptr(), got_offs.as_mut_ptr(), 300, &mut n)
            };
            assert_eq!(st, OK, "{}", last_error());
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            all_offs.extend_from_slice(&got_offs[..n]);
            let mut again = null();
            assert_eq!(unsafe { ohlcv_reader_bars(r, &mut again, &mut len) }, OK);
            assert_eq!(again, ptr, "borrowed once, the same buffer every time");
        }
        assert_eq!(all, data);
        assert_eq!(all_offs, offs);
        let mut eof = false;
        assert_eq!(unsafe { ohlcv_reader_eof(r, &mut eof) }, OK);
        assert!(eof);
        // Seek back to the 501st row and read it again.
        assert_eq!(unsafe { ohlcv_reader_seek(r, offs[500]) }, OK);
        let mut tell = 0;
        assert_eq!(unsafe { ohlcv_reader_tell(r, &mut tell) }, OK);
        assert_eq!(tell, offs[500]);
        let mut n = 0;
        assert_eq!(
            unsafe { ohlcv_reader_read(r, buf.as_mut_ptr(), null_mut(), 1, &mut n) },
            OK
        );
        assert_eq!((n, buf[0]), (1, data[500]));
        assert_eq!(
            unsafe { ohlcv_reader_seek(r, offs[500] + 1) },
            ohlcv_status::InvalidArgument
        );
        assert_eq!(
            unsafe { ohlcv_reader_read(r, buf.as_mut_ptr(), null_mut(), 0, &mut n) },
            ohlcv_status::BufferTooSmall
        );
        let mut info = ohlcv_file_info {
            format: -1,
            reserved: 1,
            len_bytes: 0,
            data_start: 9,
        };
        assert_eq!(unsafe { ohlcv_reader_info(r, &mut info) }, OK);
        assert_eq!(info.len_bytes, std::fs::metadata(&path).unwrap().len());
        assert_eq!(info.data_start, offs[0]);
        let want_format = if name.ends_with(".bin") { 0 } else { 1 };
        assert_eq!((info.format, info.reserved), (want_format, 0));
        assert_eq!(unsafe { ohlcv_reader_close(r) }, OK);
    }
}

#[test]
fn resample_and_the_streaming_resampler_match_the_kernel() {
    let input = bars(5000, 11);
    let tf = ohlcv::timeframe::Timeframe::parse("15min").unwrap();
    let opts = ohlcv::resample::ResampleOptions::PIPELINE;
    let mut expect = vec![Bar::default(); input.len()];
    let n = ohlcv::resample::resample(&input, &tf, &opts, &mut expect).unwrap();
    expect.truncate(n);

    let spec = c"15min";
    let mut out = vec![Bar::default(); input.len()];
    let mut got = 0;
    let st = unsafe {
        ohlcv_resample(
            input.as_ptr(),
            input.len(),
            spec.as_ptr(),
            null(),
            out.as_mut_ptr(),
            out.len(),
            &mut got,
        )
    };
    assert_eq!(st, OK, "{}", last_error());
    assert_eq!(&out[..got], &expect[..]);
    // Too small an output reports the count needed.
    let st = unsafe {
        ohlcv_resample(
            input.as_ptr(),
            input.len(),
            spec.as_ptr(),
            null(),
            out.as_mut_ptr(),
            3,
            &mut got,
        )
    };
    assert_eq!(st, ohlcv_status::BufferTooSmall);
    assert!(last_error().contains(&n.to_string()), "{}", last_error());
    // Overlapping input and output.
    let mut both = input.clone();
    let st = unsafe {
        ohlcv_resample(
            both.as_ptr(),
            100,
            spec.as_ptr(),
            null(),
            both.as_mut_ptr().add(50),
            100,
            &mut got,
        )
    };
    assert_eq!(st, ohlcv_status::InvalidArgument);

    // Streaming, in uneven chunks into a small output buffer.
    let mut rs = null_mut();
    assert_eq!(
        unsafe { ohlcv_resampler_new(spec.as_ptr(), null(), &mut rs) },
        OK
    );
    let mut streamed = Vec::new();
    let mut small = vec![Bar::default(); 7];
    let mut rest: &[Bar] = &input;
    let mut chunk = 1;
    while !rest.is_empty() {
        let take = chunk.min(rest.len());
        let mut part = &rest[..take];
        while !part.is_empty() {
            let (mut consumed, mut written) = (0, 0);
            let st = unsafe {
                ohlcv_resampler_push(
                    rs,
                    part.as_ptr(),
                    part.len(),
                    small.as_mut_ptr(),
                    small.len(),
                    &mut consumed,
                    &mut written,
                )
            };
            assert_eq!(st, OK, "{}", last_error());
            streamed.extend_from_slice(&small[..written]);
            part = &part[consumed..];
        }
        rest = &rest[take..];
        chunk = chunk * 3 % 97 + 1;
    }
    let mut forming = Bar::default();
    let mut found = false;
    assert_eq!(
        unsafe { ohlcv_resampler_forming(rs, &mut forming, &mut found) },
        OK
    );
    assert!(found);
    let mut last = Bar::default();
    assert_eq!(
        unsafe { ohlcv_resampler_finish(rs, &mut last, &mut found) },
        OK
    );
    assert!(found);
    assert_eq!(last, forming);
    streamed.push(last);
    assert_eq!(streamed, expect);
    assert_eq!(
        unsafe { ohlcv_resampler_finish(rs, &mut last, &mut found) },
        OK
    );
    assert!(!found, "finish resets");
    // Out of order input is refused.
    let back = [input[10], input[9]];
    let (mut c, mut w) = (0, 0);
    assert_eq!(
        unsafe {
            ohlcv_resampler_push(rs, back.as_ptr(), 2, small.as_mut_ptr(), 7, &mut c, &mut w)
        },
        ohlcv_status::InvalidData
    );
    assert_eq!(unsafe { ohlcv_resampler_free(rs) }, OK);

    // Options: right-closed, right-labelled, no rounding, keep every bin, origin 00:05.
    let origin = c"00:05";
    let o = ohlcv_resample_options {
        origin: origin.as_ptr(),
        closed: ohlcv_side::Right as i32,
        label: ohlcv_side::Right as i32,
        round_decimals: -1,
        drop_nonpositive_volume: false,
    };
    let tf2 = tf
        .with_origin(ohlcv::timeframe::Origin::parse("00:05").unwrap())
        .unwrap()
        .with_closed(ohlcv::timeframe::Side::Right)
        .with_label(ohlcv::timeframe::Side::Right);
    let mut expect2 = vec![Bar::default(); input.len()];
    let n2 = ohlcv::resample::resample(
        &input,
        &tf2,
        &ohlcv::resample::ResampleOptions::PLAIN,
        &mut expect2,
    )
    .unwrap();
    let st = unsafe {
        ohlcv_resample(
            input.as_ptr(),
            input.len(),
            spec.as_ptr(),
            &o,
            out.as_mut_ptr(),
            out.len(),
            &mut got,
        )
    };
    assert_eq!(st, OK, "{}", last_error());
    assert_eq!(&out[..got], &expect2[..n2]);
    assert_ne!(&out[..got], &expect[..], "the options changed the result");
}

/// An exported reduction and the Rust function it wraps.
type CReduction = unsafe extern "C" fn(*const Bar, usize, *mut f64) -> ohlcv_status;
type RustReduction = fn(&[Bar]) -> f64;

#[test]
fn reductions_match_the_rust_kernels() {
    let mut data = bars(333, 13);
    let mut rng = Rng(99);
    for b in data.iter_mut() {
        b.volume = rng.f64() * 1e3;
    }
    // Cancellation that only the fixed eight-lane association and Kahan's sum resolve
    // differently (see the simd module docs), so the two sums cannot be swapped unnoticed.
    for (i, v) in [1e16, 1.0, 0.0, 0.0, -1e16, 1.0, 0.0, 0.0]
        .into_iter()
        .enumerate()
    {
        data[i].volume = v;
    }
    assert_ne!(
        ohlcv::simd::sum_volume(&data),
        ohlcv::simd::sum_volume_kahan(&data),
        "the data tells the two sums apart"
    );
    data[5].high = f64::NAN;
    data[0].open = f64::NAN;
    let mut x = 0.0;
    let cases: [(CReduction, RustReduction); 6] = [
        (ohlcv_bars_max_high, ohlcv::simd::max_high),
        (ohlcv_bars_min_low, ohlcv::simd::min_low),
        (ohlcv_bars_first_open, ohlcv::simd::first_open),
        (ohlcv_bars_last_close, ohlcv::simd::last_close),
        (ohlcv_bars_sum_volume, ohlcv::simd::sum_volume),
        (ohlcv_bars_sum_volume_kahan, ohlcv::simd::sum_volume_kahan),
    ];
    for (c, rust) in cases {
        assert_eq!(unsafe { c(data.as_ptr(), data.len(), &mut x) }, OK);
        assert_eq!(x.to_bits(), rust(&data).to_bits());
    }
    // fold writes through an unaligned pointer (as from Python's ctypes).
    let mut raw = vec![0u8; 64 * 3];
    let base = raw.as_mut_ptr();
    let off = (64 - base as usize % 64) % 64 + 8;
    let out = unsafe { base.add(off).cast::<Bar>() };
    let mut found = false;
    assert_eq!(
        unsafe { ohlcv_bars_fold(data.as_ptr(), data.len(), out, &mut found) },
        OK
    );
    assert!(found);
    assert_eq!(
        unsafe { out.read_unaligned() },
        ohlcv::simd::fold(&data).unwrap()
    );
    let name = unsafe { CStr::from_ptr(ohlcv_simd_backend()) };
    assert_eq!(name.to_str().unwrap(), ohlcv::simd::backend().name());
}

#[test]
fn index_files_round_trip_and_corruption_is_reported() {
    let dir = tmpdir("ffi-index");
    let path = cpath(&dir.join("sub").join("A.idx"));
    let mut rec = ohlcv_index_record {
        last_date: 0,
        reserved: 0,
        in_pos: 1,
        out_pos: 1,
    };
    assert_eq!(unsafe { ohlcv_index_read(path.as_ptr(), 0, &mut rec) }, OK);
    assert_eq!((rec.last_date, rec.in_pos, rec.out_pos), (19_700_101, 0, 0));
    let want = ohlcv_index_record {
        last_date: 20_240_131,
        reserved: 0,
        in_pos: 6400,
        out_pos: 1280,
    };
    for format in [0, 1] {
        assert_eq!(
            unsafe { ohlcv_index_write(path.as_ptr(), format, &want) },
            OK
        );
        assert_eq!(
            unsafe { ohlcv_index_read(path.as_ptr(), format, &mut rec) },
            OK
        );
        assert_eq!(rec, want);
    }
    std::fs::write(dir.join("sub").join("A.idx"), b"\x01\x02\x03").unwrap();
    let before = rec;
    assert_eq!(
        unsafe { ohlcv_index_read(path.as_ptr(), 0, &mut rec) },
        ohlcv_status::IndexCorrupt
    );
    assert_eq!(rec, before, "output untouched");
    assert!(last_error().contains("A.idx"), "{}", last_error());
}

#[test]
fn the_engine_runs_the_cascade_like_the_rust_engine() {
    use ohlcv::engine::{Config, Layout, Progress};
    let data = bars(20_000, 17);
    let (a, b) = (tmpdir("ffi-engine-a"), tmpdir("ffi-engine-b"));
    for d in [&a, &b] {
        let root = d.join("aggregate").join("1m");
        std::fs::create_dir_all(&root).unwrap();
        ohlcv::io::binary::write_atomic(root.join("EURUSD.bin"), &data).unwrap();
        ohlcv::io::binary::write_atomic(root.join("GBPUSD.bin"), &data[..5000]).unwrap();
    }
    let mut config = Config::pipeline(ohlcv::io::Format::Binary);
    config.steps = ohlcv::engine::select_steps(&config.steps, &["5m", "15m", "30m"]).unwrap();
    config.batch_rows = 3000;
    config.durability = ohlcv::engine::Durability::Process;
    let layout = Layout::new(&b, ohlcv::io::Format::Binary).unwrap();
    ohlcv::engine::run(&layout, &config, &Progress::default()).unwrap();

    let tfs = c"5m, 15m,30m";
    let opts = ohlcv_engine_options {
        mode: ohlcv_format::Binary as i32,
        durability: ohlcv_durability::Process as i32,
        timeframes: tfs.as_ptr(),
        symbols: null(),
        jobs: 2,
        batch_rows: 3000,
    };
    let mut s = ohlcv_engine_summary::default();
    let dir = cpath(&a);
    assert_eq!(
        unsafe { ohlcv_engine_run(dir.as_ptr(), &opts, &mut s) },
        OK,
        "{}",
        last_error()
    );
    assert_eq!((s.symbols, s.timeframes), (2, 3));
    assert_eq!(s.root_rows_in, 25_000);
    assert!(s.bars_out > 0 && s.rows_in > s.root_rows_in);
    for tf in ["5m", "15m", "30m"] {
        for sym in ["EURUSD", "GBPUSD"] {
            let rel = Path::new("resample").join(tf).join(format!("{sym}.bin"));
            assert_eq!(
                std::fs::read(a.join(&rel)).unwrap(),
                std::fs::read(b.join(&rel)).unwrap(),
                "{}",
                rel.display()
            );
        }
    }
    // A second run only rereads the rows of the held-back (still forming) 5-minute bars.
    assert_eq!(unsafe { ohlcv_engine_run(dir.as_ptr(), &opts, &mut s) }, OK);
    assert!(s.root_rows_in <= 2 * 5, "{s:?}");
    // Unknown timeframe, missing directory.
    let bad = ohlcv_engine_options {
        timeframes: c"5m,3m".as_ptr(),
        ..opts
    };
    assert_eq!(
        unsafe { ohlcv_engine_run(dir.as_ptr(), &bad, &mut s) },
        ohlcv_status::InvalidArgument
    );
    let missing = cpath(&a.join("nope"));
    assert_eq!(
        unsafe { ohlcv_engine_run(missing.as_ptr(), null(), &mut s) },
        ohlcv_status::NotFound
    );
}
