import pytest

from index.articles import load_articles
from index.chunking import ChunkSettings, chunk_article, split_sentences
from index.records import Article


def sents(text):
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    ("The U.S. government knew. It agreed.", ["The U.S. government knew.", "It agreed."]),
    ("U.S. Drug Enforcement Agency agents met. Then they left.",
     ["U.S. Drug Enforcement Agency agents met.", "Then they left."]),
    ("It was cited in the Jan. 6 news report. Later it was denied.",
     ["It was cited in the Jan. 6 news report.", "Later it was denied."]),
    ("Dr. Ruiz spoke. Prof. Kim agreed.", ["Dr. Ruiz spoke.", "Prof. Kim agreed."]),
    ("Ash rose 4.5 kilometers. It fell at 3.15 p.m. on Monday.",
     ["Ash rose 4.5 kilometers.", "It fell at 3.15 p.m. on Monday."]),
    ('He said, "We moved everyone." Then he left.', ['He said, "We moved everyone."', "Then he left."]),
    ("“Stop,” she said. “Now!” The crowd froze.", ["“Stop,” she said.", "“Now!”", "The crowd froze."]),
    ('"Really?" she asked. Yes.', ['"Really?" she asked.', "Yes."]),
    ("J. R. Smith won. Mr. Lee lost.", ["J. R. Smith won.", "Mr. Lee lost."]),
    ("First paragraph ends\n\nSecond one.", ["First paragraph ends", "Second one."]),
    ("", []),
    ("One sentence without a period", ["One sentence without a period"]),
])
def test_sentence_split(text, expected):
    assert sents(text) == expected


def _check_offsets(article, settings=ChunkSettings(), count=None):
    kwargs = {"count_tokens": count} if count else {}
    sentences, chunks = chunk_article(article, settings, **kwargs)
    for s in sentences:
        assert article.text[s.start:s.end].strip() == article.text[s.start:s.end] != ""
    for c in chunks:
        assert article.text[c.start:c.end] == c.text
        assert c.start == sentences[c.sent_lo].start and c.end == sentences[c.sent_hi - 1].end
    covered = {i for c in chunks for i in range(c.sent_lo, c.sent_hi)}
    assert covered == set(range(len(sentences)))  # no sentence is lost
    return sentences, chunks


def test_offsets_hold_for_every_passage_of_every_test_article(tiny_corpus):
    from conftest import SHIPPED_CORPUS

    articles = load_articles(tiny_corpus).articles + load_articles(SHIPPED_CORPUS).articles
    assert len(articles) == 6
    for art in articles:
        _check_offsets(art)


def test_offsets_hold_on_squad_articles_with_the_real_tokenizer(real_embedder):
    from conftest import SQUAD_DEV

    if not SQUAD_DEV.is_file():
        pytest.skip(f"{SQUAD_DEV} not present")
    from evaluation.squad import load_squad

    articles, _ = load_squad(SQUAD_DEV)
    settings = ChunkSettings()
    for art in articles:
        _, chunks = _check_offsets(art, settings, real_embedder.count_tokens)
        for c in chunks:  # every passage fits the model's 256-piece window, title included
            assert real_embedder.count_tokens(f"{art.title}. {c.text}") <= 256


def test_passages_respect_size_and_paragraphs():
    para = " ".join(f"Sentence number {i} is here." for i in range(60))
    art = Article("a", "T", para + "\n\nShort para.\n\nAnother short one.")
    _, chunks = _check_offsets(art, ChunkSettings(max_words=50, overlap=1))
    assert all(len(c.text.split()) <= 50 for c in chunks)
    assert chunks[1].sent_lo == chunks[0].sent_hi - 1  # one sentence of overlap inside a paragraph


def test_huge_sentence_is_cut_at_word_boundaries():
    art = Article("a", "T", " ".join(["word"] * 3000) + ".")
    _, chunks = _check_offsets(art)
    assert len(chunks) > 10


def test_empty_article_has_no_chunks():
    assert chunk_article(Article("a", "T", "")) == ([], [])


NEWS_PAGE = ("DENVER (Coastal Wire) — Storm Alma dumped 9 inches of rain on Denver overnight. Crews worked all night."
             "\n\nA car drives through a flooded street in Denver. (Leah Quinn/Getty Images)"
             "\n\nForecasters said the storm would weaken.\n\nRelated: League table; Storm Boris floods Miami"
             "\n\nHow relevant is this ad to you?\n\nCopyright law was not at issue, officials said.")


def test_datelines_captions_and_furniture_stay_out_of_sentences_and_passages():
    art = Article("storm", "Storm Alma floods Denver", NEWS_PAGE)
    sentences, chunks = _check_offsets(art, ChunkSettings(min_words=1))
    said = [NEWS_PAGE[s.start:s.end] for s in sentences]
    assert said == ["Storm Alma dumped 9 inches of rain on Denver overnight.", "Crews worked all night.",
                    "Forecasters said the storm would weaken.", "Copyright law was not at issue, officials said."]
    for c in chunks:  # no passage spans the caption or the furniture between story paragraphs
        assert "Getty" not in c.text and "Related" not in c.text and "Coastal Wire" not in c.text
    assert NEWS_PAGE.startswith("DENVER (Coastal Wire)")  # the text itself keeps them, for the article view
    # without the rule, every paragraph is read as before
    plain, _ = chunk_article(art, ChunkSettings(min_words=1, furniture=False))
    assert NEWS_PAGE[plain[0].start:plain[0].end].startswith("DENVER (Coastal Wire) —") and len(plain) == 8


@pytest.mark.parametrize("lede, kept", [
    ("PORTLAND, Maine (Harbor Ledger) — A ferry sank.", "A ferry sank."),
    ("London CNN — The queen spoke.", "The queen spoke."),
    ("LONDON - Rain fell.", "Rain fell."),
    ("NASA — the agency — said it would try again.", "NASA — the agency — said it would try again."),
    ("The U.S. - Mexico border stayed open.", "The U.S. - Mexico border stayed open."),
])
def test_a_dateline_is_recognised_only_at_the_start_of_the_lede(lede, kept):
    art = Article("a", "T", lede + "\n\nSECOND (AP) — Not a lede.")
    sentences, _ = chunk_article(art)
    assert art.text[sentences[0].start:sentences[0].end] == kept
    assert art.text[sentences[-1].start:sentences[-1].end] == "SECOND (AP) — Not a lede."
