"""KB_METADATA_FILTER: JSON checked against the Retrieve API's own `RetrievalFilter` shape.

The check uses botocore's service model, so a typo (`equal` for `equals`), a missing `value` or
two operators in one object fail at start-up with the same words the SDK would use, instead of
a ValidationException on every question.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any


@cache
def _filter_shape() -> Any:
    import botocore.session  # type: ignore[import-untyped, unused-ignore]

    model = botocore.session.get_session().get_service_model("bedrock-agent-runtime")
    return model.shape_for("RetrievalFilter")


def parse_retrieval_filter(raw: str) -> dict[str, Any]:
    """The filter as the Retrieve API takes it; ValueError says what is wrong with it."""
    from botocore.validate import ParamValidator  # type: ignore[import-untyped, unused-ignore]

    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise ValueError('must be a JSON object such as {"equals": {"key": …, "value": …}}')
    report = ParamValidator().validate(value, _filter_shape())
    if report.has_errors():
        problems = report.generate_report().replace("\n", "; ")
        raise ValueError(f"not a Bedrock RetrievalFilter: {problems.replace(' input', ' filter')}")
    return value
