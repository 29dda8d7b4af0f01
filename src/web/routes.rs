//! The web's routes: the core's pages with the pages of the modules that are on, static
//! assets, media files and health checks. `server.rs` joins them with the federation and
//! client API routes.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use axum::{Extension, Router};

use super::layout::Layout;
use super::pages::{
    accounts, admin, blocks, email, error, health, home, interaction, moderation, notifications, oauth, posts, privacy,
    profile, reports, settings, statement, unsubscribe,
};
use crate::state::AppState;

/// Form posts of pages are small; forms with images get the upload limit.
const FORM_BODY_LIMIT: usize = 64 * 1024;

/// The pages (the core's and `module_pages`), which get the page context, CSRF and error
/// pages, with `layout` for the navigation and the home page; and the web's other routes.
pub fn router(state: &AppState, module_pages: Router<AppState>, layout: Layout) -> Router<AppState> {
    let server = &state.settings.server;
    let uploads = DefaultBodyLimit::max(crate::media::upload_body_limit(&state.settings));
    let pages = Router::new()
        .route("/", get(home::show))
        .route("/schrijven", post(home::compose).layer(uploads))
        .route("/u/{name}", get(profile::person))
        .route("/u/{name}/volgen", post(profile::follow_person))
        .route("/u/{name}/op-afstand", post(profile::remote_person))
        .route("/p/{id}", get(posts::show))
        .route("/p/{id}/reageren", post(posts::reply))
        .route("/p/{id}/leuk", post(posts::like))
        .route("/p/{id}/delen", post(posts::share))
        .route("/p/{id}/verbergen", post(blocks::hide_post))
        .route("/u/{name}/blokkeren", get(blocks::confirm_person).post(blocks::act_person))
        .route("/instellingen/blokkeringen", get(settings::blocks::show).post(settings::blocks::act))
        .route("/instellingen/blokkeringen/export/{list}", get(settings::blocks::export))
        .route("/instellingen/blokkeringen/import", post(settings::blocks::import).layer(uploads))
        .route("/registreren", get(accounts::register_page).post(accounts::register))
        .route("/inloggen", get(accounts::login_page).post(accounts::login))
        .route("/uitloggen", post(accounts::logout))
        .route("/wachtwoord-vergeten", get(email::forgot_page).post(email::forgot))
        .route("/wachtwoord-herstellen", get(email::reset_page).post(email::reset))
        .route("/bevestigen", get(email::confirm))
        .route("/bevestigen/opnieuw", get(email::resend_page).post(email::resend))
        .route("/e-mail-wijzigen", get(email::confirm_change))
        .route("/instellingen/e-mail", get(email::change_page).post(email::change))
        .route("/instellingen/e-mail/bevestigen", post(email::send_confirmation))
        .route("/instellingen", get(settings::settings_page).post(settings::save_settings).layer(uploads))
        .route("/instellingen/wachtwoord", get(settings::password_page).post(settings::change_password))
        .route("/instellingen/meldingen", get(notifications::preferences_page).post(notifications::save_preferences))
        .route("/meldingen", get(notifications::list))
        .route("/meldingen/gelezen", post(notifications::mark_read))
        .route("/taal", post(settings::switch_language))
        .route("/toegankelijkheid", get(statement::show))
        .route("/privacy", get(privacy::statement))
        .route("/instellingen/gegevens", get(privacy::data_page).post(privacy::download))
        .route("/instellingen/account-verwijderen", get(privacy::delete_page).post(privacy::delete))
        .route("/afmelden", get(unsubscribe::show).post(unsubscribe::confirm))
        .route("/oauth/authorize", get(oauth::show).post(oauth::decide))
        .route("/authorize_interaction", get(interaction::show).post(interaction::follow))
        .route("/beheer", get(admin::overview))
        .route("/beheer/instellingen", get(admin::settings::show).post(admin::settings::save))
        .route("/beheer/gebruikers", get(admin::users::list))
        .route("/beheer/gebruikers/{id}", get(admin::users::detail))
        .route("/beheer/gebruikers/{id}/rol", post(admin::users::set_role))
        .route("/beheer/aanmeldingen", get(admin::registrations))
        .route("/beheer/aanmeldingen/{id}", post(admin::decide))
        .route("/beheer/uitnodigingen", get(admin::invites).post(admin::create_invite))
        .route("/beheer/uitnodigingen/e-mail", post(admin::invite_by_email))
        .route("/beheer/bezwaren", get(moderation::appeals_page))
        .route("/beheer/bezwaren/{id}", post(moderation::answer))
        .route("/beheer/verificatie", post(moderation::verify))
        .route("/moderatie", get(moderation::log_page))
        .route("/moderatie/besluit", get(moderation::decide_page).post(moderation::decide))
        .route("/moderatie/besluiten/{id}", get(moderation::statement))
        .route("/moderatie/besluiten/{id}/bezwaar", post(moderation::appeal))
        .route("/moderatie/besluiten/{id}/terugdraaien", post(moderation::reverse))
        .merge(admin::federation::routes(uploads))
        .route("/melden", get(reports::form_page).post(reports::submit))
        .route("/melden/mijn", get(reports::mine))
        .route("/beheer/meldingen", get(reports::queue::instance_queue))
        .route("/beheer/meldingen/{id}", get(reports::queue::instance_detail).post(reports::queue::instance_act))
        .merge(module_pages)
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT.min(server.max_body_bytes)))
        .layer(middleware::from_fn_with_state(state.clone(), super::context::page_middleware))
        // Outside the page middleware, which reads it for error pages.
        .layer(Extension(Arc::new(layout)));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/{file}", get(super::assets::serve))
        .route("/eigen/{file}", get(super::assets::serve_own))
        .route("/media/proxy", get(super::media::proxy))
        .route("/media/{key}", get(super::media::serve))
        .merge(pages)
}
