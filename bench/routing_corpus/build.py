"""Generate `bench/data/routing_corpus.jsonl`: `python -m bench.routing_corpus.build`.

Every persona writes every kind of task (`KINDS`) in its own words; the tier comes from the kind
(the rubric in docs/routing.md), plus the knowledge-base context where the rubric says it counts.
Follow-ups carry the message before them. The output is deterministic for a seed, so the file in
the repository can be regenerated and diffed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.routing_corpus import material
from bench.routing_corpus.languages import OTHER_LANGUAGES
from bench.routing_corpus.personas import PERSONAS, Persona
from community_bot.types import Tier

OUTPUT = Path(__file__).parent.parent / "data" / "routing_corpus.jsonl"


@dataclass(frozen=True)
class Kind:
    tier: Tier
    count: int  # messages per persona (fewer when the templates run out of variety)
    style: str


# The kind of task decides the tier (docs/routing.md, "Labelling rubric"). Counts set the tier mix:
# community traffic is mostly small talk, look-ups and how-tos, with about a quarter hard questions.
KINDS: dict[str, Kind] = {
    "greeting": Kind("small", 14, "one-liner"),
    "thanks": Kind("small", 14, "one-liner"),
    "chitchat": Kind("small", 12, "one-liner"),
    "lookup": Kind("small", 34, "one-liner"),
    "long_social": Kind("small", 2, "multi-paragraph"),
    "howto": Kind("medium", 30, "one-liner"),
    "error_line": Kind("medium", 16, "one-liner"),
    "define": Kind("medium", 7, "one-liner"),
    "code_small": Kind("medium", 5, "code"),
    "long_howto": Kind("medium", 4, "multi-paragraph"),
    "debug_paste": Kind("large", 8, "paste"),
    "report": Kind("large", 5, "multi-paragraph"),
    "design": Kind("large", 6, "one-liner"),
    "multi_step": Kind("large", 5, "multi-part"),
    "deep_explain": Kind("large", 4, "multi-part"),
    "estimate": Kind("large", 3, "multi-part"),
    "migrate": Kind("large", 2, "multi-paragraph"),
    "code_why": Kind("large", 4, "code"),
    "short_hard": Kind("large", 4, "one-liner"),
}
FOLLOW_UPS_PER_PERSONA = 28

# Follow-ups that continue the previous turn (same tier) or close it (small).
CONTINUE = {
    "en": [
        "and on {os}?",
        "what about {alt}?",
        "still the same",
        "tried that, didn't help",
        "can you elaborate on the second part?",
        "and if it's twice as many?",
        "same thing on {os}",
        "hmm, what else could it be?",
        "ok but why?",
        "does that apply to {thing} too?",
        "and how do I check that?",
        "wait, which one?",
        "still failing after that",
        "what if I can't restart it?",
    ],
    "xx": [
        "¿y en {os}?",
        "et avec {alt} ?",
        "immer noch derselbe Fehler",
        "e no {os}?",
        "¿y si son el doble?",
        "ça ne marche toujours pas",
        "und wenn ich {alt} nehme?",
    ],
}
CLOSE = {
    "en": ["thanks!", "perfect, that's it", "ok got it", "nvm found it", "thank you!"],
    "xx": ["¡gracias!", "merci !", "danke!", "valeu!"],
}


def _fill(template: str, persona: Persona, rng: random.Random) -> str:
    thing = rng.choice(persona.pools["thing"])

    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "paste":
            return material.failure(persona.ecosystem, rng, thing.removeprefix("the "))
        if name == "code":
            return material.code(persona.ecosystem, rng, thing.removeprefix("the "))
        if name == "thing":
            return thing
        return rng.choice(persona.pools[name])

    text = re.sub(r"\{(\w+)\}", slot, template)
    return text.replace("{{", "{").replace("}}", "}")


def _format(template: str) -> str:
    """Templates use `{{`/`}}` for literal braces; protect them from the slot pattern."""
    return template.replace("{{", "\x00").replace("}}", "\x01")


def _unformat(text: str) -> str:
    return text.replace("\x00", "{").replace("\x01", "}")


def _write(persona: Persona, template: str, rng: random.Random) -> str:
    text = _unformat(_fill(_format(template), persona, rng))
    return persona.voice(rng, text)


def _knowledge(kind: str, rng: random.Random) -> tuple[dict[str, Any], Tier | None, str]:
    """KB context for a message, the tier it forces (if any) and the category suffix."""
    roll = rng.random()
    if kind == "lookup":
        if roll < 0.35:
            return {"kb_hit": True, "kb_top_score": round(rng.uniform(0.76, 0.95), 2)}, None, ""
        if roll < 0.55:
            return {"kb_hit": False}, "medium", "-kb-miss"
    if kind == "howto":
        if roll < 0.25:
            score = round(rng.uniform(0.78, 0.95), 2)
            return {"kb_hit": True, "kb_top_score": score}, "small", "-kb-answered"
        if roll < 0.35:
            return {"kb_hit": False}, None, ""
    if kind in {"greeting", "thanks", "chitchat"} and roll < 0.5:
        # The bot searches the KB for every message; small talk mostly misses.
        return {"kb_hit": False}, None, ""
    if KINDS[kind].tier == "large" and roll < 0.3:
        # The KB may or may not match a hard question; it does not make it easy.
        if rng.random() < 0.5:
            return {"kb_hit": True, "kb_top_score": round(rng.uniform(0.6, 0.92), 2)}, None, ""
        return {"kb_hit": False}, None, ""
    return {}, None, ""


def persona_messages(persona: Persona, rng: random.Random) -> list[dict[str, Any]]:
    """One persona's messages of every kind, then its follow-ups; no duplicate texts."""
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for kind, spec in KINDS.items():
        templates = persona.templates.get(kind, [])
        made = 0
        for _ in range(spec.count * 12):
            if made >= spec.count or not templates:
                break
            text = _write(persona, rng.choice(templates), rng)
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            context, forced, suffix = _knowledge(kind, rng)
            rows.append(
                {
                    "q": text,
                    "tier": forced or spec.tier,
                    "category": kind + suffix,
                    "origin": persona.name,
                    "style": spec.style,
                    **context,
                }
            )
            made += 1
    return rows + _follow_ups(persona, rows, rng)


def _follow_ups(
    persona: Persona, rows: list[dict[str, Any]], rng: random.Random
) -> list[dict[str, Any]]:
    language = "xx" if persona is OTHER_LANGUAGES else "en"
    questions = [r for r in rows if r["category"] not in {"greeting", "thanks", "chitchat"}]
    made: list[dict[str, Any]] = []
    for number in range(FOLLOW_UPS_PER_PERSONA):
        before = rng.choice(questions)
        closing = number % 5 == 4
        template = rng.choice((CLOSE if closing else CONTINUE)[language])
        text = _write(persona, template, rng)
        context = {"kb_hit": False} if rng.random() < 0.4 else {}
        made.append(
            {
                **context,
                "q": text,
                "previous": before["q"],
                "previous_tier": before["tier"] if rng.random() < 0.6 else None,
                "tier": "small" if closing else before["tier"],
                "category": "follow-up-close" if closing else "follow-up",
                "origin": persona.name,
                "style": "follow-up",
            }
        )
    for row in made:
        if row["previous_tier"] is None:
            del row["previous_tier"]
    return made


def build(seed: int = 14) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for persona in (*PERSONAS, OTHER_LANGUAGES):
        rows += persona_messages(persona, rng)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = build(args.seed)
    with args.output.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    tiers = {t: sum(1 for r in rows if r["tier"] == t) for t in ("small", "medium", "large")}
    print(f"{len(rows)} messages to {args.output}: {tiers}")


if __name__ == "__main__":
    main()
