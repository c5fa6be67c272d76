//! Campaign results and the §9 contacts directory, as `kefu-proxy` serves them when it has a
//! callbacks store (`/kefu/v1/…`; operator token needed), and what the operators' console needs
//! besides: short-lived recording links, the deployment's callback addresses, and a simulated
//! inbound call in a sandbox deployment.

use kefu_protocol::PlatformAnswer;
use kefu_protocol::results::{
    CallDetail, CallPage, CallQuery, ContactEdit, ContactEntry, ContactImport, ContactPage, DEPLOYMENT_PATH,
    Deployment, RECORDING_LINKS_PATH, RESULTS_BASE, RecordingLink, RecordingLinkRequest,
    SIMULATED_INBOUND_PATH, SimulatedInbound, SimulatedInboundRequest, TaskList,
};

use crate::ClientError;
use crate::client::{KefuClient, with_query};
use crate::transport::Body;

/// The format of a contacts file sent to [`Results::import_contacts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactsFormat {
    /// Comma-separated values, UTF-8.
    Csv,
    /// An Excel workbook (its first sheet).
    Xlsx,
}

/// The operators' result routes (operator token needed).
#[derive(Debug)]
pub struct Results<'a> {
    pub(crate) client: &'a KefuClient,
}

impl KefuClient {
    /// Campaign results and contacts, from kefu-proxy's callbacks store (`/kefu/v1/…`).
    pub fn results(&self) -> Results<'_> {
        Results { client: self }
    }
}

/// A path segment, percent-encoded.
fn segment(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

impl Results<'_> {
    /// `GET /kefu/v1/tasks`: every task seen in a push, with counts by state and grade.
    pub async fn tasks(&self) -> Result<TaskList, ClientError> {
        self.client.call::<TaskList>("GET", &format!("{RESULTS_BASE}/tasks"), Body::Empty, true).await
    }

    /// `GET /kefu/v1/tasks/{task_id}/calls`: one page of a task's calls matching `filter`.
    pub async fn calls(&self, task_id: &str, filter: &CallQuery) -> Result<CallPage, ClientError> {
        let pairs = filter.pairs(true);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let path = with_query(&format!("{RESULTS_BASE}/tasks/{}/calls", segment(task_id)), &pairs);
        self.client.call::<CallPage>("GET", &path, Body::Empty, true).await
    }

    /// `GET /kefu/v1/calls/{call_id}`: one call with its dialog turns.
    pub async fn call(&self, call_id: &str) -> Result<CallDetail, ClientError> {
        let path = format!("{RESULTS_BASE}/calls/{}", segment(call_id));
        self.client.call::<CallDetail>("GET", &path, Body::Empty, true).await
    }

    /// The URL of a task's calls as CSV (`calls.csv`, `filter` without paging). Fetching it
    /// needs the operator token.
    pub fn calls_csv_url(&self, task_id: &str, filter: &CallQuery) -> String {
        let pairs = filter.pairs(false);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.client
            .http
            .url(&with_query(&format!("{RESULTS_BASE}/tasks/{}/calls.csv", segment(task_id)), &pairs))
    }

    /// `GET /kefu/v1/contacts`: contacts whose phone starts with `q` or whose name contains it.
    pub async fn contacts(&self, q: &str, offset: u32, limit: u32) -> Result<ContactPage, ClientError> {
        let (offset, limit) = (offset.to_string(), limit.to_string());
        let path = with_query(
            &format!("{RESULTS_BASE}/contacts"),
            &[("q", q), ("offset", &offset), ("limit", &limit)],
        );
        self.client.call::<ContactPage>("GET", &path, Body::Empty, true).await
    }

    /// `POST /kefu/v1/contacts`: imports a CSV or XLSX file; answers the count and the rejected
    /// rows by line. Importing twice is harmless (by phone), so it may be retried.
    pub async fn import_contacts(
        &self,
        bytes: Vec<u8>,
        format: ContactsFormat,
    ) -> Result<ContactImport, ClientError> {
        let (query, content_type) = match format {
            ContactsFormat::Csv => ("csv", "text/csv"),
            ContactsFormat::Xlsx => {
                ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            }
        };
        let path = with_query(&format!("{RESULTS_BASE}/contacts"), &[("format", query)]);
        self.client.call::<ContactImport>("POST", &path, Body::Raw { content_type, bytes }, true).await
    }

    /// `PUT /kefu/v1/contacts/{phone}`: sets one contact (added when missing).
    pub async fn edit_contact(&self, phone: &str, edit: &ContactEdit) -> Result<ContactEntry, ClientError> {
        let json = crate::client::snake_case_body(edit)?;
        let path = format!("{RESULTS_BASE}/contacts/{}", segment(phone));
        self.client.call::<ContactEntry>("PUT", &path, Body::Json(json), true).await
    }

    /// `POST /kefu/v1/recording-links`: a short-lived link to one recording (a stored call's, or
    /// a recording URL the platform gave: [`RecordingLinkRequest::call`],
    /// [`RecordingLinkRequest::url`]) that an `<audio src>` plays, with seeking, without the
    /// operator token. The answer's `url` is made absolute (joined to the client's endpoint);
    /// ask for a new link once `expires_in` seconds have passed. A URL outside this deployment's
    /// upstream and recording hosts is refused (400), an unknown call or one without a
    /// recording is 404. Safe to retry.
    pub async fn recording_link(&self, request: &RecordingLinkRequest) -> Result<RecordingLink, ClientError> {
        let mut link = self.client.post::<RecordingLink>(RECORDING_LINKS_PATH, request, true).await?;
        if link.url.starts_with('/') {
            link.url = self.client.http.url(&link.url);
        }
        Ok(link)
    }

    /// `GET /kefu/v1/deployment`: this deployment's public URL, callback addresses (a task's
    /// `team_url`; they carry the callback token) and which route families are on.
    pub async fn deployment(&self) -> Result<Deployment, ClientError> {
        self.client.call::<Deployment>("GET", DEPLOYMENT_PATH, Body::Empty, true).await
    }

    /// `POST /kefu/v1/sandbox/inbound`: simulates an inbound call from `caller` (kefu-sandbox
    /// asks the §9 lookup, as the platform would) and answers what the bot then does. Only in a
    /// sandbox deployment (`Deployment::sandbox`); elsewhere the route is a 404. Not retried.
    pub async fn simulate_inbound(&self, caller: &str) -> Result<SimulatedInbound, ClientError> {
        let request = SimulatedInboundRequest { caller: caller.to_owned() };
        self.client.post::<PlatformAnswer<SimulatedInbound>>(SIMULATED_INBOUND_PATH, &request, false).await
    }
}
