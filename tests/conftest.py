"""Suite-wide test settings.

Hypothesis explores new random examples on a developer's machine, but CI (CI=true) replays a
fixed, derandomised set so a submission's result never depends on luck. `HYPOTHESIS_PROFILE=deep`
searches much harder, for hunting edge cases before a change lands.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("deep", max_examples=5000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)
