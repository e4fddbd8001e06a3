"""The floor under a linter built on CPython's parser: every file of a tree parsed once, on
``--jobs`` processes, with nothing else done.

    python benchmarks/parser_floor.py [--jobs 2] TREE

It uses ``symtable``: CPython's parser and symbol-table pass without building the tree's
Python objects, the cheapest complete syntax check the standard library has (llmlint's check
of the files its byte scan rules out). A linter that reports every file that does not parse
(LLM000, as ruff's E9) cannot run a cold check in less time than this.
"""

from __future__ import annotations

import argparse
import gc
import os
import symtable
import sys
from multiprocessing import Pool
from pathlib import Path


def parse(path: str) -> bool:
    try:
        symtable.symtable(Path(path).read_bytes().decode("utf-8", "replace"), path, "exec")
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    gc.disable()
    paths = sorted(str(p) for p in args.tree.rglob("*.py"))
    paths.sort(key=lambda p: -os.stat(p).st_size)  # biggest first: no big file left for last
    with Pool(args.jobs) as pool:
        bad = sum(not ok for ok in pool.imap_unordered(parse, paths, chunksize=8))
    print(f"{len(paths)} files, {bad} rejected", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
