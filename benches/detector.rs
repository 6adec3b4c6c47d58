//! Micro-benchmarks of the detector's stages on synthetic text of several
//! digit densities, reported in bytes per second (criterion's MB/s).
//!
//! Run: `cargo bench --bench detector` (results in target/criterion/).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hihoji_scanner::detect::{luhn_valid, Detector, RunMasks, Window};
use hihoji_scanner::rules::load_rules;

/// A deterministic pseudo-random generator, so inputs are the same every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

const SIZE: usize = 4 << 20;

fn prose(rng: &mut Lcg) -> Vec<u8> {
    let words = [
        "the",
        "merchant",
        "order",
        "shipped",
        "カード",
        "payment",
        "customer",
        "session",
        "and",
        "で",
    ];
    let mut s = String::new();
    while s.len() < SIZE {
        s.push_str(words[(rng.next() % words.len() as u64) as usize]);
        s.push(if rng.next().is_multiple_of(12) { '\n' } else { ' ' });
    }
    s.into_bytes()
}

fn timestamp_logs(rng: &mut Lcg) -> Vec<u8> {
    let mut s = String::new();
    while s.len() < SIZE {
        let ts = rng.digits(10);
        let id = rng.digits(9);
        s.push_str(&format!(
            "2026-11-25T10:00:00.123Z ts=17{ts}1 GET /api/orders/{id} 200 {} rt=0.{}\n",
            rng.next() % 50000,
            rng.digits(3)
        ));
    }
    s.into_bytes()
}

fn csv_numbers(rng: &mut Lcg) -> Vec<u8> {
    let mut s = String::new();
    while s.len() < SIZE {
        s.push_str(&format!(
            "{},{},{},{}\n",
            rng.digits(8),
            rng.digits(13),
            rng.digits(16),
            rng.digits(4)
        ));
    }
    s.into_bytes()
}

fn binary(rng: &mut Lcg) -> Vec<u8> {
    (0..SIZE).map(|_| rng.next() as u8).collect()
}

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut rng = Lcg(42);
    vec![
        ("prose", prose(&mut rng)),
        ("timestamp-logs", timestamp_logs(&mut rng)),
        ("csv-numbers", csv_numbers(&mut rng)),
        ("binary", binary(&mut rng)),
    ]
}

fn candidate_finder(c: &mut Criterion) {
    let rules = load_rules(&[]).expect("default rules");
    let mut group = c.benchmark_group("candidate-finder");
    for (name, bytes) in inputs() {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        let mut masks = RunMasks::new(&rules.mask_chars);
        let mut count = |classify: fn(&mut RunMasks, &[u8])| {
            classify(&mut masks, &bytes);
            let mut n = 0usize;
            masks.for_each_candidate(&bytes, |_| n += 1);
            n
        };
        group.bench_function(BenchmarkId::new("simd", name), |b| {
            b.iter(|| count(RunMasks::classify))
        });
        group.bench_function(BenchmarkId::new("scalar", name), |b| {
            b.iter(|| count(RunMasks::classify_scalar))
        });
    }
    group.finish();
}

fn luhn(c: &mut Criterion) {
    let mut rng = Lcg(7);
    let numbers: Vec<String> = (0..4096).map(|_| rng.digits(16)).collect();
    let mut group = c.benchmark_group("luhn");
    group.throughput(Throughput::Bytes((numbers.len() * 16) as u64));
    group.bench_function("16-digit", |b| {
        b.iter(|| numbers.iter().filter(|n| luhn_valid(n.as_bytes())).count())
    });
    group.finish();
}

fn whole_detector(c: &mut Criterion) {
    let rules = load_rules(&[]).expect("default rules");
    let mut detector = Detector::new(&rules);
    let mut group = c.benchmark_group("detector");
    for (name, bytes) in inputs() {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        let mut hits = Vec::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                hits.clear();
                detector.scan(&Window::whole(&bytes), &mut hits);
                hits.len()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = candidate_finder, luhn, whole_detector
}
criterion_main!(benches);
