//! PEC receipts that arrive as e-mail from a real PEC provider (docs/domain.md §7): the message is parsed with
//! mail-parser (MIME structure, base64 and quoted-printable are its job), the receipt's data come from its
//! headers and from the attached `daticert.xml`.

use anyhow::Context;
use mail_parser::{MessageParser, MimeHeaders};

use super::queue::random_hex;
use super::smtp::truncate;
use super::worker::insert_receipt;
use crate::ssr::db::Db;

/// A header of the message, unfolded (the raw value with its line breaks and runs of blanks made one space).
fn header(message: &mail_parser::Message<'_>, name: &'static str) -> Option<String> {
    let raw = message.header_raw(name)?;
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then_some(value)
}

/// The decoded content of the part named `filename` (by `Content-Disposition: filename` or `Content-Type: name`),
/// wherever it sits in the multipart tree (PEC: multipart/signed around multipart/mixed holding `daticert.xml`).
fn attachment(message: &mail_parser::Message<'_>, filename: &str) -> Option<Vec<u8>> {
    message
        .parts
        .iter()
        .skip(1)
        .find(|part| part.attachment_name().is_some_and(|n| n.eq_ignore_ascii_case(filename)))
        .map(|part| part.contents().to_vec())
}

/// The text of the first `<tag …>…</tag>` in `xml`, entities decoded.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(pos) = xml[from..].find(&open) {
        let start = from + pos + open.len();
        let next = xml[start..].chars().next()?;
        if next == '>' || next.is_whitespace() {
            let content_start = start + xml[start..].find('>')? + 1;
            let end = content_start + xml[content_start..].find(&format!("</{tag}>"))?;
            let text = xml[content_start..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            return Some(text.trim().to_string());
        }
        from = start;
    }
    None
}

/// The `tipo` attribute of the root `<postacert>` element.
fn postacert_tipo(xml: &str) -> Option<String> {
    let start = xml.find("<postacert")?;
    let end = start + xml[start..].find('>')?;
    let element = &xml[start..end];
    let at = element.find("tipo=")? + 5;
    let quote = element[at..].chars().next()?;
    let rest = &element[at + 1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Records a PEC receipt that arrived as an e-mail: `X-Ricevuta` gives its kind, `X-Riferimento-Message-ID` the
/// message it refers to; recipient and identificativo come from the attached `daticert.xml` (`<consegna>`,
/// `<identificativo>`), else from the header `X-Destinatario` or the message's own recipient, and the receipt's
/// Message-ID. Receipts with no place in the table (presa-in-carico, preavviso-errore-consegna, rilevazione-virus)
/// are ignored; the same receipt twice is recorded once.
pub async fn ingest_receipt_eml(db: &Db, raw: &[u8], now: i64) -> anyhow::Result<()> {
    let receipt = MessageParser::default().parse(raw).context("not an e-mail message")?;
    let daticert = attachment(&receipt, "daticert.xml").map(|x| String::from_utf8_lossy(&x).into_owned());
    let tipo = header(&receipt, "X-Ricevuta")
        .map(|v| v.trim().to_ascii_lowercase())
        .or_else(|| daticert.as_deref().and_then(postacert_tipo))
        .context("not a PEC receipt: no X-Ricevuta")?;
    let kind = match tipo.as_str() {
        "accettazione" => "accettazione",
        "non-accettazione" => "non_accettazione",
        "avvenuta-consegna" => "avvenuta_consegna",
        "errore-consegna" => "errore_consegna",
        "presa-in-carico" | "preavviso-errore-consegna" | "rilevazione-virus" => {
            tracing::info!(tipo, "PEC receipt not recorded");
            return Ok(());
        }
        other => anyhow::bail!("unknown PEC receipt kind: {other}"),
    };
    let reference =
        header(&receipt, "X-Riferimento-Message-ID").context("PEC receipt without X-Riferimento-Message-ID")?;
    let message_id = format!("<{}>", reference.trim().trim_start_matches('<').trim_end_matches('>').trim());

    let mut tx = db.begin_write().await?;
    let message: Option<(i64, String)> =
        sqlx::query_as("SELECT id, recipient FROM outbox WHERE message_id = $1 AND channel = 'pec'")
            .bind(&message_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((outbox_id, sent_to)) = message else {
        anyhow::bail!("PEC receipt for an unknown message");
    };
    let from_daticert = |tag: &str| daticert.as_deref().and_then(|x| xml_text(x, tag)).filter(|v| !v.is_empty());
    let recipient = from_daticert("consegna").or_else(|| header(&receipt, "X-Destinatario")).unwrap_or(sent_to);
    let identificativo = from_daticert("identificativo")
        .or_else(|| header(&receipt, "Message-ID"))
        .unwrap_or_else(|| format!("ricevuta-{}", random_hex(8)));
    let detail = match kind {
        "errore_consegna" | "non_accettazione" => from_daticert("errore-esteso"),
        _ => None,
    }
    .or_else(|| receipt.subject().map(str::to_string))
    .unwrap_or_default();
    let seen: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pec_receipts WHERE outbox_id = $1 AND kind = $2 AND recipient = $3 AND identificativo = $4",
    )
    .bind(outbox_id)
    .bind(kind)
    .bind(&recipient)
    .bind(&identificativo)
    .fetch_one(&mut *tx)
    .await?;
    if seen == 0 {
        insert_receipt(&mut tx, outbox_id, kind, &recipient, now, &identificativo, &truncate(&detail)).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daticert_in_nested_multipart() {
        let xml = "<postacert tipo=\"errore-consegna\" errore=\"no-dest\"><dati><identificativo>opec1.x@pec.it\
                   </identificativo><consegna>a&amp;b@pec.it</consegna><errore-esteso>5.1.1 - casella inesistente\
                   </errore-esteso></dati></postacert>";
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let raw = format!(
            "X-Ricevuta: errore-consegna\r\nX-Riferimento-Message-ID:\r\n <abc@cassetto>\r\n\
             Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n \
             boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\n\
             Content-Type: text/plain\r\n\r\nAvviso\r\n--inner\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--inner--\r\n--outer\r\nContent-Type: \
             application/pkcs7-signature; name=smime.p7s\r\n\r\nxx\r\n--outer--\r\n"
        );
        let message = MessageParser::default().parse(raw.as_bytes()).expect("parsed");
        let found = String::from_utf8(attachment(&message, "daticert.xml").expect("daticert")).expect("utf-8");
        assert_eq!(found, xml);
        assert_eq!(xml_text(&found, "consegna").as_deref(), Some("a&b@pec.it"));
        assert_eq!(xml_text(&found, "identificativo").as_deref(), Some("opec1.x@pec.it"));
        assert_eq!(postacert_tipo(&found).as_deref(), Some("errore-consegna"));
        assert_eq!(header(&message, "X-RICEVUTA").as_deref(), Some("errore-consegna"));
        assert_eq!(header(&message, "x-riferimento-message-id").as_deref(), Some("<abc@cassetto>"), "unfolded");
        assert!(attachment(&message, "postacert.eml").is_none());
    }

    #[test]
    fn quoted_printable_daticert() {
        let raw = "X-Ricevuta: avvenuta-consegna\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
                   Content-Type: application/xml\r\nContent-Disposition: attachment; filename=DatiCert.xml\r\n\
                   Content-Transfer-Encoding: quoted-printable\r\n\r\n<consegna>perch=C3=A9@pec.it</conse=\r\ngna>\r\n\
                   --b--\r\n";
        let message = MessageParser::default().parse(raw.as_bytes()).expect("parsed");
        let found = String::from_utf8(attachment(&message, "daticert.xml").expect("daticert")).expect("utf-8");
        assert_eq!(xml_text(&found, "consegna").as_deref(), Some("perché@pec.it"));
    }
}
