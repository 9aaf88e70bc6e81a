//! Entry points for tests/integration/mongo_wire.rs, which runs the collector's command
//! paths through the real driver against a wire-protocol mock. They exist until every
//! path is reached through the tiers; nothing in the product calls them.

use super::{MongoCollector, ServerFacts};
use crate::collectors::CollectError;
use mongodb::bson::Document;

impl MongoCollector {
    /// `command` as a tier sends it: the reply, or `None` and the problem line.
    #[doc(hidden)]
    pub async fn wire_command(
        &mut self,
        what: &str,
        db: &str,
        command: Document,
    ) -> Result<(Option<Document>, Vec<String>), CollectError> {
        let mut problems = Vec::new();
        let reply = self.command(what, db, command, &mut problems).await?;
        Ok((reply, problems))
    }

    /// `documents` as a tier reads a cursor: at most `limit` documents, or the problem line.
    #[doc(hidden)]
    pub async fn wire_documents(
        &mut self,
        what: &str,
        db: &str,
        command: Document,
        limit: usize,
    ) -> Result<(Option<Vec<Document>>, Vec<String>), CollectError> {
        let mut problems = Vec::new();
        let documents = self.documents(what, db, command, limit, &mut problems).await?;
        Ok((documents, problems))
    }

    /// The handshake facts of the current connection.
    #[doc(hidden)]
    pub fn wire_facts(&self) -> ServerFacts {
        self.facts()
    }
}
