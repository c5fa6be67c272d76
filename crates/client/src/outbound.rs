//! Seed 000: place calls, read transcripts, check a call's status.

use kefu_protocol::outbound::{
    CALL_V2_PATH, CONVERSATION_LOG_PATH, CallRequest, ConversationLog, ConversationLogQuery, JobStatus,
    PlacedCall, STATUS_PATH, StatusQuery,
};
use kefu_protocol::{OutboundAnswer, Rows};

use crate::ClientError;
use crate::client::{KefuClient, with_query};
use crate::transport::Body;

/// The outbound-call service (operator token needed).
#[derive(Debug)]
pub struct Outbound<'a> {
    pub(crate) client: &'a KefuClient,
}

impl KefuClient {
    /// Seed 000: the outbound-call service.
    pub fn outbound(&self) -> Outbound<'_> {
        Outbound { client: self }
    }
}

impl Outbound<'_> {
    /// `POST call-v2`: one item per party, each with its own `errorCode` (an item that does not
    /// decode is skipped and reported in [`Rows::skipped`]). Never retried.
    pub async fn call(&self, request: &CallRequest) -> Result<Rows<PlacedCall>, ClientError> {
        self.client.post::<OutboundAnswer<Rows<PlacedCall>>>(CALL_V2_PATH, request, false).await
    }

    /// `GET conversation-log`: transcripts of finished calls, turns decoded (a transcript or turn
    /// that does not decode is skipped and reported in its list's [`Rows::skipped`]).
    pub async fn conversation_log(
        &self,
        query: &ConversationLogQuery,
    ) -> Result<Rows<ConversationLog>, ClientError> {
        let path = with_query(CONVERSATION_LOG_PATH, &query.pairs());
        self.client.call::<OutboundAnswer<Rows<ConversationLog>>>("GET", &path, Body::Empty, true).await
    }

    /// `GET status`: one call's state.
    pub async fn status(&self, query: &StatusQuery) -> Result<JobStatus, ClientError> {
        let path = with_query(STATUS_PATH, &query.pairs());
        self.client.call::<OutboundAnswer<JobStatus>>("GET", &path, Body::Empty, true).await
    }
}
