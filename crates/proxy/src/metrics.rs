//! Prometheus metrics: requests by route and status, upstream latency by route, open
//! connections, and slow or abusive clients cut off (by reason).

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

/// Why a client was cut off or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// It did not send a whole request head within the header read timeout.
    HeaderTimeout,
    /// Its connection sat idle longer than the idle timeout.
    IdleTimeout,
    /// It did not send a request body within the body read timeout.
    BodyTimeout,
    /// Its address already had the most connections allowed.
    PerClientCap,
    /// The proxy already had the most connections allowed.
    TotalCap,
}

impl Cut {
    const ALL: [Cut; 5] =
        [Cut::HeaderTimeout, Cut::IdleTimeout, Cut::BodyTimeout, Cut::PerClientCap, Cut::TotalCap];

    /// Its label in `/metrics`.
    pub fn label(self) -> &'static str {
        match self {
            Cut::HeaderTimeout => "header_timeout",
            Cut::IdleTimeout => "idle_timeout",
            Cut::BodyTimeout => "body_timeout",
            Cut::PerClientCap => "per_client_cap",
            Cut::TotalCap => "total_cap",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// At most one log line a second per kind of cut, saying how many happened since the last.
#[derive(Default)]
struct Throttle {
    last_second: AtomicU64,
    since_logged: AtomicU64,
}

/// The proxy's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabel, Histogram>,
    cuts: Family<ReasonLabel, Counter>,
    open: Gauge,
    throttles: [Throttle; 5],
    started: std::time::Instant,
    /// Tells these metrics apart from others in the same process, for the per-thread handles.
    id: u64,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
        });
        registry.register(
            "kefu_proxy_requests",
            "Requests answered, by route and HTTP status",
            requests.clone(),
        );
        registry.register(
            "kefu_proxy_upstream_latency_seconds",
            "Time from sending a request upstream to its answer, by route",
            latency.clone(),
        );
        let cuts = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "kefu_proxy_clients_cut",
            "Connections closed or refused to slow or abusive clients, by reason",
            cuts.clone(),
        );
        let open = Gauge::default();
        registry.register("kefu_proxy_connections_open", "Client connections open now", open.clone());
        for cut in Cut::ALL {
            // Every reason shows from the start, at 0.
            drop(cuts.get_or_create(&ReasonLabel { reason: cut.label() }));
        }
        Metrics {
            registry,
            requests,
            latency,
            cuts,
            open,
            throttles: Default::default(),
            started: std::time::Instant::now(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// Most series each thread keeps at hand per kind (requests, latency); others are looked up.
const HANDLES: usize = 64;

thread_local! {
    /// Series this thread used lately, by [`Metrics::id`] and labels: a family's own lookup takes
    /// a lock and hashes the labels, on every request.
    static REQUEST_HANDLES: std::cell::RefCell<Vec<(u64, RequestLabels, Counter)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static LATENCY_HANDLES: std::cell::RefCell<Vec<(u64, &'static str, Histogram)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The next [`Metrics::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: &'static str, status: u16) {
        let labels = RequestLabels { route, status };
        REQUEST_HANDLES.with(|handles| {
            let mut handles = handles.borrow_mut();
            match handles.iter().find(|(id, l, _)| *id == self.id && *l == labels) {
                Some((_, _, counter)) => {
                    counter.inc();
                }
                None => {
                    let counter = self.requests.get_or_create(&labels).clone();
                    counter.inc();
                    if handles.len() < HANDLES {
                        handles.push((self.id, labels, counter));
                    }
                }
            }
        });
    }

    /// Records one upstream round trip.
    pub fn upstream(&self, route: &'static str, seconds: f64) {
        LATENCY_HANDLES.with(|handles| {
            let mut handles = handles.borrow_mut();
            match handles.iter().find(|(id, r, _)| *id == self.id && *r == route) {
                Some((_, _, histogram)) => histogram.observe(seconds),
                None => {
                    let histogram = self.latency.get_or_create(&RouteLabel { route }).clone();
                    histogram.observe(seconds);
                    if handles.len() < HANDLES {
                        handles.push((self.id, route, histogram));
                    }
                }
            }
        });
    }

    /// Counts a client cut off, and logs it (at most one line a second for each reason).
    pub fn cut(&self, cut: Cut, client: IpAddr) {
        self.cuts.get_or_create(&ReasonLabel { reason: cut.label() }).inc();
        let throttle = &self.throttles[cut.index()];
        throttle.since_logged.fetch_add(1, Ordering::Relaxed);
        let second = self.started.elapsed().as_secs() + 1;
        let last = throttle.last_second.load(Ordering::Relaxed);
        if last != second
            && throttle
                .last_second
                .compare_exchange(last, second, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let count = throttle.since_logged.swap(0, Ordering::Relaxed);
            tracing::warn!(reason = cut.label(), %client, count, "slow or abusive client cut off (count: since the last such line)");
        }
    }

    /// One more client connection open.
    pub(crate) fn connection_opened(&self) {
        self.open.inc();
    }

    /// One client connection fewer.
    pub(crate) fn connection_closed(&self) {
        self.open.dec();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Collects what the log writes.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_flood_of_cuts_is_counted_in_full_and_logged_once_a_second() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber =
            tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let metrics = Metrics::default();
        let client: IpAddr = "198.51.100.1".parse().expect("ip");
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..1000 {
                metrics.cut(Cut::HeaderTimeout, client);
            }
            metrics.cut(Cut::PerClientCap, client);
        });
        let log = String::from_utf8(lines.0.lock().expect("lock").clone()).expect("utf-8");
        assert_eq!(log.lines().count(), 2, "one line per reason in this second: {log}");
        assert!(log.contains("reason=\"header_timeout\"") || log.contains("reason=header_timeout"), "{log}");
        let text = metrics.render();
        assert!(text.contains("kefu_proxy_clients_cut_total{reason=\"header_timeout\"} 1000"), "{text}");
        assert!(text.contains("kefu_proxy_clients_cut_total{reason=\"per_client_cap\"} 1"), "{text}");
        assert!(text.contains("kefu_proxy_clients_cut_total{reason=\"idle_timeout\"} 0"), "{text}");
    }
}
