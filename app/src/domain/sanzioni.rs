//! Civil sanctions on contributions paid late or not at all (art. 116 c. 8–10 L. 388/2000, as amended by
//! art. 30 DL 19/2024), and the interessi di mora that run on the contribution once the sanction reaches
//! its cap (c. 9). Pure: the dated rates come in as data.
//!
//! The model (DOMAIN.md §3.3): days are counted from the day after the legal deadline through the day of
//! payment, split at every change of rate; each stretch accrues `contributo × rate × days / 365`. The sum is
//! kept exact (integer arithmetic over a common denominator) and rounded half-up to cents only at the end;
//! the lines show each stretch rounded, so they may differ from the total by a cent. A year counts 365 days
//! (INPS does not publish its convention for leap years).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::Money;

/// A yearly rate in ten-thousandths of a point: 7.65 % is `Tasso(76_500)`, 5.7567 % is `Tasso(57_567)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tasso(pub i64);

/// Scale of `Tasso`: units per percentage point.
const PER_PUNTO: i64 = 10_000;

impl Tasso {
    pub const fn punti(p: i64) -> Tasso {
        Tasso(p * PER_PUNTO)
    }

    /// Reads an Italian rate, "7,65" or "7.65" (at most four decimals), in percent.
    pub fn parse(input: &str) -> Result<Tasso, String> {
        let s = input.trim().trim_end_matches('%').trim().replace(',', ".");
        let invalid = || format!("Tasso «{input}» non valido: scriva ad esempio 7,65.");
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
    /// Evasione declared spontaneously within 12 months, paid within 30 days: TUR + 5,5, cap 40 %.
    EvasioneRavvedutaEntro30Giorni,
    /// The same, paid within 90 days: TUR + 7,5, cap 40 %.
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
                "Evasione denunciata spontaneamente, pagata entro 30 giorni (TUR + 5,5 punti, massimo 40 %)"
            }
            Regime::EvasioneRavvedutaEntro90Giorni => {
                "Evasione denunciata spontaneamente, pagata entro 90 giorni (TUR + 7,5 punti, massimo 40 %)"
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
    nome: &str,
) -> Result<Vec<(NaiveDate, NaiveDate, Tasso)>, String> {
    let mut out = Vec::new();
    let mut day = dal;
    while day <= al {
        let (tasso, next) = in_vigore(table, day)
            .ok_or_else(|| format!("Manca il tasso {nome} in vigore il {}.", day.format("%d/%m/%Y")))?;
        let end = next.map(|n| (n - Duration::days(1)).min(al)).unwrap_or(al);
        out.push((day, end, tasso));
        day = end + Duration::days(1);
    }
    Ok(out)
}

/// Computes the sanction and the interest. `tur` and `mora` are the dated tables, sorted by `dal`.
pub fn calcola(d: &Dati, tur: &[TassoDatato], mora: &[TassoDatato]) -> Result<Calcolo, String> {
    let c = i128::from(d.contributo.cents());
    if c <= 0 {
        return Err("Indichi un contributo maggiore di zero.".to_string());
    }
    if d.pagamento <= d.scadenza {
        return Err("Pagato entro la scadenza: non sono dovute sanzioni.".to_string());
    }
    if d.regime == Regime::OmissioneEntro120Giorni {
        if d.pagamento < inizio_regime_120() {
            return Err(
                "La riduzione per il pagamento entro 120 giorni vale per i pagamenti dal 1° settembre 2024.".into()
            );
        }
        if (d.pagamento - d.scadenza).num_days() > 120 {
            return Err("Il pagamento è oltre i 120 giorni dalla scadenza: la riduzione non si applica.".into());
        }
    }
    let first = d.scadenza + Duration::days(1);
    let stretches = if d.regime.usa_tur() {
        tratti(tur, first, d.pagamento, "TUR")?.into_iter().map(|(a, b, t)| (a, b, d.regime.tasso(t))).collect()
    } else {
        vec![(first, d.pagamento, d.regime.tasso(Tasso(0)))]
    };
    let tetto_num = c * i128::from(d.regime.tetto_punti()) * DEN / 100;
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
    }
    let dovuta_num = if d.rettifica_pagata_entro_30_giorni { sanzione_num } else { 2 * sanzione_num };
    let sanzione_dovuta = centesimi(dovuta_num, 2 * DEN);
    let interessi_mora = centesimi(mora_num, DEN);
    Ok(Calcolo {
        righe,
        sanzione: centesimi(sanzione_num, DEN),
        tetto: centesimi(tetto_num, DEN),
        tetto_raggiunto_il,
        sanzione_dovuta,
        interessi_mora,
        totale: sanzione_dovuta + interessi_mora,
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
        }
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
        let c = calcola(&dati(10_000, day(2025, 3, 16), day(2025, 5, 16), Regime::Omissione), &tur(), &mora())
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
        let c = calcola(&dati(1_000, day(2022, 1, 16), day(2025, 1, 16), Regime::Evasione), &tur(), &mora())
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
    }

    /// Exactly at the cap on the day of payment: no interest.
    #[test]
    fn reaching_the_cap_on_the_day_of_payment_owes_no_interest() {
        let c = calcola(&dati(1_000, day(2022, 1, 16), day(2024, 1, 16), Regime::Evasione), &tur(), &mora())
            .expect("calcolo");
        assert_eq!((c.sanzione.cents(), c.tetto_raggiunto_il, c.interessi_mora), (60_000, None, Money::ZERO));
    }

    #[test]
    fn each_regime_has_its_rate_and_cap() {
        let (due, paid) = (day(2025, 6, 16), day(2025, 7, 16)); // 30 days at TUR 2,15
        let rate = |r: Regime| {
            let c = calcola(&dati(36_500, due, paid, r), &tur(), &mora()).expect("calcolo");
            (c.righe[0].tasso, c.sanzione.cents(), c.tetto.cents())
        };
        // 36.500 € × rate × 30/365 = 3.000 € × rate.
        assert_eq!(rate(Regime::Omissione), (Tasso(76_500), 22_950, 1_460_000));
        assert_eq!(rate(Regime::Incertezza), (Tasso(76_500), 22_950, 1_460_000));
        assert_eq!(rate(Regime::EvasioneRavvedutaEntro30Giorni), (Tasso(76_500), 22_950, 1_460_000));
        assert_eq!(rate(Regime::EvasioneRavvedutaEntro90Giorni), (Tasso(96_500), 28_950, 1_460_000));
        assert_eq!(rate(Regime::OmissioneEntro120Giorni), (Tasso(21_500), 6_450, 1_460_000));
        assert_eq!(rate(Regime::Evasione), (Tasso(300_000), 90_000, 2_190_000));
    }

    #[test]
    fn the_reduced_regimes_and_the_halving_have_their_conditions() {
        let late = dati(1_000, day(2025, 1, 16), day(2025, 6, 16), Regime::OmissioneEntro120Giorni);
        assert!(calcola(&late, &tur(), &mora()).expect_err("refused").contains("oltre i 120 giorni"));
        let early = dati(1_000, day(2024, 6, 16), day(2024, 7, 16), Regime::OmissioneEntro120Giorni);
        assert!(calcola(&early, &tur(), &mora()).expect_err("refused").contains("1° settembre 2024"));
        let mut d = dati(10_000, day(2025, 3, 16), day(2025, 5, 16), Regime::Omissione);
        d.rettifica_pagata_entro_30_giorni = true;
        let c = calcola(&d, &tur(), &mora()).expect("calcolo");
        assert_eq!((c.sanzione.cents(), c.sanzione_dovuta.cents(), c.totale.cents()), (13_456, 6_728, 6_728));
    }

    #[test]
    fn missing_rates_and_timely_payments_are_told() {
        let before = dati(1_000, day(2024, 1, 16), day(2024, 3, 16), Regime::Omissione);
        assert!(
            calcola(&before, &tur(), &mora())
                .expect_err("refused")
                .contains("Manca il tasso TUR in vigore il 17/01/2024")
        );
        let on_time = dati(1_000, day(2025, 3, 16), day(2025, 3, 16), Regime::Omissione);
        assert!(calcola(&on_time, &tur(), &mora()).expect_err("refused").contains("entro la scadenza"));
    }
}
