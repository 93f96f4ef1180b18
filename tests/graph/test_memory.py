"""Memory: one checkpointed thread per channel, trimmed prompts, full history kept.

The checkpoint holds the live part of a channel (window and summary); older messages move to the
thread's transcript in the store, and `history` joins the two.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from community_bot.turns import Author
from tests.fakes import ScriptedGateway
from tests.graph.conftest import OpenApp

ALICE = Author(id="1", name="Alice")


def _human_texts(prompt: list[object]) -> list[str]:
    return [str(m.content) for m in prompt if isinstance(m, HumanMessage)]


async def test_two_channels_never_share_memory(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app() as app:
        await app.conversation.ask("discord:1", "secret plan for channel one", ALICE)
        await app.conversation.ask("discord:2", "what was said before?", ALICE)
        one = await app.conversation.history("discord:1")
        two = await app.conversation.history("discord:2")

    assert _human_texts(gateway.prompts[1]) == ["Alice: what was said before?"]
    assert len(one) == 2 and len(two) == 2
    assert "secret" not in " ".join(str(m.content) for m in two)


async def test_memory_survives_closing_and_reopening_the_app(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app() as app:
        await app.conversation.ask("discord:1", "my name is Alice", ALICE)
    async with conversation_app() as app:
        await app.conversation.ask("discord:1", "what is my name?", ALICE)

    assert _human_texts(gateway.prompts[1]) == [
        "Alice: my name is Alice",
        "Alice: what is my name?",
    ]


async def test_trimming_bounds_the_prompt_while_the_history_keeps_everything(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    turns = 30
    async with conversation_app(memory_max_messages=6) as app:
        for n in range(turns):
            await app.conversation.ask("busy", f"message number {n}", ALICE)
        history = await app.conversation.history("busy")
        state = await app.conversation._graph.aget_state({"configurable": {"thread_id": "busy"}})

    assert len(history) == 2 * turns
    prompts = [p for p in gateway.prompts if "message number" in str(p[-1].content)]
    assert all(len(prompt) - 1 <= 6 for prompt in prompts)  # minus the system message
    assert _human_texts(prompts[-1])[-1] == f"Alice: message number {turns - 1}"
    summary_prompts = [p for p in gateway.prompts if "Previous summary" in str(p[-1].content)]
    assert summary_prompts, "older turns were never summarised"
    assert "Alice: message number 0" in str(summary_prompts[0][-1].content)
    assert state.values["summary"] == "answer from small"  # what the small model wrote
    assert "answer from small" in str(prompts[-1][0].content)  # and the prompt carries it


async def test_without_a_model_old_turns_are_kept_as_a_digest(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.no_models = True
    async with conversation_app(memory_max_messages=4) as app:
        for n in range(12):
            await app.conversation.ask("quiet", f"message number {n}", ALICE)
        state = await app.conversation._graph.aget_state({"configurable": {"thread_id": "quiet"}})

    summary = state.values["summary"]
    assert "- Alice: message number 3" in summary  # long out of the window, still remembered
    assert "message number 11" not in summary  # the window itself is not duplicated
    assert len(summary.splitlines()) <= 24  # the digest stays bounded


async def test_token_budget_trims_long_history(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app(memory_max_tokens=300) as app:
        for n in range(5):
            await app.conversation.ask("long", f"{n} " + "word " * 100, ALICE)

    last = gateway.prompts[-1]
    assert len(_human_texts(last)) < 5
    assert _human_texts(last)[-1].startswith("Alice: 4 ")


async def test_reset_forgets_the_channel(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app(memory_max_messages=4) as app:
        for n in range(12):  # long enough for a transcript
            await app.conversation.ask("c", f"remember this {n}", ALICE)
        assert len(await app.conversation.history("c")) == 24
        await app.conversation.reset("c")
        assert await app.conversation.history("c") == []
        await app.conversation.ask("c", "fresh start", ALICE)
        assert (await app.conversation.history("c"))[0].content == "fresh start"

    assert _human_texts(gateway.prompts[-1]) == ["Alice: fresh start"]


async def test_the_checkpoint_stays_the_size_of_the_window_and_history_stays_in_order(
    conversation_app: OpenApp,
) -> None:
    turns = 40
    async with conversation_app(memory_max_messages=6) as app:
        for n in range(turns):
            await app.conversation.ask("long", f"message number {n}", ALICE)
        state = await app.conversation._graph.aget_state({"configurable": {"thread_id": "long"}})
        history = await app.conversation.history("long")
    async with conversation_app(memory_max_messages=6) as app:  # the transcript is on disk
        reopened = await app.conversation.history("long")

    live = state.values["messages"]
    assert len(live) < 6 + 10 + 2  # window + one summary batch + the newest turn
    questions = [str(m.content) for m in history if isinstance(m, HumanMessage)]
    assert questions == [f"message number {n}" for n in range(turns)]
    assert [m.id for m in history] == [m.id for m in reopened]
    assert len({m.id for m in history}) == 2 * turns  # nothing archived twice
    assert state.values["archived"] == 2 * turns - len(live)


async def test_a_checkpoint_from_before_transcripts_is_archived_without_folding_it_again(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    """Older releases kept every message in the checkpoint and marked the summarised ones."""
    old = [
        message
        for n in range(30)
        for message in (HumanMessage(f"old question {n}"), AIMessage(f"old answer {n}"))
    ]
    config: RunnableConfig = {"configurable": {"thread_id": "upgraded"}}
    async with conversation_app(memory_max_messages=6) as app:
        graph = app.conversation._graph
        await graph.aupdate_state(
            config,
            {"messages": old, "summary": "what came before", "summarized_until": 40},
            as_node="summarize_memory",
        )
        await app.conversation.ask("upgraded", "a new question", ALICE)
        state = await graph.aget_state(config)
        history = await app.conversation.history("upgraded")

    summary_prompts = [p for p in gateway.prompts if "Previous summary" in str(p[-1].content)]
    folded = str(summary_prompts[-1][-1].content)
    assert "old question 20" in folded and "old question 19" not in folded
    assert len(state.values["messages"]) <= 6 + 1
    assert [str(m.content) for m in history][:2] == ["old question 0", "old answer 0"]
    assert len(history) == 62


async def test_each_thread_keeps_only_its_latest_checkpoint_and_every_message(
    conversation_app: OpenApp,
) -> None:
    threads = ("one", "two")
    async with conversation_app() as app:
        for n in range(3):
            for thread in threads:
                await app.conversation.ask(thread, f"question {n} in {thread}", ALICE)
        histories = [await app.conversation.history(thread) for thread in threads]
        path = app.settings.checkpoint_path

    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        kept = [
            [c async for c in saver.alist({"configurable": {"thread_id": thread}})]
            for thread in threads
        ]
    assert [len(checkpoints) for checkpoints in kept] == [1, 1]
    assert [len(history) for history in histories] == [6, 6]
    assert kept[1][0].checkpoint["channel_values"]["messages"][0].content == "question 0 in two"


async def test_the_checkpoint_leaves_out_the_turns_working_values(
    conversation_app: OpenApp,
) -> None:
    async with conversation_app() as app:
        await app.conversation.ask("lean", "How do I install it?", ALICE)
        saved = await app.conversation._graph.checkpointer.aget_tuple(  # type: ignore[union-attr]
            {"configurable": {"thread_id": "lean"}}
        )

    assert saved is not None
    kept = saved.checkpoint["channel_values"]
    assert {"window", "passages", "system_prompt"}.isdisjoint(kept)
    assert len(kept["messages"]) == 2 and kept["route"]["tier"]
