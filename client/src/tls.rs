//! The TLS crypto provider chosen by the crate's features (see the README's "TLS" section).

/// With the default `rustls` feature, reqwest is built without a crypto provider; this installs
/// rustls' `ring` provider as the process default unless one is installed already.
/// [`crate::ClientBuilder::build`] calls it; call it yourself before building your own
/// `reqwest::Client` for [`crate::ClientBuilder::http_client`]. A no-op with other TLS features.
pub fn install_crypto_provider() {
    #[cfg(feature = "rustls")]
    {
        // An `Err` only means a provider is installed already: keep the application's.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
