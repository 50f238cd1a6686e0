#!/usr/bin/env python3
"""Writes the hand-made inputs of the fuzz targets: the seed corpus (fuzz/seeds/<target>/, valid and
edge-case inputs the fuzzer starts from) and the nastiest hand-made cases kept as regression inputs
(fuzz/regressions/<target>/hand-*). Inputs the fuzzer finds are copied into fuzz/regressions/<target>/ by
hand (run.sh prints where they are); this script never touches those, nor the two files of
seeds/listapospa/generato-* written by the application's own generator:
    cassetto listapospa genera fuzz/seeds/listapospa/generato-3 --lavoratori 3
    cassetto listapospa genera fuzz/seeds/listapospa/generato-11-errori --lavoratori 11 --con-errori

Both directories are replayed by the normal test suite (app/tests/fuzz_regressions.rs). Run from anywhere:
    python3 fuzz/make_inputs.py
"""

import pathlib
import struct

FUZZ = pathlib.Path(__file__).resolve().parent

# --- codice fiscale / partita IVA check characters, to write valid codes -------------------------------------

ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def cf_check(first15: str) -> str:
    total = 0
    for i, c in enumerate(first15):
        idx = int(c) if c.isdigit() else ord(c) - ord("A")
        total += ODD[idx] if i % 2 == 0 else idx
    return chr(ord("A") + total % 26)


def piva_check(first10: str) -> str:
    total = 0
    for i, c in enumerate(first10):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def cf(first15: str) -> str:
    return first15 + cf_check(first15)


def piva(first10: str) -> str:
    return first10 + piva_check(first10)


# --- ListaPosPA files -----------------------------------------------------------------------------------------

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>'
    "<CFAzienda>80078750587</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>"
)
TAIL = "</PosPA></ListaPosPA></Azienda></DenunceMensili>\n"


def worker(cf_lav="RSSMRA70A01H501S", imponibile="2000,00", extra=""):
    return (
        f"<D0_DenunciaIndividuale><CFLavoratore>{cf_lav}</CFLavoratore><Cognome>Rossi &amp; C.</Cognome>"
        "<Nome>Mario</Nome><E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio>"
        "<GiornoFine>2026-03-31</GiornoFine><Gestioni><GestPensionistica><CodGestione>2</CodGestione>"
        f"<Imponibile>{imponibile}</Imponibile><Contributo>476,00</Contributo></GestPensionistica></Gestioni>"
        f"</E0_PeriodoNelMese>{extra}</D0_DenunciaIndividuale>"
    )


# Every element the reader knows, once.
RICCO = (
    HEAD
    + "<D0_DenunciaIndividuale><CFLavoratore> bnclra85m41f205c </CFLavoratore><Cognome><![CDATA[O'Neil <x>]]>"
    "</Cognome><Nome>Anna&#32;Maria&#x20;Niccolò ☃</Nome>"
    "<E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-15</GiornoFine>"
    "<InquadramentoLavPA><TipoImpiego>1</TipoImpiego><TipoServizio>4</TipoServizio><Contratto>RALN</Contratto>"
    "<Qualifica>000123</Qualifica><PartTimePA><TipoPartTime>P</TipoPartTime><PercPartTime>50</PercPartTime>"
    "</PartTimePA><RegimeFineServizio>1</RegimeFineServizio></InquadramentoLavPA>"
    "<Gestioni><GestPensionistica><CodGestione>2</CodGestione><Imponibile>1.000,00</Imponibile>"
    "<Contributo>238,00</Contributo><Contrib1PerCento>10,00</Contrib1PerCento></GestPensionistica>"
    "<GestPrevidenziale><CodGestione>6</CodGestione><Imponibile>1000</Imponibile><Contributo>0,5</Contributo>"
    "</GestPrevidenziale><GestCredito><CodGestione>9</CodGestione><Imponibile>1000,00</Imponibile>"
    "<Contributo>3,50</Contributo></GestCredito><ENPDEP><CodGestione>8</CodGestione></ENPDEP>"
    "<ENAM><CodGestione>11</CodGestione></ENAM></Gestioni>"
    "<AltroEnteVersante><TipoContributo>1</TipoContributo><Imponibile>100,00</Imponibile>"
    "<Contributo>10,00</Contributo></AltroEnteVersante></E0_PeriodoNelMese>"
    "<F1_Ammortamento><AnnoMeseRif>2026-02</AnnoMeseRif><CodGestione>2</CodGestione><TipoPiano>11</TipoPiano>"
    "<PrgRata>3</PrgRata><TotaleRate>60</TotaleRate><Importo>120,00</Importo><TipoOperazione>V</TipoOperazione>"
    "</F1_Ammortamento>"
    '<V1_PeriodoPrecedente CausaleVariazione="1"><GiornoInizio>2025-11-01</GiornoInizio>'
    "<GiornoFine>2025-11-30</GiornoFine><EnteVersante><TipoContributo>9</TipoContributo>"
    "<GiornoInizio>2025-11-01</GiornoInizio><Imponibile>10,00</Imponibile></EnteVersante>"
    "</V1_PeriodoPrecedente>"
    '<V1_PeriodoPrecedente CausaleVariazione="6"><GiornoInizio>2025-10-01</GiornoInizio>'
    "<GiornoFine>2025-10-31</GiornoFine></V1_PeriodoPrecedente></D0_DenunciaIndividuale>" + TAIL
)

I64_MAX = "92.233.720.368.547.758,07"  # i64::MAX cents, the largest amount Money::parse accepts

# --- allegati -------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0"
XML = "\ufeff<?xml version=\"1.0\"?><DenunceMensili/>\n".encode()
CSV = "matricola;importo\r\n8100000001;1.234,56\r\n".encode()


def files(*items, count=None):
    """The allegati input format: count, then per file name length, name, u16 LE length, content."""
    out = bytearray([len(items) if count is None else count])
    for name, data in items:
        raw = name.encode() if isinstance(name, str) else name
        out += bytes([len(raw)]) + raw + struct.pack("<H", len(data)) + data
    return bytes(out)


# --- bozza ----------------------------------------------------------------------------------------------------


def bozza_worker(
    cf_lav="RSSMRA70A01H501S",
    imponibile="2000,00",
    inq=("1", "4", "RALN", "000123", "P", "50", "1"),
    causale="6",
    rata=("2026-02", "2", "11", "3", "60", "120,00", "V"),
    cognome="Rossi & C.",
):
    # Fields in the order of cassetto_fuzz::bozza_da_byte: CF, surname, name, E0 days, inquadramento (7),
    # gestione (code, imponibile, contributo, kind selector by length), V1 (causale, days), rata (7).
    return [cf_lav, cognome, "Mario", "2026-03-01", "2026-03-31", *inq, "2", imponibile, "476,00", "",
            causale, "2025-11-01", "2025-11-30", *rata]


def bozza(mese, *workers):
    fields = [mese]
    for w in workers:
        assert len(w) == 26, len(w)
        fields += w
    return "|".join(fields).encode()


# --- the inputs -----------------------------------------------------------------------------------------------

SEEDS = {
    "codici": {
        "cf-valido": cf("RSSMRA85T10A562"),
        "cf-minuscolo-spazi": "  " + cf("MRTMTT25D09F205").lower() + " \n",
        "cf-omocodico": cf("RSSMRA85T10A56N"),
        "cf-donna": cf("BNCLRA85M41F205"),
        "cf-controllo-errato": "RSSMRA85T10A562T",
        "cf-numerico": "80078750587",
        "piva": piva("0074311015"),
        "piva-zeri": "00000000000",
        "posizione-pubblica": "8007875058700000",
        "posizione-separata": " 80078750587 / 00042 ",
        "posizione-trattino": "80078750587-99999",
        "matricola": "8100000001",
        "matricola-zeri": "0000000000",
        "prefisso-15": "RSSMRA85T10A562",
        "prefisso-10": "8007875058",
    },
    "valori": {
        "importo": "1.234,56",
        "importo-euro": "€ -1.234,56",
        "importo-euro-dopo": "1234,5 €",
        "importo-punto": "2.000.00",
        "importo-max": I64_MAX,
        "importo-min": "-92.233.720.368.547.758,08",
        "data": "2026-03-01",
        "data-bisestile": "\t2024-02-29\n",
        "data-max": "+262142-12-31",
        "data-min": "-262143-01-01",
        "mese": "2026-03",
        "mese-italiano": "3/2026",
        "numero-u8": "255",
        "numero-u16": "65535",
        "numero-i64": "-9223372036854775808",
    },
    "allegati": {
        "tre-validi": files(("nota.pdf", PDF), ("ricevuta.PNG", PNG), ("uniemens.xml", XML)),
        "jpeg-csv": files(("scan.jpeg", JPEG), ("dati.csv", CSV)),
        "percorso-windows": files(("C:\\Documenti\\nota.pdf", PDF)),
        "nome-lungo": files(("x" * 150 + ".pdf", PDF)),
        "quattro": files(("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF), ("d.pdf", PDF)),
        "duplicati": files(("a.pdf", PDF), ("A.PDF", PDF)),
        "tipo-non-ammesso": files(("programma.exe", b"MZ\x90\0")),
        "contenuto-falso": files(("finto.pdf", b"MZ not a pdf"), ("dati.csv", b"a;b\n\0\x01")),
        "vuoto": files(("vuoto.txt", b"")),
        "nessuno": files(),
    },
    "bozza": {
        "completa": bozza("2026-03", bozza_worker()),
        "due-lavoratori": bozza("2026-03", bozza_worker(), bozza_worker(cf_lav="rssmra70a01h501x",
                                                                        imponibile="2.000.00")),
        "errori": bozza("03/2026", bozza_worker(inq=("x", "", "", "12", "X", "0", "4"), causale="3",
                                                 rata=("2026-04", "10", "14", "61", "60", "-1", "X"))),
        "vuota": b"",
        "senza-mese": bozza("2026-13", bozza_worker()),
    },
    "listapospa": {
        "ricco": RICCO,
        "minimo": HEAD + TAIL,
        "bom": "\ufeff" + HEAD + worker() + TAIL,
        "errori": HEAD + worker("RSSMRA70A01H501X", "2.000.00") + "<PosPA></PosPA>" + TAIL,
    },
}

HAND_MADE = {
    "codici": {
        "vuoto": b"",
        "utf8-non-valido": b"RSSMRA85T10A562\xff",
        # 'ß' uppercases to "SS": 15 characters typed, a 16-character code parsed.
        "esse-tedesca": cf("RSSMRA85T10A562").replace("SS", "ß", 1).lower(),
        "kelvin": "\u212a" * 16,
        "cifre-enormi": "9" * 4000,
        "spazi-unicode": "\u3000\u00a080078750587\u2003",
        "separatori-doppi": "80078750587//00000",
        "separatori-misti": "80078750587-/00000",
        "controllo": "8007875\x00058700000",
    },
    "valori": {
        "vuoto": b"",
        "utf8-non-valido": b"1.234,\xff56",
        "importo-oltre-max": "92.233.720.368.547.758,08",
        "importo-oltre-min": "-92.233.720.368.547.758,09",
        "cifre-enormi": "9" * 4000,
        "segni": "-€-1,00",
        "euro-doppio": "€€1",
        "data-oltre": "+262143-01-01",
        "data-anno-zero": "0000-02-29",
        "mese-anno-oltre": "2101-01",
        "numero-oltre-i64": "9223372036854775808",
        "numero-piu": "+0",
    },
    "allegati": {
        "vuoto": b"",
        "tutto-ff": b"\xff" * 64,
        "nomi-multibyte": files(("è" * 120 + ".pdf", PDF), ("\u0301" * 127, PDF)),
        "punti": files(("..", PDF), ("...pdf", PDF), (".pdf", PDF)),
        "controllo-nel-nome": files(("a\x00b\n.pdf", PDF), ("\u0085x.p\u200bdf", PDF)),
        "estensione-lunga-troncata": files(("a" * 200 + ".jpeg", JPEG)),
        "testo-con-controllo": files(("x.txt", b"ok\x7f"), ("y.xml", b"  \t<a>\x1b</a>")),
        "utf8-non-valido": files(("z.csv", b"a;\xc3\x28")),
        "conteggio-oltre": files(("a.pdf", PDF), count=255),
        "lunghezze-troncate": b"\x03\xff\x41",
    },
    "bozza": {
        "vuoto": b"",
        "solo-separatori": b"|" * 200,
        "utf8-non-valido": b"2026-03|\xff\xfe|\xc3",
        "controllo-e-xml": bozza("2026-03", bozza_worker(cognome="\x00]]><!--&amp;&#x0;<![CDATA[", cf_lav="\t\r\n")),
        # Two workers each declaring the largest amount in the same gestione: the import adds them up.
        "importi-enormi": bozza("2026-03", bozza_worker(imponibile=I64_MAX), bozza_worker(imponibile=I64_MAX)),
    },
    "listapospa": {
        "vuoto": b"",
        "utf8-non-valido": (HEAD + worker()).encode().replace(b"Mario", b"Ma\xffrio") + TAIL.encode(),
        "utf16": "\ufeff<DenunceMensili/>".encode("utf-16"),
        "dtd-entita": '<?xml version="1.0"?><!DOCTYPE DenunceMensili [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><DenunceMensili>&b;</DenunceMensili>',
        "dtd-esterna": '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x>&xxe;</x>',
        "annidato": "<a>" * 5000 + "</a>" * 5000,
        "annidato-non-chiuso": "<a>" * 20000,
        "vuoti-oltre-limite": HEAD + "<x/>" * 600 + TAIL,
        "entita-sconosciuta": HEAD + worker().replace("Mario", "&nbsp;") + TAIL,
        "riferimenti-carattere": HEAD + worker().replace("Mario", "&#0;&#x110000;&#xD800;") + TAIL,
        "chiusure-sbagliate": HEAD + "<D0_DenunciaIndividuale></E0_PeriodoNelMese></Gestioni>" + TAIL,
        "testo-fuori-radice": "testo" + HEAD + TAIL + "<altro/>",
        "senza-intestazione": "<DenunceMensili><Azienda></Azienda></DenunceMensili>",
        "attributi": HEAD.replace("<PosPA>", '<PosPA a="1" a="2" b=\'<\' c>') + TAIL,
        "numeri-enormi": HEAD
        + worker(imponibile="9" * 400).replace("<CodGestione>2<", "<CodGestione>99999999999999999999<")
        + TAIL,
        # Two workers with the largest amount in the same gestione: the per-gestione totals add them up.
        "importi-enormi": HEAD + worker(imponibile=I64_MAX) + worker(imponibile=I64_MAX) + TAIL,
        # One record: the pension contribution plus its 1 % share, as rule 00172I adds them.
        "contributo-piu-uno-per-cento": HEAD
        + worker().replace("<Contributo>476,00</Contributo>",
                           f"<Contributo>{I64_MAX}</Contributo><Contrib1PerCento>0,01</Contrib1PerCento>")
        + TAIL,
        # One record: two amounts paid by other bodies, as rule 00171I sums them.
        "enti-versanti-enormi": HEAD
        + worker(extra="").replace(
            "</E0_PeriodoNelMese>",
            2 * f"<AltroEnteVersante><TipoContributo>1</TipoContributo><Imponibile>{I64_MAX}</Imponibile>"
            "</AltroEnteVersante>" + "</E0_PeriodoNelMese>")
        + TAIL,
    },
}


# libFuzzer dictionaries (fuzz/dict/<target>.dict): the tokens of each input language, so mutations build
# elements, separators and numbers instead of waiting to stumble on them byte by byte.
ELEMENTI = [
    "DenunceMensili", "Azienda", "AnnoMeseDenuncia", "CFAzienda", "ListaPosPA", "PRGAZIENDA", "PosPA",
    "D0_DenunciaIndividuale", "CFLavoratore", "Cognome", "Nome", "E0_PeriodoNelMese", "V1_PeriodoPrecedente",
    "GiornoInizio", "GiornoFine", "InquadramentoLavPA", "TipoImpiego", "TipoServizio", "Contratto", "Qualifica",
    "PartTimePA", "TipoPartTime", "PercPartTime", "RegimeFineServizio", "Gestioni", "GestPensionistica",
    "GestPrevidenziale", "GestCredito", "ENPDEP", "ENAM", "CodGestione", "Imponibile", "Contributo",
    "Contrib1PerCento", "EnteVersante", "AltroEnteVersante", "TipoContributo", "F1_Ammortamento", "AnnoMeseRif",
    "TipoPiano", "PrgRata", "TotaleRate", "Importo", "TipoOperazione",
]
NUMERI = ["0", "1", "2026-03", "2026-03-01", "03/2026", "1.234,56", "-", "+", ",", ".", "€", "999.999", "255", "65535"]
DICTS = {
    "listapospa": [f"<{e}>" for e in ELEMENTI] + [f"</{e}>" for e in ELEMENTI]
    + [' CausaleVariazione="', "&amp;", "&lt;", "&#x", "&#", "<![CDATA[", "]]>", "<!DOCTYPE", "<?xml", "?>", "/>",
       "\ufeff", "RSSMRA70A01H501S", "80078750587", "00000"] + NUMERI,
    "bozza": ["|", "||||", "RSSMRA70A01H501S", "2025-11-01", "2026-02", "RALN", "000123", "V", "P", "6"] + NUMERI,
    "valori": NUMERI + ["-262143", "+262142", "12-31", "-02-29", "9223372036854775807", " ", "\t"],
    "codici": ["RSSMRA85T10A562S", "80078750587", "8007875058700000", "/", "-", " ", "ß"],
    "allegati": [".pdf", ".PNG", ".jpg", ".jpeg", ".xml", ".txt", ".csv", "%PDF-", PNG[:8], JPEG[:3],
                 "\ufeff", "<", "/", "\\"],
}


def dict_entry(token) -> str:
    """One libFuzzer dictionary line: the token's bytes, quoted, with \\, \" and non-printable bytes escaped."""
    raw = token.encode() if isinstance(token, str) else token
    out = ""
    for b in raw:
        c = chr(b)
        out += "\\" + c if c in '\\"' else c if 0x20 <= b < 0x7F else f"\\x{b:02x}"
    return f'"{out}"'


def write_dicts() -> None:
    d = FUZZ / "dict"
    d.mkdir(exist_ok=True)
    for target, tokens in DICTS.items():
        lines = [dict_entry(t) for t in dict.fromkeys(tokens)]
        (d / f"{target}.dict").write_text("\n".join(lines) + "\n", encoding="ascii")


def write(root: pathlib.Path, prefix: str, inputs: dict) -> None:
    for target, items in inputs.items():
        d = root / target
        d.mkdir(parents=True, exist_ok=True)
        for name, value in items.items():
            data = value.encode() if isinstance(value, str) else value
            (d / f"{prefix}{name}").write_bytes(data)


if __name__ == "__main__":
    write(FUZZ / "seeds", "", SEEDS)
    write(FUZZ / "regressions", "hand-", HAND_MADE)
    write_dicts()
    print("seeds, hand-made regression inputs and dictionaries written under", FUZZ)
