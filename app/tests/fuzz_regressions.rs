//! The fuzz targets' inputs replayed in the normal test suite: for each target of `fuzz/`, every file of
//! `fuzz/seeds/<target>/` (the corpus the fuzzer starts from) and of `fuzz/regressions/<target>/` (inputs the
//! fuzzer found, and hand-made nasty ones) goes through the very check the target runs — the functions of
//! `fuzz/src/lib.rs`, included here — so what once crashed stays fixed without nightly or cargo-fuzz.
//!
//! Adding a case: copy the input libFuzzer wrote (`fuzz/artifacts/<target>/crash-…`) into
//! `fuzz/regressions/<target>/` under a telling name. An input that still panics because the fix is pending
//! goes into `PANICO_NOTO` with the reason: the replay then skips it, and the ignored test
//! `panici_noti_ancora_aperti` runs exactly those (`cargo test … -- --ignored`); once the app is fixed it
//! passes, and the entry is removed.
#![cfg(feature = "ssr")]

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The targets and their checks.
/// A target's checks on one input.
type Checks = fn(&[u8]);

const TARGET: [(&str, Checks); 5] = [
    ("codici", checks::codici),
    ("allegati", checks::allegati),
    ("valori", checks::valori),
    ("bozza", checks::bozza),
    ("listapospa", checks::listapospa),
];

/// Inputs that panic in app code today: (target, file under `fuzz/regressions/<target>/`, why).
/// Each is a known bug, reported with its proposed fix; remove the entry once the fix lands.
///
/// Empty now. The first entries were the `Money` overflows of the import (`hand-importi-enormi`,
/// `hand-contributo-piu-uno-per-cento`, `hand-enti-versanti-enormi` of listapospa, `hand-importi-enormi` of
/// bozza: "attempt to add with overflow" in the per-gestione totals and in the 00171I/00172I/00032I sums),
/// fixed by `IMPORTO_MASSIMO` in `leggi_importo`; the inputs stay as regressions.
const PANICO_NOTO: &[(&str, &str, &str)] = &[];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted (none if the directory does not exist).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn known_panic(target: &str, file: &Path) -> Option<&'static str> {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    PANICO_NOTO.iter().find(|(t, f, _)| *t == target && *f == name).map(|(_, _, why)| *why)
}

/// Runs `check` on one file; the panic message if it fails.
fn replay(check: fn(&[u8]), file: &Path) -> Result<(), String> {
    let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    catch_unwind(AssertUnwindSafe(|| check(&data))).map_err(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default();
        format!("{}: {msg}", file.display())
    })
}

#[test]
fn seeds_and_regressions_pass_their_targets_checks() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, check) in TARGET {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "no seed for target {target}");
        for file in seeds.iter().chain(&inputs("regressions", target)) {
            if let Some(why) = known_panic(target, file) {
                eprintln!("skipped (known panic, see PANICO_NOTO: {why}): {}", file.display());
                continue;
            }
            replayed += 1;
            if let Err(e) = replay(check, file) {
                failures.push(format!("[{target}] {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {replayed} fuzz inputs fail:\n{}", failures.len(), failures.join("\n"));
}

/// Every known panic is still a file of its target (a renamed or deleted input would hide a bug).
#[test]
fn known_panics_name_existing_inputs() {
    for (target, file, _) in PANICO_NOTO {
        let path = fuzz_dir().join("regressions").join(target).join(file);
        assert!(path.is_file(), "PANICO_NOTO names a missing input: {}", path.display());
    }
}

/// The inputs of `PANICO_NOTO`, run as the replay would: they fail until their bug is fixed.
#[test]
#[ignore = "known panics in app code, pending their fix (see PANICO_NOTO)"]
fn panici_noti_ancora_aperti() {
    let mut failures = Vec::new();
    for (target, file, why) in PANICO_NOTO {
        let check = TARGET.iter().find(|(t, _)| t == target).map(|(_, c)| *c).expect("known target");
        let path = fuzz_dir().join("regressions").join(target).join(file);
        if let Err(e) = replay(check, &path) {
            failures.push(format!("[{target}] {why}: {e}"));
        }
    }
    assert!(failures.is_empty(), "still panicking:\n{}", failures.join("\n"));
}
