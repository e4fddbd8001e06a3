"""Write a rewritten file so that it is never half-written and never loses a concurrent edit.

The new bytes go to a temporary file in the same folder, get the original's mode, are flushed
to disk, and replace the original with one rename. The encoding (PEP 263 cookie), a UTF-8 BOM
and the line endings are kept: libcst round-trips the text exactly, and the encoding and BOM are
re-applied here. A file whose bytes changed since they were read is not written.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from pathlib import Path

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


class FileChanged(Exception):
    pass


def encoding_of(original: bytes) -> tuple[str, bool]:
    """(encoding, has_utf8_bom) of the original bytes."""
    if original.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    for line in original.split(b"\n", 2)[:2]:
        m = _COOKIE.match(line)
        if m:
            return m.group(1).decode("ascii"), False
    return "utf-8", False


def write_atomic(path: Path, text: str, original: bytes) -> None:
    """Replace ``path`` with ``text`` if it still holds ``original``."""
    if path.read_bytes() != original:
        raise FileChanged(f"{path}: changed since it was read; not written")
    encoding, bom = encoding_of(original)
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".llmlint-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if path.read_bytes() != original:  # a last look: an editor may have saved meanwhile
            raise FileChanged(f"{path}: changed since it was read; not written")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
