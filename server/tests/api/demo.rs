//! Issue 15, item 18: the demo data tells the truth of the domain, on both backends. Each Ente is handled by
//! the Sede of its province and its address is there; each pays through the channel its kind uses (F24 for
//! private firms and for schools — whose F24 carries the province's initials —, F24 EP for the other public
//! bodies, the Banca d'Italia for the State); head counts are of the order of the Ente's kind and each DMA
//! lists exactly its workers; seeded and live items share one protocol format and one register per Sede.

use crate::common::{Backend, TestApp, cf_of};
use app::domain::CodiceFiscale;
use app::model::Role;
use app::ssr::comunicazioni::{self as com, NuovaRichiesta};
use app::ssr::db::now_unix;

/// The province of each demo Sede.
const PROVINCE: &[(&str, &str)] = &[("7001", "RM"), ("4900", "MI"), ("5100", "NA"), ("8100", "TO"), ("1300", "BO")];

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn sedi_and_addresses(app: TestApp) {
    let enti: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT e.denominazione, e.address, s.code FROM enti e JOIN sedi s ON s.id = e.sede_id ORDER BY e.id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("enti");
    assert!(enti.len() >= 37, "{} enti", enti.len());
    for (name, address, sede) in &enti {
        let province = PROVINCE.iter().find(|(c, _)| c == sede).expect("known sede").1;
        assert!(address.ends_with(&format!("({province})")), "{name} at {address} is handled by Sede {sede}");
        if let Some(town) = name.strip_prefix("Comune di ") {
            assert!(address.contains(town), "{name}: {address}");
        }
    }
    let sede_of = |name: &str| enti.iter().find(|e| e.0 == name).map(|e| e.2.clone()).expect("ente");
    assert_eq!(sede_of("Azienda Sanitaria Locale Roma 9"), "7001", "an ASL of Rome, at a Sede of Rome");
    assert_eq!(sede_of("Tessitura Lombarda S.r.l."), "4900");
    // A position is handled by its Ente's Sede.
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM positions p JOIN enti e ON e.id = p.ente_id WHERE p.sede_id <> e.sede_id")
            .await,
        0
    );
}
both_backends!(each_ente_is_handled_by_the_sede_of_its_province, sedi_and_addresses);

async fn payment_channels(app: TestApp) {
    // (ente, sector, channel, codice sede, causale, the Sede's code) of every payment.
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT DISTINCT e.denominazione, e.sector, v.channel, v.codice_sede, v.causale, s.code FROM versamenti v \
         JOIN positions p ON p.id = v.position_id JOIN enti e ON e.id = p.ente_id JOIN sedi s ON s.id = p.sede_id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("versamenti");
    let mut seen = std::collections::BTreeSet::new();
    for (ente, sector, channel, codice_sede, causale, sede) in &rows {
        let school = ["Istituto Comprensivo", "Istituto Tecnico", "Liceo"].iter().any(|p| ente.starts_with(p));
        let state = ente.starts_with("Prefettura");
        let province = PROVINCE.iter().find(|(c, _)| c == sede).expect("sede").1;
        let (want_channel, want_sede) = match (sector.as_str(), school, state) {
            ("privato", _, _) => ("F24", sede.as_str()),
            (_, true, _) => ("F24", province),
            (_, _, true) => ("BANCA_ITALIA", sede.as_str()),
            _ => ("F24EP", sede.as_str()),
        };
        assert_eq!(channel, want_channel, "{ente}");
        assert_eq!(codice_sede, want_sede, "{ente}: codice sede of its {channel} rows");
        if sector == "privato" {
            assert_eq!(causale, "DM10", "{ente}");
        } else {
            assert!(causale.starts_with('P'), "{ente}: {causale}");
        }
        seen.insert(channel.clone());
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["BANCA_ITALIA", "F24", "F24EP"]);
    // The Gestione dipendenti pubblici's records are not a private firm's.
    for table in ["note_debito", "note_debito_eca", "piani_ammortamento", "dma_denunce"] {
        let sql = format!(
            "SELECT COUNT(*) FROM {table} x JOIN positions p ON p.id = x.position_id JOIN enti e ON e.id = p.ente_id \
             WHERE e.sector = 'privato'"
        );
        assert_eq!(scalar(&app, &sql).await, 0, "{table} of a private position");
    }
}
both_backends!(each_ente_pays_through_the_channel_of_its_kind, payment_channels);

async fn head_counts(app: TestApp) {
    // Each DMA lists every worker it counts, once per gestione.
    let mismatched = scalar(
        &app,
        "SELECT COUNT(*) FROM dma_denunce d WHERE d.workers <> \
         (SELECT COUNT(DISTINCT l.worker_cf) FROM dma_lavoratori l WHERE l.denuncia_id = d.id)",
    )
    .await;
    assert_eq!(mismatched, 0);
    // The main position's head count, by Ente.
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.denominazione, MAX(d.workers) FROM dma_denunce d JOIN positions p ON p.id = d.position_id \
         JOIN enti e ON e.id = p.ente_id GROUP BY e.denominazione",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("counts");
    let of = |name: &str| counts.iter().find(|c| c.0 == name).map(|c| c.1).unwrap_or_else(|| panic!("{name}"));
    assert!(of("Azienda Sanitaria Locale Roma 9") >= 200);
    assert!(of("Università degli Studi di Castelmare") >= 150);
    assert!(of("Istituto Comprensivo Leonardo") <= 12);
    for (name, n) in &counts {
        if name.starts_with("Comune di ") {
            assert!((14..=48).contains(n), "{name}: {n}");
        }
        assert!(*n >= 6, "{name}: {n} workers");
    }
    // Every worker has a well-formed personal codice fiscale.
    let cfs: Vec<String> = sqlx::query_scalar("SELECT DISTINCT worker_cf FROM dma_lavoratori")
        .fetch_all(app.db.pool())
        .await
        .expect("cfs");
    assert!(cfs.len() > 500, "{} workers", cfs.len());
    for cf in cfs {
        let parsed = CodiceFiscale::parse(&cf).unwrap_or_else(|e| panic!("{cf}: {e:?}"));
        assert!(parsed.is_person(), "{cf}");
    }
}
both_backends!(head_counts_are_of_the_order_of_each_kind_of_ente, head_counts);

async fn one_protocol_format(app: TestApp) {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT d.protocol, s.code, d.submitted_on FROM dma_denunce d JOIN positions p ON p.id = d.position_id \
         JOIN sedi s ON s.id = p.sede_id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("dma");
    assert!(!rows.is_empty());
    let mut numbers = std::collections::BTreeMap::<(String, String), Vec<i64>>::new();
    for (protocol, sede, submitted_on) in &rows {
        let parts: Vec<&str> = protocol.split('.').collect();
        assert_eq!(parts.len(), 4, "{protocol}");
        assert_eq!(parts[0], "INPS", "{protocol}");
        assert_eq!(parts[1], sede, "{protocol}: the register of the position's Sede");
        assert_eq!(parts[2], &submitted_on[..4], "{protocol}: the year it was submitted");
        assert_eq!(parts[3].len(), 7, "{protocol}");
        numbers.entry((parts[1].to_string(), parts[2].to_string())).or_default().push(parts[3].parse().expect("n"));
    }
    // Each register numbers from 1 without gaps or repeats, and goes on from its last number.
    for ((sede, anno), mut n) in numbers {
        n.sort_unstable();
        assert_eq!(n, (1..=n.len() as i64).collect::<Vec<_>>(), "{sede} {anno}");
        let ultimo = scalar(
            &app,
            &format!(
                "SELECT c.ultimo FROM protocollo_contatori c JOIN sedi s ON s.id = c.sede_id \
                 WHERE s.code = '{sede}' AND c.anno = {anno}"
            ),
        )
        .await;
        assert_eq!(ultimo, n.len() as i64, "{sede} {anno}");
    }

    // A live richiesta in a month of the demo takes the next number of the same register.
    let db = &app.db;
    let (position, sede): (i64, i64) = sqlx::query_as(
        "SELECT p.id, p.sede_id FROM positions p JOIN enti e ON e.id = p.ente_id \
         WHERE e.denominazione = 'Comune di Roccaverde' ORDER BY p.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("position");
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(cf_of(Role::Datore))
        .fetch_one(db.pool())
        .await
        .expect("user");
    let oggetto: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM comunicazione_oggetti").fetch_one(db.pool()).await.expect("o");
    // 2026-06-15 at noon, Italian time: within the demo's DMA history.
    let at = 1_781_517_600;
    assert!(at < now_unix());
    let before: i64 = sqlx::query_scalar("SELECT ultimo FROM protocollo_contatori WHERE sede_id = $1 AND anno = 2026")
        .bind(sede)
        .fetch_one(db.pool())
        .await
        .expect("the 2026 register of Roma Eur holds the demo's DMA");
    assert!(before > 0);
    let richiesta = NuovaRichiesta {
        position_id: position,
        oggetto_id: oggetto,
        testo: "Chiarimento sulla DMA di maggio.",
        email: Some("ufficio.personale@example.it"),
        telefono: None,
        consenso_notifiche: true,
        allegati: Vec::new(),
    };
    let (_, protocollo) = com::open(db, user, richiesta, at).await.expect("apri");
    assert_eq!(protocollo, format!("INPS.7001.2026.{:07}", before + 1));
    let taken = scalar(&app, &format!("SELECT COUNT(*) FROM dma_denunce WHERE protocol = '{protocollo}'")).await;
    assert_eq!(taken, 0, "no seeded item holds the live protocol");
}
both_backends!(seeded_and_live_items_share_one_protocol_format, one_protocol_format);
