//! The factory picks the reader/writer by extension, or by content when the extension says
//! nothing, and names the extension for a format.

mod common;

use common::tmpdir;
use ohlcv::io::Format;
use ohlcv::io::factory::{
    detect_format, extension, format_from_extension, open_reader, open_writer,
};
use ohlcv::{Bar, ErrorKind};
use std::path::Path;

fn bars() -> Vec<Bar> {
    (0..3)
        .map(|i| Bar::new(1_104_710_400_000 + 60_000 * i, 1.0, 2.0, 0.5, 1.5, 3.0))
        .collect()
}

#[test]
fn extension_names_the_format() {
    assert_eq!(extension(Format::Binary), ".bin");
    assert_eq!(extension(Format::Csv), ".csv");
    assert_eq!(
        format_from_extension(Path::new("a/EUR-USD.bin")),
        Some(Format::Binary)
    );
    assert_eq!(format_from_extension(Path::new("x.CSV")), Some(Format::Csv));
    assert_eq!(format_from_extension(Path::new("x.idx")), None);
    assert_eq!(format_from_extension(Path::new("noext")), None);
    assert_eq!(Format::from_mode("binary"), Some(Format::Binary));
    assert_eq!(Format::from_mode("text"), Some(Format::Csv));
    assert_eq!(Format::from_mode("parquet"), None);
}

#[test]
fn content_sniffing_without_a_telling_extension() {
    let d = tmpdir("factory-sniff");
    // Binary records under an unhelpful name.
    let b = d.join("bars.dat");
    std::fs::write(&b, bytemuck::cast_slice::<Bar, u8>(&bars())).unwrap();
    assert_eq!(detect_format(&b).unwrap(), Format::Binary);
    let mut r = open_reader(&b).unwrap();
    assert_eq!(r.format(), Format::Binary);
    let (mut v, mut o) = (Vec::new(), Vec::new());
    r.read_batch(10, &mut v, &mut o).unwrap();
    assert_eq!(v, bars());

    // The pipeline's CSV under an unhelpful name.
    let c = d.join("bars.txt");
    std::fs::write(
        &c,
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1.0,2.0,0.5,1.5,3.0\n",
    )
    .unwrap();
    assert_eq!(detect_format(&c).unwrap(), Format::Csv);
    assert_eq!(open_reader(&c).unwrap().format(), Format::Csv);

    // The pipeline factory's magic.
    let m = d.join("magic");
    let mut bytes = b"DUKASBIN".to_vec();
    bytes.resize(64, 0);
    std::fs::write(&m, &bytes).unwrap();
    assert_eq!(detect_format(&m).unwrap(), Format::Binary);

    // Nothing to go on: empty, or text that is not our CSV, or a torn binary-looking file.
    for (name, content) in [
        ("empty", &b""[..]),
        ("prose", b"hello world\n"),
        ("odd", &[0xffu8; 65]),
    ] {
        let p = d.join(name);
        std::fs::write(&p, content).unwrap();
        let e = detect_format(&p).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownFormat, "{name}");
        assert!(e.message().contains(name), "{e}");
    }
    assert_eq!(
        detect_format(&d.join("missing.dat")).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn writers_by_extension_or_explicit_format() {
    let d = tmpdir("factory-write");
    for (name, fmt) in [
        ("a.bin", None),
        ("b.csv", None),
        ("c.dat", Some(Format::Csv)),
    ] {
        let p = d.join(name);
        let mut w = open_writer(&p, fmt).unwrap();
        let start = w.data_start();
        w.write_at(start, &bars()).unwrap();
        w.finalize().unwrap();
        drop(w);
        let mut r = open_reader(&p).unwrap();
        let (mut v, mut o) = (Vec::new(), Vec::new());
        r.read_batch(10, &mut v, &mut o).unwrap();
        assert_eq!(v, bars(), "{name}");
    }
    // The index handler follows the bar format, through the trait.
    use ohlcv::io::{IndexHandler, IndexRecord};
    for (fmt, bytes) in [(Format::Binary, 24usize), (Format::Csv, 13)] {
        let p = d.join(format!("{fmt:?}.idx"));
        let idx: Box<dyn IndexHandler> = Box::new(ohlcv::io::factory::open_index(&p, fmt));
        assert_eq!(idx.read().unwrap(), IndexRecord::FRESH);
        let rec = IndexRecord {
            last_date: 20_250_101,
            in_pos: 64,
            out_pos: 0,
        };
        idx.write(&rec).unwrap();
        assert_eq!(idx.read().unwrap(), rec);
        assert_eq!(
            std::fs::metadata(&p).unwrap().len(),
            bytes as u64,
            "{fmt:?}"
        );
    }
    let e = open_writer(d.join("d.dat"), None).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::UnknownFormat);
    assert!(e.message().contains("d.dat"));
}
