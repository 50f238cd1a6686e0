#![no_main]
//! Codice fiscale, partita IVA and position code parsing: no panic, and whatever is accepted round-trips
//! through its canonical form (see `cassetto_fuzz::codici`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cassetto_fuzz::codici(data));
