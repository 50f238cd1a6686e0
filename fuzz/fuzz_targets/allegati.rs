#![no_main]
//! The attachment checks (name cleaning, type by name, content signature, the whole set, the zip): no panic,
//! and the check and the packaging agree (see `cassetto_fuzz::allegati`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cassetto_fuzz::allegati(data));
