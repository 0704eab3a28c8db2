"""Themes across comments: plain text clustering, fast and without a model to download.

Each comment becomes a TF-IDF vector over its words and adjacent word pairs (accents folded,
plurals stripped, stop words of the main EU languages left out), in a scipy sparse matrix.
Spherical k-means (cosine similarity, k-means++ seeding, a few restarts, a fixed seed) then groups
them into `theme_count(n)` themes, about sqrt(n / 2) and at most 12, each labelled by the terms
that weigh most in its centre. 20,000 comments take a few seconds on one core.

No Django imports: `analysis.themes_compute()` loads the comments and stores the result.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from skillspact.taxonomy.engine.text import fold, stem

MAX_THEMES = 12
KEYWORDS = 8
LABEL_TERMS = 3
# A term in more than this share of the comments says nothing about any one theme.
MAX_DOCUMENT_SHARE = 0.5
# Word pairs ("protected time") name a theme better than single words, so labels prefer them.
PAIR_BONUS = 1.5
MAX_PHRASE_WORDS = 3

# Letters only: "d'accord" gives "d" and "accord", "hospital's" gives "hospital" and "s".
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Words that carry no theme, in English, French, German, Spanish, Italian, Dutch and Portuguese
# (folded: no accents), with the words every comment on a strategy uses.
_STOP_WORDS_TEXT = """
    a about above after again against all also although am an and any are as at be because been
    before being below between both but by can cannot could did do does doing done down during
    each either else etc even ever every few for from further get gets getting give given go
    had has have having he her here hers herself him himself his how however i if in into is it
    its itself just least less like made make makes many may me might more most much must my
    myself need needs no nor not now of off often on once one only or other others otherwise
    our ours ourselves out over own per perhaps please quite rather really same say says see
    seems shall she should since so some still such than that the their theirs them themselves
    then there therefore these they thing things think this those though through thus to too
    under until up upon us used very via was we well were what whatever when where whether
    which while who whom whose why will with within without would yes yet you your yours
    yourself also already always another around away back better enough far first good great
    know lot lots new next non part point put right seem take two way want wants
    section sections strategy draft text paragraph proposal proposed propose agree agreed
    disagree support supports comment comments welcome think believe important clearly
    thank thanks opportunity glad happy discuss share sharing experience remark remarks regards
    don doesn didn isn aren wasn weren won wouldn shouldn couldn haven hasn
    dear kind overall priority same exactly matter matters add adding include including
    au aux avec ce ces cela celle celles celui ceux cet cette chaque comme dans de des du elle
    elles en entre est et etre eux il ils je la le les leur leurs lui ma mais me meme mes moi
    mon ne nos notre nous on ou par pas plus pour qu que quel quelle quelles quels qui sa sans
    se ses si son sont sur ta te tes toi ton tous tout toute toutes tres trop tu un une vos
    votre vous y ete avoir fait faire peut doit doivent aussi encore ainsi donc car afin
    egalement sont sera seront selon lors alors dont bien tres accord merci commentaire
    commentaires qu
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin
    bis bist da damit dann das dass dasselbe dazu dein deine dem den denn der des die dies diese
    diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es etwas
    euer eure fur gegen hab habe haben hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre im
    in indem ins ist jede jedem jeden jeder jedes jene jetzt kann kein keine konnen machen man
    manche mehr mein meine mit muss mussen nach nicht nichts noch nun nur ob oder ohne sehr sein
    seine sich sie sind so solche soll sollen sollte sollten sondern sonst uber um und uns unser
    unsere unter viel vom von vor wahrend war waren warum was weil welche wenn werden wie wieder
    will wir wird wo wollen wurde wurden zu zum zur zwar zwischen sowie bereits gibt werden
    stimme zustimmen brauchen kommentar
    al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e
    el ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto estos fue
    fueron ha han hay la las le les lo los mas me mi mucho muy nada ni no nos nosotros o otra
    otras otro otros para pero poco por porque que quien se ser si sin sino sobre son su sus
    tambien tan tanto te tiene tienen todo todos tu un una uno unos y ya deben debe puede pueden
    ademas asi cada esto estan sea ser comentario acuerdo
    il lo gli di da dei degli della delle nel nella per che non con come sono anche piu ma se
    questo questa quello quella essere hanno ogni
    het een en van voor met op te zijn dat die niet ook aan bij als door naar om tot uit wordt
    worden meer moet moeten kan kunnen onze
    os um uma ao aos das dos nas nos pelo pela com mais mas muito seu sua ser sao esta deve
"""
STOP_WORDS = frozenset(fold(word) for word in _STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Cluster:
    """One theme: which texts (by index) belong to it, and the terms that describe it."""

    members: list[int]
    keywords: list[str]
    label: str


def theme_count(comments: int) -> int:
    """How many themes for `comments` comments: about sqrt(n / 2), at least 1, at most 12."""
    if comments < 2:
        return 0
    return max(1, min(MAX_THEMES, round(math.sqrt(comments / 2))))


class _Vocabulary:
    """Turns texts into terms, remembering each word's term and how each term is written."""

    def __init__(self) -> None:
        self.term_of: dict[str, str] = {}  # lower-case word -> term, "" for a stop word
        self.forms: Counter[tuple[str, str]] = Counter()
        # Runs of three terms, so that labels join two pairs only into a phrase people wrote.
        self.runs: Counter[str] = Counter()

    def _term(self, written: str) -> str:
        term = self.term_of.get(written)
        if term is None:
            folded = fold(written)
            term = "" if len(folded) < 3 or folded in STOP_WORDS else stem(folded)
            self.term_of[written] = term
        return term

    def terms(self, text: str) -> list[str]:
        """The stemmed words of `text` and the pairs of words next to each other (no stop word
        between)."""
        found: list[str] = []
        shown: list[tuple[str, str]] = []
        runs: list[str] = []
        previous_pair = previous_term = previous_word = ""
        for written in _WORD.findall(text.lower()):
            if len(written) == 1:  # an elided article or a possessive: "l'", "d'", "'s"
                continue
            term = self._term(written)
            if not term:
                previous_pair = previous_term = ""
                continue
            found.append(term)
            shown.append((term, written))
            pair = ""
            if previous_term:
                pair = previous_term + " " + term
                found.append(pair)
                shown.append((pair, previous_word + " " + written))
                if previous_pair:
                    runs.append(previous_pair + " " + term)
            previous_pair, previous_term, previous_word = pair, term, written
        self.forms.update(shown)
        self.runs.update(runs)
        return found

    def written(self, terms: list[str]) -> list[str]:
        """The most frequent way of writing each of `terms`."""
        best: dict[str, tuple[int, str]] = {}
        wanted = set(terms)
        for (term, form), count in self.forms.items():
            if term in wanted and (count, form) > best.get(term, (0, "")):
                best[term] = (count, form)
        return [best[term][1] for term in terms]


@dataclass
class Features:
    """TF-IDF rows of unit length, one per text (all zero when nothing is left of it); the term
    of each column and how it is most often written; and the runs of three terms seen."""

    matrix: sparse.csr_matrix
    vocabulary: list[str]
    written: list[str]
    runs: set[str]


def tfidf(texts: Sequence[str]) -> Features:
    """The features of `texts`: words and pairs of words, weighted by TF-IDF."""
    words = _Vocabulary()
    documents = [Counter(words.terms(text)) for text in texts]
    frequency: Counter[str] = Counter()
    for counts in documents:
        frequency.update(counts.keys())
    n = len(texts)
    min_df = 2 if n >= 10 else 1
    max_df = MAX_DOCUMENT_SHARE * n if n >= 20 else n
    vocabulary = sorted(term for term, df in frequency.items() if min_df <= df <= max_df)
    column = {term: index for index, term in enumerate(vocabulary)}
    idf = np.array([math.log((1 + n) / (1 + frequency[term])) + 1 for term in vocabulary])
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for counts in documents:
        for term, count in counts.items():
            index = column.get(term)
            if index is not None:
                indices.append(index)
                values.append(1.0 + math.log(count))
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices), np.asarray(indptr)),
        shape=(n, len(vocabulary)),
    )
    matrix = matrix.multiply(idf.reshape(1, -1)).tocsr() if vocabulary else matrix
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.diags(1.0 / norms) @ matrix
    min_runs = 2 if n >= 10 else 1
    return Features(
        matrix=sparse.csr_matrix(matrix),
        vocabulary=vocabulary,
        written=words.written(vocabulary),
        runs={run for run, count in words.runs.items() if count >= min_runs},
    )


def _normalised(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


def _seed_centres(matrix: sparse.csr_matrix, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ on cosine distance: each next centre far from the ones chosen."""
    n = matrix.shape[0]
    chosen = [int(rng.integers(n))]
    closest = np.asarray(matrix @ matrix[chosen[0]].T.toarray()).ravel()
    for _ in range(1, k):
        distance = np.clip(1.0 - closest, 0.0, None) ** 2
        total = distance.sum()
        if total <= 0:
            break
        pick = int(rng.choice(n, p=distance / total))
        chosen.append(pick)
        closest = np.maximum(closest, np.asarray(matrix @ matrix[pick].T.toarray()).ravel())
    return _normalised(matrix[chosen].toarray())


def spherical_kmeans(
    matrix: sparse.csr_matrix, k: int, *, seed: int = 0, restarts: int = 3, iterations: int = 40
) -> np.ndarray:
    """The cluster of each row (rows of unit length), the best of `restarts` runs by total
    cosine similarity to the centres."""
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    best_labels = np.zeros(n, dtype=np.int64)
    best_score = -math.inf
    for _ in range(restarts):
        centres = _seed_centres(matrix, k, rng)
        labels = np.full(n, -1, dtype=np.int64)
        similarity = np.zeros((n, centres.shape[0]))
        for _ in range(iterations):
            similarity = np.asarray(matrix @ centres.T)
            new_labels = similarity.argmax(axis=1)
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
            membership = sparse.csr_matrix(
                (np.ones(n), (labels, np.arange(n))), shape=(centres.shape[0], n)
            )
            sums = np.asarray((membership @ matrix).todense())
            empty = np.flatnonzero(np.bincount(labels, minlength=centres.shape[0]) == 0)
            if len(empty):
                # An empty cluster takes the rows that fit their own centre worst.
                worst = np.argsort(similarity.max(axis=1))[: len(empty)]
                for cluster, row in zip(empty, worst, strict=False):
                    sums[cluster] = matrix[int(row)].toarray().ravel()
            centres = _normalised(sums)
        score = float(similarity.max(axis=1).sum())
        if score > best_score:
            best_score, best_labels = score, labels.copy()
    return best_labels


def _keyness(present: sparse.csr_matrix, overall: np.ndarray) -> np.ndarray:
    """How well each term marks a theme: the share of its comments that use the term, times
    how much more often they do than all comments (log ratio); 0 for terms used less."""
    inside = np.asarray(present.mean(axis=0)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.log(np.where(inside > 0, inside / np.maximum(overall, 1e-12), 1.0))
    return np.where(lift > 0, inside * lift, 0.0)


def _extend(
    phrases: list[tuple[list[str], list[str]]], terms: list[str], words: list[str], runs: set[str]
) -> bool:
    """Grow a chosen phrase by the pair `terms` when they share a word: a single word into the
    pair, a pair into three words that people wrote in a row."""
    for phrase_terms, phrase_words in phrases:
        if len(phrase_terms) >= MAX_PHRASE_WORDS:
            continue
        longer = [*phrase_terms, terms[1]]
        if phrase_terms[-1] == terms[0] and (len(longer) == 2 or " ".join(longer) in runs):
            phrase_terms.append(terms[1])
            phrase_words.append(words[1])
            return True
        longer = [terms[0], *phrase_terms]
        if phrase_terms[0] == terms[1] and (len(longer) == 2 or " ".join(longer) in runs):
            phrase_terms.insert(0, terms[0])
            phrase_words.insert(0, words[0])
            return True
    return False


def _keywords(weights: np.ndarray, features: Features) -> list[str]:
    """The terms that weigh most, pairs first: a pair that continues a chosen phrase extends it
    ("protected training" + "training time", when people wrote the three words in a row); a
    term whose words are all in the phrases already is left out."""
    vocabulary, written, runs = features.vocabulary, features.written, features.runs
    phrases: list[tuple[list[str], list[str]]] = []  # (terms, written words)
    covered: set[str] = set()
    score = weights * np.array([PAIR_BONUS if " " in term else 1.0 for term in vocabulary])
    for index in np.argsort(-score, kind="stable"):
        if score[index] <= 0 or len(phrases) >= KEYWORDS:
            break
        terms, words = vocabulary[index].split(), written[index].split()
        if len(terms) == 2 and len(words) == 2 and _extend(phrases, terms, words, runs):
            covered |= set(terms)
            continue
        if set(terms) <= covered:
            continue
        covered |= set(terms)
        phrases.append((terms, words))
    return [
        " ".join(words)
        for terms, words in phrases
        if not any(set(terms) < set(other) for other, _words in phrases)
    ]


def cluster_texts(texts: Sequence[str], *, k: int | None = None, seed: int = 0) -> list[Cluster]:
    """Group `texts` by similarity into themes, largest first; texts with no word left after
    the stop words belong to none."""
    k = theme_count(len(texts)) if k is None else k
    if k < 1 or not texts:
        return []
    features = tfidf(texts)
    matrix = features.matrix
    has_words = np.flatnonzero(matrix.getnnz(axis=1) > 0)
    if len(has_words) == 0:
        return []
    rows = sparse.csr_matrix(matrix[has_words])
    k = min(k, len(has_words))
    # Restarts are cheap for a few thousand comments and make the grouping steadier.
    restarts = 8 if len(has_words) <= 5000 else 3
    labels = (
        spherical_kmeans(rows, k, seed=seed, restarts=restarts)
        if k > 1
        else np.zeros(len(has_words), int)
    )
    present = (rows > 0).astype(np.float64)
    overall = np.asarray(present.mean(axis=0)).ravel()
    clusters = []
    for cluster in range(k):
        where = np.flatnonzero(labels == cluster)
        if len(where) == 0:
            continue
        keywords = _keywords(_keyness(present[where], overall), features)
        clusters.append(
            Cluster(
                members=[int(has_words[i]) for i in where],
                keywords=keywords,
                label=", ".join(keywords[:LABEL_TERMS]),
            )
        )
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    return clusters
