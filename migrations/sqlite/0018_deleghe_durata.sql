-- Deleghe with a duration, the services they cover, renewals and imported deleghe (circular 34/2023 §2).
-- `valid_from` / `valid_until` (0001, 0002) carry the period: `valid_until` NULL means "until revoked". A
-- delega past its `valid_until` is *scaduta* without any stored change: every reading compares the date
-- with today (see `authz::reachable_positions`), so no scheduled job is needed for reach to end.

-- The services (profile scopes, `domain::profile::Scope`) an intermediary delega covers, as stated in its
-- request and printed on its form. Reach through the delega is bounded by them.
CREATE TABLE delega_servizi (
    delega_id INTEGER NOT NULL REFERENCES deleghe(id),
    scope TEXT NOT NULL CHECK (scope IN ('gc_privati','gc_pubblici','malattia_attestati','malattia_visita')),
    PRIMARY KEY (delega_id, scope)
);

-- Every intermediary delega made before services were stated covered the Gestione contributiva of its
-- Ente's sector (the only services of this Cassetto): that is what they keep.
INSERT INTO delega_servizi (delega_id, scope)
SELECT d.id, CASE WHEN e.sector = 'pubblico' THEN 'gc_pubblici' ELSE 'gc_privati' END
FROM deleghe d JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id
WHERE d.kind = 'intermediario';

-- The delega a renewal continues (a new request, with its own form, PEC and OTP, starting the day after
-- the renewed one ends).
ALTER TABLE deleghe ADD COLUMN renews_id INTEGER REFERENCES deleghe(id);

-- 'cassetto': made here; 'importazione': an enablement from before the cut-over, imported by
-- `cassetto import-profiles --deleghe` (circular §2a-b: those already enabled do not repeat it).
ALTER TABLE deleghe ADD COLUMN origin TEXT NOT NULL DEFAULT 'cassetto' CHECK (origin IN ('cassetto','importazione'));

CREATE INDEX deleghe_renews ON deleghe(renews_id);
