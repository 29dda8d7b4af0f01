//! What modules add to the pages: navigation entries and home-page sections. The module
//! registry (`crate::modules`) fills a [`Layout`]; pages only read it, so web needs no module.

use futures_util::future::BoxFuture;

use super::context::Ctx;
use super::error::{WebError, WebResult};

/// A link in the site navigation, after "home".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavEntry {
    pub href: &'static str,
    /// The message key of the link text.
    pub label: &'static str,
}

/// Where on the home page a section goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Above everything else, full width: the resident's own neighbourhood.
    First,
    /// Beside the posts, above "about".
    Aside,
    /// Below the posts, full width.
    Below,
}

/// A module's part of the home page, rendered.
#[derive(Debug, Clone)]
pub struct HomeSection {
    pub placement: Placement,
    /// A whole `<section>` with its own heading.
    pub html: String,
}

impl HomeSection {
    /// Renders a section's template.
    pub fn render(placement: Placement, template: &impl askama::Template) -> WebResult<HomeSection> {
        let html = template.render().map_err(|e| WebError::Internal(format!("home section: {e}")))?;
        Ok(HomeSection { placement, html })
    }
}

/// Makes a module's home-page section for this visitor, or nothing when it has nothing to show.
pub type HomeSectionFn = for<'a> fn(&'a Ctx) -> BoxFuture<'a, WebResult<Option<HomeSection>>>;

/// The navigation and home-page sections of the modules that are on, in registry order.
#[derive(Clone, Default)]
pub struct Layout {
    pub nav: Vec<NavEntry>,
    pub home: Vec<HomeSectionFn>,
}
