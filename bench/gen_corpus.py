#!/usr/bin/env python3
"""Generate a synthetic news corpus with known copies, for Stemma benchmarks.

Wording statistics are learned at run time from the shared corpora (ECB+
sentences and MRPC sentences in ``<shared>/data``) with an order-2 word Markov
model; nothing from those corpora lives in this repository.

Every base article gets its own invented story vocabulary (people, places, an
acronym, numbers) that replaces the proper names and numbers of the sampled
sentences, so base articles do not share sentences by accident. A fraction of
the documents are copies of a random earlier base article:

* ``duplicate``: exact copy, or trivial edits (whitespace, quote style, a typo);
* ``version``:   excerpt (first 50-90% of sentences, verbatim) with house-style
                 edits and optionally an added paragraph;
* ``rewrite``:   lexical paraphrase (synonyms, clause reordering, function
                 words), 10-20% of sentences dropped, maybe two paragraphs
                 swapped; names and numbers kept.

Every document is a pure function of (seed, index), so output does not depend
on ``--jobs`` and memory stays constant: a copy regenerates its source.

Usage:
    python3 bench/gen_corpus.py --docs 100000 --seed 1 \
        --out corpus.jsonl --truth truth.jsonl [--shared ../shared]

Only the Python standard library is used.
"""

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import time

# --------------------------------------------------------------------------
# Fixed tables (written for this generator, not taken from any corpus)
# --------------------------------------------------------------------------

# Synonym groups: every word maps to the other members of its group.
SYNONYM_GROUPS = """
said|stated ; says|states ; told|informed ; tell|inform ; announced|declared
announce|declare ; began|started ; begin|start ; begins|starts
beginning|starting ; big|large ; bigger|larger ; biggest|largest
small|minor ; countries|nations ; country|nation ; troops|soldiers
killed|slain ; died|perished ; attack|assault ; attacks|assaults
help|assist ; helped|assisted ; helping|assisting ; buy|purchase
bought|purchased ; showed|demonstrated ; shows|indicates ; people|individuals
government|administration ; meeting|session ; leader|chief ; leaders|chiefs
city|town ; car|vehicle ; cars|vehicles ; quickly|rapidly ; also|additionally
however|nevertheless ; many|numerous ; important|significant|key
major|substantial ; expected|anticipated ; expect|anticipate
increase|rise ; increased|grew ; rose|climbed ; fell|dropped ; decline|decrease
reported|disclosed ; asked|requested ; need|require ; needed|required
needs|requires ; try|attempt ; tried|attempted ; used|employed ; use|utilize
get|obtain ; got|received ; give|provide ; gave|provided ; find|discover
nearly|almost ; later|subsequently ; during|throughout ; company|firm
companies|firms ; money|funds ; jobs|positions ; children|kids ; house|residence
home|residence ; area|region ; areas|regions ; plan|proposal ; plans|proposals
decision|ruling ; law|legislation ; case|matter ; claimed|alleged
accused|charged ; arrested|detained ; arrest|detention ; prison|jail
investigation|probe ; investigators|detectives ; injured|wounded
injuries|wounds ; fire|blaze ; fires|blazes ; building|structure
statement|announcement ; spokesman|representative ; spokeswoman|representative
election|vote ; won|secured ; win|secure ; game|match ; games|matches
team|squad ; player|athlete ; players|athletes ; coach|manager ; film|movie
films|movies ; released|unveiled ; earlier|previously ; recent|latest
recently|lately ; very|extremely ; dozens|scores ; residents|locals
officials|authorities ; warned|cautioned ; warning|alert ; urged|pressed
believe|think ; believed|thought ; believes|thinks ; likely|probably
serious|severe ; seriously|severely ; huge|massive|enormous ; crucial|vital
strong|powerful ; deadly|fatal ; earthquake|quake ; struck|hit
destroyed|demolished ; damaged|harmed ; damage|destruction ; continue|persist
continued|persisted ; remain|stay ; remained|stayed ; allowed|permitted
allow|permit ; refused|declined ; support>back ; want|seek ; wanted|sought
talks|negotiations ; deal|agreement ; bid|offer ; shares|stock
profit|earnings ; revenue|sales ; analysts|experts ; customers|clients
products|goods ; price|cost ; prices|costs ; launch|introduce
launched|introduced ; appeared|seemed ; added|continued ; noted|observed
noting|observing ; explained|described ; confirmed|verified ; denied|rejected
caused|triggered ; cause|trigger ; result|outcome ; results|outcomes
after|following ; near|close to ; across|throughout ; leading>top
senior|high-ranking ; whole|entire ; enough|sufficient ; issue|problem
issues|problems ; concerns|worries|fears ; crisis|emergency ; border|frontier
weapons|arms ; protesters|demonstrators ; protest|demonstration
protests|demonstrations ; lawmakers|legislators ; month|month ; week|week
last|previous ; next|coming ; before|prior to ; received|got
hospital|medical center ; began|commenced ; suspect|alleged offender ; victims|casualties ; shot|gunned down
began|got under way ; agreed|consented ; discussed|debated
reports|accounts ; reporters|journalists ; official|representative
found|discovered ; made|produced ; show|display ; now|currently
because>as ; whereas>while ; including|such as ; event|occasion
told reporters|told journalists ; according to>per ; more than>over
at least|no fewer than ; as well as>and ; because of|due to
in order to>to ; a number of|several ; in addition to|besides
did not|didn't ; does not|doesn't ; do not|don't ; is not|isn't
was not|wasn't ; could not|couldn't ; would not|wouldn't ; will not|won't
has not|hasn't ; have not|haven't ; are not|aren't ; cannot|can't
"""

# Words that only get a synonym before a number ("about 40" -> "roughly 40").
NUMERIC_GROUP = ["about", "roughly", "approximately", "around", "some"]

SPEECH_VERBS = {"said", "says", "stated", "states", "added", "told", "explained",
                "noted", "declared", "announced", "continued", "observed"}
PRONOUNS = {"He", "She", "They", "It", "We", "I"}
DROPPABLE = {"also", "very", "just", "still", "already", "really", "even", "now"}
CONNECTORS = ["Meanwhile,", "In addition,", "Separately,", "At the same time,",
              "Moreover,", "Still,", "Also,", "Furthermore,"]
SUBORDINATORS = {"When", "After", "Before", "While", "Although", "Though",
                 "Because", "If", "As", "Since", "Once", "Until"}
LOC_PREPS = {"in", "at", "from", "near", "to", "of", "across", "outside",
             "into", "toward", "towards", "around", "inside"}
KEEP_CAPS = set("""I Mr Mrs Ms Dr Jr Sr St Rep Sen Gov Gen Lt Col Sgt Capt Prof Rev
Inc Co Corp Ltd Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec TV OK AM PM
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
April May June July August September October November December""".split())

OUTLETS = [
    "The Harlow Courier", "Brennick Daily", "Valmora Post", "The Eastvale Herald",
    "Corrin Tribune", "Northmarch Gazette", "Silverby Times", "The Kessling Record",
    "Ardent Wire", "Lorvik Observer", "The Tamsford Star", "Quellon News",
    "Drumhollow Sentinel", "Pellacre Journal", "The Westbright Ledger",
    "Marrowgate Press", "Fennick Dispatch", "Oldcastle Monitor", "The Varna Bulletin",
    "Greyhaven Chronicle", "Stallbridge Examiner", "Hollin Report", "Caldermere Mail",
    "The Orrin Beacon", "Saltmarsh Daily News", "Brightwater Register",
    "Kelvedon Evening Post", "The Dunmore Clarion", "Tressel Newswire",
    "Avonreach Telegraph", "Harrowfield Voice", "Mistral Media", "Cobalt News Service",
    "The Penwick Leader", "Ridgemont Citizen", "Ashcombe Standard", "Larkspur Times",
    "Norvale Enquirer", "The Glenmarrow Review", "Eastgate Online",
    "Wrenfield Independent", "Thornbury Guardian", "Brayside News", "Calloway Current",
    "The Meridian Desk", "Holbeck Daily", "Sunmere Free Press", "Kestrel Wire Service",
    "Ironvale Post-Dispatch", "The Bellhaven Journal",
]

ONSETS = ("b c d f g h j k l m n p r s t v w z b d g k l m n r s t v "
          "br dr gr kr st tr sh ch th pl fl bl cl sl").split()
VOWELS = "a e i o u a e i o a e i o u ai ea ou y".split()
CODAS = ["", "", "", "", "", "", "", "", "n", "r", "l", "s", "m", "k", "nd", "rt"]
NAME_SUFFIX = ["", "", "", "", "", "", "son", "ez", "ov", "ini", "ley", "ski", "er", "ard"]
PLACE_SUFFIX = ["", "", "", "ton", "ford", "burg", "port", "field", "vale", "mouth"]
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december", "jan.", "feb.", "aug.",
          "sept.", "oct.", "nov.", "dec."}

# --------------------------------------------------------------------------
# Model (module globals so forked workers share it)
# --------------------------------------------------------------------------

WORDS = []      # word id -> token string; id 0 is the BOS/EOS marker
WCLS = []       # word id -> None (plain) or (kind, pre, core, suf)
WLOWER = []     # word id -> lowercase core (for context rules)
TRANS = []      # state id -> list of next state ids (with multiplicity)
LAST = []       # state id -> last word id of the state
CTRANS = []     # state id -> list of (next branching state or 1=end, word ids)
SYLLABLES = [o + v + c for o in ONSETS for v in VOWELS for c in CODAS]
TRAIN = set()   # tuples of word ids of training sentences
SYN = {}        # single word -> list of replacements
SYN_NUM = {}    # numeric-context words
PHRASE_RE = None
PHRASE = {}     # multi-word phrase (lower) -> replacements
LOWER_COMMON = set()
FREQUENT_LC = set()   # the 300 most frequent lowercase words
AUX = {"has", "have", "had", "is", "was", "are", "were", "will", "would", "did",
       "does", "do", "not", "nor", "can", "could", "should", "may", "might", "also"}

K_NAME, K_ACRO, K_NUM = 1, 2, 3
TOKEN_RE = re.compile(r"^([\"'(\[]*)(.*?)((?:'s)?[\"'.,;:!?)\]]*)$")
DIGITS_RE = re.compile(r"\d+")
END_RE = re.compile(r"[.!?][\"']?$")
INNER_END_RE = re.compile(r"(?:[!?]|[a-z0-9]{2}\.|\.\.)[\"')]? +[\"'(]?[A-Z]")


def die(msg):
    sys.stderr.write("gen_corpus: error: %s\n" % msg)
    sys.exit(2)


def load_sentences(shared):
    ecb = os.path.join(shared, "data", "ecbplus", "docs.jsonl")
    mrpc = os.path.join(shared, "data", "mrpc", "msr_paraphrase_train.txt")
    for p in (ecb, mrpc):
        if not os.path.isfile(p):
            die("shared corpus file not found: %s (pass --shared DIR, the folder "
                "holding data/ecbplus and data/mrpc)" % p)
    raw = []
    with open(ecb, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            doc = json.loads(line)
            raw.extend((doc.get("text") or "").split("\n"))
    with open(mrpc, encoding="utf-8-sig") as f:
        next(f, None)  # header
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 5:
                raw.append(cols[3])
                raw.append(cols[4])
    seen = set()
    out = []
    for s in raw:
        s = s.strip()
        if not s or s.startswith("http") or "http" in s or "www." in s or "@" in s:
            continue
        s = (s.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
             .replace("\u2018", "'").replace(" ' s ", "'s ").replace("\u00a0", " "))
        s = " ".join(s.split())
        s = re.sub(r" ' (s|re|t|ll|ve|d|m)\b", r"'\1", s).replace(" n't", "n't")
        s = re.sub(r"(?<=\w) - (?=\w)", "-", re.sub(r"(\d)\. (\d)", r"\1.\2", s))
        s = re.sub(r"(?<![A-Za-z])([a-z]{2,})\. (\d)", r"\1 .\2", s)  # "hit. 300" was "hit .300"
        if "%%" in s or ". ." in s or " , " in s or s.endswith(" .") or INNER_END_RE.search(s) or (
                re.match(r"\d+\. ", s)):
            continue   # tokenisation debris, or more than one sentence on the line
        if s in seen or len(s.split()) < 4 or not END_RE.search(s):
            continue
        seen.add(s)
        out.append(s)
    if len(out) < 1000:
        die("too few usable sentences in %s (%d)" % (shared, len(out)))
    return out


def classify(tok, lower_counts):
    """None for plain words, else (kind, prefix, core, suffix)."""
    if any(ch.isdigit() for ch in tok):
        return (K_NUM, "", tok, "")
    m = TOKEN_RE.match(tok)
    pre, core, suf = m.group(1), m.group(2), m.group(3)
    if not core or core in KEEP_CAPS or not core[0].isupper():
        return None
    if not re.match(r"^[A-Z][A-Za-z'\-]*$", core):
        return None
    if lower_counts.get(core.lower(), 0) >= 3:
        return None
    if len(core) >= 2 and core.isupper():
        return (K_ACRO, pre, core, suf)
    if len(core) < 2:
        return None
    return (K_NAME, pre, core, suf)


def build_model(shared):
    global PHRASE_RE
    sents = load_sentences(shared)
    toks = [s.split() for s in sents]
    lower_counts = {}
    for ts in toks:
        for t in ts:
            c = TOKEN_RE.match(t).group(2)
            if c and c[0].islower():
                lower_counts[c] = lower_counts.get(c, 0) + 1
    LOWER_COMMON.update(w for w, n in lower_counts.items() if n >= 3)
    FREQUENT_LC.update(sorted(lower_counts, key=lambda w: (-lower_counts[w], w))[:300])
    wid = {}
    WORDS.append(None)
    WCLS.append(None)
    WLOWER.append("")
    sid = {(0, 0): 0, "END": 1}
    TRANS.extend([[], []])
    LAST.extend([0, 0])
    for ts in toks:
        ids = []
        for t in ts:
            i = wid.get(t)
            if i is None:
                i = wid[t] = len(WORDS)
                WORDS.append(t)
                WCLS.append(classify(t, lower_counts))
                WLOWER.append(TOKEN_RE.match(t).group(2).lower())
            ids.append(i)
        TRAIN.add(tuple(ids))
        a, b = 0, 0
        for w in ids + [0]:
            s = sid[(a, b)]
            if w == 0:
                TRANS[s].append(1)
                break
            key = (b, w)
            n = sid.get(key)
            if n is None:
                n = sid[key] = len(TRANS)
                TRANS.append([])
                LAST.append(w)
            TRANS[s].append(n)
            a, b = b, w
    # synonym tables
    for group in SYNONYM_GROUPS.replace("\n", " ; ").split(";"):
        group = group.strip()
        if ">" in group:   # one-way: "a>b" rewrites a as b only
            a, b = [m.strip() for m in group.split(">")]
            pairs = [(a, [b])]
        else:
            members = [m.strip() for m in group.split("|") if m.strip()]
            pairs = [(m, [o for o in members if o != m]) for m in members]
        for m, others in pairs:
            if not others:
                continue
            table = PHRASE if " " in m else SYN
            lst = table.setdefault(m, [])
            lst.extend(o for o in others if o not in lst)
    # Path compression: 80% of order-2 states have a single successor, so
    # every transition jumps straight to the next branching state.
    branching = [len(set(t)) > 1 for t in TRANS]
    branching[0] = True
    for s in range(len(TRANS)):
        if not branching[s]:
            CTRANS.append(None)
            continue
        runs = {}
        lst = []
        for t in TRANS[s]:
            r = runs.get(t)
            if r is None:
                ws = []
                u = t
                while u != 1 and len(ws) <= 64:
                    ws.append(LAST[u])
                    if branching[u]:
                        break
                    u = TRANS[u][0]
                r = runs[t] = (u, tuple(ws))
            lst.append(r)
        CTRANS.append(lst)
    for m in NUMERIC_GROUP:
        SYN_NUM[m] = [o for o in NUMERIC_GROUP if o != m]
    PHRASE_RE = re.compile(r"\b(" + "|".join(
        re.escape(p) for p in sorted(PHRASE, key=len, reverse=True)) + r")\b")
    return len(sents)


# --------------------------------------------------------------------------
# Story vocabulary and sentence sampling
# --------------------------------------------------------------------------

def invent_word(rng, lo, hi):
    rnd = rng.random
    n = len(SYLLABLES)
    w = "".join([SYLLABLES[int(rnd() * n)] for _ in range(lo + int(rnd() * (hi - lo + 1)))])
    return w.capitalize()


class Story:
    """Invented vocabulary of one base article."""
    __slots__ = ("persons", "places", "others", "acronym", "year", "numbers", "names")

    def __init__(self, rng):
        self.persons = [(invent_word(rng, 1, 2),
                         invent_word(rng, 2, 2) + NAME_SUFFIX[int(rng.random() * len(NAME_SUFFIX))])
                        for _ in range(rng.randint(2, 4))]
        self.places = [invent_word(rng, 2, 2) + PLACE_SUFFIX[int(rng.random() * len(PLACE_SUFFIX))]
                       for _ in range(2)]
        # lone capitalized words that are not people: organisations, things
        self.others = [invent_word(rng, 2, 3) for _ in range(rng.randint(2, 3))]
        self.acronym = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW")
                               for _ in range(rng.randint(3, 4)))
        self.year = rng.randint(1995, 2024)
        self.numbers = {}   # original digit string -> replacement
        self.names = {}     # original single name -> replacement


def map_number(rng, story, digits):
    r = story.numbers.get(digits)
    if r is None:
        v = int(digits)
        if len(digits) == 4 and 1900 <= v <= 2099:
            r = str(story.year if not story.numbers else rng.randint(1990, story.year))
        elif len(digits) == 1:
            r = str(rng.randint(2, 9))
        else:
            lo = 10 ** (len(digits) - 1) if digits[0] != "0" else 0
            r = str(rng.randint(lo, 10 ** len(digits) - 1)).zfill(len(digits))
        story.numbers[digits] = r
    return r


def render(ids, rng, story):
    """Turn sampled word ids into a sentence with the story's vocabulary."""
    out = [WORDS[w] for w in ids]
    special = [k for k in range(len(ids)) if WCLS[ids[k]] is not None]
    injected = False
    n = len(ids)
    role_k = -2           # index of the previous replaced name ...
    role = None           # ... and its role: ("first", person) / ("last",) / ("place",) / ("place2",)
    for k in special:
        kind, pre, core, suf = WCLS[ids[k]]
        if kind == K_NUM:
            if k > 0 and WLOWER[ids[k - 1]] in MONTHS and core.isdigit() and len(core) <= 2:
                out[k] = str(1 + int(rng.random() * 28))
            else:
                out[k] = DIGITS_RE.sub(lambda m: map_number(rng, story, m.group(0)), core)
            continue
        if kind == K_ACRO:
            out[k] = pre + story.acronym + suf
            continue
        # a proper name; the role depends on its neighbours
        prev = role if role_k == k - 1 else None
        if prev is not None and prev[0] == "first":
            rep = prev[1][1]
            new_role = ("last",)
        elif prev is not None:
            rep = story.places[1] if prev[0] != "place2" else story.places[0]
            new_role = ("place2",)
        elif k > 0 and WLOWER[ids[k - 1]] in LOC_PREPS:
            rep = story.places[0]
            new_role = ("place",)
        elif (k + 1 < n and not suf and WCLS[ids[k + 1]] is not None
              and WCLS[ids[k + 1]][0] == K_NAME):
            p = story.persons[int(rng.random() * len(story.persons))]
            rep = p[0]
            new_role = ("first", p)
        else:
            rep = story.names.get(core)
            if rep is None:
                if rng.random() < 0.6:
                    rep = story.persons[int(rng.random() * len(story.persons))][1]
                else:
                    rep = story.others[int(rng.random() * len(story.others))]
                story.names[core] = rep
            new_role = ("last",)
        out[k] = pre + rep + suf
        if not suf:
            role_k, role = k, new_role
        injected = True
    if not injected:
        p = story.persons[int(rng.random() * len(story.persons))]
        last = out[-1]
        if last.endswith(".") and not last.endswith('."') and rng.random() < 0.6:
            out[-1] = last[:-1] + ","
            r = rng.random()
            if r < 0.4:
                out.append("%s %s said." % p)
            elif r < 0.7:
                out.append("%s said." % p[1])
            else:
                out.append("according to %s." % p[1])
        else:
            out[0] = lower_first(out[0])
            out.insert(0, "In %s," % story.places[0])
    s = " ".join(out)
    if s.count('"') % 2:
        s = " ".join(s.replace('"', "").split())
    return s


def sample_ids(rng, minw, maxw):
    rnd = rng.random
    ctrans = CTRANS
    for attempt in range(50):
        s = 0
        ids = []
        while s != 1:
            nx = ctrans[s]
            s, ws = nx[int(rnd() * len(nx))]
            ids += ws
            if len(ids) > maxw:
                break
        if minw <= len(ids) <= maxw and (attempt >= 8 or tuple(ids) not in TRAIN):
            return ids
    return ids[:maxw]


def sample_sentence(rng, story, minw=8, maxw=40):
    return render(sample_ids(rng, minw, maxw), rng, story)


def sample_title(rng, story):
    s = sample_sentence(rng, story, 5, 14)
    s = s.rstrip(".!?\"' ")
    return s.replace('"', "")


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------

KIND_NAMES = ("base", "duplicate", "version", "rewrite")
T0 = 1672531200  # 2023-01-01T00:00:00Z
SPAN = 2 * 365 * 86400


def mix64(x):
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


class Config:
    def __init__(self, seed, docs, fdup, fver, frew):
        self.seed = seed & 0xFFFFFFFF
        self.docs = docs
        self.cut = (fdup, fdup + fver, fdup + fver + frew)
        self.gap = SPAN / max(docs, 1)


def doc_kind(cfg, i):
    if i == 0:
        return 0
    u = (mix64(mix64(cfg.seed) ^ i) >> 11) / 9007199254740992.0
    c = cfg.cut
    if u < c[0]:
        return 1
    if u < c[1]:
        return 2
    if u < c[2]:
        return 3
    return 0


def doc_rng(cfg, i):
    return random.Random((cfg.seed << 40) | i)


def make_base(cfg, i):
    """Base article i: dict with title, paragraphs (lists of sentences), ..."""
    rng = doc_rng(cfg, i)
    story = Story(rng)
    n_sent = rng.randint(8, 30)
    n_par = rng.randint(3, min(10, n_sent))
    sents = [sample_sentence(rng, story) for _ in range(n_sent)]
    cuts = sorted(rng.sample(range(1, n_sent), n_par - 1))
    paras = []
    prev = 0
    for c in cuts + [n_sent]:
        paras.append(sents[prev:c])
        prev = c
    title = sample_title(rng, story)
    outlet = int(rng.random() * len(OUTLETS))
    published = T0 + (i + rng.random()) * cfg.gap
    return {"title": title, "paras": paras, "outlet": outlet,
            "published": published, "story": story}


def fmt_time(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


def join_paras(paras):
    return "\n\n".join(" ".join(p) for p in paras if p)


# ---- duplicate -----------------------------------------------------------

def add_typo(rng, text):
    spots = [m for m in re.finditer(r"\b[a-z]{5,}\b", text)]
    if not spots:
        return text
    m = spots[int(rng.random() * len(spots))]
    w = m.group(0)
    j = rng.randint(1, len(w) - 2)
    r = rng.random()
    if r < 0.4:
        w2 = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif r < 0.7:
        w2 = w[:j] + w[j + 1:]
    else:
        w2 = w[:j] + w[j] + w[j:]
    return text[:m.start()] + w2 + text[m.end():]


def curly_quotes(text):
    out = []
    open_q = True
    for ch in text:
        if ch == '"':
            out.append("\u201c" if open_q else "\u201d")
            open_q = not open_q
        elif ch == "'":
            out.append("\u2019")
        else:
            out.append(ch)
    return "".join(out)


def whitespace_edit(rng, text):
    r = rng.random()
    if r < 0.35:
        return text.replace(". ", ".  ")
    if r < 0.6:
        return text.replace("\n\n", " \n\n") + "\n"
    if r < 0.8:
        return "\n\n\n".join(text.split("\n\n"))
    return " " + text.replace("\n\n", "\n \n")


def make_duplicate(rng, src):
    text = join_paras(src["paras"])
    title = src["title"]
    if rng.random() < 0.4:
        return title, text
    edits = rng.sample(("ws", "quotes", "typo"), rng.randint(1, 2))
    for e in edits:
        if e == "ws":
            text = whitespace_edit(rng, text)
        elif e == "quotes":
            text = curly_quotes(text)
            title = curly_quotes(title)
        else:
            text = add_typo(rng, text)
    return title, text


# ---- lexical operations shared by version and rewrite --------------------

WORD_SPLIT = re.compile(r"^(\W*)([A-Za-z][A-Za-z'\-]*)(\W*)$")


def match_case(src, rep):
    return rep[0].upper() + rep[1:] if src[0].isupper() else rep


def synonym_tokens(rng, toks, prob):
    """Replace words by synonyms with probability prob. Returns #changes."""
    changed = 0
    n = len(toks)
    for k in range(n):
        t = toks[k]
        m = WORD_SPLIT.match(t)
        if not m:
            continue
        core = m.group(2)
        if core[0].isupper() and k > 0:
            continue
        low = core.lower()
        cands = SYN.get(low)
        if cands is None and low in SYN_NUM and k + 1 < n and toks[k + 1][:1] in "0123456789$":
            cands = SYN_NUM[low]
        if cands is None or rng.random() >= prob:
            continue
        rep = cands[int(rng.random() * len(cands))]
        toks[k] = m.group(1) + match_case(core, rep) + m.group(3)
        if k > 0 and toks[k - 1] in ("a", "an", "A", "An"):
            art = "an" if rep[0] in "aeiou" else "a"
            toks[k - 1] = match_case(toks[k - 1], art)
        changed += 1
    return changed


def phrase_subst(rng, s, prob):
    def f(m):
        if rng.random() >= prob:
            return m.group(0)
        c = PHRASE[m.group(0)]
        return c[int(rng.random() * len(c))]
    return PHRASE_RE.sub(f, s)


def lower_first(s):
    """Lower-case the first word when it is a common word or pronoun (not "I")
    and is not a title before a name ("President Genrir")."""
    parts = s.split(" ", 2)
    core = TOKEN_RE.match(parts[0]).group(2)
    if not core or not core[0].isupper() or core == "I" or core.startswith("I'"):
        return s
    if len(parts) > 1 and parts[1][:1].isupper() and core.lower() not in FREQUENT_LC:
        return s   # a title before a name
    if core in PRONOUNS or core.lower() in LOWER_COMMON:
        i = s.index(core[0])
        return s[:i] + core[0].lower() + s[i + 1:]
    return s


def upper_first(s):
    for i, ch in enumerate(s):
        if ch.isalpha():
            return s[:i] + ch.upper() + s[i + 1:]
    return s


def reorder_clauses(rng, s):
    """Move attributions and swap clauses; returns s unchanged when no rule fits."""
    if not s or s[-1] not in ".!?":
        return s
    end = s[-1]
    body = s[:-1]
    # "Body, X said." -> "X said (that) body."   and the quoted variant
    j = max(body.rfind('," '), body.rfind(", "))
    if j > 0:
        sep = '," ' if body.startswith('," ', j) else ", "
        tail = body[j + len(sep):]
        tw = tail.split()
        if 1 <= len(tw) <= 6 and (tw[-1] in SPEECH_VERBS or (
                len(tw) >= 2 and tw[-2] in SPEECH_VERBS)) and '"' not in tail:
            head = body[:j]
            if sep == '," ':
                if head.count('"') % 2 == 1:
                    return upper_first(tail) + ': ' + head + '."'
                return s
            if head.count('"') % 2 == 0:
                that = "that " if rng.random() < 0.5 else ""
                return upper_first(tail) + " " + that + lower_first(head) + end
    words = body.split(" ")
    # "X said (that) body." -> "Body, X said."
    for k in range(1, min(5, len(words) - 4)):
        if words[k] in SPEECH_VERBS and words[k] != "told":
            subj = words[:k]
            if any(not w[:1].isalpha() or w.endswith(",") or w.lower() in AUX
                   for w in subj):
                break
            rest = words[k + 1:]
            if rest and rest[0] == "that":
                rest = rest[1:]
            if len(rest) < 4 or '"' in " ".join(rest) or any(
                    w.strip(",.") in SPEECH_VERBS for w in rest[-5:]):
                break
            subj_s = lower_first(" ".join(subj))
            return upper_first(" ".join(rest)) + ", " + subj_s + " " + words[k] + end
        if not words[k][:1].isalpha():
            break
    # "When A, B." -> "B when A."
    if words[0] in SUBORDINATORS and ", " in body:
        a, b = body.split(", ", 1)
        if len(b.split()) >= 3 and '"' not in body:
            return upper_first(b) + " " + words[0].lower() + a[len(words[0]):] + end
    # "A, and B." -> "B, and a."
    for conj in (", and ", ", but ", "; "):
        if body.count(conj) == 1:
            a, b = body.split(conj)
            if len(a.split()) >= 4 and len(b.split()) >= 4 and '"' not in body:
                return upper_first(b) + conj + lower_first(a) + end
    return s


def function_words(rng, toks):
    out = []
    n = len(toks)
    for k in range(n):
        t = toks[k]
        if t in DROPPABLE and rng.random() < 0.6:
            continue
        if t == "that" and k > 0 and toks[k - 1] in SPEECH_VERBS and rng.random() < 0.7:
            continue
        if t in ("said", "stated") and k > 0 and toks[k - 1] != "also" and rng.random() < 0.25:
            out.append("also")
        out.append(t)
        if t in ("said", "stated") and k + 1 < n and toks[k + 1][:1].islower() and (
                toks[k + 1] not in ("that", "in", "on", "at", "of", "to", "by")) and rng.random() < 0.3:
            out.append("that")
    if len(out) > 3 and rng.random() < 0.15 and out[0][:1].isupper() and (
            not out[0].endswith(",")):
        first = out[0]
        if first.lower() in LOWER_COMMON or first in PRONOUNS - {"I"}:
            out[0] = first[0].lower() + first[1:]
        out.insert(0, CONNECTORS[int(rng.random() * len(CONNECTORS))])
    return out


def rewrite_sentence(rng, s):
    if rng.random() < 0.8:
        s = reorder_clauses(rng, s)
    s = phrase_subst(rng, s, 0.8)
    toks = s.split(" ")
    synonym_tokens(rng, toks, 0.85)
    toks = function_words(rng, toks)
    return " ".join(toks)


def make_rewrite(rng, src):
    paras = [list(p) for p in src["paras"]]
    n = sum(len(p) for p in paras)
    n_drop = max(1, int(round(n * rng.uniform(0.10, 0.20))))
    slots = [(pi, si) for pi, p in enumerate(paras) for si in range(len(p))]
    drop = set(rng.sample(slots, min(n_drop, n - 1)))
    new = []
    for pi, p in enumerate(paras):
        q = [rewrite_sentence(rng, s) for si, s in enumerate(p) if (pi, si) not in drop]
        if q:
            new.append(q)
    if len(new) >= 3 and rng.random() < 0.4:
        a, b = rng.sample(range(1, len(new)), 2)
        new[a], new[b] = new[b], new[a]
    title = rewrite_sentence(rng, src["title"])
    return title, join_paras(new)


# ---- version -------------------------------------------------------------

def make_version(rng, src):
    paras = src["paras"]
    n = sum(len(p) for p in paras)
    keep = max(1, int(round(n * rng.uniform(0.5, 0.9))))
    new = []
    left = keep
    for p in paras:
        if left <= 0:
            break
        new.append(list(p[:left]))
        left -= len(p)
    flat = [(pi, si) for pi, p in enumerate(new) for si in range(len(p))]
    for pi, si in rng.sample(flat, min(len(flat), rng.randint(1, 2))):
        toks = new[pi][si].split(" ")
        cands = [k for k, t in enumerate(toks)
                 if (m := WORD_SPLIT.match(t)) and m.group(2).lower() in SYN
                 and (k == 0 or m.group(2)[0].islower())]
        if cands:
            k = cands[int(rng.random() * len(cands))]
            m = WORD_SPLIT.match(toks[k])
            c = SYN[m.group(2).lower()]
            toks[k] = m.group(1) + match_case(m.group(2), c[int(rng.random() * len(c))]) + m.group(3)
        else:
            k = int(rng.random() * len(toks))
            if k > 0 and toks[k - 1] not in DROPPABLE:
                toks.insert(k, "also")
        new[pi][si] = " ".join(toks)
    if rng.random() < 0.5:
        new.append([sample_sentence(rng, src["story"])
                    for _ in range(rng.randint(1, 3))])
    text = join_paras(new)
    if rng.random() < 0.5:
        if " percent" in text:
            text = re.sub(r"(\d) percent\b", r"\1%", text)
        elif "%" in text:
            text = re.sub(r"(\d)%", r"\1 percent", text)
    if rng.random() < 0.5:
        text = re.sub(r"\b(?:Mr|Mrs|Ms)\. ", "", text)
    title = src["title"]
    if rng.random() < 0.3:
        title = "UPDATE: " + title if rng.random() < 0.8 else title.upper()
    return title, text


# ---- driver --------------------------------------------------------------

def make_doc(cfg, i):
    """Returns (json line, truth line or None, kind index)."""
    kind = doc_kind(cfg, i)
    doc_id = "g%07d" % (i + 1)
    if kind == 0:
        b = make_base(cfg, i)
        rec = {"id": doc_id, "title": b["title"], "text": join_paras(b["paras"]),
               "outlet": OUTLETS[b["outlet"]], "published": fmt_time(b["published"])}
        return json.dumps(rec, ensure_ascii=False), None, 0
    rng = doc_rng(cfg, i)
    rng.random()  # decorrelate from the stream a base with this index would use
    while True:
        j = int(rng.random() * i)
        if doc_kind(cfg, j) == 0:
            break
    src = make_base(cfg, j)
    if kind == 1:
        title, text = make_duplicate(rng, src)
        delay = rng.uniform(60, 2 * 86400)
    elif kind == 2:
        title, text = make_version(rng, src)
        delay = rng.uniform(600, 3 * 86400)
    else:
        title, text = make_rewrite(rng, src)
        delay = rng.uniform(3600, 7 * 86400)
    if kind == 2 and rng.random() < 0.5:
        outlet = src["outlet"]
    else:
        outlet = (src["outlet"] + 1 + int(rng.random() * (len(OUTLETS) - 1))) % len(OUTLETS)
    # whole seconds, strictly after the source
    published = int(src["published"]) + 1 + int(delay)
    rec = {"id": doc_id, "title": title, "text": text, "outlet": OUTLETS[outlet],
           "published": fmt_time(published)}
    truth = {"copy": doc_id, "source": "g%07d" % (j + 1), "kind": KIND_NAMES[kind]}
    return json.dumps(rec, ensure_ascii=False), json.dumps(truth), kind


_CFG = None


def run_chunk(bounds):
    lo, hi = bounds
    docs, truths = [], []
    counts = [0, 0, 0, 0]
    for i in range(lo, hi):
        d, t, k = make_doc(_CFG, i)
        docs.append(d)
        if t is not None:
            truths.append(t)
        counts[k] += 1
    return "\n".join(docs) + "\n", ("\n".join(truths) + "\n") if truths else "", counts


def main():
    global _CFG
    here = os.path.dirname(os.path.abspath(__file__))
    default_shared = os.path.normpath(os.path.join(here, "..", "..", "shared"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", required=True, help="corpus JSONL to write ('-' = stdout)")
    ap.add_argument("--truth", required=True, help="truth JSONL to write")
    ap.add_argument("--shared", default=default_shared,
                    help="shared data folder (default: <repo>/../shared)")
    ap.add_argument("--duplicates", type=float, default=0.10, help="fraction of duplicates")
    ap.add_argument("--versions", type=float, default=0.10, help="fraction of versions")
    ap.add_argument("--rewrites", type=float, default=0.10, help="fraction of rewrites")
    ap.add_argument("--jobs", type=int, default=0,
                    help="worker processes (default: number of CPUs); output is identical for any value")
    args = ap.parse_args()
    fr = (args.duplicates, args.versions, args.rewrites)
    if args.docs < 1:
        die("--docs must be positive")
    if min(fr) < 0 or sum(fr) > 0.9:
        die("copy fractions must be >= 0 and sum to at most 0.9")
    t0 = time.time()
    n_sent = build_model(args.shared)
    _CFG = Config(args.seed, args.docs, *fr)
    jobs = args.jobs or os.cpu_count() or 1
    chunk = 500
    bounds = [(lo, min(lo + chunk, args.docs)) for lo in range(0, args.docs, chunk)]
    counts = [0, 0, 0, 0]
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    truth = open(args.truth, "w", encoding="utf-8")
    try:
        if jobs <= 1:
            results = map(run_chunk, bounds)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap(run_chunk, bounds)
        for d, t, c in results:
            out.write(d)
            truth.write(t)
            for k in range(4):
                counts[k] += c[k]
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        if out is not sys.stdout:
            out.close()
        truth.close()
    dt = time.time() - t0
    sys.stderr.write(
        "gen_corpus: %d docs (%d base, %d duplicate, %d version, %d rewrite) "
        "in %.1fs (%.0f docs/s, %d jobs, model from %d sentences)\n"
        % (args.docs, counts[0], counts[1], counts[2], counts[3], dt,
           args.docs / dt if dt else 0, jobs, n_sent))


if __name__ == "__main__":
    main()
