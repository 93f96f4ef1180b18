"""Tokens reach the stream writer in batches: the first at once, none lost, none held long."""

from __future__ import annotations

import asyncio

from nodes.token_batch import TokenBatcher


async def test_the_first_token_goes_out_alone_and_the_rest_joined_on_close() -> None:
    written: list[str] = []
    batch = TokenBatcher(written.append, interval_s=60)
    for token in ["Install", " it", " with", " pip."]:
        batch(token)
    assert written == ["Install"]
    batch.close()
    assert written == ["Install", " it with pip."]


async def test_a_burst_longer_than_max_chars_goes_out_without_the_timer() -> None:
    written: list[str] = []
    batch = TokenBatcher(written.append, interval_s=60, max_chars=9)
    for token in ["a", "bcde", "fghij", "k"]:
        batch(token)
    assert written == ["a", "bcdefghij"]
    batch.close()
    assert "".join(written) == "abcdefghijk"


async def test_tokens_waiting_when_the_model_pauses_are_sent_by_the_timer() -> None:
    sent = asyncio.Event()
    written: list[str] = []

    def write(text: str) -> None:
        written.append(text)
        if len(written) == 2:
            sent.set()

    batch = TokenBatcher(write, interval_s=0.01)
    batch("first")
    batch(" second")
    batch(" third")  # the model then pauses: no further token, no close
    await asyncio.wait_for(sent.wait(), timeout=10)
    assert written == ["first", " second third"]
    batch.close()
    assert written == ["first", " second third"]  # nothing left, nothing sent twice
