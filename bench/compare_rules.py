"""The rules of two checkouts on the same generated reports: CPU per report and the costliest rules.

Run once per checkout, alternately, on the same machine:
    .venv/bin/python bench/compare_rules.py /work/main 2000
    .venv/bin/python bench/compare_rules.py . 2000
The reports come from this checkout's bench/rules_gen.py (each its own prose and last year's report), so
both sides check the same reports; the rules come from the checkout named. CPU time, since the machine is
shared; compare runs made one after the other, not figures from different days.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

root = str(Path(sys.argv[1]).resolve())
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
sys.path[:0] = [root, str(Path(__file__).resolve().parent)]

import django  # noqa: E402

django.setup()

import reports  # noqa: E402
import rules_gen  # noqa: E402
from reports.rules import RULES, Context, check  # noqa: E402

assert reports.__file__.startswith(root), reports.__file__
built = [(rules_gen.build(d), rules_gen.build(p), c)
         for d, p, c in (rules_gen.generate(random.Random(f"compare-{i}")) for i in range(n))]
contexts = [(v, Context(**{**c.__dict__, "previous": p})) for v, p, c in built]
cpu = time.process_time()
for values, context in contexts:
    check(values, context)
cpu = time.process_time() - cpu
per: dict[str, float] = {}
sample = contexts[: min(n, 500)]
for values, context in sample:  # each rule alone, on reports whose text caches have gone cold
    for fn in RULES:
        start = time.process_time()
        fn(values, context)
        per[fn.__name__] = per.get(fn.__name__, 0.0) + time.process_time() - start
top = sorted(per.items(), key=lambda kv: -kv[1])[:8]
print(f"{root}: {n / cpu:.0f} reports/s CPU, {cpu / n * 1000:.3f} ms/report (load {os.getloadavg()[0]:.1f}); "
      + " ".join(f"{k}={v / len(sample) * 1000:.3f}" for k, v in top))
