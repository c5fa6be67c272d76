//! What TLS to the upstreams trusts: the webpki roots (Mozilla's), and the certificate
//! authorities a deployment adds in `upstream-ca-file` (a TLS-intercepting egress proxy's, a
//! platform's private one).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

use crate::error::ConfigError;

/// The certificates of the PEM file at `path`: at least one, each readable; the error names the
/// file and what is wrong with it.
pub(crate) fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let what = || format!("the upstream CA file {}", path.display());
    let pem = std::fs::read(path).map_err(|e| ConfigError(format!("cannot read {}: {e}", what())))?;
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError(format!("{}: {e}", what())))?;
    if certificates.is_empty() {
        return Err(ConfigError(format!("{} holds no PEM certificate", what())));
    }
    Ok(certificates)
}

/// The webpki roots and `extra`; an `extra` certificate that is not a usable authority is an
/// error giving its place in the file (1 for the first).
pub(crate) fn roots(extra: &[CertificateDer<'static>]) -> Result<RootCertStore, ConfigError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for (place, certificate) in extra.iter().enumerate() {
        roots
            .add(certificate.clone())
            .map_err(|e| ConfigError(format!("upstream CA certificate {}: {e}", place + 1)))?;
    }
    Ok(roots)
}

/// TLS client settings trusting `roots`, with ring and the safe default protocol versions.
pub(crate) fn client_config(roots: RootCertStore) -> Result<ClientConfig, ConfigError> {
    Ok(ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &tempfile::TempDir, name: &str, contents: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).expect("written");
        path
    }

    #[test]
    fn a_ca_file_gives_its_certificates_and_a_bad_one_a_clear_error() {
        let dir = tempfile::tempdir().expect("a folder");
        let ca = rcgen::generate_simple_self_signed(vec!["ca.example".to_owned()]).expect("a certificate");
        let two = format!("{}\n{}", ca.cert.pem(), ca.cert.pem());
        let read = read_ca_file(&file(&dir, "two.pem", two.as_bytes())).expect("two certificates");
        assert_eq!(read, [ca.cert.der().clone(), ca.cert.der().clone()]);
        assert_eq!(roots(&read).expect("usable").len(), webpki_roots::TLS_SERVER_ROOTS.len() + 2);

        let missing = read_ca_file(Path::new("/nonexistent/ca.pem")).expect_err("missing");
        assert!(missing.0.starts_with("cannot read the upstream CA file /nonexistent/ca.pem"), "{missing}");
        let empty = read_ca_file(&file(&dir, "empty.pem", b"no certificate here\n")).expect_err("empty");
        assert!(empty.0.ends_with("holds no PEM certificate"), "{empty}");
        let cut = ca.cert.pem().replace("-----END CERTIFICATE-----", "");
        let broken = read_ca_file(&file(&dir, "cut.pem", cut.as_bytes())).expect_err("no end marker");
        assert!(broken.0.contains("cut.pem"), "{broken}");
        let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let not_a_certificate = read_ca_file(&file(&dir, "junk.pem", junk.as_bytes())).expect("read as PEM");
        let refused = roots(&not_a_certificate).expect_err("not a usable authority");
        assert!(refused.0.starts_with("upstream CA certificate 1: "), "{refused}");
    }
}
