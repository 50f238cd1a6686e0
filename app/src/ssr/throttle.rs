//! Throttling of the password step (docs/security.md, "Login and accounts"): failures are counted per account,
//! per client address and per (account, address); each counter, past its threshold, locks its key for a delay
//! that doubles at each further failure (up to `MAX_LOCK_SECONDS`). While a key is locked the attempts it blocks
//! are not checked and not counted, so they cannot extend the lock. The account-wide lock, which an attacker
//! from many addresses could trigger, does not apply to an address from which the account completed a login in
//! the last `KNOWN_ADDRESS_SECONDS`: the owner at a usual place keeps getting in.
//!
//! Keys are built from the codice fiscale as typed (already in its canonical form), not from a user id, so an
//! unknown account costs the same reads and writes as a known one (no enumeration by work done).

use std::net::IpAddr;

use super::db::Db;

/// One counter: after `threshold` failures its key locks for `BASE_LOCK_SECONDS`, doubling at each failure.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub threshold: i64,
}

/// The same account from the same address: the owner mistyping, or one attacker on one account.
pub const PAIR: Rule = Rule { threshold: 5 };
/// One account from anywhere: a guess spread over many addresses. Not applied to the account's known addresses.
pub const ACCOUNT: Rule = Rule { threshold: 10 };
/// One address against any account: password spraying.
pub const ADDRESS: Rule = Rule { threshold: 30 };

pub const BASE_LOCK_SECONDS: i64 = 60;
pub const MAX_LOCK_SECONDS: i64 = 60 * 60;
/// Failures older than this are forgotten (the counter starts again).
pub const FORGET_AFTER_SECONDS: i64 = 24 * 60 * 60;
/// How long an address stays known for an account after a completed login from it.
pub const KNOWN_ADDRESS_SECONDS: i64 = 90 * 24 * 60 * 60;

/// The address a counter is kept for: IPv4 as is, IPv6 by its /64 (one subscriber's prefix), so a client
/// cannot get a fresh counter by changing the low bits.
pub fn address_key(client: Option<IpAddr>) -> String {
    match client.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "-".to_string(),
    }
}

struct Keys {
    account: String,
    address: String,
    pair: String,
    known: String,
}

fn keys(codice_fiscale: &str, client: Option<IpAddr>) -> Keys {
    let addr = address_key(client);
    Keys {
        account: format!("conto:{codice_fiscale}"),
        address: format!("indirizzo:{addr}"),
        pair: format!("coppia:{codice_fiscale}|{addr}"),
        known: format!("noto:{codice_fiscale}|{addr}"),
    }
}

/// Until when the password step is closed to this account from this address, if it is.
pub async fn locked_until(
    db: &Db,
    codice_fiscale: &str,
    client: Option<IpAddr>,
    now: i64,
) -> anyhow::Result<Option<i64>> {
    let k = keys(codice_fiscale, client);
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT key, locked_until, updated_at FROM login_throttle WHERE key IN ($1, $2, $3, $4)")
            .bind(&k.account)
            .bind(&k.address)
            .bind(&k.pair)
            .bind(&k.known)
            .fetch_all(db.pool())
            .await?;
    let known = rows.iter().any(|(key, _, at)| *key == k.known && *at > now - KNOWN_ADDRESS_SECONDS);
    let until = rows
        .iter()
        .filter(|(key, until, _)| {
            *until > now && (*key == k.pair || *key == k.address || (*key == k.account && !known))
        })
        .map(|(_, until, _)| *until)
        .max();
    Ok(until)
}

/// Counts a failed password step on the three counters. The same statements run whether the account exists or
/// not. A key that is locked is left as it is (the `WHERE` of the upsert): a failure during a lock — possible
/// only where that lock does not apply, or in a race — never extends it.
pub async fn record_failure(db: &Db, codice_fiscale: &str, client: Option<IpAddr>, now: i64) -> anyhow::Result<()> {
    let k = keys(codice_fiscale, client);
    let mut tx = db.begin_write().await?;
    // Old failures are forgotten; a lock still running is not.
    sqlx::query("DELETE FROM login_throttle WHERE key IN ($1, $2, $3) AND updated_at < $4 AND locked_until <= $5")
        .bind(&k.account)
        .bind(&k.address)
        .bind(&k.pair)
        .bind(now - FORGET_AFTER_SECONDS)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    for (key, rule) in [(&k.pair, PAIR), (&k.account, ACCOUNT), (&k.address, ADDRESS)] {
        // Past the threshold the lock is BASE, then twice the previous one, at most MAX.
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, lock_seconds, locked_until, updated_at) \
             VALUES ($1, 1, CASE WHEN $2 <= 1 THEN $3 ELSE 0 END, CASE WHEN $2 <= 1 THEN $5 + $3 ELSE 0 END, $5) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = login_throttle.failures + 1, \
               lock_seconds = CASE WHEN login_throttle.failures + 1 < $2 THEN login_throttle.lock_seconds \
                 WHEN login_throttle.lock_seconds = 0 THEN $3 \
                 WHEN login_throttle.lock_seconds * 2 > $4 THEN $4 \
                 ELSE login_throttle.lock_seconds * 2 END, \
               locked_until = CASE WHEN login_throttle.failures + 1 < $2 THEN login_throttle.locked_until \
                 WHEN login_throttle.lock_seconds = 0 THEN $5 + $3 \
                 WHEN login_throttle.lock_seconds * 2 > $4 THEN $5 + $4 \
                 ELSE $5 + login_throttle.lock_seconds * 2 END, \
               updated_at = $5 \
             WHERE login_throttle.locked_until <= $5",
        )
        .bind(key)
        .bind(rule.threshold)
        .bind(BASE_LOCK_SECONDS)
        .bind(MAX_LOCK_SECONDS)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A completed login (both factors): the account's counter and this address's counter for it start again, and
/// the address becomes known for the account. The address's own counter (all accounts) is left alone: logging
/// into one's own account must not wash away guesses at others.
pub async fn record_success(db: &Db, codice_fiscale: &str, client: Option<IpAddr>, now: i64) -> anyhow::Result<()> {
    let k = keys(codice_fiscale, client);
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_throttle WHERE key IN ($1, $2)")
        .bind(&k.account)
        .bind(&k.pair)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, lock_seconds, locked_until, updated_at) VALUES ($1, 0, 0, 0, $2) \
         ON CONFLICT (key) DO UPDATE SET updated_at = $2",
    )
    .bind(&k.known)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The IDM's unlock: the account's counters, from every address, start again (the addresses' own counters stay).
pub async fn unlock_account(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    codice_fiscale: &str,
) -> anyhow::Result<()> {
    // `coppia:CF|…`: the CF is 16 letters and digits, so the prefix cannot match another account.
    sqlx::query("DELETE FROM login_throttle WHERE key = $1 OR key LIKE $2")
        .bind(format!("conto:{codice_fiscale}"))
        .bind(format!("coppia:{codice_fiscale}|%"))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_prefix_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        assert_eq!(address_key(Some(a)), address_key(Some(b)));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("ip");
        assert_eq!(address_key(Some(mapped)), "192.0.2.7");
    }
}
