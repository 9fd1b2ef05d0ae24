"""Type stubs of the native half of the package (Rust, PyO3). Callers use
the functions of ``stemma`` instead; these take JSON lines and return JSON
text."""

from os import PathLike
from typing import List, Optional, Tuple

__version__: str

class StemmaError(Exception):
    """What Stemma could not do, with the message the command line would print."""

def analyze(
    records: bytes,
    source: str,
    config_json: Optional[str] = None,
    config_path: Optional[str] = None,
    fields_json: Optional[str] = None,
    stories: Optional[bool] = None,
) -> Tuple[str, List[str]]: ...
def compare(a: bytes, b: bytes, config_json: Optional[str] = None, config_path: Optional[str] = None) -> str: ...
def dedup(
    records: bytes,
    source: str,
    threshold: Optional[float] = None,
    config_json: Optional[str] = None,
    config_path: Optional[str] = None,
) -> Tuple[str, List[str]]: ...
def extract(
    html: bytes, url: Optional[str] = None, config_json: Optional[str] = None, config_path: Optional[str] = None
) -> str: ...
def default_config() -> str: ...

class Index:
    def __init__(
        self,
        path: "str | PathLike[str]",
        create: bool = True,
        config_json: Optional[str] = None,
        config_path: Optional[str] = None,
    ) -> None: ...
    def add(self, records: bytes, source: str) -> Tuple[str, List[str]]: ...
    def query(self, records: bytes, source: str) -> Tuple[str, List[str]]: ...
    def get(self, id: str) -> Optional[str]: ...
    def info(self) -> str: ...
    def config(self) -> str: ...

class Settings:
    """The Spark job's settings: configuration, field names, sketcher."""
    def __init__(
        self, config_json: Optional[str] = None, config_path: Optional[str] = None, fields_json: Optional[str] = None
    ) -> None: ...
    def config_json(self) -> str: ...
    @property
    def max_key_documents(self) -> int: ...
    @property
    def min_shared_sentences(self) -> int: ...
    @property
    def near_duplicate_jaccard(self) -> float: ...

class Stats:
    """Corpus statistics: document counts of terms (little-endian int64 arrays)."""
    def __init__(self, documents: int, terms: bytes, counts: bytes) -> None: ...
    @property
    def documents(self) -> int: ...

def spark_read(
    settings: Settings, lines: List[str], paths: List[str], numbers: List[int]
) -> Tuple[
    List[Optional[str]],
    List[Optional[str]],
    List[int],
    List[int],
    List[List[int]],
    List[List[int]],
    List[List[int]],
    List[Optional[str]],
    Tuple[int, List[int], List[int]],
]: ...
def spark_verify(
    settings: Settings,
    stats: Stats,
    pairs: Tuple[List[int], List[int], List[str], List[str], List[str], List[str], List[bool], List[bool]],
) -> Tuple[List[int], List[int], List[str], List[bool], List[bool]]: ...
def spark_settle(
    settings: Settings,
    stats: Stats,
    members: Tuple[List[int], List[str], List[str]],
    pairs: Tuple[List[int], List[int], List[bool], List[bool]],
) -> Tuple[List[int], List[int], List[str], List[str]]: ...
def spark_minhash(
    settings: Settings, threshold: float, lines: List[str], paths: List[str], numbers: List[int]
) -> Tuple[List[Optional[str]], List[Optional[str]], List[int], List[bytes], List[List[int]]]: ...
def spark_jaccard(a: List[bytes], b: List[bytes]) -> List[float]: ...
