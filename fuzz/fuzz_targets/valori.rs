#![no_main]
//! The value readers of ListaPosPA files and of the hand-made DMA (amounts, dates, months, numbers): no
//! panic, refusals carry their code, accepted values round-trip (see `cassetto_fuzz::valori`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cassetto_fuzz::valori(data));
