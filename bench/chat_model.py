"""An instant chat model that is a real LangChain `BaseChatModel`, for the product and yardstick.

Every token goes through `BaseChatModel.astream` (callbacks, chunk ids, the merge at the end), so
"graph overhead" includes what streaming costs in LangChain, and the yardstick pays the same.
The answer streams word by word (~55 chunks for the bench answer); the last chunk carries
Bedrock-style usage and `stopReason`, as the gateway expects of a finished stream.

It imports nothing of the project, so the yardstick's start-up (`bench.doc_chatbot`) stays
LangGraph's own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

ANSWER = (
    "Install it with `pip install community-bot`, then run `community-bot chat` to try it in the "
    "terminal. On macOS, Homebrew's Python works too; on Windows use the py launcher. The docs "
    "have a section on each platform [1], and the FAQ explains how to point it at your own "
    "knowledge base [2]."
)
STOP = {"stopReason": "end_turn"}  # what Bedrock's last chunk says; the gateway needs an end


class InstantChatModel(BaseChatModel):
    """Streams `answer` word by word with native async; optional simulated model latency.

    `first_token_s` is awaited before the first word and `token_interval_s` between words
    (asyncio sleeps: the event loop stays free, as during a network call). `first_token_at` maps
    each prompt's last message to the `time.monotonic()` of its first word.
    """

    answer: str = ANSWER
    first_token_s: float = 0.0
    token_interval_s: float = 0.0
    first_token_at: dict[str, float] = Field(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "bench-instant"

    def _usage(self, messages: list[BaseMessage]) -> dict[str, int]:
        # A real model reports usage from its server at no cost to the caller: ~4 characters a
        # token here, not LangChain's counter, which would charge its work to both sides.
        prompt = sum(len(str(message.content)) for message in messages) // 4
        output = len(self.answer.split(" "))
        return {"input_tokens": prompt, "output_tokens": output, "total_tokens": prompt + output}

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        if self.first_token_s:
            await asyncio.sleep(self.first_token_s)
        for index, word in enumerate(self.answer.split(" ")):
            if index == 0:
                self.first_token_at[str(messages[-1].content)] = time.monotonic()
            elif self.token_interval_s:
                await asyncio.sleep(self.token_interval_s)
            yield _chunk(word if index == 0 else f" {word}")
        usage = self._usage(messages)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=usage,
                response_metadata=dict(STOP),
            )
        )

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.first_token_s:
            await asyncio.sleep(self.first_token_s)
        message = AIMessage(
            content=self.answer,
            usage_metadata=self._usage(messages),
            response_metadata=dict(STOP),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(content=self.answer, usage_metadata=self._usage(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for index, word in enumerate(self.answer.split(" ")):
            yield _chunk(word if index == 0 else f" {word}")


def _chunk(text: str) -> ChatGenerationChunk:
    return ChatGenerationChunk(message=AIMessageChunk(content=text))
