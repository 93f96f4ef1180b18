#!/usr/bin/env python3
"""An example collector for a `script` source agent: print documents as JSON on stdout.

Any program works the same way: query an API, a database client or a CMS, and print a JSON list
(or JSON lines) of objects with `id` and `content`, optionally `title`, `category`, `source` and
`metadata`. Exit non-zero on failure; the agent's earlier documents are then kept.
"""

import argparse
import json
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", default="community-bot", help="Name used in the documents.")
    project = parser.parse_args().project
    greeting = os.environ.get("EXAMPLE_GREETING", "Welcome")
    documents = [
        {
            "id": "welcome",
            "title": f"{greeting} to {project}",
            "content": f"{greeting} to {project}! Ask questions in the help channel.",
            "category": "examples",
            "source": "https://example.org/welcome",
            "metadata": {"audience": "newcomers"},
        },
        {
            "id": "office-hours",
            "title": "Office hours",
            "content": f"The {project} maintainers hold office hours every Thursday at 16:00 UTC.",
            "category": "examples",
        },
    ]
    json.dump(documents, sys.stdout, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
