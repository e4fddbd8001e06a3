"""Write a rewritten file so that it is never half-written and never loses a concurrent edit.

The new bytes go to a temporary file in the same folder, get the original's mode, are flushed
to disk, and replace the original with one rename. The encoding (PEP 263 cookie), a UTF-8 BOM
and the line endings are kept: libcst round-trips the text exactly, and the encoding and BOM are
re-applied here. A file whose bytes changed since they were read is not written, nor is a
read-only file, nor one deleted meanwhile. Killed at any point, the original is either intact
or fully replaced (a stray ``.NAME.*.llmlint-tmp`` file may remain; it is not a ``.py`` file).
"""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
from pathlib import Path

from linter.analysis.source import read_source, source_encoding


class NotWritten(Exception):
    """The file was left as it is; the message says why."""


class FileChanged(NotWritten):
    pass


def encoding_of(original: bytes) -> tuple[str, bool]:
    """(encoding, has_utf8_bom) of the original bytes, decided as the reader decided it."""
    return source_encoding(original)


def write_atomic(path: Path, text: str, original: bytes) -> None:
    """Replace ``path`` with ``text`` if it still holds ``original``. A symlink is written
    through (its target is replaced, the link stays); a read-only file is not written."""
    target = path.resolve()
    try:
        st = target.stat()
        current = read_source(target)
    except FileNotFoundError:
        raise NotWritten(f"{path}: deleted since it was read; not written") from None
    if current != original:
        raise FileChanged(f"{path}: changed since it was read; not written")
    mode = stat.S_IMODE(st.st_mode)
    if not mode & 0o222:
        raise NotWritten(f"{path}: read-only (mode {mode:o}); not written")
    encoding, bom = encoding_of(original)
    try:
        data = (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)
    except UnicodeError:
        raise NotWritten(f"{path}: the fixed text cannot be encoded as {encoding}; not written") from None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".llmlint-tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if os.geteuid() == 0 and (st.st_uid, st.st_gid) != (0, 0):
            os.chown(tmp, st.st_uid, st.st_gid)  # root fixing someone's file keeps it theirs
        if read_source(target) != original:  # a last look: an editor may have saved meanwhile
            raise FileChanged(f"{path}: changed since it was read; not written")
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
