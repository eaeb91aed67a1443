//! Search snippets built from an article's stored text: the first stretch of words
//! holding all of the reader's words (or else the most of them), each match marked.
//! Built here rather than by the database (FTS5's `snippet`, PostgreSQL's
//! `ts_headline`), which tokenised every column of every hit again and took most of a
//! search's time.

use super::common::{MATCH_END, MATCH_START};
use rust_stemmers::{Algorithm, Stemmer};
use std::cell::RefCell;
use std::collections::HashMap;

/// How many words a snippet shows.
const WORDS: usize = 24;
/// How many words of lead-in a snippet keeps before its first match.
const LEAD_IN: usize = 4;

/// The most search words a snippet tells apart: a set of them fits a `u16` bit mask (a
/// search has at most 12 words, see `search_terms`).
const MAX_TERMS: usize = 16;

/// A reader's search words, stemmed as the indexes stem them (English), so "harbours"
/// marks "harbour" and the other way round; at most [`MAX_TERMS`] of them.
pub struct Terms {
    stemmer: Stemmer,
    stems: Vec<String>,
    /// How many different stems there are: a stretch holding that many holds them all.
    distinct: usize,
    /// What each word of the texts already looked at matched, as written: the same few
    /// words ("with", "was", "which") come back in every field of every hit.
    seen: RefCell<HashMap<Box<str>, Option<usize>>>,
}

impl Terms {
    pub fn new(terms: &[String]) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let stems = terms
            .iter()
            .take(MAX_TERMS)
            .map(|t| stemmer.stem(&t.to_lowercase()).into_owned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>();
        let mut unique = stems.clone();
        unique.sort_unstable();
        unique.dedup();
        Terms {
            stemmer,
            distinct: unique.len(),
            stems,
            seen: RefCell::new(HashMap::new()),
        }
    }

    /// Which search word `word` matches, if any. Only a word starting like a stem is
    /// stemmed: most words of a text are told apart by their first letter.
    fn matches(&self, word: &str) -> Option<usize> {
        let first = match word.as_bytes().first()? {
            b if b.is_ascii() => char::from(b.to_ascii_lowercase()),
            _ => word.chars().next()?.to_lowercase().next()?,
        };
        if !self.stems.iter().any(|s| s.starts_with(first)) {
            return None;
        }
        if let Some(&known) = self.seen.borrow().get(word) {
            return known;
        }
        let stem = self.stemmer.stem(&word.to_lowercase()).into_owned();
        let found = self.stems.iter().position(|s| *s == stem);
        self.seen.borrow_mut().insert(word.into(), found);
        found
    }
}

/// The best stretch of one field: its words' byte ranges (as far as they were read), the
/// first and last word shown, how many distinct search words and matches it holds, and
/// whether words follow the last one shown.
struct Stretch<'a> {
    text: &'a str,
    words: Vec<(usize, usize, Option<usize>)>,
    start: usize,
    end: usize,
    score: (usize, usize),
    more: bool,
}

/// How many words from a snippet's first match to its end.
const WINDOW: usize = WORDS - LEAD_IN;

/// The distinct search words and the matches among `words`.
fn score(words: &[(usize, usize, Option<usize>)]) -> (usize, usize) {
    let (distinct, hits) = words
        .iter()
        .filter_map(|w| w.2)
        .fold((0u16, 0), |(set, hits), t| (set | 1 << t, hits + 1));
    (distinct.count_ones() as usize, hits)
}

/// The field's first stretch holding every search word, read only as far as that
/// stretch's end (a body's common words mostly meet in its opening lines); without one,
/// the stretch holding the most distinct words, then the most matches.
fn best_stretch<'a>(terms: &Terms, text: &'a str) -> Stretch<'a> {
    let mut words = Vec::with_capacity(text.len().min(4096) / 6);
    // The first stretch found holding every word: its opening word and score.
    let mut complete = None;
    let mut begin = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        // ASCII, most of any text, without decoding; the end counts as a space.
        let (alphanumeric, width) = match bytes.get(i) {
            None => (false, 1),
            Some(b) if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
            Some(_) => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        };
        match (alphanumeric, begin) {
            (true, None) => begin = Some(i),
            (false, Some(b)) => {
                words.push((b, i, terms.matches(&text[b..i])));
                begin = None;
                // The window opening WINDOW words back is now read in full.
                if let (None, Some(anchor)) = (complete, words.len().checked_sub(WINDOW)) {
                    if words[anchor].2.is_some() {
                        let found = score(&words[anchor..]);
                        if found.0 == terms.distinct {
                            complete = Some((anchor, found));
                        }
                    }
                }
                // Once found, reading ends with the last word the snippet shows.
                if complete.is_some_and(|(anchor, (_, hits))| {
                    words.len() == shown_from(anchor, hits) + WORDS
                }) {
                    break;
                }
            }
            _ => {}
        }
        i += width;
    }
    let (anchor, best) = complete.unwrap_or_else(|| {
        let mut best = (0, (0, 0));
        for (anchor, w) in words.iter().enumerate() {
            if w.2.is_none() {
                continue;
            }
            let found = score(&words[anchor..words.len().min(anchor + WINDOW)]);
            if found > best.1 {
                best = (anchor, found);
            }
        }
        best
    });
    let start = shown_from(anchor, best.1);
    let end = words.len().min(start + WORDS);
    // Reading stopped at the stretch's end when it found one: words may follow unread.
    let more = end < words.len() || text[i.min(text.len())..].chars().any(char::is_alphanumeric);
    Stretch {
        text,
        words,
        start,
        end,
        score: best,
        more,
    }
}

/// The first word shown for the window opening at word `anchor` holding `hits` matches:
/// a few words of lead-in before it, or the field's opening words without a match.
fn shown_from(anchor: usize, hits: usize) -> usize {
    if hits == 0 {
        0
    } else {
        anchor.saturating_sub(LEAD_IN)
    }
}

/// The snippet for the fields of one article, in order of preference when two hold
/// matches equally well: the first stretch holding every search word, or else the words
/// around the most distinct search words, matches wrapped in [`MATCH_START`] /
/// [`MATCH_END`], `…` where the text was cut, white space folded. The first field with a
/// stretch holding every search word is taken without reading the rest (a dek saves
/// reading the body). With no match anywhere, the opening words of the first field with
/// text.
pub fn snippet(terms: &Terms, fields: &[&str]) -> String {
    let mut best: Option<Stretch> = None;
    for field in fields {
        let stretch = best_stretch(terms, field);
        if stretch.words.is_empty() {
            continue;
        }
        let complete = stretch.score.0 == terms.distinct;
        if best.as_ref().is_none_or(|b| stretch.score > b.score) {
            best = Some(stretch);
        }
        if complete {
            break;
        }
    }
    let Some(s) = best else {
        return String::new();
    };
    let mut out = String::new();
    if s.start > 0 {
        out.push('…');
    }
    for (n, &(from, to, matched)) in s.words[s.start..s.end].iter().enumerate() {
        if n > 0 {
            // The text between two words, each run of white space folded to one space.
            let gap = &s.text[s.words[s.start + n - 1].1..from];
            let mut space = false;
            for c in gap.chars() {
                if c.is_whitespace() {
                    space = true;
                    continue;
                }
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
            if space {
                out.push(' ');
            }
        }
        if matched.is_some() {
            out.push(MATCH_START);
            out.push_str(&s.text[from..to]);
            out.push(MATCH_END);
        } else {
            out.push_str(&s.text[from..to]);
        }
    }
    let last = s.words[s.end - 1].1;
    let tail: String = s.text[last..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !c.is_alphanumeric())
        .collect();
    out.push_str(&tail);
    if s.more {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &str) -> String {
        s.replace(MATCH_START, "[").replace(MATCH_END, "]")
    }

    fn terms(words: &[&str]) -> Terms {
        Terms::new(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn marks_stemmed_matches_and_keeps_punctuation() {
        let t = terms(&["harbours"]);
        let s = snippet(&t, &["The harbour, and its Harbours, reopened."]);
        assert_eq!(marked(&s), "The [harbour], and its [Harbours], reopened.");
    }

    #[test]
    fn prefers_the_stretch_with_more_distinct_words() {
        let t = terms(&["bridge", "council"]);
        let long = "bridge ".repeat(40) + "then the council voted on the bridge today";
        let s = marked(&snippet(&t, &["nothing here", &long]));
        assert!(s.contains("[council]") && s.contains("[bridge]"), "{s}");
        assert!(s.starts_with('…'), "{s}");
        assert_eq!(s.matches(' ').count() + 1, WORDS, "{s}");
    }

    #[test]
    fn the_first_field_holding_every_word_is_taken() {
        let t = terms(&["bridge", "council"]);
        let body = "the council and the bridge, the bridge and the council, bridge bridge";
        let s = marked(&snippet(&t, &["The council opens the bridge.", body]));
        assert_eq!(s, "The [council] opens the [bridge].");
        let s = marked(&snippet(&t, &["The council met.", body]));
        assert!(s.starts_with("the [council] and the [bridge]"), "{s}");
    }

    #[test]
    fn the_first_stretch_holding_every_word_is_shown_and_marked_as_cut() {
        let t = terms(&["bridge", "council"]);
        let filler = "and so on ".repeat(30);
        let body = format!(
            "Today the council closed the bridge. {filler} Later the council, the bridge, \
             the council and the bridge again. {filler}"
        );
        let s = marked(&snippet(&t, &[&body]));
        assert!(
            s.starts_with("Today the [council] closed the [bridge]. and so on"),
            "{s}"
        );
        assert!(s.ends_with('…'), "{s}");
        assert_eq!(s.matches(' ').count() + 1, WORDS, "{s}");
        let short = marked(&snippet(&t, &["The council shut the bridge."]));
        assert_eq!(short, "The [council] shut the [bridge].");
    }

    #[test]
    fn without_a_match_shows_the_opening_words() {
        let t = terms(&["zeppelin"]);
        let dek = "one two three four five six seven eight nine ten eleven twelve thirteen \
                   fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one \
                   twenty-two twenty-three twenty-four twenty-five";
        let s = snippet(&t, &["", dek, "other"]);
        assert!(s.starts_with("one two three"), "{s}");
        assert!(s.ends_with('…') && !s.contains(MATCH_START), "{s}");
        assert_eq!(snippet(&t, &["", "  "]), "");
    }

    #[test]
    fn white_space_is_folded_and_any_script_is_cut_safely() {
        let t = terms(&["ñandú"]);
        let s = snippet(&t, &["Der  Ñandú\n\nläuft — schnell"]);
        assert_eq!(marked(&s), "Der [Ñandú] läuft — schnell");
    }
}
