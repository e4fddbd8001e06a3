"""N copies of a tree as one project whose modules do not collide (issue 18: time linear in the
tree, 1x, 2x, 4x).

A plain copy of a tree beside itself is not N times the work: discovery names a second
``pdd`` package ``pdd@copy1`` (a name no import spells), every import in copy 1 resolves to
copy 0, and the demand rounds never ask for copy 1's modules. So copy ``k`` wraps each of the
tree's top-level packages ``X`` in a package of its own, ``X_ck/X``, and its imports of ``X``
say so (``from X.a import f`` -> ``from X_ck.X.a import f``; ``import X.a`` ->
``from X_ck import X``; a dotted string ``"X.a.f"`` -> ``"X_ck.X.a.f"``). Folder and file names
are kept (``tests/`` still marks test code) and no line moves. What stays shared: modules at
the top of a folder that is no package (scripts, ``setup.py``): their copies collide and
discovery names all but one by folder, as it does in the tree itself.

A package named like a module the catalogue knows (``threading``, ``litellm``) would lose that
meaning in the copies: measure a tree of user code (pdd), not the stdlib corpus.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_IMPORT = re.compile(rb"^([ \t]*)import[ \t]+([^#\n;\\(]+?)[ \t]*(#[^\n]*)?$", re.MULTILINE)
_FROM = re.compile(rb"^([ \t]*)from[ \t]+([A-Za-z_]\w*)((?:\.\w+)*)[ \t]+import\b", re.MULTILINE)


def top_packages(tree: Path) -> set[str]:
    """Names of the packages whose parent folder is no package (where imports start)."""
    names: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(tree):
        if "__init__.py" in filenames and not os.path.isfile(os.path.join(os.path.dirname(dirpath), "__init__.py")):
            names.add(os.path.basename(dirpath))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    return {n for n in names if n.isidentifier()}


def rewrite(data: bytes, names: set[str], suffix: str) -> bytes:
    """``data``'s imports of ``names`` pointed at the wrapped copies (same lines)."""
    wanted = {n.encode() for n in names}

    def wrapped(name: bytes) -> bytes:
        return name + suffix.encode() + b"." + name

    def from_(m: re.Match[bytes]) -> bytes:
        if m.group(2) not in wanted:
            return m.group(0)
        return m.group(1) + b"from " + wrapped(m.group(2)) + m.group(3) + b" import"

    def import_(m: re.Match[bytes]) -> bytes:
        items = [i.strip() for i in m.group(2).split(b",")]
        if not any(i.split(b".")[0].split()[0] in wanted for i in items if i):
            return m.group(0)
        out = []
        for item in items:
            dotted, _, alias = item.partition(b" as ")
            top = dotted.strip().split(b".")[0]
            if top not in wanted:
                out.append(b"import " + item)
            elif alias:
                out.append(b"import " + wrapped(top) + dotted.strip()[len(top):] + b" as " + alias.strip())
            else:  # binds the top name, as ``import X.a`` does
                out.append(b"from " + top + suffix.encode() + b" import " + top)
        tail = b"  " + m.group(3) if m.group(3) else b""
        return m.group(1) + b"; ".join(out) + tail

    data = _FROM.sub(from_, data)
    data = _IMPORT.sub(import_, data)
    for name in wanted:
        data = re.sub(rb"(?<=[\"'])" + re.escape(name) + rb"(?=\.\w)", wrapped(name), data)
    return data


def build_copies(tree: Path, dest: Path, copies: int) -> tuple[int, int]:
    """``copies`` wrapped copies of ``tree``'s Python files in ``dest/copy0 ...``; files and lines
    (the wrappers' empty ``__init__.py`` files not counted)."""
    names = top_packages(tree)
    files = lines = 0
    for k in range(copies):
        suffix = f"_c{k}"
        for src in sorted(tree.rglob("*.py")):
            parts = list(src.relative_to(tree).parts)
            wrapper: Path | None = None
            for i, part in enumerate(parts[:-1]):
                # the first package folder below a folder that is no package: wrap it
                if part in names and (tree.joinpath(*parts[: i + 1]) / "__init__.py").is_file() and not (
                    tree.joinpath(*parts[:i]) / "__init__.py"
                ).is_file():
                    wrapper = dest / f"copy{k}" / Path(*parts[:i], part + suffix)
                    parts[i:i] = [part + suffix]
                    break
            out = dest / f"copy{k}" / Path(*parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            data = rewrite(src.read_bytes(), names, suffix)
            out.write_bytes(data)
            files += 1
            lines += data.count(b"\n")
            if wrapper is not None and not (wrapper / "__init__.py").exists():
                (wrapper / "__init__.py").write_bytes(b"")
    return files, lines


def remove(dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
