//! Fingerprint the migration sources, so the test template database is rebuilt exactly when a
//! migration changes.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migration/src");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migration/src exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.file_name().hash(&mut hasher);
        std::fs::read(&file).expect("readable").hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=MIGRATIONS_FINGERPRINT={:012x}",
        hasher.finish() & 0xffff_ffff_ffff
    );
}
