"""How much of a report's prose repeats last year's (N-S5, N-SIMILAR): runs of eight characters, exactly.

Pure text functions, no database, no Django; reports.narrative re-exports repeated_share and repeated_shares.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

# Eight characters in a row, the length of a short phrase: long enough that two reports on the same
# subject do not share it by chance (除“政府信息公开工作”这类套语), short enough to catch copied sentences.
REPEAT_RUN = 8
_NOT_TEXT = re.compile(r"[\s\u3000\u00a0，,。．.；;：:、！？!?“”\"'‘’（）()《》〈〉【】\[\]—\-…·]")


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=256)
def _for_comparison(text: str) -> str:
    """Without spaces and punctuation, every number as '#': a year or a count updated is still a copy."""
    # The same as normalize() first: _NOT_TEXT removes the spaces and the thousands commas normalize() would,
    # and \d reads full-width digits as digits. Cached: last year's text does not change while this year's
    # is typed (the live check re-reads it).
    return _DIGITS.sub("#", _NOT_TEXT.sub("", text))


@lru_cache(maxsize=32)
def _run_set(text: str, run: int) -> set[str]:
    # Cached for last year's text, compared on every keystroke of this year's. Callers only test membership.
    return {text[i:i + run] for i in range(len(text) - run + 1)}


def repeated_share(current: str, previous: str, run: int = REPEAT_RUN) -> float:
    """The share of `current` inside runs of `run` characters that also occur in `previous` (查重-style).

    Unlike an edit ratio, moving a copied paragraph does not hide it, and two different texts on the same
    subject do not look alike just because they share common characters.
    """
    if run <= _MAX_RUN and len(current) + len(previous) >= _NUMPY_FROM:
        shares = _numpy_shares(previous + _JOIN + current, len(previous), run)
        if shares is not None:  # else a character beyond U+FFFF, or too long: the runs as strings below
            return shares[0]
    cur, prev = _for_comparison(current), _for_comparison(previous)
    if len(cur) < run or len(prev) < run:
        return 0.0
    grams = _run_set(prev, run)
    hit = bytes([cur[i:i + run] in grams for i in range(len(cur) - run + 1)])
    return _covered(np.frombuffer(hit, np.bool_), run) / len(cur)


def repeated_shares(current: tuple[str, ...], previous: tuple[str, ...], part: int,
                    run: int = REPEAT_RUN) -> tuple[float, float]:
    """repeated_share of the fields joined by line ends (N-SIMILAR's whole prose), and of field `part` alone
    (N-S5's §五), from one comparison: the part's runs are numbered with the whole's (its codes are a slice of the
    whole's, unless a number runs across the line end before it: then it is compared on its own)."""
    if run <= _MAX_RUN:
        # Both wholes in one join, _JOIN between them as a field of its own: the line ends on either side of it
        # are removed like every line end, so the codes are last year's, _JOIN's and this year's.
        join_at = sum(map(len, previous)) + len(previous)
        at_prev, at_cur = sum(map(len, previous[:part])) + part, join_at + 2 + sum(map(len, current[:part])) + part
        parts = ((at_prev, at_prev + len(previous[part])), (at_cur, at_cur + len(current[part])))
        shares = _numpy_shares("\n".join((*previous, _JOIN, *current)), join_at, run, parts)
        if shares is not None:
            whole, share = shares
            if share is None:  # a number runs across the line end before the part: its runs on their own
                share = repeated_share(current[part], previous[part], run)
            return whole, share
    return (repeated_share("\n".join(current), "\n".join(previous), run),
            repeated_share(current[part], previous[part], run))


def _covered(hits: np.ndarray, run: int) -> int:
    """How many characters lie in a run that starts at a hit: each hit covers `run` characters, or up to the next
    hit when that is nearer."""
    # From the gaps between hits (four numpy calls on the hits, not a convolution over every position).
    starts = np.flatnonzero(hits)
    if not len(starts):
        return 0
    gaps = starts[1:] - starts[:-1]
    return int(np.minimum(gaps, run, out=gaps).sum()) + run


# The same runs in numpy, exactly (the string sets cost ~0.1 µs a position: ~0.7 ms a report). A text is an array of
# 16-bit code units (a character beyond U+FFFF: the string path). No hashing, every number exact: three characters
# are one 48-bit number, the three-character runs of both texts are numbered 0, 1, … by one sort (positions in the
# low bits), and a run of 4–8 characters is the numbers of the two or three three-character runs that cover it.
_MAX_RUN = 8
_NUMPY_FROM = 400  # characters of both texts: below, numpy's fixed cost (~35 µs) is more than the sets'
# Between last year's text and this year's, compared as one: a character _NOT_TEXT keeps and not a digit, so no
# number runs across the join (the runs across it are numbered too, and never read).
_JOIN = "\x00"
_PAD = 3  # code units before a text's codes: the 64-bit words read from them start up to three units early


@lru_cache(maxsize=1)
def _code_table() -> np.ndarray:
    """For each 16-bit code unit, one uint32: the low half what _for_comparison makes of it ('#' for a digit, else
    itself), the high half its kind: 0 when _NOT_TEXT removes it, 2 for a digit (\\d), else 1."""
    every = "".join(map(chr, range(0x10000)))
    kinds = np.ones(0x10000, np.uint32)
    for kind, pattern in ((0, _NOT_TEXT), (2, _DIGITS)):  # no character is both
        for m in pattern.finditer(every):
            kinds[m.start():m.end()] = kind
    units = np.arange(0x10000, dtype=np.uint32)
    units[kinds == 2] = ord("#")
    return units | kinds << 16


def _codes(text: str, bounds: tuple[int, ...] = (), starts: tuple[int, ...] = ()):
    """_for_comparison(text) as 16-bit code units, in an array of _PAD zero units and then the codes; where each
    of `bounds` (positions in `text`) falls among the codes; and for each bound whose index is in `starts`, whether
    a number runs across it (its first digits merged into the '#' before). None when a character is beyond U+FFFF."""
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) != 2 * len(text):
        return None
    # One look-up gives what each unit becomes (low half) and its kind (high half: 0 removed, 1 kept, 2 digit).
    looked_up = _code_table().take(np.frombuffer(data, "<u2"))
    left = looked_up >= 0x10000  # what _NOT_TEXT leaves
    kept = looked_up[left]
    # Of a run of digits only its first, made '#': a unit stays unless it and the one before are digits.
    first = np.empty(len(kept), np.bool_)
    first[:1] = True
    single = kept < 0x20000
    np.logical_or(single[1:], single[:-1], out=first[1:])
    codes = np.zeros(_PAD + int(np.count_nonzero(first)), "<u2")
    np.compress(first, kept.view("<u2")[0::2], out=codes[_PAD:])
    # Positions among the codes by counting (a few bounds: cheaper than the positions of every code).
    left_before = [int(np.count_nonzero(left[:b])) for b in bounds]
    merged = [left_before[k] < len(first) and not first[left_before[k]] for k in starts]
    return codes, [int(np.count_nonzero(first[:j])) for j in left_before], merged


def _numpy_shares(text: str, join_at: int, run: int,
                  parts: tuple[tuple[int, int], tuple[int, int]] | None = None) -> tuple[float, float | None] | None:
    """repeated_share of what follows text[join_at] (a _JOIN) against what precedes it, and with `parts` (a span
    of each, positions in `text`) that of the current part against the previous part, or None for it when a
    number runs into a part from before it; None when a character is beyond U+FFFF or the texts are too long for
    the numbers."""
    (p0, p1), (c0, c1) = parts or ((0, 0), (0, 0))
    found = _codes(text, (join_at, p0, p1, c0, c1), (1, 3) if parts else ())
    if found is None:
        return None
    codes, (m, p0, p1, c0, c1), merged = found
    length = len(codes) - _PAD
    numbers = _run_numbers(codes, length, run)
    if numbers is None:
        return None
    numbers, count = numbers
    whole = _share(numbers, count, (0, m), (m + 1, length), run)
    if not parts:
        return whole, None
    return whole, None if any(merged) else _share(numbers, count, (p0, p1), (c0, c1), run)


def _share(numbers: np.ndarray, count: int, previous: tuple[int, int], current: tuple[int, int], run: int) -> float:
    """The share of the codes in `current` (a span) inside runs that also start in `previous`, from the runs'
    numbers (numbers[i]: the run at i)."""
    (p0, p1), (c0, c1) = previous, current
    if c1 - c0 < run or p1 - p0 < run:
        return 0.0
    seen = np.zeros(count, np.bool_)
    seen[numbers[p0: p1 - run + 1]] = True
    return _covered(seen[numbers[c0: c1 - run + 1]], run) / (c1 - c0)


def _run_numbers(codes: np.ndarray, length: int, run: int) -> tuple[np.ndarray, int] | None:
    """Each run of `run` characters in codes[_PAD:_PAD + length] numbered (equal runs, equal numbers: 0, 1, …),
    and how many numbers; None when the numbers would not fit."""
    if length < run:
        return np.zeros(0, np.int64), 0  # no run: every share is 0
    width = min(run, 3)
    free = 64 - 16 * width  # the bits below the first `width` characters of a word: the position goes there
    size = length - width + 1
    if size.bit_length() > free:
        return None
    # The first `width` characters at each position as the top bits of one 64-bit word read straight from the
    # bytes: the word of position i ends with the unit at i + width − 1, so it starts 4 − width units before i
    # (into the padding for the first positions); the units below are masked off.
    words = np.ndarray((size,), "<u8", codes, 2 * (_PAD + width - 4), (2,))
    threes, count = _ranks(words & np.uint64((1 << 64) - (1 << free)), free)
    if run <= 3:
        return threes, count
    threes = threes.view(np.uint64)  # small and not negative: the same numbers, shifted as unsigned
    # A longer run is the numbers of the three-character runs that cover it: at 0 and run − 3 (and 3).
    r = max((count - 1).bit_length(), 1)
    offsets = (0, run - 3) if run <= 6 else (0, 3, run - 3)
    size = length - run + 1
    free = 64 - len(offsets) * r
    if size.bit_length() > free:
        return None
    keyed = threes[:size] << np.uint64(r)
    keyed |= threes[offsets[1]: offsets[1] + size]
    if len(offsets) == 3:
        keyed <<= np.uint64(r)
        keyed |= threes[offsets[2]: offsets[2] + size]
    keyed <<= np.uint64(free)  # the key in the top bits, the position below
    return _ranks(keyed, free)


def _ranks(keyed: np.ndarray, free: int) -> tuple[np.ndarray, int]:
    """Each value's number among the distinct values (equal values, equal numbers: 0, 1, …), and how many numbers.
    `keyed` (uint64, overwritten) must leave its low `free` bits zero: the position goes there for the sort."""
    # The numbers as int64 (numpy's own index type: indexing with uint64 costs twice as much).
    size = len(keyed)
    keyed |= _positions(size)
    keyed.sort()
    positions = (keyed & np.uint64((1 << free) - 1)).view(np.int64)  # below 2**63: the same numbers
    keyed >>= np.uint64(free)
    numbers = np.empty(size, np.int64)
    numbers[0] = 0
    np.cumsum(keyed[1:] != keyed[:-1], dtype=np.int64, out=numbers[1:])
    ranks = np.empty(size, np.int64)
    ranks[positions] = numbers
    return ranks, int(numbers[-1]) + 1


_POSITIONS = np.arange(1 << 14, dtype=np.uint64)
_POSITIONS.flags.writeable = False


def _positions(size: int) -> np.ndarray:
    """0, 1, … size − 1 as uint64: a slice of one array made once, for the usual sizes."""
    return _POSITIONS[:size] if size <= len(_POSITIONS) else np.arange(size, dtype=np.uint64)


__all__ = ["REPEAT_RUN", "repeated_share", "repeated_shares"]
