//! Presentational pieces shared by the pages.

pub mod error_panel;
pub mod nav;
pub mod session_panel;
pub mod sign_in_button;
pub mod spinner;

pub use error_panel::ErrorPanel;
pub use nav::Nav;
pub use session_panel::SessionPanel;
pub use sign_in_button::SignInButton;
pub use spinner::Spinner;
