"""Settings for the property-based (hypothesis) tests.

`make test` draws the same examples on every run: the profile in gkportal/pytest_plugin.py derandomizes, so
a suite that passed on one machine passes on CI and a failure is reproducible. To look for new failures,
`make fuzz` (GKPORTAL_FUZZ=N) draws fresh random examples, N times as many; a failure it finds prints its
`@reproduce_failure` blob, and the case is then kept as a plain test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ = max(1, int(os.environ.get("GKPORTAL_FUZZ") or 1))


def examples(n: int, **extra) -> settings:
    """n examples (times GKPORTAL_FUZZ), no deadline: the machine has two cores and the suite runs twice."""
    return settings(max_examples=n * FUZZ, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example],
                    **extra)
