"""Import budgets: what reading one document may cost, whatever the document claims about itself.

A drafter's upload is read in a forked child process (`run`) with a memory limit (RLIMIT_AS), a CPU
limit (RLIMIT_CPU) and a wall-clock limit kept by the parent, so a hostile or merely monstrous file
costs the web worker at most `seconds` and never its memory. Inside the child the readers also stop at
the structural caps below (zip members read through a capped stream, decompressed PDF content, XML
parts, spreadsheet cells, text, lines), which give the clerk a precise message instead of a timeout.

The limits come from settings.GKPORTAL_IMPORT_LIMITS (environment GKPORTAL_IMPORT_*, see the README).
"""

from __future__ import annotations

import math
import os
import pickle
import selectors
import signal
import time
import traceback
import warnings
import zipfile
import zlib
from dataclasses import dataclass, fields
from io import BytesIO
from typing import Any, Callable, TypeVar

from django.conf import settings

from ..values import clean_text
from .result import ReadError

T = TypeVar("T")
MB = 1024 * 1024
_CHUNK = 64 * 1024
# A zip's central directory (its list of members) larger than this is a file-count bomb, not a report.
MAX_CENTRAL_DIRECTORY = 1 * MB
# Whatever the child sends back (an ImportResult) is small; more is a bug or an attack on the parent.
MAX_RESULT_BYTES = 64 * MB


@dataclass(frozen=True)
class Limits:
    seconds: float = 15.0  # wall clock for one document
    memory_mb: int = 512  # memory the reading of one document may add to the worker's
    bulk_seconds: float = 40.0  # wall clock for all the documents of one bulk upload
    pdf_pages: int = 60  # pages of a PDF read (the rest are not)
    pdf_page_mb: float = 1.0  # decompressed content of one PDF page
    pdf_total_mb: float = 4.0  # decompressed content of all the pages read
    xml_mb: float = 10.0  # one XML part of a .docx/.xlsx, unpacked
    package_mb: float = 40.0  # all the XML parts of a .docx/.xlsx, unpacked
    cells: int = 200_000  # spreadsheet cells read
    text_mb: float = 4.0  # text of a .txt/.html file, in millions of characters
    lines: int = 10_000  # paragraphs and table rows of any document
    isolate: bool = True  # read in a forked child (False: in the worker, with the caps only)


def limits() -> Limits:
    configured: dict[str, Any] = getattr(settings, "GKPORTAL_IMPORT_LIMITS", {}) or {}
    known = {f.name for f in fields(Limits)}
    return Limits(**{k: v for k, v in configured.items() if k in known})


class BudgetError(ReadError):
    """A document over one of the limits: nothing of it is imported."""

    def __init__(self, limit: str):
        self.limit = clean_text(limit)  # it may name a part of the document
        super().__init__(f"文档太复杂，超出了读取限制（{self.limit}），未导入。请另存为 PDF/Word 后重试，或联系管理员。")

    def __reduce__(self):
        return (type(self), (self.limit,))


def mb(n: float) -> str:
    return f"{n:g} MB"


class Tally:
    """Counts something a document has (lines, cells) and stops the reading when it passes the cap."""

    def __init__(self, cap: int, what: str):
        self.cap, self.what, self.count = cap, what, 0

    def add(self, n: int = 1) -> None:
        self.count += n
        if self.count > self.cap:
            raise BudgetError(f"{self.what}超过 {self.cap} 个")


def lines_tally() -> Tally:
    return Tally(limits().lines, "段落和表格行")


def cells_tally() -> Tally:
    return Tally(limits().cells, "表格单元格")


def check_text(text: str) -> str:
    """The text of a .txt/.html file, refused when it is longer than the budget."""
    cap = limits().text_mb
    if len(text) > cap * 1_000_000:
        raise BudgetError(f"文字超过 {cap * 100:g} 万字")
    return text


# ---------------------------------------------------------------- zip members, never trusting their declared size


def open_zip(data: bytes) -> zipfile.ZipFile:
    """A ZipFile over the bytes, refusing a central directory too large to be a real upload's."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if end >= 0:
        size = int.from_bytes(data[end + 12:end + 16], "little")
        locator = end - 20
        if size == 0xFFFFFFFF and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
            offset = int.from_bytes(data[locator + 8:locator + 16], "little")
            if data[offset:offset + 4] == b"PK\x06\x06":
                size = int.from_bytes(data[offset + 40:offset + 48], "little")
        if size > MAX_CENTRAL_DIRECTORY:
            raise BudgetError(f"压缩包的文件目录超过 {MAX_CENTRAL_DIRECTORY // MB} MB，文件数量太多")
    return zipfile.ZipFile(BytesIO(data))


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, what: str) -> bytes:
    """A member's bytes read through a stream: at most `cap` of them, whatever its header declares.

    zipfile's `read()` inflates the whole member in one call before it looks at the declared size or the
    CRC; reading in chunks keeps at most one chunk inflated beyond what has been counted. Only stored and
    deflated members are read: bzip2 and LZMA inflate a whole block at once.
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReadError(f"{what}使用了不常见的压缩方式，无法读取。请用常规方式重新压缩或另存后再导入。")
    out = bytearray()
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > cap:
                raise BudgetError(f"{what}解开后超过 {mb(cap / MB)}")
    return bytes(out)


def repack(data: bytes, budget: Limits, kind: str, broken: str,
           adjust: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """A .docx/.xlsx rebuilt from its XML parts, read within the caps (pictures and other parts left empty).

    `broken` is the ReadError's message for a package that cannot be opened; `adjust(name, xml)` may
    change a part before it is stored. python-docx and openpyxl read members with zipfile's `read()`; what they get here is a stored zip
    whose every size is one we counted ourselves.
    """
    name = {"docx": "Word 文件", "xlsx": "Excel 文件"}.get(kind, "文件")
    try:
        archive = open_zip(data)
        infos = archive.infolist()
    except ReadError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(broken) from exc
    out = BytesIO()
    total = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        for info in infos:
            if info.is_dir():
                continue
            content = b""
            if info.filename.lower().endswith((".xml", ".rels")):
                try:
                    content = read_member(archive, info, int(budget.xml_mb * MB), f"{name}中的 {info.filename} ")
                except ReadError:
                    raise
                except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError,
                        zlib.error) as exc:
                    raise ReadError(broken) from exc
                total += len(content)
                if total > budget.package_mb * MB:
                    raise BudgetError(f"{name}中的内容解开后共超过 {mb(budget.package_mb)}")
                if adjust is not None:
                    content = adjust(info.filename, content)
            try:
                package.writestr(info.filename, content)
            except (ValueError, UnicodeEncodeError):
                continue
    return out.getvalue()


# ---------------------------------------------------------------- reading in a child process


def run(func: Callable[..., T], *args: Any, budget: Limits | None = None, seconds: float | None = None,
        warm: Callable[[], None] = lambda: None) -> T:
    """func(*args) in a forked child within the memory, CPU and wall-clock limits; its result or its exception.

    Without fork (or with isolate off) it runs here, held only by the readers' own caps. `warm` runs here
    first (once a worker has imported the readers it is cheap), so no child pays for what it prepares.
    """
    budget = budget or limits()
    seconds = budget.seconds if seconds is None else seconds
    if not budget.isolate or not hasattr(os, "fork"):
        return func(*args)
    warm()
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() beside other threads: the child only reads bytes it already has.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(func, args, budget, seconds, write_end)
    os.close(write_end)
    try:
        payload, status = _collect(pid, read_end, seconds)
    except BaseException:  # the worker itself is being stopped: don't leave the child behind
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    return _outcome(payload, status, budget, seconds)


def _child(func, args, budget: Limits, seconds: float, fd: int) -> None:
    code = 0
    try:
        _limit_self(budget, seconds)
        try:
            payload: tuple = ("ok", func(*args))
        except MemoryError:
            payload = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            payload = ("raise", exc, traceback.format_exc())
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            data = pickle.dumps(("raise", RuntimeError(traceback.format_exc()), ""))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view[:_CHUNK]):]
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)  # no atexit, no Django teardown: the parent's connections are the parent's


def _limit_self(budget: Limits, seconds: float) -> None:
    import resource

    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU dumps core by default: not the worker's size
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        with open("/proc/self/statm") as statm:
            now = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return  # no /proc (macOS): the wall clock and the caps still hold
    cap = now + budget.memory_mb * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _collect(pid: int, fd: int, seconds: float) -> tuple[bytes | None, int | None]:
    """The child's pickled answer and exit status; (None, None) when it ran out of time (it is then killed)."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    size = 0
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill(pid)
                return None, None
            if not selector.select(remaining):
                continue
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_RESULT_BYTES:
                _kill(pid)
                raise BudgetError(f"读取结果超过 {MAX_RESULT_BYTES // MB} MB")
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped by someone else's SIGCHLD handler
        status = 0
    return b"".join(chunks), status


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _outcome(payload: bytes | None, status: int | None, budget: Limits, seconds: float):
    if payload is None:
        raise BudgetError(f"读取时间超过 {seconds:g} 秒")
    if not payload:
        if status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            raise BudgetError(f"计算时间超过 {seconds:g} 秒")
        raise BudgetError(f"读取所需内存超过 {budget.memory_mb} MB 或读取时出错")
    answer = pickle.loads(payload)
    if answer[0] == "ok":
        return answer[1]
    if answer[0] == "memory":
        raise BudgetError(f"读取所需内存超过 {budget.memory_mb} MB")
    exc = answer[1]
    if answer[2] and not isinstance(exc, ReadError):
        exc.add_note("In the import's child process:\n" + answer[2])
    raise exc
