"""`community-bot bench`: the configured models, timed through the real conversation.

The offline benchmarks (`python -m bench`) measure everything but the model; this measures what a
member waits for with the models you configured (Bedrock, Ollama or both), and checks the
result against the project's quality gates: response time under 5 s on average, error rate under
1%, and model spend under $2 a day.

Nothing is imported here: `community-bot` lists this command without loading the app.
"""
