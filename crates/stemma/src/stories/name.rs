//! A story's name and timeline, so that a reader can tell stories apart
//! without reading ids: the headline of its most central article (or, when
//! articles have no headlines, that article's first sentence that tells the
//! story), and the first and last days its articles were published.

use serde::Serialize;

use crate::text::Doc;

/// Words of a first sentence kept in a name.
const NAME_WORDS: usize = 14;

/// When a story's articles appeared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// The first day, `YYYY-MM-DD`.
    pub first: String,
    /// The last day, `YYYY-MM-DD`.
    pub last: String,
    /// How many of the story's articles are dated (a publication time, or
    /// a date on a time stamp line of the text).
    pub dated: usize,
}

/// The member most like the others: the greatest closeness (the summed
/// similarity of its nearest neighbours in the story), the first on a tie.
pub(crate) fn central(members: &[usize], closeness: &[f32]) -> usize {
    let best = members.iter().copied().max_by(|&x, &y| closeness[x].total_cmp(&closeness[y]).then(y.cmp(&x)));
    best.unwrap_or(members[0])
}

/// The name of a story whose most central article is `doc`: its headline,
/// or its first sentence that is not a frame line, cut to [`NAME_WORDS`].
pub(crate) fn name(doc: &Doc) -> String {
    if let Some(title) = doc.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return title.to_string();
    }
    let Some(first) = (0..doc.sentences.len()).find(|&i| !doc.sentences[i].frame) else { return doc.id.clone() };
    let words: Vec<&str> = doc.sentence_text(first).split_whitespace().collect();
    if words.len() <= NAME_WORDS {
        words.join(" ")
    } else {
        format!("{} …", words[..NAME_WORDS].join(" "))
    }
}

/// The day of a document: its publication time, or the date on a time
/// stamp line of its text.
fn day(doc: &Doc) -> Option<i64> {
    doc.published_at.map(|t| t.div_euclid(86_400)).or(doc.dateline.as_ref().map(|(d, _)| *d))
}

/// The first and last days of the members, `None` when none is dated.
pub(crate) fn timeline(members: &[usize], documents: &[Doc]) -> Option<Timeline> {
    let days: Vec<i64> = members.iter().filter_map(|&d| day(&documents[d])).collect();
    let (first, last) = (days.iter().min()?, days.iter().max()?);
    Some(Timeline {
        first: crate::ingest::date_of_days(*first),
        last: crate::ingest::date_of_days(*last),
        dated: days.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: Option<&str>, text: &str, published: Option<&str>) -> Doc {
        let article = crate::ingest::Article {
            title: title.map(str::to_string),
            published: published.map(str::to_string),
            ..crate::ingest::Article::from_text(id, text)
        };
        Doc::from_article(&article, &crate::text::tokens::Terms::default())
    }

    #[test]
    fn a_story_is_named_by_its_headline_or_first_told_sentence() {
        assert_eq!(
            name(&doc("a", Some("Council backs bridge repairs"), "The council voted.", None)),
            "Council backs bridge repairs"
        );
        let long = "http://example.com/news/bridges\n\nThe harbour council approved a new budget for the three old bridges on Monday evening after a long debate.";
        assert_eq!(
            name(&doc("b", None, long, None)),
            "The harbour council approved a new budget for the three old bridges on Monday …"
        );
    }

    #[test]
    fn the_timeline_spans_the_dated_members() {
        let docs = [
            doc("a", None, "One.", Some("2019-01-25T10:00:00Z")),
            doc("b", None, "Two.", None),
            doc("c", None, "Three.", Some("2019-01-02")),
        ];
        let t = timeline(&[0, 1, 2], &docs).expect("dated");
        assert_eq!((t.first.as_str(), t.last.as_str(), t.dated), ("2019-01-02", "2019-01-25", 2));
        assert_eq!(timeline(&[1], &docs), None);
    }
}
