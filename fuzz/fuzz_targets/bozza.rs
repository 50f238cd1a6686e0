#![no_main]
//! A hand-made DMA declaration of any text: no panic, and the import of its XML finds the same workers and
//! problems as the draft's own check (see `cassetto_fuzz::bozza`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cassetto_fuzz::bozza(data));
