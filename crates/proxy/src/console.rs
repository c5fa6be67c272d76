//! The operators' console's routes (crate `kefu-operator`) as [`Mount`]s for
//! [`crate::service_with_mounts`]: this module only hands that crate what it needs from the
//! proxy, its settings from the [`Config`], the upstream client ([`kefu_operator::Fetch`]) and
//! the operator-token check ([`Access::Operator`] mounts).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Request;
use http_body_util::Full;
use kefu_operator::fetch::{Failure, Opening};

use crate::client::{self, UpstreamClient};
use crate::config::Config;
use crate::error::ConfigError;
use crate::mount::{Access, Mount};

/// The console's mounts for this configuration; `receiver`, when the proxy has a callbacks
/// store, gives the callback tokens and the stored calls' recordings. Put them before any
/// `/kefu/v1` mount (the first matching prefix answers).
pub fn mounts(
    config: &Config,
    receiver: Option<&kefu_callbacks::Receiver>,
) -> Result<Vec<Mount>, ConfigError> {
    let client = UpstreamClient::new(config.upstream_timeout, &config.upstream_roots)?;
    let routes = kefu_operator::routes(&settings(config), Arc::new(client), receiver)
        .map_err(|e| ConfigError(e.to_string()))?;
    Ok(routes
        .into_iter()
        .map(|route| {
            let access = match route.access {
                kefu_operator::Access::Public => Access::Public,
                kefu_operator::Access::Operator => Access::Operator,
            };
            Mount::new(route.name, route.prefix, access, route.router)
        })
        .collect())
}

/// What kefu-operator needs to know of the proxy's configuration.
pub fn settings(config: &Config) -> kefu_operator::Settings {
    let clock = config.clock.clone();
    kefu_operator::Settings {
        platform_url: config.platform_url.clone(),
        outbound_url: config.outbound_url.clone(),
        callcenter_url: config.callcenter_url.clone(),
        callcenter_recordings_path: config.callcenter_paths.recordings.clone(),
        public_url: config.public_url.clone(),
        recording_base: config.recording_base.clone(),
        recording_hosts: config.recording_hosts.clone(),
        recording_key: config.recording_key.as_ref().map(|key| key.expose().as_bytes().to_vec()),
        recording_link_ttl: config.recording_link_ttl,
        sandbox_url: config.sandbox_url.clone(),
        now: Arc::new(move || clock.now_secs()),
    }
}

impl kefu_operator::Fetch for UpstreamClient {
    fn open(&self, request: Request<Full<Bytes>>) -> Opening {
        let client = self.clone();
        Box::pin(async move {
            match client.open(request).await {
                Ok(answer) => Ok(answer.map(Body::new)),
                Err(client::Failure::Timeout) => Err(Failure::Timeout),
                Err(client::Failure::TooLarge) => Err(Failure::TooLarge),
                Err(client::Failure::Unreachable(why)) => Err(Failure::Unreachable(why)),
            }
        })
    }

    fn timeout(&self) -> Duration {
        UpstreamClient::timeout(self)
    }
}
