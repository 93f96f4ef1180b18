"""Pasted material as communities paste it: tracebacks, stack traces, logs, configs and code.

Each ecosystem builds its own shape (a Python traceback, a Node stack, a Java exception, a Go
panic, Kubernetes events, web-server logs), so a persona's debugging messages look like its stack.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Builder = Callable[[random.Random, str], str]  # (rng, the component it is about) -> pasted text


def _stamp(rng: random.Random) -> str:
    return f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:" + (
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


def python_traceback(rng: random.Random, thing: str) -> str:
    mod = rng.choice(["client", "loader", "worker", "session", "pipeline", "handlers"])
    err = rng.choice(
        [
            "KeyError: 'user_id'",
            "AttributeError: 'NoneType' object has no attribute 'get'",
            "ValueError: could not convert string to float: 'N/A'",
            "TypeError: __init__() got an unexpected keyword argument 'timeout'",
            "RuntimeError: Event loop is closed",
            "ModuleNotFoundError: No module named 'yaml'",
            "sqlite3.OperationalError: database is locked",
            "ssl.SSLCertVerificationError: certificate verify failed: unable to get local issuer",
        ]
    )
    line = rng.randint(20, 900)
    return (
        "Traceback (most recent call last):\n"
        f'  File "/app/{thing.replace(" ", "_")}/{mod}.py", line {line}, in run\n'
        f"    result = self._{mod}.process(batch)\n"
        f'  File "/usr/lib/python3.11/site-packages/{mod}/core.py", line {line // 2}, in process\n'
        "    return handler(item)\n"
        f"{err}"
    )


def node_stack(rng: random.Random, thing: str) -> str:
    err = rng.choice(
        [
            "TypeError: Cannot read properties of undefined (reading 'map')",
            "Error: Hydration failed because the initial UI does not match",
            "ReferenceError: window is not defined",
            "Error: ENOENT: no such file or directory, open '.env.local'",
            "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
        ]
    )
    comp = thing.replace(" ", "")
    return (
        f"{err}\n"
        f"    at {comp}List (webpack-internal:///./src/components/{comp}.tsx:{rng.randint(10, 99)}:23)\n"
        "    at renderWithHooks (node_modules/react-dom/cjs/react-dom.development.js:16305:18)\n"
        "    at mountIndeterminateComponent (react-dom.development.js:20074:13)"
    )


def java_exception(rng: random.Random, thing: str) -> str:
    err = rng.choice(
        [
            "java.lang.OutOfMemoryError: Java heap space",
            "org.gradle.api.GradleException: Execution failed for task ':app:mergeDexRelease'",
            "java.net.SocketTimeoutException: Read timed out",
            "java.lang.IllegalStateException: Fragment not attached to a context",
        ]
    )
    return (
        f"FATAL EXCEPTION: main\n{err}\n"
        f"    at com.example.{thing.replace(' ', '').lower()}.Sync.run(Sync.java:{rng.randint(30, 400)})\n"
        "    at java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1167)\n"
        "    at java.lang.Thread.run(Thread.java:1012)"
    )


def go_panic(rng: random.Random, thing: str) -> str:
    return (
        "panic: runtime error: invalid memory address or nil pointer dereference\n"
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b1f2a]\n\n"
        "goroutine 42 [running]:\n"
        f"main.(*{thing.title().replace(' ', '')}).Reconcile(0x0, {{0x7f3c, 0xc000}})\n"
        f"\t/src/controller.go:{rng.randint(50, 300)} +0x2a"
    )


def k8s_events(rng: random.Random, thing: str) -> str:
    pod = f"{thing.replace(' ', '-').lower()}-{rng.randint(1000, 9999)}-x{rng.randint(10, 99)}"
    reason = rng.choice(["OOMKilled", "CrashLoopBackOff", "ImagePullBackOff", "Evicted"])
    return (
        "LAST SEEN   TYPE      REASON      OBJECT           MESSAGE\n"
        f"2m          Warning   BackOff     pod/{pod}   Back-off restarting failed container\n"
        f"3m          Warning   {reason}   pod/{pod}   Container exceeded its limit\n"
        f"5m          Normal    Pulled      pod/{pod}   Successfully pulled image"
    )


def service_log(rng: random.Random, thing: str) -> str:
    stamp = _stamp(rng)
    return (
        f"{stamp} INFO  {thing}: starting worker pool size=8\n"
        f"{stamp} WARN  {thing}: upstream responded 503, retry 1/3\n"
        f"{stamp} WARN  {thing}: upstream responded 503, retry 2/3\n"
        f"{stamp} ERROR {thing}: giving up after 3 retries (last error: connection reset by peer)"
    )


def nginx_log(rng: random.Random, thing: str) -> str:
    ip = f"10.0.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
    return (
        f'{ip} - - [12/Nov/2026:10:{rng.randint(10, 59)}:01 +0000] "POST /api/{thing.split()[0]} '
        'HTTP/1.1" 502 157 "-" "okhttp/4.12"\n'
        f"2026/11/12 10:14:03 [error] 31#31: *{rng.randint(100, 999)} upstream prematurely closed "
        "connection while reading response header from upstream"
    )


def yaml_config(rng: random.Random, thing: str) -> str:
    return (
        f"{thing.replace(' ', '_')}:\n"
        f"  replicas: {rng.randint(1, 6)}\n"
        "  resources:\n"
        f"    limits: {{memory: {rng.choice(['256Mi', '512Mi', '1Gi'])}, cpu: 500m}}\n"
        "  env:\n"
        "    - name: LOG_LEVEL\n"
        "      value: debug"
    )


def python_code(rng: random.Random, thing: str) -> str:
    name = thing.replace(" ", "_").lower()
    return (
        f"async def load_{name}(ids):\n"
        "    results = []\n"
        "    for i in ids:\n"
        f"        results.append(await fetch_{name}(i))\n"
        "    return results\n\n"
        f"data = asyncio.run(load_{name}(range({rng.randint(100, 5000)})))"
    )


def pandas_code(rng: random.Random, thing: str) -> str:
    col = thing.replace(" ", "_").lower()
    return (
        "df = pd.read_csv('export.csv')\n"
        f"df['{col}'] = df['{col}'].astype(float)\n"
        f"out = df.groupby('region').apply(lambda g: g['{col}'].rolling({rng.randint(3, 30)}).mean())\n"
        "out.to_parquet('out.parquet')"
    )


def js_code(rng: random.Random, thing: str) -> str:
    name = thing.replace(" ", "")
    return (
        "useEffect(() => {\n"
        f"  fetch('/api/{name.lower()}').then(r => r.json()).then(set{name});\n"
        f"}}, [{name.lower()}]);\n"
        f"return <ul>{{{name.lower()}.map(x => <li key={{x.id}}>{{x.title}}</li>)}}</ul>;"
    )


def sql_code(rng: random.Random, thing: str) -> str:
    table = thing.replace(" ", "_").lower()
    return (
        f"SELECT u.id, count(*) FROM users u JOIN {table} t ON t.user_id = u.id\n"
        f"WHERE t.created_at > now() - interval '{rng.randint(2, 90)} days'\n"
        "GROUP BY u.id ORDER BY 2 DESC LIMIT 50;"
    )


ECOSYSTEMS: dict[str, tuple[list[Builder], list[Builder]]] = {
    # ecosystem: (failure material, code or config)
    "python": ([python_traceback, service_log], [python_code]),
    "data": ([python_traceback], [pandas_code, sql_code]),
    "web": ([node_stack, nginx_log], [js_code]),
    "jvm": ([java_exception], [yaml_config]),
    "infra": ([k8s_events, service_log, nginx_log, go_panic], [yaml_config]),
}


def failure(ecosystem: str, rng: random.Random, thing: str) -> str:
    return rng.choice(ECOSYSTEMS[ecosystem][0])(rng, thing)


def code(ecosystem: str, rng: random.Random, thing: str) -> str:
    return rng.choice(ECOSYSTEMS[ecosystem][1])(rng, thing)
