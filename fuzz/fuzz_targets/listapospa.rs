#![no_main]
//! Any bytes given to the ListaPosPA reader get an answer — a reading or a refusal — never a panic, a hang
//! or unbounded memory (the limits are small here so the fuzzer explores them).

use app::ssr::listapospa::{Limiti, leggi};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limiti = Limiti { max_bytes: 1 << 20, max_depth: 16, max_elements: 100_000, max_errori: 100 };
    let _ = leggi(data, limiti);
});
