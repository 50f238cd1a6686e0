-- A second monthly declaration for a month already declared replaces the first (a denuncia sostitutiva, as
-- INPS treats a ListaPosPA sent again for the same period): the first stays, for the record, pointing to the
-- one that replaced it; only the declaration in force (`sostituita_da IS NULL`) counts in the month's totals.
-- Variations (files of V1 periods only) correct earlier months and replace nothing.
ALTER TABLE dma_denunce ADD COLUMN sostituita_da INTEGER REFERENCES dma_denunce(id);
-- Months declared twice before this rule: the latest declaration of the month is the one in force.
UPDATE dma_denunce SET sostituita_da = (
    SELECT MAX(n.id) FROM dma_denunce n
    WHERE n.position_id = dma_denunce.position_id AND n.period = dma_denunce.period
      AND n.tipo = 'mensile' AND n.completa = 1
)
WHERE tipo = 'mensile' AND completa = 1 AND id < (
    SELECT MAX(n.id) FROM dma_denunce n
    WHERE n.position_id = dma_denunce.position_id AND n.period = dma_denunce.period
      AND n.tipo = 'mensile' AND n.completa = 1
);
-- At most one monthly declaration in force per position and month, whatever two imports do at once.
CREATE UNIQUE INDEX dma_denunce_in_vigore ON dma_denunce(position_id, period)
    WHERE tipo = 'mensile' AND completa = 1 AND sostituita_da IS NULL;
CREATE INDEX dma_denunce_sostituita_da ON dma_denunce(sostituita_da) WHERE sostituita_da IS NOT NULL;
