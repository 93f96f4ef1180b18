"""What a message shows, as named signals: pasted tracebacks and logs, code, the kind of question.

Detection only says *whether* a signal is present; how much each one counts lives in `policy`, so
tuning never means editing a regular expression. Everything here is plain `re` over at most a few
thousand characters: a message is read in tens of microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRACEBACK = "traceback"
LOG = "log"
CODE_BLOCK = "code_block"
SNIPPET = "snippet"
ERROR = "error"
PROBLEM = "problem"
DESIGN = "design"
MULTI_STEP = "multi_step"
HOW_TO = "how_to"
QUESTION = "question"
LONG = "long"
VERY_LONG = "very_long"
SOCIAL = "social"

CODE_BLOCK_LINES = 5  # pasted code or output from this many lines on is a block, below a snippet
LONG_WORDS = 40
VERY_LONG_WORDS = 80
SOCIAL_MAX_WORDS = 15

_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
# Unfenced lines that are code or program output rather than prose.
_CODE_LINE = re.compile(
    r"^(?:\s{2,}\S|[{\[]|(?:import|from|def|class|async def|await|return|\$|>>>)\s"
    r"|\w+(?:\.\w+)+\(|[A-Z_]{3,}=\S)"
)
_TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+"
    # A qualified exception (`botocore.errorfactory.ThrottlingException:`) opening a line.
    r"|^\s*[a-z_]\w*(?:\.[a-z_]\w*)+\.[A-Z]\w*:",
    re.M,
)
_EXCEPTION_LINE = re.compile(r"^\s*[A-Z]\w*(?:Error|Exception)\b:", re.M)
_LOG_LINE = re.compile(
    r"^\s*(?:\[?\d{4}-\d\d-\d\d[ T][\d:.,]+\]?\s+)?\[?(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL)\]?"
    r"[\s:]",
    re.M,
)
# One structured (JSON) log record, such as the turn records this bot writes.
_JSON_RECORD = re.compile(r'^\s*\{\s*"\w+":[^\n]*"\w+":[^\n]*"\w+":', re.M)
# The patterns below read lowercased text: case-insensitive alternations are several times slower.
_ERROR = re.compile(
    r"(?:error|exception)\b|\b[45]\d\d\b|\bnot found\b|\bfail(?:s|ed|ing)?\b"
    r"|\b(?:getting|get|says|said|shows|throws)\s+[`'\"]"
)
_PROBLEM = re.compile(
    r"\b(?:crash\w*|hangs?|stuck|broken|slow|cut off|twice|randomly|(?:does|do|did)\s*n['o]?t"
    r" (?:work|respond|show)|not working|won'?t|can'?t (?:reach|connect)|no idea|vanish\w*"
    r"|disappear\w*|wrong)\b"
)
_DESIGN = re.compile(
    r"\bwhy\b|\bvs\.?(?=\s)|\bversus\b|\bcompar\w+|\bdifference between\b|\btrade-?offs?\b"
    r"|\bpros\b|\bcons\b|\barchitect\w*|\bdesign\b|\bbetter\b|\bbest way\b|\bworth\b"
    r"|\bshould (?:i|we) use\b|\bdownsides?\b|\bbad idea\b|\bmake sense\b|\bwould you (?:pick|use)"
    r"|\brisks?\b|\bbottleneck\b|\bat what scale\b"
)
_HOW_TO = re.compile(
    r"\bh(?:ow|wo)\s+(?:do|can|to|would|should|does one)\b|\bhow do you\b|\beasiest way\b"
    r"|\bis there a way\b|\bcan i\b|\bwhat (?:do|should) i (?:do|check|install)\b"
)
_QUESTION_START = re.compile(
    r"^\s*(?:what|whats|what's|where|wh?ich|who|when|is|are|does|do|can|could|will|would|any"
    r"|link)\b"
)
_ENUMERATION = re.compile(r"^\s*(?:\d+[.)]|[a-e][.)]|[-*•])\s+\S", re.M)
_INLINE_ENUMERATION = re.compile(r"\(\s*(?:[a-e]|[1-5])\s*\)")
_MULTI_STEP = re.compile(
    r"\bstep[- ]by[- ]step\b|\bsteps?\s+to\b|\bwalk me th(?:rough|ru)\b|\bfrom scratch\b"
    r"|\border of operations\b|\beach (?:part|one|step)\b|\bplan\b|\btwo things\b"
    r"|\bfirst\b[^.?!\n]{0,200}\bthen\b|\band then\b|\bthen tell\b|\band finally\b"
)
_SOCIAL = re.compile(
    r"\b(?:hi+|hey+|hello|helo|hiya|yo|sup|gm|good (?:morning|night|evening)|morning|thanks?"
    r"|thank you|thx|ty|tysm|cheers|appreciate\w*|ok|okay|cool|kk|nice|great|perfect|awesome"
    r"|got it|makes sense|lifesaver|nvm|brb|lol|ping|test)\b|👋|🙏|👍"
)
_SOCIAL_QUESTION = re.compile(
    r"\b(?:how are you|how'?s it going|what'?s up|are you (?:a )?(?:bot|human|real|ai))\b"
)
_WORD = re.compile(r"[\w'’-]+")
_QUESTION_MARKS = re.compile(r"\?+")
_SENTENCE_END = re.compile(r"[.!?\n]")
_CLAUSE_JOINER = re.compile(r"\b(?:and|then)\b")

# Signals that make a message more than small talk, even when it opens with "hey" or "thanks".
_TOPICAL = frozenset({TRACEBACK, LOG, CODE_BLOCK, SNIPPET, ERROR, PROBLEM, DESIGN, MULTI_STEP})


@dataclass(frozen=True)
class Reading:
    """The signals present in one message, and its length in words."""

    signals: frozenset[str]
    words: int


def read(text: str) -> Reading:
    """Detect every signal in `text`."""
    prose, code_lines = _split_code(text)
    lowered, prose = text.lower(), prose.lower()
    words = len(_WORD.findall(text))
    found: set[str] = set()
    if _TRACEBACK.search(text) or len(_EXCEPTION_LINE.findall(text)) >= 2:
        found.add(TRACEBACK)
    if len(_LOG_LINE.findall(text)) >= 2 or _JSON_RECORD.search(text):
        found.add(LOG)
    if code_lines >= CODE_BLOCK_LINES:
        found.add(CODE_BLOCK)
    elif code_lines or _INLINE_CODE.search(prose):
        found.add(SNIPPET)
    if _ERROR.search(lowered):
        found.add(ERROR)
    if _PROBLEM.search(prose):
        found.add(PROBLEM)
    if _DESIGN.search(prose):
        found.add(DESIGN)
    if _is_multi_step(prose):
        found.add(MULTI_STEP)
    if _HOW_TO.search(prose):
        found.add(HOW_TO)
    if not found & {HOW_TO, DESIGN} and ("?" in prose or _QUESTION_START.match(prose)):
        found.add(QUESTION)  # a plain look-up: no other kind of question matched
    if words >= VERY_LONG_WORDS:
        found.add(VERY_LONG)
    elif words >= LONG_WORDS:
        found.add(LONG)
    if not found & (_TOPICAL | {HOW_TO}) and _is_social(prose, words):
        found.add(SOCIAL)
        found.discard(QUESTION)
    return Reading(frozenset(found), words)


def _is_social(prose: str, words: int) -> bool:
    """Small talk: a greeting, thanks or an acknowledgement, not a question in disguise."""
    if words > SOCIAL_MAX_WORDS:
        return False
    if _SOCIAL_QUESTION.search(prose):
        return True
    return "?" not in prose and bool(_SOCIAL.search(prose))


def _split_code(text: str) -> tuple[str, int]:
    """The prose of a message (fenced blocks removed) and how many lines of code or output it has.

    Fenced lines all count; unfenced lines count when they look like code, so a traceback or a
    config pasted without fences still weighs as pasted material.
    """
    fenced = _FENCE.findall(text)
    prose = _FENCE.sub(" ", text)
    code_lines = sum(1 for block in fenced for line in block.splitlines() if line.strip())
    code_lines += sum(1 for line in prose.splitlines() if _CODE_LINE.match(line))
    return prose, code_lines


def _is_multi_step(prose: str) -> bool:
    """Several asks in one message: a list, a sequence, several questions or a chain of clauses."""
    if len(_ENUMERATION.findall(prose)) >= 2 or len(_INLINE_ENUMERATION.findall(prose)) >= 2:
        return True
    if _MULTI_STEP.search(prose) or len(_QUESTION_MARKS.findall(prose)) >= 2:
        return True
    # "install it, connect the docs, and make it answer in #help": three clauses in one ask.
    return any(
        sentence.count(",") >= 2 and _CLAUSE_JOINER.search(sentence)
        for sentence in _SENTENCE_END.split(prose)
    )
