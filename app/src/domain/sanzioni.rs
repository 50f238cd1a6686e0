//! Civil sanctions on contributions paid late or not at all (art. 116 c. 8–10 L. 388/2000, as amended by
//! art. 30 DL 19/2024), and the interessi di mora that run on the contribution once the sanction reaches
//! its cap (c. 9). Pure: the dated rates come in as data.
//!
//! The model (docs/domain.md §3.3): days are counted from the day after the legal deadline through the day of
//! payment, split at every change of rate; each stretch accrues `contributo × rate × days / 365`. The sum is
//! kept exact (integer arithmetic over a common denominator) and rounded half-up to cents only at the end;
//! the lines show each stretch rounded, so they may differ from the total by a cent. A year counts 365 days
//! (INPS does not publish its convention for leap years).
//!
//! The reduced regimes have conditions of dates (DL 19/2024): the omissione paid within 120 days of the
//! deadline, payments from 1/9/2024; the evasione declared spontaneously within 12 months of the deadline
//! and paid within 30 (or 90) days of the declaration. `regime_applicato` checks them and, when one
//! fails, computes on the regime the law then applies, saying which condition failed and why.

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::Money;

/// A yearly rate in ten-thousandths of a point: 7.65 % is `Tasso(76_500)`, 5.7567 % is `Tasso(57_567)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tasso(pub i64);

/// A rate the administrator typed that is not a percentage with at most four decimals, up to 100.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Tasso «{0}» non valido: scriva ad esempio 7,65.")]
pub struct TassoNonValido(pub String);

/// Why the figures given cannot describe a case to compute: each a mistake for the user to correct (a
/// reduced regime whose condition fails is not one of them: the law's regime is computed, with a notice).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalcoloRifiutato {
    #[error("Indichi un contributo maggiore di zero.")]
    ContributoNonPositivo,
    #[error("Pagato entro la scadenza: non sono dovute sanzioni.")]
    PagatoInTempo,
    #[error(
        "Indichi la data della denuncia spontanea: serve a verificare i termini della riduzione per l'evasione \
         (denuncia entro 12 mesi dalla scadenza, pagamento entro 30 o 90 giorni dalla denuncia)."
    )]
    DenunciaMancante,
    #[error(
        "La denuncia del {} non è successiva alla scadenza del {}: contributi denunciati in tempo e non pagati \
         sono un'omissione; scelga il regime dell'omissione.",
        .denuncia.format("%d/%m/%Y"),
        .scadenza.format("%d/%m/%Y")
    )]
    DenunciaNonSuccessiva { denuncia: NaiveDate, scadenza: NaiveDate },
    #[error(
        "La data del pagamento ({}) precede quella della denuncia spontanea ({}): controlli le date.",
        .pagamento.format("%d/%m/%Y"),
        .denuncia.format("%d/%m/%Y")
    )]
    PagamentoPrimaDellaDenuncia { pagamento: NaiveDate, denuncia: NaiveDate },
    /// The dated table has no rate for a day of the period (the administrator must add it).
    #[error("Manca il tasso {nome} in vigore il {}.", .giorno.format("%d/%m/%Y"))]
    TassoMancante { nome: &'static str, giorno: NaiveDate },
}

/// Scale of `Tasso`: units per percentage point.
const PER_PUNTO: i64 = 10_000;

impl Tasso {
    pub const fn punti(p: i64) -> Tasso {
        Tasso(p * PER_PUNTO)
    }

    /// Reads an Italian rate, "7,65" or "7.65" (at most four decimals), in percent.
    pub fn parse(input: &str) -> Result<Tasso, TassoNonValido> {
        let s = input.trim().trim_end_matches('%').trim().replace(',', ".");
        let invalid = || TassoNonValido(input.to_string());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        if int.is_empty() || frac.len() > 4 || !(int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())) {
            return Err(invalid());
        }
        let int: i64 = int.parse().map_err(|_| invalid())?;
        let frac: i64 = format!("{frac:0<4}").parse().map_err(|_| invalid())?;
        if int > 100 {
            return Err(invalid());
        }
        Ok(Tasso(int * PER_PUNTO + frac))
    }
}

impl std::fmt::Display for Tasso {
    /// `7,65 %`, `5,7567 %`: the decimals it has, at least two.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let frac = format!("{:04}", self.0 % PER_PUNTO);
        let frac = frac.trim_end_matches('0');
        let frac = format!("{frac:0<2}");
        write!(f, "{},{frac} %", self.0 / PER_PUNTO)
    }
}

/// A rate in force from `dal` until the next entry of its table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TassoDatato {
    pub dal: NaiveDate,
    pub tasso: Tasso,
}

/// Which rule of art. 116 applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// Lett. a: amounts known from timely declarations, paid late. TUR + 5,5, cap 40 %.
    Omissione,
    /// Omissione paid spontaneously, in one go, within 120 days of the deadline (payments from 1/9/2024):
    /// TUR only, cap 40 %.
    OmissioneEntro120Giorni,
    /// Lett. b: declarations omitted or untrue. 30 % a year, cap 60 %.
    Evasione,
    /// Evasione declared spontaneously (before any contestation) within 12 months of the deadline, paid
    /// within 30 days of the declaration: TUR + 5,5, cap 40 %.
    EvasioneRavvedutaEntro30Giorni,
    /// The same, paid within 90 days of the declaration: TUR + 7,5, cap 40 %.
    EvasioneRavvedutaEntro90Giorni,
    /// C. 10, "oggettive incertezze": as omissione.
    Incertezza,
}

pub const REGIMI: [Regime; 6] = [
    Regime::Omissione,
    Regime::OmissioneEntro120Giorni,
    Regime::Evasione,
    Regime::EvasioneRavvedutaEntro30Giorni,
    Regime::EvasioneRavvedutaEntro90Giorni,
    Regime::Incertezza,
];

/// Payments from this day may use the 120-day reduced regime (DL 19/2024 art. 30 c. 1 lett. a).
fn inizio_regime_120() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or(NaiveDate::MIN)
}

impl Regime {
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Omissione => "omissione",
            Regime::OmissioneEntro120Giorni => "omissione_120",
            Regime::Evasione => "evasione",
            Regime::EvasioneRavvedutaEntro30Giorni => "evasione_30",
            Regime::EvasioneRavvedutaEntro90Giorni => "evasione_90",
            Regime::Incertezza => "incertezza",
        }
    }

    pub fn parse(s: &str) -> Option<Regime> {
        REGIMI.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Regime::Omissione => "Omissione (TUR + 5,5 punti, massimo 40 %)",
            Regime::OmissioneEntro120Giorni => {
                "Omissione pagata spontaneamente entro 120 giorni (solo TUR, massimo 40 %)"
            }
            Regime::Evasione => "Evasione (30 % annuo, massimo 60 %)",
            Regime::EvasioneRavvedutaEntro30Giorni => {
                "Evasione denunciata spontaneamente entro 12 mesi, pagata entro 30 giorni dalla denuncia (TUR + 5,5 \
                 punti, massimo 40 %)"
            }
            Regime::EvasioneRavvedutaEntro90Giorni => {
                "Evasione denunciata spontaneamente entro 12 mesi, pagata entro 90 giorni dalla denuncia (TUR + 7,5 \
                 punti, massimo 40 %)"
            }
            Regime::Incertezza => "Oggettive incertezze, comma 10 (TUR + 5,5 punti, massimo 40 %)",
        }
    }

    /// The yearly rate for a TUR value.
    fn tasso(self, tur: Tasso) -> Tasso {
        match self {
            Regime::Omissione | Regime::EvasioneRavvedutaEntro30Giorni | Regime::Incertezza => Tasso(tur.0 + 55_000),
            Regime::OmissioneEntro120Giorni => tur,
            Regime::EvasioneRavvedutaEntro90Giorni => Tasso(tur.0 + 75_000),
            Regime::Evasione => Tasso::punti(30),
        }
    }

    /// The cap, in percent of the contribution.
    fn tetto_punti(self) -> i64 {
        if self == Regime::Evasione { 60 } else { 40 }
    }

    fn usa_tur(self) -> bool {
        self != Regime::Evasione
    }

    /// Whether the regime needs the date of the spontaneous declaration.
    pub fn chiede_denuncia(self) -> bool {
        matches!(self, Regime::EvasioneRavvedutaEntro30Giorni | Regime::EvasioneRavvedutaEntro90Giorni)
    }
}

fn data_it(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The last day on which a spontaneous declaration still earns the reduced evasione regimes: twelve
/// calendar months after the legal deadline (365 or 366 days; from 29 February, 28 February).
pub fn ultimo_giorno_denuncia(scadenza: NaiveDate) -> NaiveDate {
    scadenza.checked_add_months(Months::new(12)).unwrap_or(NaiveDate::MAX)
}

const EVASIONE_ORDINARIA: &str = "il calcolo usa il regime ordinario dell'evasione (30 % annuo, massimo 60 %).";
const OMISSIONE_ORDINARIA: &str = "il calcolo usa il regime dell'omissione (TUR + 5,5 punti, massimo 40 %).";

/// The regime the law applies to these dates, with the reason when it is not the one asked for.
///
/// A reduced regime whose condition of dates fails is not refused: the law then applies the ordinary
/// regime (or, for an evasione paid between the 31st and the 90th day, the 90-day reduction), and that
/// is the amount the user owes, so the calculator computes it and names the failed condition above the
/// result. Dates that cannot describe the case (no declaration date, a declaration not after the deadline,
/// a payment before the declaration) are refused with their own message: they are mistakes to correct.
pub fn regime_applicato(d: &Dati) -> Result<(Regime, Option<String>), CalcoloRifiutato> {
    match d.regime {
        Regime::OmissioneEntro120Giorni => {
            if d.pagamento < inizio_regime_120() {
                return Ok((
                    Regime::Omissione,
                    Some(format!(
                        "La riduzione per il pagamento entro 120 giorni vale per i pagamenti dal 1° settembre \
                         2024: {OMISSIONE_ORDINARIA}"
                    )),
                ));
            }
            let giorni = (d.pagamento - d.scadenza).num_days();
            if giorni > 120 {
                return Ok((
                    Regime::Omissione,
                    Some(format!(
                        "Il pagamento è avvenuto {giorni} giorni dopo la scadenza, oltre i 120 giorni: la riduzione \
                         non si applica e {OMISSIONE_ORDINARIA}"
                    )),
                ));
            }
            Ok((d.regime, None))
        }
        Regime::EvasioneRavvedutaEntro30Giorni | Regime::EvasioneRavvedutaEntro90Giorni => {
            let denuncia = d.denuncia.ok_or(CalcoloRifiutato::DenunciaMancante)?;
            if denuncia <= d.scadenza {
                return Err(CalcoloRifiutato::DenunciaNonSuccessiva { denuncia, scadenza: d.scadenza });
            }
            if d.pagamento < denuncia {
                return Err(CalcoloRifiutato::PagamentoPrimaDellaDenuncia { pagamento: d.pagamento, denuncia });
            }
            let limite = ultimo_giorno_denuncia(d.scadenza);
            if denuncia > limite {
                return Ok((
                    Regime::Evasione,
                    Some(format!(
                        "La denuncia del {} è oltre i 12 mesi dalla scadenza del {} (ultimo giorno utile: {}): la \
                         riduzione per l'evasione denunciata spontaneamente non si applica e {EVASIONE_ORDINARIA}",
                        data_it(denuncia),
                        data_it(d.scadenza),
                        data_it(limite)
                    )),
                ));
            }
            let giorni = (d.pagamento - denuncia).num_days();
            let applied = match giorni {
                ..=30 => Regime::EvasioneRavvedutaEntro30Giorni,
                31..=90 => Regime::EvasioneRavvedutaEntro90Giorni,
                _ => Regime::Evasione,
            };
            let avviso = match applied {
                _ if applied == d.regime => None,
                Regime::EvasioneRavvedutaEntro30Giorni => Some(
                    "Il pagamento è avvenuto entro 30 giorni dalla denuncia: si applica la riduzione maggiore (TUR + \
                     5,5 punti, massimo 40 %)."
                        .to_string(),
                ),
                Regime::EvasioneRavvedutaEntro90Giorni => Some(format!(
                    "Il pagamento è avvenuto {giorni} giorni dopo la denuncia, oltre i 30 giorni: si applica la \
                     riduzione per il pagamento entro 90 giorni (TUR + 7,5 punti, massimo 40 %)."
                )),
                _ => Some(format!(
                    "Il pagamento è avvenuto {giorni} giorni dopo la denuncia, oltre i 90 giorni: la riduzione per \
                     l'evasione denunciata spontaneamente non si applica e {EVASIONE_ORDINARIA}"
                )),
            };
            Ok((applied, avviso))
        }
        _ => Ok((d.regime, None)),
    }
}

/// What is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dati {
    pub contributo: Money,
    /// The legal deadline of the payment.
    pub scadenza: NaiveDate,
    /// The day of payment (or of the computation, for a debt still open).
    pub pagamento: NaiveDate,
    pub regime: Regime,
    /// A Nota di rettifica paid within 30 days of its notification: sanctions halved.
    pub rettifica_pagata_entro_30_giorni: bool,
    /// The day of the spontaneous declaration (the reduced evasione regimes).
    #[serde(default)]
    pub denuncia: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voce {
    Sanzione,
    InteressiMora,
}

/// One stretch of days at one rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Riga {
    pub voce: Voce,
    pub dal: NaiveDate,
    pub al: NaiveDate,
    pub giorni: i64,
    pub tasso: Tasso,
    /// This stretch's amount, rounded to cents for display.
    pub importo: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calcolo {
    /// The regime computed on: the one asked for, or the one the law applies when a condition fails.
    pub regime: Regime,
    /// What the user must know about the result: a failed condition, a rate that may be out of date.
    pub avvisi: Vec<String>,
    pub righe: Vec<Riga>,
    /// The sanction before any reduction (capped).
    pub sanzione: Money,
    pub tetto: Money,
    /// The day the sanction reached its cap, if it did before the payment.
    pub tetto_raggiunto_il: Option<NaiveDate>,
    /// The sanction due: halved for a Nota di rettifica paid within 30 days.
    pub sanzione_dovuta: Money,
    pub interessi_mora: Money,
    /// Sanction due plus interest.
    pub totale: Money,
}

/// Days in a year for the accrual.
const GIORNI_ANNO: i128 = 365;
/// Exact amounts are kept as numerators over this denominator (in cents): rate units × 100 × 365.
const DEN: i128 = (PER_PUNTO as i128) * 100 * GIORNI_ANNO;

/// Rounds an exact amount (numerator over `den`, in cents) half-up to whole cents.
fn centesimi(num: i128, den: i128) -> Money {
    Money::from_cents(((2 * num + den) / (2 * den)) as i64)
}

/// The rate of `table` in force on `day`, and the day it stops being in force (the next entry), if any.
fn in_vigore(table: &[TassoDatato], day: NaiveDate) -> Option<(Tasso, Option<NaiveDate>)> {
    let i = table.iter().rposition(|t| t.dal <= day)?;
    Some((table[i].tasso, table.get(i + 1).map(|t| t.dal)))
}

/// Stretches of constant rate from `dal` through `al` (inclusive): (first day, last day, rate).
fn tratti(
    table: &[TassoDatato],
    dal: NaiveDate,
    al: NaiveDate,
    nome: &'static str,
) -> Result<Vec<(NaiveDate, NaiveDate, Tasso)>, CalcoloRifiutato> {
    let mut out = Vec::new();
    let mut day = dal;
    while day <= al {
        let (tasso, next) = in_vigore(table, day).ok_or(CalcoloRifiutato::TassoMancante { nome, giorno: day })?;
        let end = next.map(|n| (n - Duration::days(1)).min(al)).unwrap_or(al);
        out.push((day, end, tasso));
        day = end + Duration::days(1);
    }
    Ok(out)
}

/// Computes the sanction and the interest. `tur` and `mora` are the dated tables, sorted by `dal`.
pub fn compute(d: &Dati, tur: &[TassoDatato], mora: &[TassoDatato]) -> Result<Calcolo, CalcoloRifiutato> {
    let c = i128::from(d.contributo.cents());
    if c <= 0 {
        return Err(CalcoloRifiutato::ContributoNonPositivo);
    }
    if d.pagamento <= d.scadenza {
        return Err(CalcoloRifiutato::PagatoInTempo);
    }
    let (regime, avviso) = regime_applicato(d)?;
    let mut avvisi: Vec<String> = avviso.into_iter().collect();
    let first = d.scadenza + Duration::days(1);
    let stretches = if regime.usa_tur() {
        tratti(tur, first, d.pagamento, "TUR")?.into_iter().map(|(a, b, t)| (a, b, regime.tasso(t))).collect()
    } else {
        vec![(first, d.pagamento, regime.tasso(Tasso(0)))]
    };
    let tetto_num = c * i128::from(regime.tetto_punti()) * DEN / 100;
    let mut righe = Vec::new();
    let mut sanzione_num: i128 = 0;
    let mut tetto_raggiunto_il = None;
    for (dal, al, tasso) in stretches {
        let per_day = c * i128::from(tasso.0);
        let days = i128::from((al - dal).num_days() + 1);
        if sanzione_num + per_day * days < tetto_num {
            sanzione_num += per_day * days;
            righe.push(riga(Voce::Sanzione, dal, al, tasso, per_day * days));
            continue;
        }
        // The cap is reached within this stretch: on the first day whose accrual reaches it.
        let missing = tetto_num - sanzione_num;
        let to_cap = if per_day == 0 { days } else { (missing + per_day - 1) / per_day };
        let cap_day = dal + Duration::days(to_cap as i64 - 1);
        righe.push(riga(Voce::Sanzione, dal, cap_day, tasso, missing));
        sanzione_num = tetto_num;
        if cap_day < d.pagamento {
            tetto_raggiunto_il = Some(cap_day);
        }
        break;
    }
    let mut mora_num: i128 = 0;
    if let Some(cap_day) = tetto_raggiunto_il {
        for (dal, al, tasso) in tratti(mora, cap_day + Duration::days(1), d.pagamento, "di mora")? {
            let amount = c * i128::from(tasso.0) * i128::from((al - dal).num_days() + 1);
            mora_num += amount;
            righe.push(riga(Voce::InteressiMora, dal, al, tasso, amount));
        }
        avvisi.extend(mora_forse_superato(mora, d.pagamento));
    }
    let dovuta_num = if d.rettifica_pagata_entro_30_giorni { sanzione_num } else { 2 * sanzione_num };
    let sanzione_dovuta = centesimi(dovuta_num, 2 * DEN);
    let interessi_mora = centesimi(mora_num, DEN);
    Ok(Calcolo {
        regime,
        avvisi,
        righe,
        sanzione: centesimi(sanzione_num, DEN),
        tetto: centesimi(tetto_num, DEN),
        tetto_raggiunto_il,
        sanzione_dovuta,
        interessi_mora,
        totale: sanzione_dovuta + interessi_mora,
    })
}

/// The rate of mora is set yearly: interest running more than a year past the last rate recorded may
/// need a newer one the administrator has not entered yet.
fn mora_forse_superato(mora: &[TassoDatato], pagamento: NaiveDate) -> Option<String> {
    let last = mora.last()?;
    (last.dal.checked_add_months(Months::new(12))? < pagamento).then(|| {
        format!(
            "Gli interessi di mora usano fino al {} l'ultimo tasso registrato ({}, in vigore dal {}), fissato più \
             di un anno prima: se nel frattempo è stato pubblicato un nuovo tasso, l'amministratore deve \
             aggiungerlo alla tabella dei tassi.",
            data_it(pagamento),
            last.tasso,
            data_it(last.dal)
        )
    })
}

fn riga(voce: Voce, dal: NaiveDate, al: NaiveDate, tasso: Tasso, num: i128) -> Riga {
    Riga { voce, dal, al, giorni: (al - dal).num_days() + 1, tasso, importo: centesimi(num, DEN) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn tur() -> Vec<TassoDatato> {
        [((2025, 2, 5), 29_000), ((2025, 3, 12), 26_500), ((2025, 4, 23), 24_000), ((2025, 6, 11), 21_500)]
            .into_iter()
            .map(|((y, m, d), t)| TassoDatato { dal: day(y, m, d), tasso: Tasso(t) })
            .collect()
    }

    fn mora() -> Vec<TassoDatato> {
        vec![TassoDatato { dal: day(2018, 5, 15), tasso: Tasso(30_100) }]
    }

    fn dati(euro: i64, scadenza: NaiveDate, pagamento: NaiveDate, regime: Regime) -> Dati {
        Dati {
            contributo: Money::from_euros(euro).expect("euro"),
            scadenza,
            pagamento,
            regime,
            rettifica_pagata_entro_30_giorni: false,
            denuncia: None,
        }
    }

    fn denunciata(scadenza: NaiveDate, denuncia: NaiveDate, pagamento: NaiveDate, regime: Regime) -> Dati {
        Dati { denuncia: Some(denuncia), ..dati(1_000, scadenza, pagamento, regime) }
    }

    #[test]
    fn rates_read_and_print_the_italian_way() {
        assert_eq!(Tasso::parse("7,65"), Ok(Tasso(76_500)));
        assert_eq!(Tasso::parse("5.7567 %"), Ok(Tasso(57_567)));
        assert_eq!(Tasso::parse("30"), Ok(Tasso(300_000)));
        assert!(Tasso::parse("7,123456").is_err());
        assert!(Tasso::parse("-1").is_err());
        assert_eq!(Tasso(76_500).to_string(), "7,65 %");
        assert_eq!(Tasso(57_567).to_string(), "5,7567 %");
        assert_eq!(Tasso(300_000).to_string(), "30,00 %");
    }

    /// 10.000 € due 16/03/2025 paid 16/05/2025, omissione, TUR changing on 23/04: 17/03–22/04 = 37 days at
    /// 2,65 + 5,5 = 8,15 %, 23/04–16/05 = 24 days at 2,40 + 5,5 = 7,90 %. By hand: 10000 × 8,15 % × 37/365 = 82,6164…; 10000 × 7,90 % × 24/365 = 51,9452…; total 134,56.
    #[test]
    fn omissione_across_a_rate_change() {
        let c = compute(&dati(10_000, day(2025, 3, 16), day(2025, 5, 16), Regime::Omissione), &tur(), &mora())
            .expect("calcolo");
        let lines: Vec<_> = c.righe.iter().map(|r| (r.dal, r.al, r.giorni, r.tasso, r.importo.cents())).collect();
        assert_eq!(
            lines,
            [
                (day(2025, 3, 17), day(2025, 4, 22), 37, Tasso(81_500), 8_262),
                (day(2025, 4, 23), day(2025, 5, 16), 24, Tasso(79_000), 5_195),
            ]
        );
        assert_eq!(c.sanzione.cents(), 13_456, "rounded once, at the end");
        assert_eq!(c.tetto.cents(), 400_000);
        assert_eq!((c.tetto_raggiunto_il, c.interessi_mora, c.totale.cents()), (None, Money::ZERO, 13_456));
    }

    /// Evasione at 30 % a year reaches the 60 % cap after 730 days: 1.000 € due 16/01/2022 paid
    /// 16/01/2025. Counting from 17/01/2022, the 730th day is 16/01/2024; from 17/01/2024 to 16/01/2025
    /// (366 days, 29 February included) interest runs at 3,01 % on the 1.000 € of contribution only:
    /// 1000 × 3,01 % × 366/365 = 30,1824… → 30,18.
    #[test]
    fn evasione_at_the_cap_then_interest_on_the_contribution() {
        let c = compute(&dati(1_000, day(2022, 1, 16), day(2025, 1, 16), Regime::Evasione), &tur(), &mora())
            .expect("calcolo");
        assert_eq!(c.sanzione.cents(), 60_000);
        assert_eq!(c.tetto_raggiunto_il, Some(day(2024, 1, 16)));
        assert_eq!(c.righe[0].giorni, 730);
        let interest = &c.righe[1];
        assert_eq!(
            (interest.voce, interest.dal, interest.al, interest.giorni),
            (Voce::InteressiMora, day(2024, 1, 17), day(2025, 1, 16), 366)
        );
        assert_eq!(c.interessi_mora.cents(), 3_018);
        assert_eq!(c.totale.cents(), 63_018);
        // The only rate of mora given dates from 15/05/2018: more than a year before the payment.
        assert_eq!(c.avvisi.len(), 1, "{:?}", c.avvisi);
        assert!(c.avvisi[0].contains("ultimo tasso registrato (3,01 %, in vigore dal 15/05/2018)"), "{:?}", c.avvisi);
        let recent = [TassoDatato { dal: day(2024, 7, 1), tasso: Tasso(30_000) }];
        let fresh = compute(
            &dati(1_000, day(2022, 1, 16), day(2025, 1, 16), Regime::Evasione),
            &tur(),
            &[mora()[0], recent[0]],
        )
        .expect("calcolo");
        assert!(fresh.avvisi.is_empty(), "{:?}", fresh.avvisi);
    }

    /// Exactly at the cap on the day of payment: no interest.
    #[test]
    fn reaching_the_cap_on_the_day_of_payment_owes_no_interest() {
        let c = compute(&dati(1_000, day(2022, 1, 16), day(2024, 1, 16), Regime::Evasione), &tur(), &mora())
            .expect("calcolo");
        assert_eq!((c.sanzione.cents(), c.tetto_raggiunto_il, c.interessi_mora), (60_000, None, Money::ZERO));
    }

    #[test]
    fn each_regime_has_its_rate_and_cap() {
        let (due, paid) = (day(2025, 6, 16), day(2025, 7, 16)); // 30 days at TUR 2,15
        let rate = |d: Dati| {
            let c = compute(&d, &tur(), &mora()).expect("calcolo");
            assert_eq!(c.regime, d.regime);
            (c.righe[0].tasso, c.sanzione.cents(), c.tetto.cents())
        };
        // 36.500 € × rate × 30/365 = 3.000 € × rate.
        assert_eq!(rate(dati(36_500, due, paid, Regime::Omissione)), (Tasso(76_500), 22_950, 1_460_000));
        assert_eq!(rate(dati(36_500, due, paid, Regime::Incertezza)), (Tasso(76_500), 22_950, 1_460_000));
        assert_eq!(rate(dati(36_500, due, paid, Regime::OmissioneEntro120Giorni)), (Tasso(21_500), 6_450, 1_460_000));
        assert_eq!(rate(dati(36_500, due, paid, Regime::Evasione)), (Tasso(300_000), 90_000, 2_190_000));
        let declared = |paid: NaiveDate, regime: Regime| Dati {
            denuncia: Some(day(2025, 6, 17)),
            ..dati(36_500, due, paid, regime)
        };
        assert_eq!(rate(declared(paid, Regime::EvasioneRavvedutaEntro30Giorni)), (Tasso(76_500), 22_950, 1_460_000));
        // Paid 72 days after the declaration, 73 after the deadline: 36.500 € × 9,65 % × 73/365 = 704,45 €.
        assert_eq!(
            rate(declared(day(2025, 8, 28), Regime::EvasioneRavvedutaEntro90Giorni)),
            (Tasso(96_500), 70_445, 1_460_000)
        );
    }

    #[test]
    fn the_120_day_reduction_falls_back_to_omissione_when_its_conditions_fail() {
        // Day 120 after the deadline of 16/02/2025 is 16/06/2025: TUR only; day 121 is omissione.
        let on_time = dati(1_000, day(2025, 2, 16), day(2025, 6, 16), Regime::OmissioneEntro120Giorni);
        assert_eq!(regime_applicato(&on_time), Ok((Regime::OmissioneEntro120Giorni, None)));
        let late = dati(1_000, day(2025, 2, 16), day(2025, 6, 17), Regime::OmissioneEntro120Giorni);
        let c = compute(&late, &tur(), &mora()).expect("calcolo");
        assert_eq!((c.regime, c.righe[0].tasso), (Regime::Omissione, Tasso(84_000)), "2,90 + 5,5 on 17/02");
        assert!(c.avvisi[0].contains("121 giorni dopo la scadenza, oltre i 120 giorni"), "{:?}", c.avvisi);
        let early = dati(1_000, day(2024, 6, 16), day(2024, 7, 16), Regime::OmissioneEntro120Giorni);
        let (regime, avviso) = regime_applicato(&early).expect("regime");
        assert_eq!(regime, Regime::Omissione);
        assert!(avviso.expect("said").contains("1° settembre 2024"));
    }

    #[test]
    fn a_nota_di_rettifica_paid_within_30_days_halves_the_sanction() {
        let mut d = dati(10_000, day(2025, 3, 16), day(2025, 5, 16), Regime::Omissione);
        d.rettifica_pagata_entro_30_giorni = true;
        let c = compute(&d, &tur(), &mora()).expect("calcolo");
        assert_eq!((c.sanzione.cents(), c.sanzione_dovuta.cents(), c.totale.cents()), (13_456, 6_728, 6_728));
        assert!(c.avvisi.is_empty());
    }

    /// Twelve months from the deadline: from 16/03/2023 the last day is 16/03/2024, 366 days later (29
    /// February 2024 in between); from 16/03/2024 it is 16/03/2025, 365 days later.
    #[test]
    fn the_declaration_must_come_within_twelve_months_of_the_deadline() {
        for (scadenza, giorni) in [(day(2023, 3, 16), 366), (day(2024, 3, 16), 365)] {
            let limite = ultimo_giorno_denuncia(scadenza);
            assert_eq!((limite - scadenza).num_days(), giorni, "{scadenza}");
            let last = denunciata(scadenza, limite, limite, Regime::EvasioneRavvedutaEntro30Giorni);
            assert_eq!(regime_applicato(&last), Ok((Regime::EvasioneRavvedutaEntro30Giorni, None)), "day {giorni}");
            let next = limite + Duration::days(1);
            let late = denunciata(scadenza, next, next, Regime::EvasioneRavvedutaEntro30Giorni);
            let (regime, avviso) = regime_applicato(&late).expect("regime");
            assert_eq!(regime, Regime::Evasione, "day {}", giorni + 1);
            let avviso = avviso.expect("said");
            assert!(avviso.contains("oltre i 12 mesi dalla scadenza"), "{avviso}");
            assert!(avviso.contains(&format!("ultimo giorno utile: {}", limite.format("%d/%m/%Y"))), "{avviso}");
            assert!(avviso.contains("regime ordinario dell'evasione"), "{avviso}");
        }
        assert_eq!(ultimo_giorno_denuncia(day(2024, 2, 29)), day(2025, 2, 28));
    }

    /// Declared on 10/02/2025 (deadline 16/01/2025): paid by 12/03/2025 (day 30) TUR + 5,5; by 11/05/2025
    /// (day 90) TUR + 7,5; later, ordinary evasione. Whichever of the two was asked for.
    #[test]
    fn the_payment_must_follow_the_declaration_within_30_or_90_days() {
        let (scadenza, denuncia) = (day(2025, 1, 16), day(2025, 2, 10));
        let applied = |giorni: i64, regime: Regime| {
            regime_applicato(&denunciata(scadenza, denuncia, denuncia + Duration::days(giorni), regime))
                .expect("regime")
        };
        use Regime::{Evasione, EvasioneRavvedutaEntro30Giorni as Entro30, EvasioneRavvedutaEntro90Giorni as Entro90};
        assert_eq!(applied(0, Entro30), (Entro30, None));
        assert_eq!(applied(30, Entro30), (Entro30, None));
        let (regime, avviso) = applied(31, Entro30);
        assert_eq!(regime, Entro90);
        assert!(avviso.expect("said").contains("31 giorni dopo la denuncia, oltre i 30 giorni"));
        assert_eq!(applied(90, Entro90), (Entro90, None));
        let (regime, avviso) = applied(91, Entro90);
        assert_eq!(regime, Evasione);
        assert!(avviso.expect("said").contains("91 giorni dopo la denuncia, oltre i 90 giorni"));
        let (regime, avviso) = applied(91, Entro30);
        assert_eq!(regime, Evasione);
        assert!(avviso.is_some());
        let (regime, avviso) = applied(30, Entro90);
        assert_eq!(regime, Entro30, "within 30 days the larger reduction applies");
        assert!(avviso.expect("said").contains("entro 30 giorni dalla denuncia"));
    }

    #[test]
    fn dates_that_cannot_describe_a_spontaneous_declaration_are_refused() {
        let (scadenza, pagamento) = (day(2025, 1, 16), day(2025, 3, 1));
        let no_date = dati(1_000, scadenza, pagamento, Regime::EvasioneRavvedutaEntro30Giorni);
        assert_eq!(regime_applicato(&no_date), Err(CalcoloRifiutato::DenunciaMancante));
        let timely = denunciata(scadenza, scadenza, pagamento, Regime::EvasioneRavvedutaEntro90Giorni);
        let e = regime_applicato(&timely).expect_err("refused");
        assert_eq!(e, CalcoloRifiutato::DenunciaNonSuccessiva { denuncia: scadenza, scadenza });
        assert_eq!(
            e.to_string(),
            "La denuncia del 16/01/2025 non è successiva alla scadenza del 16/01/2025: contributi denunciati in \
             tempo e non pagati sono un'omissione; scelga il regime dell'omissione."
        );
        let before = denunciata(scadenza, day(2025, 3, 2), pagamento, Regime::EvasioneRavvedutaEntro30Giorni);
        let e = regime_applicato(&before).expect_err("refused");
        assert_eq!(e, CalcoloRifiutato::PagamentoPrimaDellaDenuncia { pagamento, denuncia: day(2025, 3, 2) });
        assert!(e.to_string().contains("(01/03/2025) precede quella della denuncia spontanea (02/03/2025)"), "{e}");
        // Other regimes do not look at the date.
        let other = denunciata(scadenza, scadenza, pagamento, Regime::Evasione);
        assert_eq!(regime_applicato(&other), Ok((Regime::Evasione, None)));
    }

    /// 36.500 € due 16/06/2025, declared 01/07/2025, paid 16/07/2025 (30 days at TUR 2,15): TUR + 5,5
    /// = 7,65 %, 229,50 €, cap 40 %. Declared on 17/06/2026 instead (past 16/06/2026), the same payment
    /// dates would be impossible, so: declared 17/06/2026, paid 16/07/2026: ordinary evasione, 30 % a year
    /// on 395 days, capped at 60 %.
    #[test]
    fn the_calculation_uses_the_regime_that_applies() {
        let reduced = Dati {
            denuncia: Some(day(2025, 7, 1)),
            ..dati(36_500, day(2025, 6, 16), day(2025, 7, 16), Regime::EvasioneRavvedutaEntro30Giorni)
        };
        let c = compute(&reduced, &tur(), &mora()).expect("calcolo");
        assert_eq!(
            (c.regime, c.righe[0].tasso, c.sanzione.cents(), c.tetto.cents()),
            (Regime::EvasioneRavvedutaEntro30Giorni, Tasso(76_500), 22_950, 1_460_000)
        );
        assert!(c.avvisi.is_empty(), "{:?}", c.avvisi);
        let late = Dati {
            denuncia: Some(day(2026, 6, 17)),
            ..dati(36_500, day(2025, 6, 16), day(2026, 7, 16), Regime::EvasioneRavvedutaEntro30Giorni)
        };
        let c = compute(&late, &tur(), &mora()).expect("calcolo");
        // 36.500 × 30 % × 395 / 365 = 11.850,00 €, under the 60 % cap of 21.900 €.
        assert_eq!(
            (c.regime, c.righe[0].tasso, c.sanzione.cents(), c.tetto.cents()),
            (Regime::Evasione, Tasso(300_000), 1_185_000, 2_190_000)
        );
        assert!(c.avvisi[0].contains("oltre i 12 mesi"), "{:?}", c.avvisi);
    }

    #[test]
    fn missing_rates_and_timely_payments_are_told() {
        let before = dati(1_000, day(2024, 1, 16), day(2024, 3, 16), Regime::Omissione);
        let e = compute(&before, &tur(), &mora()).expect_err("refused");
        assert_eq!(e, CalcoloRifiutato::TassoMancante { nome: "TUR", giorno: day(2024, 1, 17) });
        assert_eq!(e.to_string(), "Manca il tasso TUR in vigore il 17/01/2024.");
        let on_time = dati(1_000, day(2025, 3, 16), day(2025, 3, 16), Regime::Omissione);
        assert_eq!(compute(&on_time, &tur(), &mora()), Err(CalcoloRifiutato::PagatoInTempo));
    }
}
