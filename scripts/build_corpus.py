#!/usr/bin/env python3
"""Builds moecut's embedded corpus (resources/corpus/) from permissively
licensed text found on a Debian 12 development machine.

Sources (licence):
  python      CPython 3.11 standard library modules           (PSF-2.0)
  c           CPython 3.11 C headers                           (PSF-2.0)
  shell       pyenv and python-build scripts and bats tests    (MIT)
  javascript  npm's bundled dependencies, MIT/ISC/BSD ones only (per package.json)
  docs        Python's pydoc topics (PSF-2.0), The Rust Programming Language
              book (MIT OR Apache-2.0), pyenv's Markdown docs (MIT)

Documents are cut at natural boundaries (a top-level function or class, a
block of a C header, a shell function, a few paragraphs of prose). Near-
duplicate documents are clustered (MinHash over word 5-gram shingles, LSH
banding, Jaccard >= 0.5) and every cluster goes whole to one split, so no
split shares exact or near-duplicate text with another. Splits:
  train.jsonl            training text for `moecut train-tiny`
  calib_code.jsonl       calibration, domain "code"
  calib_knowledge.jsonl  calibration, domain "knowledge" (prose)
  probes.jsonl           held-out probe prompts {"id","prompt","source"}
                         (the first lines of held-out documents)
The selection is deterministic (hash-based); rerunning gives the same files.

Usage: scripts/build_corpus.py [--out resources/corpus]
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import html.parser
import json
import os
import random
import re
import sys
from pathlib import Path

PY = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
PY_INCLUDE = Path(sys.base_prefix) / "include" / f"python{sys.version_info.major}.{sys.version_info.minor}"
PYENV = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv"))
NODE_MODULES = Path("/usr/lib/node_modules/npm/node_modules")
RUST_BOOK = next(iter(sorted(Path.home().glob(".rustup/toolchains/stable-*/share/doc/rust/html/book"))), None)
PERMISSIVE = {"MIT", "ISC", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "0BSD", "CC0-1.0", "BlueOak-1.0.0"}

MAX_DOC_CHARS = 2400
MIN_DOC_CHARS = 80


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


# ---------------------------------------------------------------- extraction
def python_docs():
    skip = ("test", "tests", "idlelib", "lib2to3", "site-packages", "ensurepip", "encodings", "pydoc_data",
            "tkinter", "turtledemo", "config-3")
    for path in sorted(PY.rglob("*.py")):
        rel = path.relative_to(PY)
        if any(part.startswith(skip) for part in rel.parts):
            continue
        try:
            src = path.read_text(encoding="utf-8")
            tree = ast.parse(src)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        lines = src.splitlines()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = node.lineno - 1 - len(node.decorator_list)
                text = "\n".join(lines[start:node.end_lineno])
                if isinstance(node, ast.ClassDef) and len(text) > MAX_DOC_CHARS:
                    # Long classes: one document per method, with the class line as context.
                    for sub in node.body:
                        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            s = sub.lineno - 1 - len(sub.decorator_list)
                            body = "\n".join(lines[s:sub.end_lineno])
                            yield "python", f"class {node.name}:\n{body}", "PSF-2.0"
                    continue
                yield "python", text, "PSF-2.0"


def blocks(text: str, max_chars: int):
    """Groups blank-line-separated blocks into chunks of at most max_chars."""
    chunk: list[str] = []
    size = 0
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if not block.strip():
            continue
        if chunk and size + len(block) > max_chars:
            yield "\n\n".join(chunk)
            chunk, size = [], 0
        chunk.append(block)
        size += len(block) + 2
    if chunk:
        yield "\n\n".join(chunk)


def c_docs():
    for path in sorted(PY_INCLUDE.rglob("*.h")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for chunk in blocks(text, 1200):
            yield "c", chunk, "PSF-2.0"


SHELL_FUNC = re.compile(r"^(?:function\s+)?[A-Za-z_][\w:-]*\s*\(\)\s*\{", re.M)
BATS_TEST = re.compile(r"^@test\s", re.M)


def shell_docs():
    files = []
    for d in (PYENV / "libexec", PYENV / "plugins/python-build/bin", PYENV / "pyenv.d", PYENV / "completions",
              PYENV / "test", PYENV / "plugins/python-build/test", PYENV / "plugins/python-build/scripts"):
        if d.exists():
            files += [p for p in sorted(d.rglob("*")) if p.is_file()]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        first = text.split("\n", 1)[0]
        if not (path.suffix in (".bash", ".bats", ".sh") or "sh" in first[:40]):
            continue
        # Cut at function definitions and bats tests.
        cuts = sorted({m.start() for m in SHELL_FUNC.finditer(text)} | {m.start() for m in BATS_TEST.finditer(text)})
        cuts = [0] + [c for c in cuts if c > 0] + [len(text)]
        for a, b in zip(cuts, cuts[1:]):
            piece = text[a:b].strip("\n")
            if len(piece) > MAX_DOC_CHARS:
                yield from (("shell", c, "MIT") for c in blocks(piece, 1500))
            elif piece.strip():
                yield "shell", piece, "MIT"


JS_FUNC = re.compile(r"^(?:async\s+)?function\s|^(?:const|let|var)\s+\w+\s*=\s*(?:async\s*)?(?:function|\()|^class\s|"
                     r"^module\.exports|^exports\.", re.M)


def javascript_docs():
    for pkg_json in sorted(NODE_MODULES.glob("**/package.json")):
        try:
            meta = json.loads(pkg_json.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        lic = meta.get("license") if isinstance(meta, dict) else None
        if lic not in PERMISSIVE or pkg_json.parent.name == "node_modules":
            continue
        pkg_dir = pkg_json.parent
        for path in sorted(pkg_dir.glob("**/*.js")):
            rel = path.relative_to(pkg_dir)
            if "node_modules" in rel.parts or path.name.endswith(".min.js") or "dist" in rel.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            cuts = [0] + [m.start() for m in JS_FUNC.finditer(text) if m.start() > 0] + [len(text)]
            for a, b in zip(cuts, cuts[1:]):
                piece = text[a:b].strip("\n")
                if len(piece) > MAX_DOC_CHARS:
                    yield from (("javascript", c, lic) for c in blocks(piece, 1500))
                elif piece.strip():
                    yield "javascript", piece, lic


class _HtmlText(html.parser.HTMLParser):
    """Paragraph text of an mdBook page's <main>: <p>, <li>, headings, <pre>."""

    def __init__(self):
        super().__init__()
        self.in_main = 0
        self.capture = 0
        self.buf: list[str] = []
        self.paragraphs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        if self.in_main and tag in ("p", "li", "h1", "h2", "h3", "pre"):
            self.capture += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if self.in_main and tag in ("p", "li", "h1", "h2", "h3", "pre") and self.capture:
            self.capture -= 1
            if not self.capture:
                text = "".join(self.buf)
                if tag != "pre":
                    text = re.sub(r"\s+", " ", text).strip()
                if text.strip():
                    self.paragraphs.append(text.strip("\n"))
                self.buf = []

    def handle_data(self, data):
        if self.capture:
            self.buf.append(data)


def prose_docs():
    sys.path.insert(0, str(PY))
    from pydoc_data.topics import topics  # noqa: E402  (PSF-2.0 prose of the Python reference)
    for name in sorted(topics):
        for chunk in blocks(topics[name], 800):
            yield "docs", chunk, "PSF-2.0"
    if RUST_BOOK:
        for page in sorted(RUST_BOOK.glob("ch*.html")):
            p = _HtmlText()
            p.feed(page.read_text(encoding="utf-8"))
            for chunk in blocks("\n\n".join(p.paragraphs), 800):
                yield "docs", chunk, "MIT OR Apache-2.0"
    for md in sorted(PYENV.glob("*.md")) + sorted((PYENV / "plugins/python-build").glob("*.md")):
        for chunk in blocks(md.read_text(encoding="utf-8"), 1200):
            yield "docs", chunk, "MIT"


# ---------------------------------------------------------------- near-duplicates
def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def shingles(text: str, n: int = 5) -> set[int]:
    words = re.findall(r"\w+|[^\w\s]", normalise(text))
    if len(words) < n:
        return {stable_hash(" ".join(words))}
    return {stable_hash(" ".join(words[i:i + n])) for i in range(len(words) - n + 1)}


NUM_PERM, BANDS = 64, 16  # 16 bands of 4 rows: pairs with Jaccard >= 0.5 collide with high probability
_MASK = (1 << 61) - 1
_rng = random.Random(1234)
_PERMS = [(_rng.randrange(1, _MASK), _rng.randrange(0, _MASK)) for _ in range(NUM_PERM)]


def minhash(sh: set[int]) -> list[int]:
    return [min(((a * s + b) & _MASK) for s in sh) for a, b in _PERMS]


def cluster(docs):
    """Union-find over exact and LSH-candidate near-duplicates (Jaccard >= 0.5)."""
    parent = list(range(len(docs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    exact: dict[str, int] = {}
    sh = [shingles(d["text"]) for d in docs]
    buckets: dict[tuple, list[int]] = {}
    rows = NUM_PERM // BANDS
    for i, d in enumerate(docs):
        key = hashlib.sha256(normalise(d["text"]).encode()).hexdigest()
        if key in exact:
            parent[find(i)] = find(exact[key])
            continue
        exact[key] = i
        sig = minhash(sh[i])
        for b in range(BANDS):
            buckets.setdefault((b, *sig[b * rows:(b + 1) * rows]), []).append(i)
    for members in buckets.values():
        for j in members[1:]:
            i = members[0]
            if find(i) == find(j):
                continue
            inter = len(sh[i] & sh[j])
            if inter / max(1, len(sh[i] | sh[j])) >= 0.5:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


# ---------------------------------------------------------------- splitting
def probe_prompt(doc) -> str:
    text = doc["text"]
    if doc["source"] == "docs":
        m = re.match(r"(.{40,300}?[.!?:])(\s|$)", text, re.S)
        return (m.group(1) if m else text[:200]).strip()
    lines = text.split("\n")
    out = []
    for line in lines:
        out.append(line)
        if len("\n".join(out)) >= 60 or len(out) >= 3:
            break
    return "\n".join(out)


# ---------------------------------------------------------------- probe leakage
# The same rules as moecut's DuplicateFinder (backend/core/src/near_duplicate.cpp),
# which tests/core/test_corpus_dedup.cpp applies to the committed files.
def dedup_normalise(text: str) -> bytes:
    text = re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")
    return text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")).encode("utf-8")


def byte_shingles(b: bytes, n: int = 5) -> set[bytes]:
    if not b:
        return set()
    return {b} if len(b) < n else {b[i:i + n] for i in range(len(b) - n + 1)}


def leaky_probes(prompts: list[str], others: list[str], threshold: float = 0.8, prefix: int = 512) -> list[int]:
    """Indices of prompts that repeat an earlier prompt or duplicate a document:
    the normalised prompt begins a document (exact), or its byte 5-grams have
    Jaccard >= threshold with the document's start of the same length (near)."""
    docs = [dedup_normalise(t) for t in others]
    postings: dict[bytes, list[int]] = {}
    for i, d in enumerate(docs):
        for sh in byte_shingles(d[:prefix]):
            postings.setdefault(sh, []).append(i)
    bad, seen = [], set()
    for k, text in enumerate(prompts):
        p = dedup_normalise(text)[:prefix]
        if p in seen or any(d.startswith(p) for d in docs):
            bad.append(k)
            continue
        seen.add(p)
        a = byte_shingles(p)
        # A document with Jaccard >= t misses at most (1 - t)|A| of A's shingles, so it
        # holds at least one of the floor((1 - t)|A|) + 1 rarest ones.
        rare = sorted(a, key=lambda sh: len(postings.get(sh, ())))[:int((1 - threshold) * len(a)) + 1]
        cands = {i for sh in rare for i in postings.get(sh, ())}
        for i in cands:
            b = byte_shingles(docs[i][:len(p)])
            if len(a & b) / len(a | b) >= threshold:
                bad.append(k)
                break
    return bad


def filter_existing(out: Path) -> None:
    """Drops leaky probes from committed files (train and calibration stay as they are)."""
    others = []
    for k in ("train", "calib_code", "calib_knowledge"):
        others += [json.loads(l)["text"] for l in open(out / f"{k}.jsonl", encoding="utf-8")]
    probes = [json.loads(l) for l in open(out / "probes.jsonl", encoding="utf-8")]
    bad = set(leaky_probes([p["prompt"] for p in probes], others))
    with open(out / "probes.jsonl", "w", encoding="utf-8") as f:
        for k, p in enumerate(probes):
            if k not in bad:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(json.dumps({"probes": len(probes), "dropped": len(bad)}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "resources" / "corpus"))
    ap.add_argument("--filter-probes-only", action="store_true",
                    help="only drop leaky probes from the files already in --out")
    args = ap.parse_args()
    out = Path(args.out)
    if args.filter_probes_only:
        filter_existing(out)
        return
    out.mkdir(parents=True, exist_ok=True)

    docs = []
    for gen in (python_docs, c_docs, shell_docs, javascript_docs, prose_docs):
        for source, text, lic in gen():
            text = text.rstrip()
            if MIN_DOC_CHARS <= len(text) <= MAX_DOC_CHARS:
                docs.append({"source": source, "text": text, "license": lic})
    groups = cluster(docs)

    # Probe quotas per source (held-out); calibration quotas per domain; the rest trains.
    probe_quota = {"python": 700, "javascript": 450, "shell": 200, "c": 250, "docs": 700}
    calib_quota = {"code": 400, "knowledge": 400}
    order = sorted(groups, key=lambda g: stable_hash(docs[g[0]]["text"]))
    split = {}
    taken = {k: 0 for k in probe_quota}
    calib = {"code": 0, "knowledge": 0}
    for g in order:
        src = docs[g[0]]["source"]
        domain = "knowledge" if src == "docs" else "code"
        # Probes come from singleton clusters only: nothing near them exists anywhere.
        if len(g) == 1 and taken[src] < probe_quota[src] and stable_hash("p" + docs[g[0]]["text"]) % 3 == 0:
            split[g[0]] = "probe"
            taken[src] += 1
            continue
        if calib[domain] < calib_quota[domain] and stable_hash("c" + docs[g[0]]["text"]) % 4 == 0:
            for i in g:
                split[i] = "calib_" + domain
            calib[domain] += len(g)
            continue
        for i in g:
            split[i] = "train"

    files = {k: open(out / f"{k}.jsonl", "w", encoding="utf-8")
             for k in ("train", "calib_code", "calib_knowledge", "probes")}
    counts: dict[str, int] = {}
    for i, d in enumerate(docs):
        s = split[i]
        if s == "probe":
            pid = f"{d['source']}-{stable_hash(d['text']) % 10**10:010d}"
            rec = {"id": pid, "prompt": probe_prompt(d), "source": d["source"]}
            files["probes"].write(json.dumps(rec, ensure_ascii=False) + "\n")
            counts["probes"] = counts.get("probes", 0) + 1
        else:
            rec = {"text": d["text"], "source": d["source"], "license": d["license"]}
            if s.startswith("calib_"):
                rec["domain"] = s[len("calib_"):]
            files[s].write(json.dumps(rec, ensure_ascii=False) + "\n")
            counts[s] = counts.get(s, 0) + 1
    for f in files.values():
        f.close()
    # Prompts are cut from singleton documents, yet a prompt (the first lines of
    # its document) can still begin or nearly begin another document: drop those.
    filter_existing(out)
    print(json.dumps({"documents": len(docs), "clusters": len(groups), "splits": counts, "probes": taken}))


if __name__ == "__main__":
    main()
