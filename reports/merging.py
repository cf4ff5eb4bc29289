"""Three-way merge of one paragraph: edits of different places merge by themselves, overlapping ones are asked.

Two people (or two tabs) start from the same text (`base`); each changes it. Each side's changes are the
hunks of a character diff from the base (diff-match-patch, cleaned up semantically so that a rewritten
phrase is one hunk, not scattered letters). Hunks that touch or overlap are a conflict; otherwise both
sides' hunks apply to the base in order. The same change made by both is taken once.
"""

from __future__ import annotations

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

Hunk = tuple[int, int, str]  # base[start:end] is replaced by text


@dataclass(frozen=True)
class Merge:
    text: str | None  # the merged paragraph, or None when the edits overlap
    conflicts: int = 0  # how many places both changed differently


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0.5  # seconds: a pasted page must not hold a worker
    return dmp


def hunks(base: str, text: str) -> list[Hunk]:
    """The edits that turn `base` into `text`, in base coordinates."""
    dmp = _dmp()
    diffs = dmp.diff_main(base, text)
    dmp.diff_cleanupSemantic(diffs)
    out: list[Hunk] = []
    pos, start, end, insert, open_ = 0, 0, 0, "", False
    for op, chunk in diffs:
        if op == 0:
            if open_:
                out.append((start, end, insert))
                open_ = False
            pos += len(chunk)
            continue
        if not open_:
            start = end = pos
            insert, open_ = "", True
        if op == -1:
            pos += len(chunk)
            end = pos
        else:
            insert += chunk
    if open_:
        out.append((start, end, insert))
    return out


def merge3(base: str, mine: str, theirs: str) -> Merge:
    """Both sides' edits of `base`, merged when they are at different places."""
    if mine == theirs or theirs == base:
        return Merge(mine)
    if mine == base:
        return Merge(theirs)
    a, b = hunks(base, mine), hunks(base, theirs)
    conflicts = 0
    for s1, e1, t1 in a:
        for s2, e2, t2 in b:
            # Closed ranges: edits that touch are ambiguous in order, so they are asked too.
            if max(s1, s2) <= min(e1, e2) and (s1, e1, t1) != (s2, e2, t2):
                conflicts += 1
    if conflicts:
        return Merge(None, conflicts)
    edits = sorted(set(a) | set(b))
    out, pos = [], 0
    for start, end, text in edits:
        out.append(base[pos:start])
        out.append(text)
        pos = end
    out.append(base[pos:])
    return Merge("".join(out))


def difference(theirs: str, mine: str) -> list[tuple[int, str]]:
    """What differs between the two versions, for showing both: (-1 only theirs, 1 only mine, 0 both, text)."""
    dmp = _dmp()
    diffs = dmp.diff_main(theirs, mine)
    dmp.diff_cleanupSemantic(diffs)
    return [(op, text) for op, text in diffs]
