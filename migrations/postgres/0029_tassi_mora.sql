-- Interessi di mora (art. 30 DPR 602/1973; art. 116 c. 9 L. 388/2000: due on the contribution once the
-- civil sanction reaches its cap) missing from 0005: the yearly rates found with a source each, from the
-- day each took effect, in ten-thousandths of a point. 0005 already holds 2010-10-01 5,7567 %,
-- 2012-10-01 4,5504 %, 2013-05-01 5,2233 %, 2014-05-01 5,14 %, 2017-05-15 3,50 %, 2018-05-15 3,01 %.
--   2011-10-01 5,0243 %  provvedimento AdE 22/6/2011 (prot. 2011/95314), INPS circ. 151/2011
--                        (fiscosoft.it; cgiamestre.com; confindustria.ap.it C3095/11)
--   2015-05-15 4,88 %    provvedimento AdE 30/4/2015 (prot. 59743/2015), INPS circ. 102/2015, INAIL nota
--                        3288/2015 (studiozanettisnc.it; si-rovigo.it)
--   2016-05-15 4,13 %    provvedimento AdE 27/4/2016 (uominietrasporti.it; studiogiallo.eu)
--   2019-07-01 2,68 %    provvedimento AdE 23/5/2019 (prot. 148038/2019), in force from 1 July 2019, not
--                        15 May; "vale anche per i debiti nei confronti dell'Inps" (ntpluslavoro.ilsole24ore.com;
--                        fmconsulenti.it; cuzzola.it; adiconsum.it)
-- 2,68 % was still the rate on 1/4/2022 (serviziamministrativi.ddp.it, 1/4/2022), so there was no change
-- in 2020 or 2021. No later provvedimento could be verified: the administrator adds each new one from the
-- page "Tassi per il calcolo delle sanzioni civili", and the calculator says when it relies on a rate set
-- more than a year before. A rate an administrator already entered for one of these days is kept.
INSERT INTO tassi (tipo, dal, tasso) VALUES
    ('mora', '2011-10-01', 50243),
    ('mora', '2015-05-15', 48800),
    ('mora', '2016-05-15', 41300),
    ('mora', '2019-07-01', 26800)
ON CONFLICT (tipo, dal) DO NOTHING;
