//! The HTML document around the app, with this response's Content-Security-Policy: the page's frame is the
//! server's concern, so the pages never reach into the server side for the nonce (docs/security.md).

use app::App;
use leptos::prelude::*;
use leptos_meta::MetaTags;

/// Rendered on the server only, around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    app::ssr::security::provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="it">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/vendor/bootstrap-italia/css/bootstrap-italia.min.css"/>
                <link rel="stylesheet" href="/pkg/cassetto.css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}
