//! Binary bar files and index files on disk: round trips, golden bytes, empty and torn files,
//! locking, atomic replacement, and that failed opens leave files untouched.

use ohlcv::io::binary::{self, BinaryReader, BinaryWriter};
use ohlcv::io::{BarReader, BarWriter, IndexFile, IndexFormat, IndexRecord};
use ohlcv::{Bar, ErrorKind};
use std::path::PathBuf;

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ohlcv-binary-io-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn bars(n: usize) -> Vec<Bar> {
    (0..n)
        .map(|i| {
            let p = 1.1 + i as f64 * 1e-5;
            Bar::new(
                1_704_067_200_000 + 60_000 * i as u64,
                p,
                p + 2e-5,
                p - 1e-5,
                p + 1e-5,
                i as f64,
            )
        })
        .collect()
}

#[test]
fn golden_record_file() {
    let d = tmpdir("golden");
    let p = d.join("EUR-USD.bin");
    let bar = Bar::new(1_104_710_400_000, 1.35464, 1.3556, 1.35464, 1.35548, 7598.0);
    let mut w = BinaryWriter::open(&p).unwrap();
    w.append(&[bar]).unwrap();
    w.finalize().unwrap();
    drop(w);
    let bytes = std::fs::read(&p).unwrap();
    let expected: [u8; 64] = [
        0x00, 0xf8, 0xde, 0x35, 0x01, 0x01, 0x00, 0x00, 0xb1, 0xa7, 0x1d, 0xfe, 0x9a, 0xac, 0xf5,
        0x3f, 0x54, 0x52, 0x27, 0xa0, 0x89, 0xb0, 0xf5, 0x3f, 0xb1, 0xa7, 0x1d, 0xfe, 0x9a, 0xac,
        0xf5, 0x3f, 0x00, 0x1d, 0xe6, 0xcb, 0x0b, 0xb0, 0xf5, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xae, 0xbd, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    assert_eq!(bytes, expected);
    let r = BinaryReader::open(&p).unwrap();
    assert_eq!(r.bars(), &[bar]);
}

#[test]
fn round_trip_batches_offsets_seek_tell_eof() {
    let d = tmpdir("roundtrip");
    let p = d.join("a.bin");
    let data = bars(1000);
    let mut w = BinaryWriter::open(&p).unwrap();
    assert_eq!(w.append(&data[..400]).unwrap(), 400 * 64);
    assert_eq!(w.append(&data[400..]).unwrap(), 1000 * 64);
    w.flush(true).unwrap();
    drop(w);

    let mut r = BinaryReader::open(&p).unwrap();
    assert_eq!(r.len(), 1000);
    assert_eq!(r.bars(), &data[..]);
    assert_eq!(r.len_bytes(), 64_000);
    let (mut got, mut offs) = (Vec::new(), Vec::new());
    assert_eq!(r.read_batch(300, &mut got, &mut offs).unwrap(), 300);
    assert_eq!(r.tell(), 300 * 64);
    assert!(!r.eof());
    while r.read_batch(300, &mut got, &mut offs).unwrap() > 0 {}
    assert!(r.eof());
    assert_eq!(got, data);
    assert_eq!(offs, (0..1000u64).map(|i| i * 64).collect::<Vec<_>>());
    r.seek(640).unwrap();
    assert_eq!(r.tell(), 640);
    assert_eq!(r.bars_from(640).unwrap()[0], data[10]);
    assert_eq!(r.seek(65).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        r.seek(64_064).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    r.seek(64_000).unwrap();
    assert!(r.eof());
}

#[test]
fn empty_file_is_an_empty_series() {
    let d = tmpdir("empty");
    let p = d.join("weekend.bin");
    std::fs::write(&p, b"").unwrap();
    let mut r = BinaryReader::open(&p).unwrap();
    assert!(r.is_empty());
    assert_eq!(r.bars(), &[] as &[Bar]);
    assert!(r.eof());
    let (mut b, mut o) = (Vec::new(), Vec::new());
    assert_eq!(r.read_batch(10, &mut b, &mut o).unwrap(), 0);
}

#[test]
fn torn_file_is_an_error_and_repair_is_explicit() {
    let d = tmpdir("torn");
    let p = d.join("torn.bin");
    let mut bytes: Vec<u8> = bytemuck::cast_slice(&bars(3)).to_vec();
    bytes.extend_from_slice(&[0xAB; 17]);
    std::fs::write(&p, &bytes).unwrap();

    let e = BinaryReader::open(&p).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TruncatedFile);
    assert!(e.message().contains("torn.bin"), "{e}");
    assert!(e.message().contains("17 stray bytes"), "{e}");
    assert!(e.message().contains("offset 192"), "{e}");
    assert_eq!(
        BinaryWriter::open(&p).unwrap_err().kind(),
        ErrorKind::TruncatedFile
    );
    assert_eq!(
        std::fs::read(&p).unwrap(),
        bytes,
        "a failed open must not change the file"
    );

    let rep = binary::repair(&p).unwrap();
    assert_eq!(rep.records_kept, 3);
    assert_eq!(rep.bytes_removed, 17);
    assert_eq!(std::fs::read(&p).unwrap(), bytes[..192]);
    assert_eq!(BinaryReader::open(&p).unwrap().bars(), &bars(3)[..]);
    assert_eq!(binary::repair(&p).unwrap().bytes_removed, 0);
}

#[test]
fn writer_keeps_data_writes_at_offsets_and_truncates() {
    let d = tmpdir("writer");
    let p = d.join("w.bin");
    let data = bars(10);
    {
        let mut w = BinaryWriter::open(&p).unwrap();
        w.append(&data).unwrap();
    }
    let mut w = BinaryWriter::open(&p).unwrap();
    assert_eq!(w.len_bytes(), 640, "opening must not truncate (rb+)");
    assert_eq!(w.tell(), 0);
    let mut changed = data[3];
    changed.close = 9.0;
    assert_eq!(w.write_at(3 * 64, &[changed]).unwrap(), 4 * 64);
    assert_eq!(
        w.write_at(5, &[changed]).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        w.write_at(11 * 64, &[changed]).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    w.truncate(6 * 64).unwrap();
    assert_eq!(
        w.truncate(100).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(w.seek_end(), 6 * 64);
    w.append(&data[9..]).unwrap();
    w.finalize().unwrap();
    drop(w);
    let mut want = data[..6].to_vec();
    want[3] = changed;
    want.push(data[9]);
    assert_eq!(BinaryReader::open(&p).unwrap().bars(), &want[..]);
}

#[test]
fn second_writer_is_busy() {
    let d = tmpdir("lock");
    let p = d.join("locked.bin");
    let w = BinaryWriter::open(&p).unwrap();
    let e = BinaryWriter::open(&p).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy);
    assert!(
        e.message().contains("locked.bin") && e.message().contains("busy"),
        "{e}"
    );
    assert_eq!(binary::repair(&p).unwrap_err().kind(), ErrorKind::Busy);
    assert_eq!(
        binary::write_atomic(&p, &bars(1)).unwrap_err().kind(),
        ErrorKind::Busy
    );
    // Readers are not blocked by the writer lock.
    assert!(BinaryReader::open(&p).is_ok());
    drop(w);
    assert!(BinaryWriter::open(&p).is_ok());
}

#[test]
fn atomic_write_replaces_whole_file() {
    let d = tmpdir("atomic");
    let p = d.join("x.bin");
    binary::write_atomic(&p, &bars(5)).unwrap();
    assert_eq!(BinaryReader::open(&p).unwrap().bars(), &bars(5)[..]);
    binary::write_atomic(&p, &bars(2)).unwrap();
    assert_eq!(BinaryReader::open(&p).unwrap().bars(), &bars(2)[..]);
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("x.bin")],
        "no temp file left behind"
    );
}

#[test]
fn index_files_both_forms() {
    let d = tmpdir("index");
    for fmt in [IndexFormat::Binary, IndexFormat::Text] {
        let idx = IndexFile::new(d.join(format!("index-{fmt:?}/SYM.idx")), fmt);
        assert_eq!(
            idx.read().unwrap(),
            IndexRecord::FRESH,
            "missing reads as fresh"
        );
        assert!(!idx.path().exists(), "reading must not create the file");
        let rec = IndexRecord {
            last_date: 20_260_107,
            in_pos: 6400,
            out_pos: 128,
        };
        idx.write(&rec).unwrap();
        assert_eq!(idx.read().unwrap(), rec);
        let on_disk = std::fs::read(idx.path()).unwrap();
        match fmt {
            IndexFormat::Binary => assert_eq!(on_disk, rec.to_bytes()),
            IndexFormat::Text => assert_eq!(on_disk, b"20260107\n6400\n128"),
        }
    }
}

#[test]
fn legacy_binary_index_migrates_on_write() {
    let d = tmpdir("legacy");
    let p = d.join("SYM.idx");
    let mut legacy = Vec::new();
    legacy.extend_from_slice(&640u64.to_le_bytes());
    legacy.extend_from_slice(&64u64.to_le_bytes());
    std::fs::write(&p, &legacy).unwrap();
    let idx = IndexFile::new(&p, IndexFormat::Binary);
    let rec = idx.read().unwrap();
    assert_eq!(
        rec,
        IndexRecord {
            last_date: 19_700_101,
            in_pos: 640,
            out_pos: 64
        }
    );
    idx.write(&rec).unwrap();
    assert_eq!(std::fs::read(&p).unwrap().len(), 24);
    assert_eq!(idx.read().unwrap(), rec);
}

#[test]
fn corrupt_index_is_an_error_and_untouched() {
    let d = tmpdir("corrupt");
    let cases: [(&str, &[u8], IndexFormat); 4] = [
        ("short.idx", &[1, 2, 3], IndexFormat::Binary),
        ("long.idx", &[0; 30], IndexFormat::Binary),
        ("garbage.idx", b"hello\nworld\n!", IndexFormat::Text),
        ("negative.idx", b"20250101\n-64\n0", IndexFormat::Text),
    ];
    for (name, content, fmt) in cases {
        let p = d.join(name);
        std::fs::write(&p, content).unwrap();
        let e = IndexFile::new(&p, fmt).read().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::IndexCorrupt, "{name}");
        assert!(e.message().contains(name), "{e}");
        assert_eq!(
            std::fs::read(&p).unwrap(),
            content,
            "{name} must be unchanged"
        );
    }
}

#[test]
fn unsynced_index_writes_in_place_and_migrates_legacy() {
    use std::os::unix::fs::MetadataExt;
    let d = tmpdir("unsynced");
    let p = d.join("SYM.idx");
    let idx = IndexFile::new(&p, IndexFormat::Binary);
    let a = IndexRecord {
        last_date: 19_700_101,
        in_pos: 64,
        out_pos: 128,
    };
    idx.write_unsynced(&a).unwrap();
    let inode = std::fs::metadata(&p).unwrap().ino();
    let b = IndexRecord { in_pos: 6400, ..a };
    idx.write_unsynced(&b).unwrap();
    assert_eq!(idx.read().unwrap(), b);
    assert_eq!(
        std::fs::metadata(&p).unwrap().ino(),
        inode,
        "rewritten in place"
    );
    // A legacy 16-byte index is replaced by the 24-byte form.
    std::fs::write(&p, [0u8; 16]).unwrap();
    idx.write_unsynced(&a).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), a.to_bytes());
    // An empty index (a crash between creating and writing it) reads as fresh.
    std::fs::write(&p, b"").unwrap();
    assert_eq!(idx.read().unwrap(), IndexRecord::FRESH);
    assert_eq!(
        IndexFile::new(&p, IndexFormat::Text).read().unwrap(),
        IndexRecord::FRESH
    );
    idx.write_unsynced(&a).unwrap();
    assert_eq!(idx.read().unwrap(), a);
    // The durable write always goes through a new file (temp, fsync, rename).
    let inode = std::fs::metadata(&p).unwrap().ino();
    idx.write(&b).unwrap();
    assert_ne!(std::fs::metadata(&p).unwrap().ino(), inode);
    assert_eq!(idx.read().unwrap(), b);
}
