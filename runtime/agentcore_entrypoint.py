"""The AgentCore starter toolkit's entry point (`agentcore configure --entrypoint` this file).

The same app `community-bot agentcore serve` runs; settings come from the runtime's environment.
"""

from community_bot.settings import load_settings
from runtime.agentcore_server import build_agentcore_app

app = build_agentcore_app(load_settings())

if __name__ == "__main__":
    app.run()
