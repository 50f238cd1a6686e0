-- The dated rates of the civil-sanction calculation (DOMAIN.md §3): the ECB main refinancing rate (TUR, on
-- which the omissione rates are built) and the interessi di mora of art. 30 DPR 602/1973 (due on the
-- contribution once the sanction reaches its cap). A rate is in force from `dal` until the next row of its
-- kind; rates are in ten-thousandths of a point (2,15 % = 21500). The administrator keeps them up to date.
CREATE TABLE tassi (
    tipo TEXT NOT NULL CHECK (tipo IN ('tur', 'mora')),
    dal TEXT NOT NULL,
    tasso BIGINT NOT NULL CHECK (tasso >= 0 AND tasso <= 1000000),
    PRIMARY KEY (tipo, dal)
);
-- TUR: the ECB's main refinancing operations rate, from the day each decision took effect.
INSERT INTO tassi (tipo, dal, tasso) VALUES
    ('tur', '2012-07-11', 7500),
    ('tur', '2013-05-08', 5000),
    ('tur', '2013-11-13', 2500),
    ('tur', '2014-06-11', 1500),
    ('tur', '2014-09-10', 500),
    ('tur', '2016-03-16', 0),
    ('tur', '2022-07-27', 5000),
    ('tur', '2022-09-14', 12500),
    ('tur', '2022-11-02', 20000),
    ('tur', '2022-12-21', 25000),
    ('tur', '2023-02-08', 30000),
    ('tur', '2023-03-22', 35000),
    ('tur', '2023-05-10', 37500),
    ('tur', '2023-06-21', 40000),
    ('tur', '2023-08-02', 42500),
    ('tur', '2023-09-20', 45000),
    ('tur', '2024-06-12', 42500),
    ('tur', '2024-09-18', 36500),
    ('tur', '2024-10-23', 34000),
    ('tur', '2024-12-18', 31500),
    ('tur', '2025-02-05', 29000),
    ('tur', '2025-03-12', 26500),
    ('tur', '2025-04-23', 24000),
    ('tur', '2025-06-11', 21500);
-- Interessi di mora as found (DOMAIN.md §3.2); later values must be added from the yearly decree.
INSERT INTO tassi (tipo, dal, tasso) VALUES
    ('mora', '2010-10-01', 57567),
    ('mora', '2012-10-01', 45504),
    ('mora', '2013-05-01', 52233),
    ('mora', '2014-05-01', 51400),
    ('mora', '2017-05-15', 35000),
    ('mora', '2018-05-15', 30100);
