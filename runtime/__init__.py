"""The runtimes' common ground: the conversation facade, the opened app and the `community-bot`
command. Everything here sits above the graph; the graph and the library never import it."""
