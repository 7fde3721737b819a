//! One page per file.

pub mod diagnostics;
pub mod explorer;
pub mod home;
pub mod lazy;
pub mod not_found;
pub mod signin_callback;

pub use diagnostics::Diagnostics;
pub use explorer::Explorer;
pub use home::Home;
pub use not_found::NotFound;
pub use signin_callback::SigninCallback;
