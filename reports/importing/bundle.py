"""A county office's upload: several files, or a zip of them (a folder zipped), one document each."""

from __future__ import annotations

import time
import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable

from . import max_upload_bytes, read_document, sniff, too_large_message
from .budget import BudgetError, limits, open_zip, read_member
from .result import ImportResult, ReadError

MAX_DOCUMENTS = 100


@dataclass
class Document:
    name: str
    result: ImportResult | None = None
    error: str = ""


def _member_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store names in GBK without saying so: decode them as such."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def expand(name: str, data: bytes) -> list[tuple[str, bytes | None, str]]:
    """(name, bytes, error) for each document in an upload: the file itself, or each file of a zip."""
    if sniff(name, data) != "zip":
        return [(name, data, "")]
    try:
        archive = open_zip(data)
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except BudgetError as exc:
        return [(name, None, str(exc))]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return [(name, None, "压缩包已损坏，无法打开。")]
    out: list[tuple[str, bytes | None, str]] = []
    budget = 2 * max_upload_bytes()
    for info in infos:
        member = _member_name(info)
        base = member.rsplit("/", 1)[-1]
        if member.startswith("__MACOSX/") or base.startswith((".", "~$")) or not base:
            continue
        label = f"{name} / {member}"
        if len(out) >= MAX_DOCUMENTS:
            out.append((label, None, f"压缩包中的文件超过 {MAX_DOCUMENTS} 个，其余的未读取。"))
            break
        if budget <= 0:
            out.append((label, None, "压缩包解开后太大，其余的文件未读取。请分几次上传。"))
            break
        # The sizes a member's header declares are the uploader's word: count what inflates instead.
        try:
            content = read_member(archive, info, min(max_upload_bytes(), budget), "这个文件")
        except BudgetError:
            if budget < max_upload_bytes():
                out.append((label, None, "压缩包解开后太大，其余的文件未读取。请分几次上传。"))
                break
            out.append((label, None, too_large_message(max_upload_bytes() + 1)))
            continue
        except ReadError as exc:
            out.append((label, None, str(exc)))
            continue
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error):
            out.append((label, None, "这个文件在压缩包中已损坏或加了密码，无法读取。"))
            continue
        budget -= len(content)
        out.append((label, content, ""))
    if not out:
        return [(name, None, "压缩包中没有文件。")]
    return out


def read_uploads(files: list[tuple[str, bytes]],
                 progress: Callable[[int, int], None] | None = None) -> list[Document]:
    """Every document of every upload, read, or with the message saying why it could not be.

    The whole upload has GKPORTAL_IMPORT_BULK_SECONDS: once they are spent, the rest are not read.
    `progress(n, m)` is told before the nth document of m is read (the background task shows it).
    """
    docs: list[Document] = []
    bulk_seconds = limits().bulk_seconds
    deadline = time.monotonic() + bulk_seconds
    members = [member for name, data in files for member in expand(name, data)]
    for position, (member, content, error) in enumerate(members, 1):
        if progress is not None:
            progress(position, len(members))
        if error or content is None:
            docs.append(Document(member, error=error))
            continue
        if sniff(member, content) == "zip":
            docs.append(Document(member, error="压缩包中又有压缩包：请解开后再上传。"))
            continue
        remaining = deadline - time.monotonic()
        if remaining < 1:
            docs.append(Document(member, error=f"本次上传用完了 {bulk_seconds:g} 秒的读取时间，这个文件未读取。"
                                               "请分几次上传。"))
            continue
        try:
            seconds = min(limits().seconds, remaining)
            docs.append(Document(member, result=read_document(member, content, seconds=seconds)))
        except ReadError as exc:
            docs.append(Document(member, error=str(exc)))
    return docs
