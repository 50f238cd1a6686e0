//! The DMA on the server: reading a ListaPosPA file as a bounded stream (`listapospa`) and importing it
//! for a position (`importazione`).

pub mod importazione;
pub mod listapospa;
