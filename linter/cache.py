"""The per-file facts cache (``.llmlint_cache/``): reruns parse only what changed.

Stored as JSON through ``linter.cache_codec`` (never pickle: a cache folder may come with the
code being checked).

One file per (tool fingerprint, analysis settings) holds a line per file: its stat signature,
the BLAKE2 hash of its bytes, the prefilter's verdict, its facts, the results of the name scans
the demand rounds made over it and the words of its imports (which they ask about). A second,
small file keeps the findings of the last few whole runs (another, their fix previews), keyed by every file's path and stat
signature plus the reporting settings: a rerun over an unchanged tree loads neither facts nor
libcst. A third records the last run's tree (each file's stat signature, prefilter verdict, facts
hash, and the questions the demand rounds asked of its bytes with their answers), so that a rerun
whose edited files give all of them alike reuses that run's findings (``linter.engine.rerun``).

Never wrong (a stat signature vouches for a file's bytes only when the file was last modified
more than 2 s before it was recorded; younger files are hashed again):
- the file name is a hash of llmlint's version, the bytes of its own source files (an upgrade
  or a local edit starts a new cache) and every setting that changes facts or verdicts (the
  catalogues, the syntax check; not the selection, which only filters the report);
- an entry is used only for the same bytes: when the stat signature (size, mtime, ctime,
  inode) differs the file is read and hashed again, and a different hash is a miss;
- facts are tied to the display path, module name and package flag they were made with.

Safe when two runs share the folder: each run reads the file once, and writes a complete new
one to a temporary file that is renamed over the old (``os.replace`` is atomic), after merging
in entries another run wrote meanwhile (when the file's stat signature moved since it was read). A corrupt or unreadable cache is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from linter import __version__
from linter import cache_codec
from linter.analysis.facts import FileFacts
from linter.demands import Question, decode_question, encode_question

DEFAULT_DIR = ".llmlint_cache"
_SCHEMA = 5  # 5: facts encoded by their schema (``cache_codec.dumps_facts``)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def facts_digest(facts_json: str) -> bytes:
    """The hash the tree record keeps of a file's facts, from their stored JSON."""
    return digest(facts_json.encode())


def _tool_fingerprint() -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Entry:
    """One file's cache entry. Its facts stay in their stored JSON text until asked for, and
    go back to disk as that same text when unchanged: a rerun that changes one file neither
    decodes nor re-encodes the facts it does not use."""

    __slots__ = ("stat", "digest", "display", "module", "is_package", "skipped", "mentions", "imported", "_facts", "_raw")

    def __init__(
        self,
        stat: tuple[int, int, int, int],  # size, mtime_ns, ctime_ns, inode
        digest: bytes,
        display: str,
        module: str,
        is_package: bool,
        skipped: bool | None = None,  # prefilter verdict: True = not parsed; None = not asked yet
        facts: FileFacts | None = None,  # facts from a parse (forced or not)
        mentions: dict[bytes, bool] | None = None,  # name-scan pattern -> found
        raw: str | None = None,  # the facts as stored (JSON), not decoded yet
        imported: frozenset[bytes] | None = None,  # the words of its import statements
    ) -> None:
        self.stat, self.digest, self.display, self.module, self.is_package = stat, digest, display, module, is_package
        self.skipped = skipped
        self.mentions = {} if mentions is None else mentions
        self.imported = imported
        self._facts, self._raw = facts, raw

    @property
    def facts(self) -> FileFacts | None:
        if self._facts is None and self._raw is not None:
            try:
                value = cache_codec.loads_facts(self._raw, _STRINGS)
            except Exception:  # a spoiled entry is a miss, never an error
                value = None
            self._facts = value if isinstance(value, FileFacts) else None
            if self._facts is None:
                self._raw = None
        return self._facts

    @facts.setter
    def facts(self, value: FileFacts | None) -> None:
        self._facts, self._raw = value, None

    def keep_facts(self, value: FileFacts, raw: str) -> None:
        """Facts with their JSON (``cache_codec.dumps_facts``), made already: not made again."""
        self._facts, self._raw = value, raw

    def facts_json(self) -> str | None:
        if self._raw is None and self._facts is not None:
            self._raw = cache_codec.dumps_facts(self._facts).decode()  # kept: saving and the tree record both ask
        return self._raw


RACY_NS = 2_000_000_000


# One object per distinct string across the facts decoded in this process (see
# ``cache_codec.decode``); bounded by the distinct names of the trees checked.
_STRINGS: dict[str, str] = {}


def racy(sig: tuple[int, int, int, int], now_ns: int | None = None) -> bool:
    """Modified within the last 2 s: a write in the same timestamp tick could follow unseen
    (git's "racy" case), so this stat does not vouch for the bytes."""
    return (now_ns or time.time_ns()) - max(sig[1], sig[2]) < RACY_NS


def stat_signature(path: Path | str) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class Cache:
    def __init__(self, directory: Path, settings: str) -> None:
        self.directory = directory
        key = hashlib.blake2b(f"{_SCHEMA}|{_tool_fingerprint()}|{settings}".encode(), digest_size=12).hexdigest()
        self.path = directory / f"facts-{key}.lines"
        self.results_path = directory / f"results-{key}.json"
        self.tree_path = directory / f"tree-{key}.json"
        self.previews_path = directory / f"previews-{key}.json"
        self._entries: dict[str, Entry] | None = None  # loaded on first use
        self._loaded_stat: tuple[int, int, int, int] | None = None  # of the file when loaded
        self.dirty = False

    @property
    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            self._loaded_stat = stat_signature(self.path)
            self._entries = _read_entries(self.path)
        return self._entries

    def peek(self, key: str) -> Entry | None:
        """The stored entry for ``key`` as ``entries`` would give it, without reading every entry
        when they are not loaded yet: a rerun that compares one edited file's facts with its
        stored ones needs that line only (pdd: reading all 1,744 lines was 80-130 ms of a 1.1 s
        facts-moved rerun). The key's line is the last one that starts with it, as the last of
        equal keys wins in ``_read_entries``."""
        if self._entries is not None:
            return self._entries.get(key)
        try:
            text = self.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeError):
            return None
        head = "\n" + json.dumps([key])[:-1] + ","
        at = ("\n" + text).rfind(head)
        if at < 0:
            return None
        end = text.find("\n", at)
        parsed = _parse_line(text[at : end if end >= 0 else len(text)])
        return parsed[1] if parsed is not None and parsed[0] == key else None

    # ----------------------------------------------------------- whole runs
    def result(self, run_key: bytes) -> object | None:
        """The stored outcome of a run over exactly these files, stats and settings."""
        stored = _read(self.results_path)
        return stored.get(run_key)

    def store_result(self, run_key: bytes, outcome: object) -> None:
        stored = _read(self.results_path)
        stored = dict(list(stored.items())[-7:])  # the last few trees (subfolders, pre-commit file sets)
        stored[run_key] = outcome
        _write(self.directory, self.results_path, stored)

    def previews(self, run_key: bytes) -> dict:
        """The fix previews stored for the findings of this run (finding key -> previewed finding)."""
        found = _read(self.previews_path).get(run_key)
        return found if isinstance(found, dict) else {}

    def store_previews(self, run_key: bytes, previews: dict) -> None:
        stored = _read(self.previews_path)
        stored = {k: v for k, v in list(stored.items())[-7:] if k != run_key}  # as the results: the last few trees
        stored[run_key] = previews
        _write(self.directory, self.previews_path, stored)

    def tree(self) -> TreeRecord | None:
        """The last whole run's tree (None when there is none, or it does not decode)."""
        try:
            return TreeRecord.decode(_read(self.tree_path))
        except (TypeError, ValueError, KeyError):
            return None

    def store_tree(self, record: TreeRecord) -> None:
        _write(self.directory, self.tree_path, record.encode())

    # ------------------------------------------------------------------ lookup
    def entry(self, key: str, path: Path, display: str, module: str, is_package: bool) -> Entry | None:
        """The entry for these exact bytes (re-hashing when the stat signature moved)."""
        e = self.entries.get(key)
        if e is None or (e.display, e.module, e.is_package) != (display, module, is_package):
            return None
        sig = stat_signature(path)
        if sig is None:
            return None
        if sig != e.stat:
            try:
                same = digest(path.read_bytes()) == e.digest
            except OSError:
                return None
            if not same:
                return None
            e.stat = sig  # touched but unchanged
            self.dirty = True
        return e

    def store(
        self,
        key: str,
        sig: tuple[int, int, int, int],
        content: bytes,
        display: str,
        module: str,
        is_package: bool,
    ) -> Entry:
        """The entry for a file just read (a fresh one when its bytes changed)."""
        e = self.entries.get(key)
        if e is None or e.digest != content or (e.display, e.module, e.is_package) != (display, module, is_package):
            e = Entry(sig, content, display, module, is_package)
            self.entries[key] = e
        e.stat = sig if not racy(sig) else (-1,) + sig[1:]  # a racy stat is re-hashed next time
        self.dirty = True
        return e

    # ------------------------------------------------------------------- write
    def save(self) -> None:
        if not self.dirty or self._entries is None:
            return
        merged = self._entries
        if stat_signature(self.path) != self._loaded_stat:  # another run wrote it since we read
            merged = _read_entries(self.path)
            merged.update(self._entries)
        _write_entries(self.directory, self.path, merged)


@dataclass(frozen=True, slots=True)
class TreeFile:
    """One file of the last whole run: its identity, the stat signature the run saw, its
    prefilter verdict and the hash of its facts (when its cache entry was for those bytes),
    and the demand rounds' questions it was asked (indexes into ``TreeRecord.questions``) with
    its answers."""

    display: str
    module: str
    is_package: bool
    stat: tuple[int, int, int, int]
    skipped: bool | None
    facts_hash: bytes | None
    asked: tuple[tuple[int, bool], ...]


@dataclass(frozen=True, slots=True)
class TreeRecord:
    """The last whole run: its run key, report settings, the questions its demand rounds asked
    of files' bytes, and its files."""

    key: bytes
    settings: str
    questions: tuple[Question, ...]
    files: tuple[TreeFile, ...]

    def encode(self) -> dict:
        files = [[f.display, f.module, f.is_package, list(f.stat), f.skipped, f.facts_hash, [list(qa) for qa in f.asked]] for f in self.files]
        return {"key": self.key, "settings": self.settings, "questions": [encode_question(q) for q in self.questions], "files": files}

    @staticmethod
    def decode(raw: dict) -> TreeRecord:
        """The inverse of ``encode``: TypeError/ValueError/KeyError on a spoiled record."""
        key, settings = raw["key"], raw["settings"]
        if not isinstance(key, bytes) or not isinstance(settings, str):
            raise TypeError("spoiled tree record")
        questions = tuple(decode_question(q) for q in raw["questions"])
        files = []
        for display, module, is_package, stat, skipped, facts_hash, asked in raw["files"]:
            if not (isinstance(display, str) and isinstance(module, str) and isinstance(is_package, bool)):
                raise TypeError("spoiled tree record")
            if skipped not in (True, False, None) or not (facts_hash is None or isinstance(facts_hash, bytes)):
                raise TypeError("spoiled tree record")
            sig = tuple(int(x) for x in stat)
            if len(sig) != 4:
                raise ValueError("spoiled tree record")
            pairs = tuple((int(q), bool(a)) for q, a in asked)
            if any(not 0 <= q < len(questions) for q, _a in pairs):
                raise ValueError("spoiled tree record")
            files.append(TreeFile(display, module, is_package, sig, skipped, facts_hash, pairs))  # type: ignore[arg-type]
        return TreeRecord(key, settings, questions, tuple(files))


def _read(path: Path) -> dict:
    try:
        raw = cache_codec.loads(path.read_bytes())
    except Exception:  # missing, corrupt, foreign or from another version: a cold cache, never an error
        return {}
    return raw if isinstance(raw, dict) else {}


def _read_entries(path: Path) -> dict[str, Entry]:
    """The facts file: a line per entry, its fields as JSON, a tab, and its facts' own JSON as
    stored (JSON escapes every tab and newline inside). The facts are not decoded here, nor
    escaped as one big JSON string: loading and saving a large tree's file took 0.4 s each."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeError):  # missing or spoiled: a cold cache, never an error
        return {}
    out: dict[str, Entry] = {}
    for line in text.split("\n"):
        parsed = _parse_line(line)
        if parsed is not None:
            out[parsed[0]] = parsed[1]
    return out


def _parse_line(line: str) -> tuple[str, Entry] | None:
    """One line of the facts file as (key, entry); None when it is spoiled."""
    fields_json, tab, facts = line.partition("\t")
    try:
        key, stat, dig, display, module, is_package, skipped, mentions, imported = json.loads(fields_json)
        if not (isinstance(key, str) and isinstance(display, str) and isinstance(module, str) and isinstance(mentions, dict)):
            return None
        if imported is not None and not isinstance(imported, str):
            return None
        skipped = skipped if skipped in (True, False) else None
        return key, Entry(tuple(stat), bytes.fromhex(dig), display, module, bool(is_package), skipped, None,
                          {m.encode("latin-1"): bool(v) for m, v in mentions.items()}, facts if tab and facts else None,
                          None if imported is None else frozenset(w.encode("latin-1") for w in imported.split(" ") if w))
    except (ValueError, TypeError, UnicodeError):
        return None


def _entry_line(key: str, e: Entry) -> str:
    fields = [key, list(e.stat), e.digest.hex(), e.display, e.module, e.is_package, e.skipped,
              {m.decode("latin-1"): v for m, v in e.mentions.items()},
              None if e.imported is None else " ".join(sorted(w.decode("latin-1") for w in e.imported))]
    facts = e.facts_json()
    return json.dumps(fields, separators=(",", ":")) + ("\t" + facts if facts is not None else "")


def _write(directory: Path, path: Path, data: dict) -> None:
    _replace(directory, path, cache_codec.dumps(data))


def _write_entries(directory: Path, path: Path, entries: dict[str, Entry]) -> None:
    _replace(directory, path, "\n".join(_entry_line(k, e) for k, e in entries.items()).encode("utf-8", "surrogatepass"))


def _replace(directory: Path, path: Path, content: bytes) -> None:
    """Atomically: a complete temporary file renamed over the old one."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        gitignore = directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# created by llmlint\n*\n")
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only tree: run without a cache, never fail the lint
