#![no_main]
//! Any bytes given to the ListaPosPA reader get an answer — a reading or one of the documented refusals —
//! never a panic; limits only refuse or truncate; the answer does not depend on the buffer size (see
//! `cassetto_fuzz::listapospa`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cassetto_fuzz::listapospa(data));
