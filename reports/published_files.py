"""Published documents as files under MEDIA_ROOT, named by their SHA-256, so downloads cost what a static file does.

Publishing writes the PDF and HTML bytes once to `published/<sha256[:2]>/<sha256>.pdf|html`. The name is the
content's hash: a correction (other bytes) gets a new name, the same bytes always the same name, and a file is
never rewritten in place. The database keeps the bytes and their SHA-256 as the record; the file is a copy that
the public URLs serve (reports.views.public) and a reverse proxy may serve directly (docs/deployment).

Every file is checked against the recorded SHA-256 when it is written, and again whenever its size or
modification time is not the one this process last checked, so an altered file is never served. A file that
is missing (a publication made before this module, a new server, a cleared MEDIA_ROOT) is written again from
the database at its first download: old links keep working.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable

from django.core.files.storage import default_storage

FOLDER = "published"
EXTENSIONS = ("pdf", "html")


class PublishedFileError(Exception):
    """The stored bytes do not have the SHA-256 recorded at publication."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def name_for(digest: str, ext: str) -> str:
    """The storage name of a published file: its SHA-256 and extension (only hex digits reach the path)."""
    if ext not in EXTENSIONS or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"not a published file: {digest!r}.{ext}")
    return f"{FOLDER}/{digest[:2]}/{digest}.{ext}"


def _path(digest: str, ext: str) -> Path:
    return Path(default_storage.path(name_for(digest, ext)))


# path -> (size, mtime_ns) of the file as this process last hashed it
_checked: dict[str, tuple[int, int]] = {}


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(content: bytes, digest: str, ext: str) -> Path:
    """Write the bytes under their hash name (atomically; nothing when the file is already there and right)."""
    if sha256(content) != digest:
        raise PublishedFileError(f"SHA-256 不符：记录为 {digest}，内容为 {sha256(content)}。")
    path = _path(digest, ext)
    if checked_path(path, digest):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed: a reader sees the whole file or none.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    checked_path(path, digest)
    return path


def checked_path(path: Path, digest: str) -> bool:
    """Whether the file exists with the expected SHA-256: hashed again only when its size or mtime changed."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    seen = (st.st_size, st.st_mtime_ns)
    key = str(path)
    if _checked.get(key) == seen:
        return True
    if _hash_file(path) != digest:
        _checked.pop(key, None)
        return False
    _checked[key] = seen
    return True


def file_for(digest: str, ext: str, load: Callable[[], bytes]) -> Path:
    """The published file's path, (re)written from `load()` (the database's bytes) when it is missing or altered."""
    path = _path(digest, ext)
    if checked_path(path, digest):
        return path
    return write(load(), digest, ext)
