-- The audit chain becomes keyed (HMAC-SHA256 with a key kept outside the database, see app/src/ssr/audit.rs).
-- Each entry names the key that signed it; entries already written keep their plain hashes, and `keyed_from`
-- marks where the keyed chain starts (the next entry). A fresh database starts keyed at its first entry.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;
ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER NOT NULL DEFAULT 1;
UPDATE audit_head SET keyed_from = seq + 1 WHERE id = 1;
