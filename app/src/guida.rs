//! The user manual shown under "Supporto": one page per service, in Italian.
//! Plain data with no dependencies, so the help pages, their tests and the writers of the text share one source.

/// One page of the manual: a service, what it does, how to use it and what to watch for.
pub struct PaginaGuida {
    /// URL segment under /supporto/.
    pub slug: &'static str,
    pub titolo: &'static str,
    /// One sentence: what the service does.
    pub sintesi: &'static str,
    /// Paragraphs on what it does and who may use it.
    pub descrizione: &'static [&'static str],
    /// Numbered steps: how to use it.
    pub passi: &'static [&'static str],
    /// Short notes: limits, deadlines, common errors and their meaning.
    pub note: &'static [&'static str],
}

/// The manual, in the order of its index. Services marked as coming in the spec (Fascicolo aziendale,
/// Instant Feedback, Fascicolo Elettronico) are described as specified and say that they are not yet active.
pub const GUIDA: &[PaginaGuida] = &[
    PaginaGuida {
        slug: "accesso",
        titolo: "Accesso al Cassetto",
        sintesi: "Si accede al Cassetto con il proprio codice fiscale, la password e un codice temporaneo di 6 cifre \
            (secondo fattore), qualunque sia il profilo.",
        descrizione: &[
            "Tutti gli utenti – datori di lavoro e rappresentanti legali, dipendenti delegati, intermediari e loro \
             dipendenti, operatori e gestori IDM delle Sedi INPS, amministratori – accedono nello stesso modo: codice \
             fiscale di 16 caratteri e password, poi il codice di 6 cifre generato dall'app di autenticazione \
             associata all'utenza quando è stata creata.",
            "Dopo l'accesso ciascuno arriva alla propria pagina iniziale: la Ricerca posizioni del Cassetto per chi \
             consulta le posizioni contributive, il «Back-office di Sede» per operatori e gestori IDM, la pagina \
             «Amministrazione» per gli amministratori. Chi apre una pagina riservata senza aver effettuato l'accesso \
             viene portato alla pagina «Accesso al Cassetto» e, completato l'accesso, torna alla pagina richiesta.",
        ],
        passi: &[
            "Premere «Accedi» in alto a destra, oppure «Accedi al Cassetto» nella pagina iniziale.",
            "Inserire «Codice fiscale» e «Password» e premere «Prosegui».",
            "Nella pagina «Codice di verifica» inserire nel campo «Codice» le 6 cifre mostrate in quel momento \
             dall'app di autenticazione e premere «Accedi».",
            "Al termine del lavoro premere «Esci»: compare il messaggio «Sessione terminata correttamente».",
        ],
        note: &[
            "Dopo 5 tentativi errati, di password o di codice, l'accesso all'utenza è sospeso per 15 minuti.",
            "Ogni codice dell'app vale una sola volta: con il messaggio «Codice non valido o già usato» occorre \
             attendere il codice successivo e riprovare.",
            "Il codice va inserito entro 5 minuti dall'inserimento della password; trascorso questo tempo compare «La \
             procedura di accesso è scaduta» e si ricomincia da codice fiscale e password.",
            "La sessione si chiude dopo 30 minuti di inattività e comunque dopo 12 ore dall'accesso.",
            "«La sua utenza è disabilitata»: per gli operatori INPS l'abilitazione è gestita dal gestore IDM della \
             propria Sede.",
        ],
    },
    PaginaGuida {
        slug: "ricerca",
        titolo: "Ricerca delle posizioni contributive",
        sintesi: "La Ricerca elenca le posizioni contributive che l'utente può consultare e apre quella scelta con il \
            menu dei suoi servizi.",
        descrizione: &[
            "La pagina «Cassetto» mostra soltanto le posizioni a cui si ha accesso: come titolare (datore di lavoro o \
             rappresentante legale dell'Ente), per delega del datore di lavoro, per delega attiva all'intermediario o \
             per subdelega dell'intermediario. La colonna «Accesso» indica il titolo: Titolare, Delega o Subdelega; le \
             altre colonne riportano posizione contributiva, codice fiscale, denominazione, gestione (pubblica o \
             privata) e Sede INPS.",
            "Aperta una posizione, la pagina «Anagrafica della posizione» ne riporta i dati (gestione, denominazione, \
             codice fiscale, legale rappresentante, indirizzo, PEC, Sede INPS competente, contratto applicato, data di \
             apertura e stato) e a sinistra compare il menu dei servizi, diviso nei gruppi Posizione, Consultazione, \
             Servizi di gestione, Contatti e Fascicolo.",
            "Il servizio è riservato a datori di lavoro, dipendenti delegati, intermediari e loro dipendenti.",
        ],
        passi: &[
            "Scegliere «Cassetto» nel menu in alto.",
            "Nel campo «Codice fiscale, denominazione o codice posizione» scrivere il dato da cercare e premere \
             «Cerca»; con il campo vuoto si ottengono tutte le posizioni accessibili.",
            "Scorrere l'elenco con «Precedente» e «Successiva» (20 posizioni per pagina).",
            "Selezionare il codice nella colonna «Posizione contributiva» per aprire la posizione.",
            "Usare il menu a sinistra per passare da un servizio all'altro; il percorso in alto («Cassetto») riporta \
             alla Ricerca.",
        ],
        note: &[
            "Codice fiscale e codice posizione si cercano dall'inizio (bastano le prime cifre); la denominazione si \
             cerca anche per una sua parte. Il testo di ricerca può avere al massimo 64 caratteri.",
            "Una posizione delegata a un dipendente del datore di lavoro compare solo quando il dipendente ha il \
             profilo SC62 con l'ambito della gestione della posizione; una subdelega richiede il profilo SC62 con \
             l'ambito «Gestione contributiva dipendenti pubblici».",
            "Una delega in attesa di attivazione, revocata o scaduta non dà accesso alla posizione.",
            "Aprendo l'indirizzo di una posizione non accessibile compare «La risorsa richiesta non esiste o non è tra \
             quelle a cui ha accesso».",
        ],
    },
    PaginaGuida {
        slug: "versamenti",
        titolo: "Versamenti F24, F24 EP e Banca d'Italia",
        sintesi: "Elenca i versamenti acquisiti per la posizione, con canale, periodo di riferimento, causale e \
            importo.",
        descrizione: &[
            "La pagina, nel gruppo «Consultazione» del menu della posizione, mostra per ogni versamento: Data \
             versamento, Canale (F24, F24 EP o Banca d'Italia), Periodo, Causale, Codice sede e Importo (€).",
            "Sotto la tabella, la riga «Totale» somma gli importi di tutte le righe che rispondono ai filtri, non solo \
             di quelle della pagina visualizzata.",
        ],
        passi: &[
            "Aprire la posizione dalla Ricerca e scegliere «Versamenti F24, F24 EP e Banca d'Italia» nel menu a \
             sinistra.",
            "Impostare i filtri (Canale, Versati dal, Versati al, Periodo dal, Periodo al, Causale) e premere «Applica \
             filtri»; «Azzera» li toglie tutti.",
            "Selezionare l'intestazione di una colonna per ordinare l'elenco; selezionarla di nuovo per invertire \
             l'ordine.",
            "Scorrere le pagine con «Precedente» e «Successiva» (20 righe per pagina).",
            "Premere «Scarica CSV» per ottenere in un file le righe filtrate, nell'ordine scelto.",
            "Per un chiarimento premere «Scrivi alla Sede su questo argomento»: si apre una nuova richiesta di \
             Comunicazione bidirezionale già impostata su posizione e oggetto «Versamenti – Pagamenti».",
        ],
        note: &[
            "Un filtro con un valore non valido è segnalato con il suo nome, ad esempio «Versati dal: data non valida \
             (gg/mm/aaaa)» oppure «Periodo dal: periodo non valido (mm/aaaa)».",
            "Il filtro «Causale» cerca il testo indicato all'interno della causale (al massimo 64 caratteri).",
            "Il file CSV contiene al massimo 20.000 righe.",
        ],
    },
    PaginaGuida {
        slug: "note-rettifica",
        titolo: "Note di rettifica",
        sintesi: "Elenca le note di rettifica emesse sulla posizione, con periodo, motivo, importo e stato.",
        descrizione: &[
            "Per ogni nota la pagina riporta Numero, Data emissione, Periodo, Motivo, Importo (€) e Stato (Emessa, \
             Pagata, Parzialmente pagata o Annullata). Il totale sotto la tabella riguarda tutte le note che \
             rispondono ai filtri.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Note di rettifica» nel menu a sinistra.",
            "Impostare i filtri (Stato, Emesse dal, Emesse al, Periodo dal, Periodo al) e premere «Applica filtri».",
            "Ordinare selezionando l'intestazione di una colonna; scorrere le pagine con «Precedente» e «Successiva».",
            "Premere «Scarica CSV» per salvare le righe filtrate.",
            "Per un chiarimento premere «Scrivi alla Sede su questo argomento» (oggetto «Uniemens – Note di \
             rettifica»).",
        ],
        note: &[
            "Le sanzioni di una nota di rettifica pagata entro 30 giorni dalla notifica sono ridotte del 50 %: il \
             servizio «Calcolo sanzioni ECA» permette di tenerne conto con l'apposita casella.",
            "Il file CSV contiene al massimo 20.000 righe.",
        ],
    },
    PaginaGuida {
        slug: "piani-ammortamento",
        titolo: "Piani di ammortamento",
        sintesi: "Elenca i piani di ammortamento per benefici pensionistici e TFS della posizione e, per ciascun \
            piano, le sue rate.",
        descrizione: &[
            "L'elenco dei piani riporta Numero piano, Tipo (Benefici pensione o TFS), Data inizio, numero di Rate, \
             Importo totale (€) e Stato (In corso o Concluso).",
            "Selezionando il numero di un piano si apre la pagina «Rate del piano di ammortamento», con Rata n., \
             Scadenza, Importo (€), Data pagamento e Stato (Pagata, Da pagare o Scaduta).",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Piani di ammortamento» nel menu a sinistra.",
            "Se necessario filtrare per Tipo, Stato, Iniziati dal e Iniziati al, quindi premere «Applica filtri».",
            "Selezionare il numero del piano nella prima colonna per vederne le rate.",
            "Nelle rate filtrare per Stato, Scadenza dal e Scadenza al; premere «Scarica CSV» per salvarle.",
            "Tornare all'elenco dei piani con la voce «Piani di ammortamento» del percorso in alto.",
        ],
        note: &[
            "Le rate sono elencate in ordine di numero; il totale riguarda le rate che rispondono ai filtri.",
            "«Scrivi alla Sede su questo argomento» apre una richiesta con oggetto «Gestione del credito – Dilazione \
             amministrativa».",
        ],
    },
    PaginaGuida {
        slug: "dma",
        titolo: "DMA – denunce trasmesse e errori",
        sintesi: "Elenca, mese per mese, le denunce mensili ListaPosPA trasmesse per la posizione, con i totali, \
            l'esito e gli errori rilevati per ciascun lavoratore.",
        descrizione: &[
            "Per ogni denuncia la pagina riporta Periodo, Data invio, Protocollo, numero di Lavoratori, Imponibile \
             (€), Contributi (€), numero di Errori ed Esito. Le denunce inviate e acquisite con «Invio denuncia DMA \
             (file ListaPosPA)» compaiono qui con il loro protocollo.",
            "Selezionando il periodo di una denuncia si apre il dettaglio per lavoratore: Codice fiscale, Nominativo, \
             Gestione, Imponibile (€), Contributi (€), Codice errore e Descrizione errore.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «DMA – denunce trasmesse e errori» nel menu a sinistra.",
            "Filtrare per Esito, Periodo dal e Periodo al e premere «Applica filtri».",
            "Selezionare il periodo nella prima colonna per aprire il dettaglio dei lavoratori.",
            "Nel dettaglio filtrare per Gestione, Codice fiscale o Codice errore per trovare i lavoratori con errori.",
            "Premere «Scarica CSV» per salvare l'elenco o il dettaglio filtrato.",
        ],
        note: &[
            "Un file scartato all'invio non compare in questo elenco: i suoi problemi sono mostrati, e si possono \
             scaricare, subito dopo l'invio nella pagina «Invio denuncia DMA (file ListaPosPA)». Il significato dei \
             codici di errore è spiegato nella guida dello stesso servizio.",
            "«Scrivi alla Sede su questo argomento» apre una richiesta con oggetto «Uniemens – Uniemens trasmessi».",
        ],
    },
    PaginaGuida {
        slug: "note-debito",
        titolo: "Note di debito",
        sintesi: "Elenca le note di debito per sistemazioni e regolarizzazioni contributive della posizione, con \
            importo, versato e stato.",
        descrizione: &[
            "Per ogni nota la pagina riporta Numero, Data emissione, Periodo, Tipo (Sistemazione o Regolarizzazione), \
             Importo (€), Versato (€) e Stato (Emessa, Pagata, Parzialmente pagata o Annullata). I totali di importo e \
             versato riguardano tutte le note che rispondono ai filtri.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Note di debito» nel menu a sinistra.",
            "Filtrare per Tipo, Stato, Emesse dal ed Emesse al e premere «Applica filtri».",
            "Ordinare selezionando l'intestazione di una colonna; premere «Scarica CSV» per salvare le righe filtrate.",
            "Per un chiarimento premere «Scrivi alla Sede su questo argomento» (oggetto «Gestione del credito – Note \
             di debito»).",
        ],
        note: &[
            "Per contestare una nota si usa il servizio «Contestazione note di debito» nel gruppo «Servizi di \
             gestione» del menu.",
            "Il file CSV contiene al massimo 20.000 righe.",
        ],
    },
    PaginaGuida {
        slug: "note-debito-eca",
        titolo: "Note di debito ECA",
        sintesi: "Elenca le note di debito dell'Estratto Conto Amministrazione (ECA) della posizione, per anno, con \
            scadenza, importo e stato.",
        descrizione: &[
            "Per ogni nota la pagina riporta Numero, Data emissione, Anno, Scadenza, Importo (€) e Stato (Emessa, \
             Pagata, Parzialmente pagata o Annullata), con il totale degli importi delle note filtrate.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Note di debito ECA» nel menu a sinistra.",
            "Filtrare per Stato, Emesse dal ed Emesse al e premere «Applica filtri».",
            "Ordinare selezionando l'intestazione di una colonna; premere «Scarica CSV» per salvare le righe filtrate.",
            "Per un chiarimento premere «Scrivi alla Sede su questo argomento» (oggetto «Gestione del credito – ECA»).",
        ],
        note: &[
            "Per stimare sanzioni civili e interessi di una nota pagata dopo la scadenza si usa il servizio «Calcolo \
             sanzioni ECA».",
        ],
    },
    PaginaGuida {
        slug: "calcolo-sanzioni-eca",
        titolo: "Calcolo sanzioni ECA",
        sintesi: "Calcola le sanzioni civili e gli interessi di mora per il pagamento tardivo di una nota di debito \
            ECA, o di un contributo indicato a mano, mostrando il calcolo riga per riga.",
        descrizione: &[
            "Il calcolo applica l'art. 116, commi 8–10, della L. 388/2000, come modificato dall'art. 30 del DL \
             19/2024, con i tassi in vigore giorno per giorno (TUR e interessi di mora) registrati dall'amministratore \
             della piattaforma: ogni variazione di tasso apre una nuova riga.",
            "Si può scegliere tra i regimi: omissione (TUR + 5,5 punti, massimo 40 %); omissione pagata spontaneamente \
             entro 120 giorni (solo TUR, massimo 40 %); evasione (30 % annuo, massimo 60 %); evasione denunciata \
             spontaneamente e pagata entro 30 giorni (TUR + 5,5 punti) o entro 90 giorni (TUR + 7,5 punti), con \
             massimo 40 %; oggettive incertezze, comma 10 (TUR + 5,5 punti, massimo 40 %). Raggiunto il tetto, \
             decorrono gli interessi di mora sul solo contributo.",
            "Le riduzioni valgono solo se le date rispettano le condizioni di legge: l'omissione va pagata entro 120 \
             giorni dalla scadenza (pagamenti dal 1° settembre 2024); l'evasione va denunciata spontaneamente, prima \
             di contestazioni, entro 12 mesi dalla scadenza e pagata entro 30 giorni (TUR + 5,5 punti) o 90 giorni \
             (TUR + 7,5 punti) dalla denuncia. Se una condizione manca, il calcolo applica il regime che la legge \
             prevede in quel caso, lo indica in «Regime applicato» e spiega in un avviso quale condizione non è \
             rispettata.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Calcolo sanzioni ECA» nel gruppo «Servizi di gestione».",
            "In «Nota di debito ECA» scegliere la nota; in alternativa scegliere «Nessuna: indico contributo e \
             scadenza» e compilare «Contributo (senza nota)» e «Scadenza (senza nota)».",
            "Indicare la «Data del pagamento» (è proposta la data odierna) e scegliere il «Regime»; per l'evasione \
             denunciata spontaneamente indicare anche la «Data della denuncia spontanea».",
            "Per una nota di rettifica pagata entro 30 giorni dalla notifica selezionare la relativa casella: le \
             sanzioni sono ridotte del 50 %.",
            "Premere «Calcola»: la tabella riporta per ogni tratto Voce, Dal, Al, Giorni, Tasso annuo e Importo; sotto \
             compaiono Sanzione (con il massimo applicabile), Sanzione dovuta, Interessi di mora e Totale.",
        ],
        note: &[
            "I giorni si contano dal giorno successivo alla scadenza fino alla data del pagamento compresa, su un anno \
             di 365 giorni.",
            "Gli importi delle righe sono arrotondati al centesimo; i totali sono calcolati sugli importi esatti e \
             arrotondati alla fine.",
            "«Pagato entro la scadenza: non sono dovute sanzioni»: la data del pagamento non è successiva alla \
             scadenza.",
            "Se gli interessi di mora usano un tasso fissato più di un anno prima del pagamento, un avviso lo segnala: \
             il tasso è aggiornato ogni anno e l'amministratore lo registra nella tabella dei tassi.",
            "Senza nota il contributo va indicato in euro con la virgola decimale (ad esempio 1.234,56) e deve essere \
             maggiore di zero.",
        ],
    },
    PaginaGuida {
        slug: "contestazione-note-debito",
        titolo: "Contestazione note di debito",
        sintesi: "Permette di contestare una nota di debito per regolarizzazioni contributive della posizione, \
            indicandone i motivi e allegando documenti, e di seguire la risposta della Sede.",
        descrizione: &[
            "La contestazione riceve un numero di protocollo ed è assegnata alla Sede INPS competente per la \
             posizione, che la accoglie o la respinge con una risposta scritta.",
            "Come prevede la circolare, si contestano solo le note di debito per regolarizzazioni contributive: \
             nell'elenco «Note di debito della posizione» solo queste hanno il pulsante «Contesta», mentre le note per \
             sistemazioni contributive sono indicate «Non contestabile: solo consultazione».",
            "Sotto il modulo sono elencate tutte le contestazioni della posizione, con Protocollo, Nota, data di \
             presentazione, Motivi, Allegati, Stato (In attesa di risposta, Accolta o Respinta) e Risposta della Sede.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Contestazione note di debito» nel gruppo «Servizi di gestione».",
            "Premere «Contesta» sulla nota, oppure sceglierla in «Nota di debito», che elenca le sole note di \
             regolarizzazione con l'importo residuo.",
            "Scrivere i «Motivi della contestazione».",
            "Se utile, scegliere fino a tre file in «Allegati (facoltativi, fino a 3)».",
            "Premere «Presenta la contestazione»: compare il messaggio «Contestazione presentata con protocollo …».",
            "Seguire nell'elenco lo stato e la risposta della Sede; gli allegati si scaricano in un archivio zip dalla \
             colonna «Allegati».",
        ],
        note: &[
            "Per ogni nota può esserci una sola contestazione in attesa di risposta.",
            "I motivi possono contenere al massimo 4.000 caratteri.",
            "Allegati: fino a 3 file PDF, PNG, JPEG, XML, TXT o CSV, al massimo 5 MB ciascuno e 10 MB in tutto; un \
             file vuoto o il cui contenuto non corrisponde al tipo indicato dal nome è rifiutato.",
        ],
    },
    PaginaGuida {
        slug: "invio-tracciati",
        titolo: "Invio tracciati (Circolare INPDAP 38/2000)",
        sintesi: "Permette di inviare alla Sede i file previsti dalla Circolare INPDAP 38/2000 e di ottenerne \
            protocollo e ricevuta.",
        descrizione: &[
            "Ogni file inviato riceve un protocollo del registro della Sede competente per la posizione ed è \
             conservato con la sua impronta SHA-256, che permette di verificare in seguito che il file non sia stato \
             modificato.",
            "L'elenco riporta per ogni invio Protocollo, Ricevuto il, File, Byte, SHA-256 e Stato, con il collegamento \
             «Ricevuta». Un tracciato è un file di testo a record di lunghezza fissa: ogni riga deve avere esattamente \
             la lunghezza dei record del tipo scelto (indicata accanto al tipo) e contenere solo caratteri ASCII \
             stampabili. Il controllo dei singoli campi sarà attivato quando INPS ne pubblicherà il formato.",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Invio tracciati» nel gruppo «Servizi di gestione».",
            "Scegliere il «Tipo di tracciato».",
            "Selezionare il file nel campo «File» e premere «Invia».",
            "Compare il messaggio «Tracciato ricevuto con protocollo …» e l'invio si aggiunge all'elenco.",
            "Premere «Ricevuta» sulla riga per scaricare la ricevuta, che riporta protocollo, posizione, tipo, nome, \
             dimensione e impronta del file, data di ricezione e mittente.",
        ],
        note: &[
            "Il file non può essere vuoto né superare il limite del suo tipo (20 MB per i tracciati della Circolare \
             38/2000).",
            "Un file che non è testo a record della lunghezza del tipo (per esempio un'immagine o un PDF) è rifiutato \
             con l'indicazione della riga che non va: non riceve protocollo e non compare nell'elenco.",
            "Lo Stato di un invio può essere ricevuto, elaborato o scartato; passando il puntatore sullo stato se ne \
             legge l'esito.",
        ],
    },
    PaginaGuida {
        slug: "importa-dma",
        titolo: "Invio denuncia DMA (file ListaPosPA)",
        sintesi: "Permette di inviare la denuncia mensile DMA come file XML UniEmens ListaPosPA, che viene controllato \
            lavoratore per lavoratore e, se non ha errori bloccanti, acquisito.",
        descrizione: &[
            "Il file deve contenere la denuncia della posizione aperta (CFAzienda e PRGAZIENDA corrispondenti), nella \
             struttura DenunceMensili → Azienda → ListaPosPA. Ogni problema rilevato ha una gravità. Un errore \
             bloccante (valore illeggibile, codice fiscale errato, periodo fuori dal mese, codice sconosciuto, \
             struttura non ammessa) fa scartare il file per intero e nulla della denuncia viene registrato. Un avviso \
             (controllo di congruità tra importi o dati) non lo ferma: se il file ha soltanto avvisi la denuncia è \
             acquisita con un protocollo ed esito «accettata con errori»; senza problemi è «accettata». In entrambi i \
             casi compare in «DMA – denunce trasmesse e errori».",
            "La pagina indica l'esito con il numero degli errori bloccanti e degli avvisi e li elenca con Codice \
             fiscale del lavoratore, Periodo, Elemento, Codice, Gravità e Descrizione; lo stesso elenco si scarica con \
             «Scarica l'elenco (CSV)». Gli avvisi di una denuncia accettata restano indicati per lavoratore nel \
             dettaglio della denuncia (colonne «Codice errore» e «Descrizione errore», anche in CSV). Di ogni gestione \
             sono registrati tutti gli importi del file: per la gestione previdenziale ImponibileTFS e ContributoTFS o \
             ImponibileTFR e ContributoTFR, che entrano nei totali della denuncia, e gli altri (eccedenze del \
             massimale, contributo 1 %, retribuzioni TFR…) nella colonna «Altri importi»; gli importi scritti nel \
             periodo fuori dalle gestioni (RetribTeoricaTabellareTFR, RetribValutabileTFR, ConguaglioImponibile) vi \
             compaiono come «Periodo/…» sulla prima riga del lavoratore.",
            "I codici INPS bloccanti sono 00124I (più di un blocco PosPA), 00126I (periodo V1 con causale 6 che riporta \
             altri dati oltre a GiornoInizio e GiornoFine), 00024I e 00311I (periodo E0 o V1 che attraversa più mesi: \
             si dichiara un periodo per mese). Sono avvisi 00171I (imponibile versato da altri enti alla CPDEL \
             superiore all'imponibile della gestione pensionistica), 00172I (contributo versato da altri enti superiore \
             al contributo della gestione pensionistica, compreso l'1 %), 00032I (imponibile versato da altri enti al \
             Fondo credito superiore all'imponibile della gestione credito) e 00390I (RegimeFineServizio indicato \
             senza la gestione previdenziale TFS/TFR). Un file che contiene soltanto periodi V1 è una variazione di mesi \
             precedenti: è acquisito come «variazione» con i totali dei periodi V1 e non come denuncia del mese. Il file \
             può essere in UTF-8, ISO-8859-1, ISO-8859-15 o windows-1252, purché l'intestazione XML dichiari la \
             codifica usata; ogni blocco Azienda e ListaPosPA deve riguardare la posizione, con PRGAZIENDA di 5 cifre \
             come nel codice della posizione (00000, non 0).",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Invio denuncia DMA (file ListaPosPA)» nel gruppo «Servizi di gestione».",
            "In «File ListaPosPA (XML)» selezionare il file e premere «Invia la denuncia».",
            "Se la denuncia è corretta compare «Denuncia di … acquisita il …» con il numero dei lavoratori e il \
             collegamento «Vedi le denunce trasmesse».",
            "Se ha soltanto avvisi compare «Esito: accettata con errori» con il numero degli errori bloccanti (zero) e \
             degli avvisi, elencati sotto; si ritrovano nel dettaglio per lavoratore della denuncia.",
            "Se è scartata, consultare l'elenco dei problemi o scaricarlo con «Scarica l'elenco (CSV)».",
            "Correggere il file con il proprio software e inviarlo di nuovo.",
        ],
        note: &[
            "I problemi senza un codice INPS noto hanno un codice della piattaforma: CAS001 codice fiscale del \
             lavoratore; CAS002 cognome (1–40 caratteri) o nome (1–30); CAS010 e CAS012 giorni del periodo; CAS011 \
             periodo E0 fuori dal mese della denuncia; CAS020 causale di variazione sconosciuta; CAS021 periodo V1 non \
             precedente al mese della denuncia.",
            "Altri codici della piattaforma: CAS030 codice gestione sconosciuto; CAS031 importo negativo; CAS040 \
             importo non valido (cifre con la virgola decimale, 1234,56, senza separatore delle migliaia, + o €); CAS041 data non valida (aaaa-mm-gg); \
             CAS042 codice non numerico; CAS043 mese non valido (aaaa-mm); CAS050–CAS053 rate F1 (tipo di piano, \
             numero della rata — un avviso —, mese di riferimento, tipo di operazione); CAS060–CAS064 inquadramento (qualifica di 6 \
             caratteri, regime di fine servizio con la gestione TFS/TFR, part-time con la percentuale in tre decimali \
             impliciti — 50000 per il 50 % —, tipo impiego e tipo servizio, InquadramentoLavPA mancante in un periodo \
             E0 o V1 con causale 2 o 5); CAS022 codice motivo utilizzo sconosciuto; CAS070–CAS073 ente versante (tipo \
             contributo, codice fiscale, PRGAZIENDA, AnnoMeseErogazione); CAS080 e CAS081 codici fiscali del \
             mittente e della software house.",
            "Il file è rifiutato senza controllo dei lavoratori se non è una denuncia ListaPosPA (mancano \
             AnnoMeseDenuncia o CFAzienda), se è di un'altra posizione, se contiene una DTD o se supera i 200 MB.",
            "Sono elencati in dettaglio i primi 1.000 problemi; gli eventuali successivi sono soltanto contati. Tutti \
             i codici della piattaforma, tranne CAS051, sono errori bloccanti.",
        ],
    },
    PaginaGuida {
        slug: "compilazione-dma",
        titolo: "Compilazione manuale DMA",
        sintesi: "Permette di compilare a video la denuncia mensile DMA (UniEmens ListaPosPA) della posizione, con i \
            controlli eseguiti durante la digitazione, di scaricarla come file XML e di inviarla.",
        descrizione: &[
            "Il modulo segue la struttura della denuncia: mese di riferimento, codice fiscale dell'Ente e progressivo \
             della posizione (PRGAZIENDA); per ogni lavoratore codice fiscale, cognome e nome; per ogni lavoratore uno \
             o più periodi E0 del mese con l'inquadramento e le gestioni, eventuali periodi V1 che correggono mesi \
             precedenti, con la causale di variazione, ed eventuali rate F1 dei piani di ammortamento.",
            "I controlli sono gli stessi dell'invio di un file ListaPosPA e compaiono mentre si scrive, con lo stesso \
             codice e la stessa descrizione (vedere la guida «Invio denuncia DMA (file ListaPosPA)»): una denuncia \
             senza segnalazioni viene acquisita all'invio e compare in «DMA – denunce trasmesse e errori».",
        ],
        passi: &[
            "Aprire la posizione e scegliere «Compilazione manuale DMA» nel gruppo «Servizi di gestione».",
            "Indicare il mese della denuncia e aggiungere i lavoratori con codice fiscale, cognome e nome.",
            "Per ogni lavoratore compilare il periodo E0, proposto dal primo all'ultimo giorno del mese con una \
             gestione pensionistica: inquadramento (tipo impiego, tipo servizio, contratto, qualifica, eventuale \
             part-time, regime di fine servizio se c'è la gestione previdenziale TFS/TFR) e, per ogni gestione, codice gestione, imponibile e contributo.",
            "Per correggere un mese precedente aggiungere un periodo V1 e sceglierne la causale: 1 integrazione di \
             dati già comunicati, 2 dati non denunciati, 5 sostituzione, 6 annullamento, 7 conguaglio previdenziale.",
            "Per le rate dei piani di ammortamento aggiungere una rata F1: mese di riferimento, codice gestione, tipo \
             di piano, numero della rata e totale delle rate, importo e tipo di operazione (V versamento, R rimborso, \
             S storno).",
            "Correggere i problemi segnalati, scaricare se serve il file XML ListaPosPA della denuncia e inviare la \
             denuncia.",
        ],
        note: &[
            "Gli importi si scrivono in cifre con la virgola decimale, senza separatore delle migliaia (ad esempio \
             1234,56).",
            "Ogni periodo cade in un solo mese; il periodo E0 deve cadere nel mese della denuncia, il periodo V1 deve \
             precederlo e il mese di riferimento di una rata F1 non può seguirlo.",
            "Con la causale 6 (annullamento) il periodo V1 riporta soltanto il giorno di inizio e quello di fine \
             (codice 00126I).",
            "Codici gestione: 1 CTPS, 2 CPDEL, 3 CPI, 4 CPUG, 5 CPS, 6 INADEL, 7 ENPAS, 8 ENPDEP, 9 Gestione unitaria \
             prestazioni creditizie e sociali, 11 ENAM. Tipi di piano: 11, 12, 13, 28 e 41.",
            "Inquadramento: qualifica di 6 caratteri; part-time di tipo P (orizzontale), V (verticale) o M (misto) con \
             percentuale in tre decimali impliciti, da 1 a 99999 (50000 per il 50 %, 83333 per l'83,333 %); regime \
             di fine servizio 1 TFR, 2 optante, 3 TFS, solo con la gestione previdenziale. L'inquadramento è \
             richiesto nei periodi E0 e nei V1 con causale 2 o 5.",
        ],
    },
    PaginaGuida {
        slug: "fascicolo",
        titolo: "Fascicolo aziendale",
        sintesi: "Produce con un solo comando il fascicolo completo della posizione in formato PDF.",
        descrizione: &[
            "Dalla voce «Fascicolo aziendale» del menu della posizione (gruppo «Fascicolo») si stampa in un unico \
             documento PDF l'intero fascicolo: anagrafica, Sede competente, deleghe in vigore e tutte le sezioni del \
             Cassetto (versamenti, note di rettifica, piani di ammortamento, denunce DMA con gli errori, note di \
             debito e note di debito ECA) con i loro totali.",
            "Ogni pagina riporta il codice della posizione e il numero di pagina; la prima indica data e ora della \
             stampa.",
        ],
        passi: &[
            "Aprire la posizione dalla Ricerca.",
            "Scegliere «Fascicolo aziendale» nel gruppo «Fascicolo» del menu a sinistra.",
            "Premere «Stampa fascicolo aziendale (PDF)» e salvare il file prodotto.",
        ],
        note: &[
            "Ogni stampa del fascicolo è registrata nel registro delle operazioni della piattaforma.",
            "Le tabelle molto lunghe si fermano a 5.000 righe, e il documento lo dice; i totali comprendono comunque \
             tutte le righe.",
        ],
    },
    PaginaGuida {
        slug: "deleghe",
        titolo: "Gestione Deleghe",
        sintesi: "Permette al datore di lavoro di delegare i propri dipendenti e all'intermediario di richiedere, \
            attivare e subdelegare le deleghe degli Enti, con la storia di ogni delega visibile alle parti.",
        descrizione: &[
            "Il datore di lavoro delega un dipendente, anche di un'altra Amministrazione, su una o più posizioni: la \
             delega è attiva subito, ma il dipendente può usarla solo quando ha il profilo SC62 con l'ambito della \
             gestione della posizione; fino ad allora la colonna «Note» indica «Non utilizzabile: manca il profilo \
             SC62 con l'ambito richiesto».",
            "L'intermediario iscritto all'Albo (consulente del lavoro, dottore commercialista o esperto contabile, \
             avvocato – L. 12/1979) chiede la delega all'Ente: il Cassetto prepara il modulo di delega in PDF da far \
             firmare al legale rappresentante e invia alla PEC dell'Ente il messaggio «Comunicazione inserimento \
             richiesta nuova delega per la posizione …» con un codice OTP. L'Ente comunica il codice \
             all'intermediario, che lo inserisce e dichiara l'avvenuta sottoscrizione: la delega diventa attiva e può \
             essere subdelegata ai dipendenti dell'intermediario. La richiesta indica il delegante (codice fiscale di persona fisica, nome e cognome del legale \
             rappresentante, denominazione e codice fiscale dell'Ente), i servizi delegati e la durata: dal giorno \
             indicato fino a una data o fino a revoca. Il giorno dopo la data di fine la delega risulta «Scaduta» e \
             non dà più accesso alla posizione; l'intermediario vede le deleghe in scadenza nei prossimi 30 giorni e, \
             prima della scadenza, può chiederne il rinnovo dal «Dettaglio»: un nuovo modulo da far firmare e un \
             nuovo codice OTP alla PEC dell'Ente, con decorrenza dal giorno successivo alla scadenza.",
            "Il «Dettaglio» di ogni delega mostra stato, «Storia della delega» e, per le deleghe degli intermediari, \
             lo stato della PEC con le sue ricevute (accettazione, avvenuta consegna, mancata consegna) e le evidenze \
             conservate: impronta SHA-256 del modulo, destinatario e identificativo del messaggio PEC, stato del \
             codice OTP, data di attivazione e termine di conservazione. Le deleghe già attive prima del Cassetto \
             sono state importate e restano valide senza nuovo accreditamento: la colonna «Note» indica «Importata».",
        ],
        passi: &[
            "Scegliere «Deleghe» nel menu in alto.",
            "Datore di lavoro: in «Nuova delega a un dipendente» indicare il «Codice fiscale del dipendente», \
             selezionare le posizioni e premere «Conferisci delega».",
            "Intermediario: in «Nuova richiesta di delega da un Ente» indicare «Posizione contributiva», «Codice \
             fiscale dell'Ente», codice fiscale, nome e cognome del legale rappresentante, i «Servizi delegati» e la \
             «Durata della delega» («Al» vuoto: fino a revoca), confermare la password e premere «Inserisci la \
             richiesta e invia la PEC».",
            "Aprire il «Dettaglio» della nuova delega, premere «Scarica il modulo di delega (PDF)» e farlo firmare al \
             legale rappresentante dell'Ente.",
            "Ricevuto dall'Ente il codice, nella sezione «Attivazione» inserire il «Codice OTP», selezionare la \
             dichiarazione di avvenuta sottoscrizione e premere «Attiva delega».",
            "Intermediario: in «Nuova subdelega» scegliere la delega attiva e il dipendente e premere «Conferisci \
             subdelega».",
            "Per rinnovare una delega in scadenza aprirne il «Dettaglio», indicare nella sezione «Rinnovo della \
             delega» il legale rappresentante e la nuova scadenza, confermare la password e premere «Richiedi il \
             rinnovo e invia la PEC»; poi attivare il rinnovo con il nuovo codice OTP. Per chiudere una delega \
             aprirne il «Dettaglio» e premere «Revoca delega».",
        ],
        note: &[
            "Il codice OTP ha 8 cifre e vale 72 ore dall'invio; dopo 5 inserimenti errati è bloccato. Con «Richiedi un \
             nuovo codice OTP» ne viene inviato un altro e il precedente non vale più.",
            "Se la colonna «Note» indica «PEC non consegnata», il messaggio con il codice non è arrivato all'Ente: le \
             ricevute sono nel «Dettaglio».",
            "Il datore di lavoro può revocare ogni delega sulle sue posizioni, l'intermediario le proprie deleghe e \
             subdeleghe; revocando una delega si revocano anche le subdeleghe collegate.",
            "L'intermediario custodisce il modulo firmato, con copia del documento di identità del delegante, per la \
             durata della delega e nei cinque anni successivi: al termine della delega la data compare in \
             «Conservazione fino al».",
            "Il dipendente da delegare deve avere già un'utenza nel Cassetto; il dipendente da subdelegare deve avere \
             anche il profilo SC62 con l'ambito «Gestione contributiva dipendenti pubblici».",
        ],
    },
    PaginaGuida {
        slug: "comunicazioni",
        titolo: "Comunicazione bidirezionale",
        sintesi: "Permette di inviare richieste alla Sede INPS competente per la posizione, con eventuali allegati, e \
            di seguirne la lavorazione fino alla risposta.",
        descrizione: &[
            "Ogni richiesta riguarda una posizione e un argomento scelto tra classe e oggetto (ad esempio «Uniemens – \
             Note di rettifica» o «Versamenti – Pagamenti»). Alla Sede si apre un quesito con numero di protocollo; la \
             richiesta passa da Aperta a In carico a Chiusa insieme al quesito e alla chiusura riporta l'esito, \
             accolta o non accolta, con il commento dell'operatore.",
            "Per ogni oggetto è fissato un tempo di risposta (tempi soglia), indicato nella scelta dell'oggetto e nel \
             dettaglio come «risposta attesa entro il …». Se la Sede non risponde entro quella data, o se la richiesta \
             è chiusa con esito non accolta, si può prenotare un appuntamento in Sede (vedere «Agenda appuntamenti»).",
            "Gli avvisi di protocollazione e di chiusura arrivano per e-mail, per SMS o in entrambi i modi, come \
             scelto nel modulo, e solo ai canali scelti; la sezione «Avvisi» del dettaglio ne mostra lo stato di \
             invio. Il datore di lavoro trova in «Sulla mia posizione» anche le richieste inviate sulle posizioni dei \
             suoi Enti dai dipendenti delegati e dagli intermediari.",
        ],
        passi: &[
            "Scegliere «Comunicazioni» nel menu in alto e premere «Nuova richiesta»; in alternativa, da una posizione, \
             usare «Com. Bidirezionale» (gruppo «Contatti») o «Scrivi alla Sede su questo argomento», che compilano \
             già posizione e, se indicato, classe e oggetto.",
            "Compilare «Posizione contributiva», scegliere «Classe e oggetto» e scrivere il «Testo della richiesta».",
            "Se utile, aggiungere i file in «Allegati (facoltativi)».",
            "In «Avvisi di protocollazione e di chiusura» scegliere «Solo e-mail», «Solo SMS» o «E-mail e SMS», \
             indicare l'«Indirizzo e-mail» e/o il «Telefono cellulare» dei canali scelti (con gli SMS dare anche il \
             consenso) e premere «Invia la richiesta»; una barra mostra l'avanzamento dell'invio.",
            "Nel dettaglio della richiesta leggere il protocollo e, nella «Cronologia», ogni cambio di stato con i \
             commenti della Sede.",
            "Per ritrovare le richieste usare i filtri «Matricola o posizione», «Oggetto», «Stato», «Aperta dal/al», \
             «Aggiornata dal/al» e «Solo oltre i tempi soglia senza risposta» (il datore sceglie anche, in \
             «Richieste», tra «Inviate da me» e «Sulla mia posizione»), quindi premere «Cerca».",
        ],
        note: &[
            "Allegati: fino a 3 file PDF, PNG, JPEG, XML, TXT o CSV, al massimo 5 MB ciascuno e 10 MB in tutto, \
             inviati alla Sede in un unico archivio zip; sono rifiutati i file vuoti, quelli il cui contenuto non \
             corrisponde al tipo e due file con lo stesso nome.",
            "Il testo della richiesta può contenere al massimo 4.000 caratteri.",
            "Il consenso è richiesto solo per gli avvisi via SMS; il recapito scritto per un canale non scelto non \
             viene conservato.",
            "Il filtro «Matricola o posizione» accetta solo cifre e cerca le posizioni che iniziano con esse.",
            "Nell'elenco il segno «Scaduti» indica le richieste ancora senza risposta oltre i tempi soglia; l'elenco \
             si ordina per Protocollo, Aperta il, Ultimo aggiornamento o Tempi soglia.",
        ],
    },
    PaginaGuida {
        slug: "agenda",
        titolo: "Agenda appuntamenti",
        sintesi: "Permette di prenotare un appuntamento presso la Sede quando una richiesta non ha avuto risposta \
            entro i tempi soglia o è stata chiusa con esito non accolta, e di gestire le proprie prenotazioni.",
        descrizione: &[
            "L'appuntamento si prenota dal dettaglio della richiesta, nella sezione «Appuntamento in Sede», scegliendo \
             uno degli orari pubblicati dalla Sede competente.",
            "La pagina «Agenda appuntamenti» (voce «Agenda» del menu in alto) elenca gli appuntamenti con data e ora, \
             Sede, richiesta, telefono, note e stato: Prenotato, Annullato, Svolto o Utente assente.",
            "Ogni orario è assegnato a una sola prenotazione: se due utenti scelgono lo stesso orario nello stesso \
             momento, uno solo lo ottiene e l'altro è invitato a sceglierne un altro.",
        ],
        passi: &[
            "Da «Comunicazioni» aprire la richiesta interessata.",
            "Nella sezione «Appuntamento in Sede» scegliere uno degli «Orari disponibili».",
            "Indicare il «Telefono» e, nelle «Note per la Sede», l'argomento dell'appuntamento.",
            "Premere «Conferma la prenotazione».",
            "Per annullare, aprire «Agenda» e premere «Annulla» sulla riga dell'appuntamento: l'orario torna \
             disponibile.",
        ],
        note: &[
            "Prima della scadenza dei tempi soglia compare «La Sede è ancora nei tempi di risposta per questa \
             richiesta»; per una richiesta accolta l'appuntamento non è previsto.",
            "Per ogni richiesta si può avere un solo appuntamento prenotato alla volta.",
            "«La Sede non ha al momento orari disponibili»: occorre riprovare nei prossimi giorni.",
            "«Lo slot non è più disponibile: ne scelga un altro»: l'orario è stato appena prenotato da un altro \
             utente.",
            "Le note sono obbligatorie (al massimo 500 caratteri); il telefono può iniziare con + e avere da 6 a 15 \
             cifre.",
        ],
    },
    PaginaGuida {
        slug: "profilo",
        titolo: "Profilo «Azienda/Operatore servizi azienda»",
        sintesi: "Mostra le abilitazioni del profilo «Azienda/Operatore servizi azienda» e permette di chiederne di \
            nuove con i modelli SC65, SC62 e RA012.",
        descrizione: &[
            "Il profilo comprende gli ambiti «Gestione contributiva dipendenti privati», «Gestione contributiva \
             dipendenti pubblici», «Malattia – consultazione attestati» e «Malattia – richiesta visita medica di \
             controllo». Il modello SC65 è per il datore di lavoro; il modello SC62 per il dipendente delegato o per \
             il dipendente dell'intermediario; il modello RA012 per i servizi della Gestione dipendenti pubblici non \
             inclusi nel Cassetto (Note di debito Ente per benefici in sede di pensione e di TFS, Contribuzione \
             figurativa, Prestiti e riscossione crediti, Gestione TFR/TFS).",
            "La richiesta è inviata alla Sede INPS competente per l'Ente indicato, dove un operatore la approva o la \
             respinge indicandone il motivo. Le abilitazioni possedute prima della circolare n. 34/2023 sono riportate \
             con la dicitura «abilitazione precedente alla circolare» e non vanno richieste di nuovo.",
        ],
        passi: &[
            "Scegliere «Profilo» nel menu in alto.",
            "Verificare le «Abilitazioni» e lo stato delle proprie richieste in «Le sue richieste» (In attesa di \
             decisione, Approvata o Respinta, con il motivo).",
            "In «Nuova richiesta» scegliere il «Modello» e indicare il «Codice fiscale dell'Ente».",
            "Per i modelli SC65 e SC62 selezionare almeno un ambito; per il modello RA012 scegliere il «Servizio \
             (modello RA012)».",
            "Premere «Invia la richiesta»: compare «Richiesta inviata alla Sede competente».",
        ],
        note: &[
            "«Selezioni almeno un ambito del profilo» e «Selezioni il servizio richiesto con il modello RA012» \
             indicano una richiesta incompleta.",
            "Nel periodo transitorio i servizi della Gestione dipendenti pubblici erano raggiungibili anche da \
             «Dipendenti pubblici: servizi per amministrazioni, enti e aziende»; la data dalla quale si raggiungono \
             solo dal Cassetto è indicata nel riquadro «Periodo transitorio».",
            "Perché una delega del datore di lavoro sia utilizzabile, il dipendente deve avere il profilo SC62 con \
             l'ambito della gestione della posizione.",
        ],
    },
    PaginaGuida {
        slug: "feedback",
        titolo: "Instant Feedback",
        sintesi: "Dopo l'uso di un servizio chiede un breve giudizio su tre livelli; operatori e amministratori ne \
            vedono l'andamento per servizio, mese per mese.",
        descrizione: &[
            "Dopo la consultazione di una sezione del Cassetto, l'invio di una richiesta della Comunicazione \
             bidirezionale, l'invio di una denuncia DMA o l'attivazione di una delega compare in fondo alla pagina il \
             riquadro «Come valuta il servizio …?» con tre scelte: «Soddisfatto», «Abbastanza soddisfatto», «Non \
             soddisfatto». Con «Non soddisfatto» si sceglie il motivo da un elenco e si può aggiungere un commento.",
            "Si esprime un solo giudizio per ogni uso: per le consultazioni, uno al giorno per ciascuna sezione. Il \
             riquadro si può chiudere senza rispondere con la «X»: per quell'uso non ricompare.",
            "Gli operatori INPS e gli amministratori vedono in «Instant Feedback» (dal Back-office o \
             dall'Amministrazione) per ogni servizio la percentuale di utenti soddisfatti, il grafico mensile delle \
             valutazioni, i conteggi, i motivi di insoddisfazione e gli ultimi commenti. I giudizi non riportano \
             chi li ha espressi.",
        ],
        passi: &[
            "Usare un servizio del Cassetto.",
            "Nel riquadro «Come valuta il servizio …?» scegliere uno dei tre livelli: il giudizio è registrato subito.",
            "Con «Non soddisfatto» scegliere il motivo in «Perché non è soddisfatto?», scrivere se si desidera un \
             commento e premere «Invia valutazione».",
        ],
        note: &[
            "Il riquadro compare solo con JavaScript attivo nel browser.",
            "Il commento può avere al massimo 500 caratteri.",
        ],
    },
    PaginaGuida {
        slug: "backoffice",
        titolo: "Back-office di Sede",
        sintesi: "Raccoglie il lavoro degli operatori INPS della Sede: quesiti, contestazioni, richieste di profilo, \
            agenda appuntamenti e, per il gestore IDM, l'abilitazione degli operatori.",
        descrizione: &[
            "Dopo l'accesso l'operatore arriva alla pagina «Back-office di Sede», con i collegamenti «Richieste di \
             profilo (SC65, SC62, RA012)», «Quesiti della Comunicazione bidirezionale», «Agenda appuntamenti della \
             Sede», «Contestazioni delle note di debito» e «Operatori della Sede (gestore IDM)». Ciascuno vede e \
             lavora solo ciò che riguarda la propria Sede.",
            "La coda «Quesiti della Sede» mostra di norma i quesiti ancora da lavorare, con la scadenza più vicina in \
             testa; quelli oltre i tempi soglia sono evidenziati con «Scaduti». Si filtra come l'elenco delle \
             richieste degli utenti, con in più lo stato «Da lavorare (aperte e in carico)».",
        ],
        passi: &[
            "Quesiti: aprire il protocollo dalla coda; in «Lavorazione del quesito» scegliere l'«Azione» («Prendi in \
             carico», «Aggiungi un commento», «Chiudi – esito accolta» o «Chiudi – esito non accolta»), scrivere il \
             «Commento» e premere «Registra».",
            "Contestazioni: per ogni contestazione in attesa scegliere l'esito (Accolta o Respinta), scrivere la \
             risposta e premere «Rispondi».",
            "Richieste di profilo: esaminare la richiesta e premere «Approva» oppure, indicato il motivo, «Respingi».",
            "Agenda: in «Pubblica uno slot» indicare «Data e ora di inizio» e «Durata (minuti)» e premere «Pubblica»; \
             dopo l'appuntamento premere «Svolto» o «Assente».",
            "Gestore IDM: in «Operatori della Sede» premere «Abilita» o «Disabilita» sulla riga dell'operatore.",
        ],
        note: &[
            "Un quesito si chiude solo se è già in carico e con la motivazione dell'esito nel commento; un quesito \
             chiuso non si può più modificare. La chiusura invia l'avviso all'utente per e-mail e SMS.",
            "«Il quesito è stato modificato nel frattempo: ricarichi la pagina»: un altro operatore ha appena agito \
             sullo stesso quesito.",
            "Gli slot devono essere nel futuro, durare da 5 a 240 minuti e non avere lo stesso inizio di un altro \
             slot; l'agenda mostra gli slot dall'ultima settimana in poi.",
            "L'approvazione di una richiesta di profilo rende subito attive le abilitazioni; la disabilitazione di un \
             operatore ne chiude le sessioni.",
        ],
    },
    PaginaGuida {
        slug: "fascicolo-elettronico",
        titolo: "Fascicolo Elettronico del Contribuente",
        sintesi: "Consente agli operatori INPS abilitati di consultare in sola lettura il Cassetto delle posizioni \
            della propria Sede.",
        descrizione: &[
            "Il Fascicolo Elettronico del Contribuente è l'interfaccia del Cassetto previdenziale per gli operatori \
             dell'Istituto: l'operatore, abilitato dal gestore IDM della propria Sede, cerca una posizione della Sede \
             e ne apre le stesse pagine di consultazione viste dal contribuente, senza poter inviare né modificare \
             nulla.",
            "Un riquadro in testa a ogni pagina ricorda che si tratta della vista operatore, di sola consultazione. \
             Il menu della posizione offre l'anagrafica, le sezioni di consultazione e la stampa del Fascicolo \
             aziendale; i servizi di gestione non sono disponibili.",
            "Ogni apertura di una posizione è registrata nel registro delle operazioni della piattaforma, con \
             l'operatore e la posizione.",
        ],
        passi: &[
            "Dal «Back-office di Sede» aprire «Fascicolo Elettronico del Contribuente (sola consultazione)».",
            "Cercare la posizione della propria Sede.",
            "Aprire la posizione e consultarne le sezioni dal menu a sinistra.",
        ],
        note: &[
            "Sono raggiungibili solo le posizioni della Sede dell'operatore.",
            "L'abilitazione va chiesta al gestore IDM della Sede, che abilita o revoca ciascun operatore in «Operatori \
             della Sede» con «Abilita al Fascicolo Elettronico» e «Revoca Fascicolo Elettronico»; la revoca vale dalla \
             richiesta successiva.",
        ],
    },
    PaginaGuida {
        slug: "admin",
        titolo: "Amministrazione",
        sintesi: "Permette agli amministratori della piattaforma di gestire l'Albo degli intermediari, le classi e gli \
            oggetti della Comunicazione bidirezionale con i tempi soglia e i tassi per il calcolo delle sanzioni \
            civili.",
        descrizione: &[
            "«Albo degli intermediari (L. 12/1979)»: l'elenco degli iscritti si importa incollando un testo CSV con le \
             colonne codice_fiscale, categoria, numero, provincia, nominativo (categoria: consulente_lavoro, \
             commercialista o avvocato). Solo gli iscritti possono chiedere deleghe agli Enti.",
            "«Comunicazione bidirezionale: classi, oggetti e tempi soglia»: per ogni oggetto si indicano Classe, \
             Oggetto, Tempi soglia (giorni) e se è In uso; la colonna «Richieste» conta le richieste già inviate.",
            "«Tassi per il calcolo delle sanzioni civili»: tabella datata del TUR e degli interessi di mora (art. 30 \
             DPR 602/1973); ogni tasso vale dal giorno indicato fino al successivo dello stesso tipo.",
        ],
        passi: &[
            "Scegliere «Amministrazione» nel menu in alto.",
            "Albo: incollare il testo in «Contenuto CSV» e premere «Importa»; compare «Albo importato: … iscritti».",
            "Oggetti: modificare i valori sulla riga dell'oggetto e premere «Salva»; per ritirare un oggetto togliere \
             la selezione da «In uso».",
            "Nuovo oggetto: in «Nuovo oggetto» indicare «Classe», «Oggetto» e «Tempi soglia (giorni)» e premere \
             «Aggiungi».",
            "Tassi: in «Nuovo tasso» scegliere il «Tipo» (TUR o Interessi di mora), indicare «In vigore dal» e «Tasso \
             annuo (%)» (ad esempio 2,15) e premere «Salva il tasso»; un tasso inserito per errore si toglie con \
             «Rimuovi».",
        ],
        note: &[
            "L'importazione dell'Albo sostituisce l'elenco intero; una riga errata annulla tutta l'importazione.",
            "I tempi soglia vanno da 1 a 365 giorni e valgono per le richieste inviate da quel momento; quelle già \
             inviate conservano la scadenza fissata all'invio. Un oggetto ritirato resta sulle richieste già inviate.",
            "Classe e oggetto hanno al massimo 80 caratteri e lo stesso oggetto non può ripetersi nella stessa classe.",
            "Salvando un tasso per una data che ne ha già uno dello stesso tipo, il valore viene sostituito.",
            "Ogni modifica è registrata nel registro delle operazioni della piattaforma.",
        ],
    },
];

/// The page with this slug, if any.
pub fn pagina(slug: &str) -> Option<&'static PaginaGuida> {
    GUIDA.iter().find(|p| p.slug == slug)
}

/// The manual's page for the page at `path`, so that "Supporto" opens the help of the service in use.
pub fn per_percorso(path: &str) -> Option<&'static str> {
    let parti: Vec<&str> = path.trim_matches('/').split('/').collect();
    let slug = match parti.as_slice() {
        ["cassetto"] => "ricerca",
        ["cassetto", _] => "versamenti",
        ["cassetto", _, sezione, ..] => match *sezione {
            "rate" => "piani-ammortamento",
            "lavoratori" => "dma",
            s => s,
        },
        ["accesso", ..] => "accesso",
        ["deleghe", ..] => "deleghe",
        ["comunicazioni", ..] => "comunicazioni",
        ["agenda", ..] => "agenda",
        ["profilo", ..] => "profilo",
        ["backoffice", "fascicolo", ..] => "fascicolo-elettronico",
        ["backoffice", ..] => "backoffice",
        ["admin", "feedback"] => "feedback",
        ["admin", ..] => "admin",
        _ => return None,
    };
    pagina(slug).map(|p| p.slug)
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_service_page_leads_to_its_help() {
        use super::per_percorso;
        assert_eq!(per_percorso("/cassetto/8100000001800000/compilazione-dma"), Some("compilazione-dma"));
        assert_eq!(per_percorso("/cassetto/8100000001800000/note-debito-eca"), Some("note-debito-eca"));
        assert_eq!(per_percorso("/cassetto/8100000001800000/dma/12"), Some("dma"));
        assert_eq!(per_percorso("/cassetto"), Some("ricerca"));
        assert_eq!(per_percorso("/comunicazioni/4"), Some("comunicazioni"));
        assert_eq!(per_percorso("/backoffice/fascicolo/8100000001800000/versamenti"), Some("fascicolo-elettronico"));
        assert_eq!(per_percorso("/admin/feedback"), Some("feedback"));
        assert_eq!(per_percorso("/cassetto/8100000001800000/sconosciuta"), None);
        assert_eq!(per_percorso("/"), None);
    }

    use super::*;

    #[test]
    fn slugs_are_unique_lowercase_and_dashed() {
        for (i, p) in GUIDA.iter().enumerate() {
            let s = p.slug;
            let well_formed = !s.is_empty()
                && s.split('-').all(|part| !part.is_empty())
                && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            assert!(well_formed, "slug {s:?}");
            assert!(GUIDA[..i].iter().all(|q| q.slug != s), "slug {s:?} repeated");
            assert_eq!(pagina(s).map(|q| q.titolo), Some(p.titolo));
        }
        assert!(pagina("inesistente").is_none());
    }

    #[test]
    fn every_page_has_a_summary_and_steps() {
        let filled = |texts: &[&str]| texts.iter().all(|t| !t.trim().is_empty());
        for p in GUIDA {
            assert!(filled(&[p.titolo, p.sintesi]), "{}: titolo or sintesi empty", p.slug);
            assert!((3..=7).contains(&p.passi.len()) && filled(p.passi), "{}: passi", p.slug);
            assert!((1..=3).contains(&p.descrizione.len()) && filled(p.descrizione), "{}: descrizione", p.slug);
            assert!((1..=5).contains(&p.note.len()) && filled(p.note), "{}: note", p.slug);
        }
    }
}
