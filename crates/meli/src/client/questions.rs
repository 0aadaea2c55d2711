//! Pre-sale questions: the seller's received questions, answering, the questions blacklist, the
//! response-time metric.

use serde_json::json;

use super::transport::{Body, Call, Replay};
use super::Client;
use crate::models::{
    Question, QuestionId, QuestionSearch, QuestionStatus, QuestionsBlacklist, ResponseTime, UserId,
};
use crate::MeliError;

/// "The offset maximum number is 1000" (Global Selling's questions page).
pub const MAX_QUESTIONS_OFFSET: u32 = 1000;
/// The documented answer length.
pub const MAX_ANSWER_CHARS: usize = 2000;

/// `sort_types` of a questions search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

/// A seller's received questions: `GET /questions/search?seller_id=…&api_version=4`.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionQuery {
    pub seller: UserId,
    /// One status, or every status when `None`.
    pub status: Option<QuestionStatus>,
    /// Only the questions on this listing.
    pub item: Option<String>,
    /// Only the questions asked by this user.
    pub from: Option<UserId>,
    /// Sorted by `date_created` in this direction.
    pub sort: SortDirection,
    pub offset: u32,
    pub limit: u32,
}

impl QuestionQuery {
    pub fn seller(seller: UserId) -> Self {
        QuestionQuery {
            seller,
            status: None,
            item: None,
            from: None,
            sort: SortDirection::Desc,
            offset: 0,
            limit: 50,
        }
    }

    pub fn status(mut self, status: QuestionStatus) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("seller_id", self.seller.to_string()),
            ("api_version", "4".to_owned()),
        ];
        if let Some(status) = &self.status {
            q.push(("status", status.as_str().to_owned()));
        }
        if let Some(item) = &self.item {
            q.push(("item", item.clone()));
        }
        if let Some(from) = self.from {
            q.push(("from", from.to_string()));
        }
        q.push(("sort_fields", "date_created".to_owned()));
        q.push((
            "sort_types",
            match self.sort {
                SortDirection::Asc => "ASC",
                SortDirection::Desc => "DESC",
            }
            .to_owned(),
        ));
        q.push(("offset", self.offset.to_string()));
        q.push(("limit", self.limit.to_string()));
        q
    }
}

/// The body of `POST /answers`.
pub fn answer_body(question_id: QuestionId, text: &str) -> serde_json::Value {
    json!({"question_id": question_id, "text": text})
}

impl Client {
    /// `GET /questions/search` for one page. An offset over 1,000 is refused here, as Mercado
    /// Libre would: narrow the search by status or listing instead.
    pub async fn search_questions(
        &self,
        query: &QuestionQuery,
    ) -> Result<QuestionSearch, MeliError> {
        if query.offset > MAX_QUESTIONS_OFFSET {
            return Err(MeliError::BadRequest {
                message: format!(
                    "the questions search goes up to offset {MAX_QUESTIONS_OFFSET}, not {}",
                    query.offset
                ),
            });
        }
        let mut call = Call::get("/questions/search".into());
        call.query = query.to_query();
        self.call_json(call).await
    }

    /// `GET /my/received_questions/search`: the token's user's questions, same shape.
    pub async fn received_questions(
        &self,
        status: Option<&QuestionStatus>,
        offset: u32,
        limit: u32,
    ) -> Result<QuestionSearch, MeliError> {
        let mut call = Call::get("/my/received_questions/search".into())
            .query("api_version", "4")
            .query("offset", offset)
            .query("limit", limit);
        if let Some(status) = status {
            call = call.query("status", status.as_str());
        }
        self.call_json(call).await
    }

    /// `GET /questions/{id}?api_version=4`.
    pub async fn question(&self, id: QuestionId) -> Result<Question, MeliError> {
        let call = Call::get(format!("/questions/{id}")).query("api_version", "4");
        self.call_json(call).await
    }

    /// `POST /answers`. Never retried: an answer is public and cannot be edited, so a lost
    /// response gives [`MeliError::SendOutcomeUnknown`] and the caller reads the question again
    /// before trying twice. Returns the answered question.
    pub async fn answer_question(
        &self,
        question_id: QuestionId,
        text: &str,
    ) -> Result<Question, MeliError> {
        let call = Call::post(
            "/answers".into(),
            Body::Json(answer_body(question_id, text)),
            Replay::Never,
        );
        let body = self.call(call).await?;
        serde_json::from_slice(&body).map_err(|e| MeliError::decode(e, &body))
    }

    /// `GET /users/{seller}/questions_blacklist`: the users blocked from asking.
    pub async fn questions_blacklist(
        &self,
        seller: UserId,
        offset: u32,
        limit: u32,
    ) -> Result<QuestionsBlacklist, MeliError> {
        let call = Call::get(format!("/users/{seller}/questions_blacklist"))
            .query("offset", offset)
            .query("limit", limit);
        self.call_json(call).await
    }

    /// `POST /users/{seller}/questions_blacklist` `{user_id}`. Blocking twice is harmless, so
    /// it is retried like a read.
    pub async fn block_asker(&self, seller: UserId, user: UserId) -> Result<(), MeliError> {
        let call = Call::post(
            format!("/users/{seller}/questions_blacklist"),
            Body::Json(json!({"user_id": user})),
            Replay::Retry,
        );
        self.call(call).await.map(drop)
    }

    /// `DELETE /users/{seller}/questions_blacklist/{user}`.
    pub async fn unblock_asker(&self, seller: UserId, user: UserId) -> Result<(), MeliError> {
        let mut call = Call::get(format!("/users/{seller}/questions_blacklist/{user}"));
        call.method = reqwest::Method::DELETE;
        self.call(call).await.map(drop)
    }

    /// `GET /users/{id}/questions/response_time`. A seller without questions in the last 14
    /// days gets 404 from Mercado Libre: that is `Ok(None)`, not an error.
    pub async fn response_time(&self, user: UserId) -> Result<Option<ResponseTime>, MeliError> {
        match self
            .call_json(Call::get(format!("/users/{user}/questions/response_time")))
            .await
        {
            Ok(rt) => Ok(Some(rt)),
            Err(MeliError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_seller_version_status_sort_and_page() {
        let mut q = QuestionQuery::seller(419059118).status(QuestionStatus::Unanswered);
        q.offset = 50;
        q.sort = SortDirection::Asc;
        q.item = Some("MLB1623490410".into());
        let pairs = q.to_query();
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("seller_id"), Some("419059118"));
        assert_eq!(get("api_version"), Some("4"));
        assert_eq!(get("status"), Some("UNANSWERED"));
        assert_eq!(get("item"), Some("MLB1623490410"));
        assert_eq!(get("sort_fields"), Some("date_created"));
        assert_eq!(get("sort_types"), Some("ASC"));
        assert_eq!(get("offset"), Some("50"));
        assert_eq!(get("limit"), Some("50"));
        assert_eq!(get("from"), None);
    }

    #[test]
    fn answer_body_is_the_published_request() {
        let published: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!(
                "{}/../../../shared/meli-fixtures/questions/answer_post_request.json",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("fixture"),
        )
        .expect("json");
        assert_eq!(answer_body(3957150025, "Test answer..."), published);
    }
}
