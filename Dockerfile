# The conversation graph as an Amazon Bedrock AgentCore Runtime container (docs/agentcore.md).
# AgentCore Runtime runs ARM64 images only:
#   docker buildx build --platform linux/arm64 -t community-bot-agentcore .
FROM --platform=linux/arm64 ghcr.io/astral-sh/uv:python3.11-bookworm-slim

WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never

# Dependencies first (cached while only the code changes): the runtime needs the AgentCore SDK
# and, for memory shared with Discord bots or across sessions' hosts, PostgreSQL.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --extra agentcore --extra postgres --no-install-project

COPY community_bot ./community_bot
COPY prompts ./prompts
COPY nodes ./nodes
COPY graph ./graph
COPY discord_bot ./discord_bot
COPY runtime ./runtime
COPY knowledge ./knowledge
RUN uv sync --locked --no-dev --extra agentcore --extra postgres

# DOCKER_CONTAINER makes the SDK bind 0.0.0.0; DATA_DIR is writable scratch in the microVM
# (memory that must outlive a session goes to DATABASE_URL).
ENV PATH="/app/.venv/bin:$PATH" DOCKER_CONTAINER=1 DATA_DIR=/tmp/community-bot \
    LANGSMITH_TRACING=false
EXPOSE 8080
CMD ["community-bot", "agentcore", "serve", "--port", "8080", "--host", "0.0.0.0"]
