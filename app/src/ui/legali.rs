//! The pages every Italian PA service links from its footer: privacy notice, accessibility statement, legal
//! notes, contacts. Public: they are read before signing in, too.

use leptos::prelude::*;

use super::layout::Page;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Page title="Informativa privacy">
            <h1>"Informativa sul trattamento dei dati personali"</h1>
            <p class="lead">"Ai sensi degli articoli 13 e 14 del Regolamento (UE) 2016/679 (GDPR)."</p>
            <h2 class="h4 mt-4">"Titolare del trattamento"</h2>
            <p>"Istituto Nazionale della Previdenza Sociale (INPS), via Ciro il Grande 21, 00144 Roma. "
               "Il Responsabile della protezione dei dati dell'Istituto può essere contattato ai recapiti pubblicati sul sito istituzionale."</p>
            <h2 class="h4 mt-4">"Quali dati trattiamo e perché"</h2>
            <ul>
                <li>"Dati di identificazione e di contatto di chi accede (codice fiscale, nome e cognome, e-mail, PEC, cellulare): per riconoscerLa e inviarLe gli avvisi del servizio."</li>
                <li>"Dati contributivi delle aziende e degli Enti (versamenti, denunce, note di rettifica, piani di ammortamento): per consentirne la consultazione a chi ne ha titolo."</li>
                <li>"Deleghe, richieste alla Sede, appuntamenti e il registro degli accessi: per documentare chi ha operato e con quale titolo."</li>
            </ul>
            <p>"La base giuridica è l'esecuzione dei compiti di interesse pubblico affidati all'Istituto (art. 6, par. 1, lett. e, GDPR) "
               "e gli obblighi di legge in materia previdenziale."</p>
            <h2 class="h4 mt-4">"Per quanto tempo"</h2>
            <p>"I dati contributivi seguono i termini di conservazione degli atti previdenziali. La documentazione di una delega "
               "è conservata per cinque anni dalla sua cessazione, come prevede la Circolare INPS n. 34 del 2023."</p>
            <h2 class="h4 mt-4">"I Suoi diritti"</h2>
            <p>"Può chiedere l'accesso ai Suoi dati, la rettifica, la limitazione o l'opposizione al trattamento nei casi previsti "
               "(articoli 15–22 GDPR), e proporre reclamo al Garante per la protezione dei dati personali."</p>
            <h2 class="h4 mt-4">"Cookie"</h2>
            <p>"Il servizio usa un solo cookie tecnico di sessione, necessario per mantenere l'accesso; nessun cookie di profilazione o di terze parti."</p>
        </Page>
    }
}

#[component]
pub fn AccessibilitaPage() -> impl IntoView {
    view! {
        <Page title="Dichiarazione di accessibilità">
            <h1>"Dichiarazione di accessibilità"</h1>
            <p class="lead">"L'INPS si impegna a rendere accessibile il Cassetto previdenziale, conformemente alla legge 9 gennaio 2004, n. 4, "
               "e alle Linee guida AgID sull'accessibilità degli strumenti informatici."</p>
            <h2 class="h4 mt-4">"Stato di conformità"</h2>
            <p>"Il servizio è conforme ai requisiti della norma UNI CEI EN 301549 e alle WCAG 2.1, livello AA. "
               "Ogni pagina è verificata a ogni rilascio con test automatici (axe-core) su schermi da 390 e da 1366 pixel, "
               "con e senza JavaScript, e con la sola tastiera."</p>
            <h2 class="h4 mt-4">"Segnalazioni"</h2>
            <p>"Se incontra un ostacolo all'uso del servizio può segnalarlo dalla pagina "<a href="/contatti">"Contatti"</a>
               ": indichi la pagina e che cosa non ha funzionato. Riceverà risposta entro 30 giorni."</p>
            <h2 class="h4 mt-4">"Procedura di attuazione"</h2>
            <p>"In caso di risposta insoddisfacente o di mancata risposta può rivolgersi al Difensore civico per il digitale presso l'Agenzia per l'Italia Digitale (AgID)."</p>
        </Page>
    }
}

#[component]
pub fn NoteLegaliPage() -> impl IntoView {
    view! {
        <Page title="Note legali">
            <h1>"Note legali"</h1>
            <h2 class="h4 mt-4">"Contenuti"</h2>
            <p>"I testi del servizio sono dell'INPS e possono essere riprodotti citandone la fonte. "
               "I dati consultati nel Cassetto sono riservati al contribuente e a chi ne ha delega: non possono essere comunicati a terzi."</p>
            <h2 class="h4 mt-4">"Valore delle informazioni"</h2>
            <p>"La consultazione riflette gli archivi dell'Istituto alla data indicata in ogni pagina. I calcoli delle sanzioni civili "
               "sono una stima: fa fede il provvedimento della Sede."</p>
            <h2 class="h4 mt-4">"Uso del servizio"</h2>
            <p>"L'accesso è personale. Ogni operazione è registrata con l'utente che l'ha compiuta e il titolo con cui ha operato (delega o profilo)."</p>
        </Page>
    }
}

#[component]
pub fn ContattiPage() -> impl IntoView {
    view! {
        <Page title="Contatti">
            <h1>"Contatti"</h1>
            <ul class="link-list" data-testid="contatti">
                <li class="mb-3"><strong>"Contact Center INPS"</strong>": 803 164 da rete fissa (gratuito), 06 164 164 da rete mobile (a pagamento secondo il proprio operatore)."</li>
                <li class="mb-3"><strong>"Domande sulla Sua posizione"</strong>": scriva alla Sede competente dalla "
                    <a href="/comunicazioni">"Comunicazione bidirezionale"</a>" del Cassetto; ogni richiesta riceve un protocollo."</li>
                <li class="mb-3"><strong>"Incontrare la Sede"</strong>": prenoti un appuntamento dall'"<a href="/agenda">"Agenda"</a>"."</li>
                <li class="mb-3"><strong>"Come si usa il servizio"</strong>": il "<a href="/supporto">"manuale utente"</a>", una pagina per ogni servizio."</li>
            </ul>
        </Page>
    }
}
