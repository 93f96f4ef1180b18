"""The labeled routing corpus, generated from distinct personas: `python -m bench.routing_corpus`.

Each persona has its own vocabulary, topics and phrasing; every message records its `origin`
(persona) and `style`, so an evaluation can hold whole personas out of training. The labels follow
the rubric in docs/routing.md: the tier is set by the *kind of task* a template asks for, never by
surface features such as length.
"""
