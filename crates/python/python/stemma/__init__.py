"""Stemma traces news copy: which articles are copies of which (duplicates,
versions, paraphrased and condensed rewrites), what each copy changed, and
which stories the articles belong to.

The same Rust core as the ``stemma`` command line, with plain Python data
in and out::

    import stemma

    report = stemma.analyze([
        {"id": "wire", "text": "...", "published": "2024-05-01"},
        {"id": "site", "text": "..."},
    ])
    for r in report["relations"]:
        print(r["a"], r["kind"], r["b"], r["changes"]["changed_facts"])

An article is a dict with ``text`` and, optionally, ``id``, ``title``,
``outlet``, ``published``, ``url``, ``language`` and ``author`` (the
command line's JSONL fields), or a plain string (its text; its id is its
position). Results have the shapes of ``docs/schema.md``.

``config`` everywhere is ``None`` (the defaults), a dict of tables that
override the defaults (``{"relate": {"rewrite_coverage": 0.5}}``), or the
path of a TOML file as ``stemma config`` writes it. Unknown keys are an
error.

Errors are :class:`StemmaError`, with the command line's messages. The
work runs with the GIL released, so threads analyse side by side.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _native
from ._native import StemmaError

__all__ = [
    "StemmaError",
    "StemmaWarning",
    "Index",
    "analyze",
    "compare",
    "dedup",
    "extract",
    "default_config",
    "__version__",
]

__version__: str = _native.__version__

Article = Union[str, Mapping[str, Any]]
Config = Union[None, Mapping[str, Any], str, "os.PathLike[str]"]


class StemmaWarning(UserWarning):
    """A record read with a caveat (a repeated id renamed, bytes replaced),
    or one not read when ``on_error="warn"``."""


def _config(config: Config) -> Tuple[Optional[str], Optional[str]]:
    """The configuration as the native functions take it: (JSON, TOML path)."""
    if config is None:
        return None, None
    if isinstance(config, Mapping):
        return json.dumps(dict(config)), None
    if isinstance(config, (str, os.PathLike)):
        return None, os.fspath(config)
    raise TypeError(f"config must be None, a dict or the path of a TOML file, not {type(config).__name__}")


def _records(articles: Iterable[Article]) -> Tuple[bytes, int, bool]:
    """Articles as JSON lines: the bytes, how many, and whether all were
    plain strings (whose ids are then their positions)."""
    if isinstance(articles, (str, bytes, Mapping)):
        raise TypeError("articles must be a list (or iterable) of articles, not a single article")
    lines: List[str] = []
    plain = True
    for position, article in enumerate(articles):
        if isinstance(article, str):
            record: Mapping[str, Any] = {"id": str(position), "text": article}
        elif isinstance(article, Mapping):
            plain = False
            record = article
        else:
            raise TypeError(f"article {position}: expected a dict or a string, not {type(article).__name__}")
        try:
            lines.append(json.dumps(record, ensure_ascii=False, default=str))
        except (TypeError, ValueError) as err:
            raise StemmaError(f"articles:{position + 1}: cannot encode the article: {err}") from None
    return "\n".join(lines).encode("utf-8"), len(lines), plain


def _problems(messages: List[str], read: int, given: int, on_error: str) -> None:
    """Raises, warns or stays quiet about the input errors, by ``on_error``:
    ``"raise"`` raises when a record could not be read and warns of
    caveats, ``"warn"`` only warns, ``"ignore"`` leaves them in the
    report's ``input_errors``."""
    if on_error not in ("raise", "warn", "ignore"):
        raise ValueError(f"on_error must be 'raise', 'warn' or 'ignore', not {on_error!r}")
    if on_error == "ignore" or not messages:
        return
    if on_error == "raise" and read < given:
        raise StemmaError("\n".join(messages))
    for message in messages:
        warnings.warn(message, StemmaWarning, stacklevel=3)


def analyze(
    articles: Iterable[Article],
    config: Config = None,
    *,
    stories: bool = True,
    on_error: str = "raise",
) -> Dict[str, Any]:
    """Analyses a batch of articles: the JSON report of ``stemma analyze``
    (``documents``, ``relations``, ``stories``, ``summary``, ``config``,
    ``input_errors``) as Python data.

    ``stories=False`` skips stories, as ``--no-stories`` does. A record
    that cannot be read (no text, a text over ``ingest.max_document_bytes``)
    raises :class:`StemmaError` naming it as ``articles:N``; with
    ``on_error="warn"`` or ``"ignore"`` the rest is analysed and the problem
    is listed in ``input_errors``.
    """
    records, given, _ = _records(articles)
    config_json, config_path = _config(config)
    report, messages = _native.analyze(records, "articles", config_json, config_path, None, stories)
    result = json.loads(report)
    _problems(messages, len(result["documents"]), given, on_error)
    return result


def compare(a: Article, b: Article, config: Config = None) -> Dict[str, Any]:
    """Compares two articles directly, whatever the candidate stage would
    say: ``{"documents": [a, b], "candidate": {...}, "relation": {...} or
    None}``. The relation, when one derives from the other, has its
    alignment and changes (``docs/schema.md``); its ``a`` is the source
    when ``direction`` is set. Terms are weighted by the two articles alone.
    """
    def record(article: Article, name: str) -> bytes:
        if isinstance(article, str):
            article = {"id": name, "text": article}
        elif not isinstance(article, Mapping):
            raise TypeError(f"{name}: expected a dict or a string, not {type(article).__name__}")
        return json.dumps(article, ensure_ascii=False, default=str).encode("utf-8")

    config_json, config_path = _config(config)
    return json.loads(_native.compare(record(a, "a"), record(b, "b"), config_json, config_path))


def dedup(
    texts_or_articles: Iterable[Article],
    threshold: Optional[float] = None,
    config: Config = None,
    *,
    on_error: str = "raise",
) -> Dict[str, Any]:
    """Near-duplicate mode (``stemma dedup``): MinHash-LSH over word
    5-grams, the pairs whose estimated Jaccard similarity reaches
    ``threshold`` (``relate.near_duplicate_jaccard``, 0.5, by default) and
    their clusters, each with the member to keep (the first).

    Given plain strings, pairs and clusters name them by position (ints);
    given articles, by id.
    """
    records, given, plain = _records(texts_or_articles)
    config_json, config_path = _config(config)
    report, messages = _native.dedup(records, "articles", threshold, config_json, config_path)
    result = json.loads(report)
    _problems(messages, result["summary"]["documents"], given, on_error)
    if plain:
        for pair in result["pairs"]:
            pair["a"], pair["b"] = int(pair["a"]), int(pair["b"])
        for cluster in result["clusters"]:
            cluster["keep"] = int(cluster["keep"])
            cluster["duplicates"] = [int(d) for d in cluster["duplicates"]]
    return result


def extract(html: Union[str, bytes], url: Optional[str] = None, config: Config = None) -> Dict[str, Any]:
    """Reads the article on a web page: ``{"id", "title", "text", "outlet",
    "published", "url", "language", "author", "notice"}``. ``html`` as
    bytes is decoded as ``stemma extract`` decodes a file (byte-order mark,
    ``<meta>`` charset, a guess); ``url`` is where the page came from.
    Raises :class:`StemmaError` when the page holds no article.
    """
    if isinstance(html, str):
        html = html.encode("utf-8")
    elif not isinstance(html, (bytes, bytearray, memoryview)):
        raise TypeError(f"html must be str or bytes, not {type(html).__name__}")
    config_json, config_path = _config(config)
    return json.loads(_native.extract(bytes(html), url, config_json, config_path))


def default_config() -> Dict[str, Any]:
    """The default configuration, every setting (``stemma config``)."""
    return json.loads(_native.default_config())


class Index:
    """A persistent index of articles (``stemma index``): add articles as
    they arrive and learn at once which held articles each copies, and
    which story it joins.

    ``Index(path)`` opens the index in directory ``path``, creating it when
    there is none (``create=False`` refuses to). A new index keeps
    ``config``; an existing one keeps its own. Safe to share between
    threads.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], config: Config = None, *, create: bool = True) -> None:
        config_json, config_path = _config(config)
        self._index = _native.Index(os.fspath(path), create, config_json, config_path)
        self.path = os.fspath(path)

    def add(self, articles: Iterable[Article], *, on_error: str = "raise") -> List[Dict[str, Any]]:
        """Adds articles: for each, its outcome (``id``, ``status``
        ``added``/``duplicate``/..., ``doc``, ``story``, ``relations``)."""
        return self._run(self._index.add, articles, on_error)

    def query(self, articles: Iterable[Article], *, on_error: str = "raise") -> List[Dict[str, Any]]:
        """What the index would say of articles, storing nothing."""
        return self._run(self._index.query, articles, on_error)

    def get(self, id: str) -> Optional[Dict[str, Any]]:
        """The held article ``id`` with its story and relations, or None."""
        held = self._index.get(id)
        return None if held is None else json.loads(held)

    def info(self) -> Dict[str, Any]:
        """Counts of what the index holds."""
        return json.loads(self._index.info())

    @property
    def config(self) -> Dict[str, Any]:
        """The index's configuration."""
        return json.loads(self._index.config())

    def _run(self, step: Any, articles: Iterable[Article], on_error: str) -> List[Dict[str, Any]]:
        records, given, _ = _records(articles)
        outcomes, messages = step(records, "articles")
        result = json.loads(outcomes)
        _problems(messages, len(result), given, on_error)
        return result

    def __repr__(self) -> str:
        return f"stemma.Index({self.path!r})"
