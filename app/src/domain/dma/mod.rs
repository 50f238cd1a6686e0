//! The DMA (UniEmens ListaPosPA declarations): the file's structure, code tables and rules
//! (`listapospa`), and the declaration compiled by hand in the browser (`manuale`).

pub mod listapospa;
pub mod manuale;
