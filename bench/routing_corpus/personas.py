"""Who writes the corpus: personas with their own topics, vocabulary, phrasing and habits.

Every persona fills the same *kinds* of task (see `build.KINDS`) in its own words, so a router
that only learned one persona's vocabulary fails on the others — which is what holding a persona
out of training measures. Slots in braces are filled from the persona's pools.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

Voice = Callable[[random.Random, str], str]


@dataclass(frozen=True)
class Persona:
    name: str
    ecosystem: str  # which pasted material (see `material.ECOSYSTEMS`)
    pools: dict[str, list[str]]
    templates: dict[str, list[str]]
    voice: Voice = field(default=lambda rng, text: text)


def _typos(rng: random.Random, text: str) -> str:
    swaps = {"the": "teh", "what": "waht", "because": "bc", "you": "u", "please": "pls"}
    words = text.split(" ")
    return " ".join(swaps.get(w, w) if rng.random() < 0.25 else w for w in words)


def casual(rng: random.Random, text: str) -> str:
    """Lower case, dropped final punctuation, the odd typo and emoji."""
    if "\n" not in text:
        text = text.lower()
        if rng.random() < 0.5:
            text = text.rstrip(".")
    text = _typos(rng, text)
    if rng.random() < 0.15:
        text += rng.choice([" 🙏", " 😅", " lol", " :(", " 🤔"])
    return text


def terse(rng: random.Random, text: str) -> str:
    """Ops shorthand: no greetings, fewer articles."""
    text = re.sub(r"\b(?:the|a) (?=\w)", "", text) if rng.random() < 0.5 else text
    return text


def formal(rng: random.Random, text: str) -> str:
    if rng.random() < 0.4:
        text = rng.choice(["Hello team, ", "Good afternoon, ", "Dear support, ", "Hi all, "]) + text
    if rng.random() < 0.3:
        text += rng.choice(["\n\nKind regards", "\n\nThank you in advance.", "\n\nBest, J."])
    return text


def learner(rng: random.Random, text: str) -> str:
    if rng.random() < 0.3:
        text = rng.choice(
            ["sorry if this is a dumb question but ", "beginner here, ", "noob q: "]
        ) + (text[0].lower() + text[1:])
    return text


def non_native(rng: random.Random, text: str) -> str:
    """Common patterns of English as a second language: articles dropped, 'kindly', progressive."""
    text = re.sub(r"\b(?:the|a|an) (?=\w)", "", text) if rng.random() < 0.6 else text
    text = text.replace("I'm trying", "I am try").replace("doesn't", "is not")
    text = text.replace("I want", "I am wanting") if rng.random() < 0.5 else text
    if rng.random() < 0.35:
        text = rng.choice(["Kindly help, ", "Please help me, ", "Dear sir, "]) + text
    if rng.random() < 0.3:
        text += rng.choice([" Please do the needful.", " Thanks in advance!!", " Waiting reply."])
    return text


def relay(rng: random.Random, text: str) -> str:
    return text


NEWCOMER = Persona(
    name="newcomer-gaming",
    ecosystem="python",
    voice=casual,
    pools={
        "thing": [
            "the bot",
            "the mod loader",
            "the launcher",
            "music commands",
            "the leveling system",
            "auto roles",
            "the ticket panel",
            "welcome messages",
        ],
        "tool": ["discord", "steam", "curseforge", "minecraft", "the dashboard", "replit"],
        "os": ["windows 11", "my phone", "a chromebook", "mac", "linux mint"],
        "setting": ["prefix", "welcome channel", "mod role", "xp rate", "language"],
        "err": [
            "Missing Permissions",
            "Unknown Interaction",
            "the application did not respond",
            "403 Forbidden",
            "This interaction failed",
        ],
        "alt": ["mee6", "carl bot", "dyno", "another bot"],
        "goal": [
            "give roles when people react",
            "play music in a voice channel",
            "log deleted messages",
            "make a ticket system",
        ],
    },
    templates={
        "greeting": [
            "hi",
            "hey everyone",
            "yo",
            "hello!!",
            "sup guys",
            "hiii 👋",
            "gm all",
            "heyo anyone here",
        ],
        "thanks": [
            "ty",
            "thanks that worked",
            "omg thank you",
            "tysm!!",
            "ok it works now thx",
            "thx bro",
            "you're a lifesaver",
        ],
        "chitchat": [
            "lol nice",
            "are you a bot?",
            "whats ur favorite game",
            "this server is cool",
            "brb",
            "ok",
            "haha same",
            "good bot",
        ],
        "lookup": [
            "is {thing} free?",
            "where do i find the invite link",
            "does {thing} work on {os}?",
            "what's the command for {setting}",
            "is there a dashboard?",
            "what version is out rn",
        ],
        "howto": [
            "how do i set up {thing}?",
            "how to change the {setting}",
            "how can i make {thing} only work in one channel",
            "how do i {goal}?",
            "can i use {thing} on {os}? how",
        ],
        "error_line": [
            '{thing} says "{err}" what does that mean',
            "getting {err} when i use {thing}",
            "why do i get {err}",
        ],
        "define": [
            "what does the {setting} setting do",
            "what's a slash command",
            "what do xp multipliers mean",
        ],
        "debug_paste": [
            "{thing} crashes when i start it, no idea why\n```\n{paste}\n```",
            "pls help it keeps dying\n{paste}\nthis happens every time someone uses {thing}",
            "got this after updating, tried reinstalling twice, same thing\n```\n{paste}\n```\nwhat do i do",
        ],
        "report": [
            "ok so i set up {thing} yesterday and it was fine. today after i added {alt} too it stopped answering in every channel except one. i checked the roles and the bot is above everyone. i also kicked and re-invited it. it shows online but ignores commands. on {os} and on my phone same thing. what else can i check?",
            "so basically {thing} works for me but not for my friends. they get {err}. i gave them the role, i made the channel public, i even made one of them admin for a minute and then it worked, but i dont want everyone admin. what's going on and how do i fix it properly?",
        ],
        "design": [
            "should i use {thing} or {alt} for a server with 2k people, what breaks first?",
            "is it better to run the bot on replit or on my own pc long term and why",
            "whats the downside of giving the bot admin instead of picking permissions",
        ],
        "multi_step": [
            "can u walk me through setting up {thing}, then linking it to {tool}, and then making it post in #announcements",
            "1. how do i install it 2. how do i {goal} 3. how do i make it survive restarts",
            "first i want to {goal}, then i want the same thing for a second server with different settings - how?",
        ],
        "deep_explain": [
            "how does the bot actually decide who gets xp and when, and should i change the rate for a server where people mostly spam memes?",
            "can you explain how {thing} picks which message to reply to when lots of people talk at once, and whether that will be a problem in a busy server",
        ],
        "estimate": [
            "if i have 3 servers with like 500 ppl each and the bot logs every message how much storage is that per month roughly?",
            "we get about 40 tickets a day, each with like 20 messages, will the free plan limit of 10k messages a month be enough or when do we run out?",
        ],
        "migrate": [
            "we're moving from {alt} to {thing}, how do i bring over all the levels and roles without everyone losing progress, and can both run at once during the switch?"
        ],
        "code_why": [
            "why doesnt this work, it never replies\n```py\n@bot.event\nasync def on_message(msg):\n    if msg.content == '!hi':\n        await msg.channel.send('hi')\n```\nno errors either",
            "my command runs twice every time?? \n```py\n{code}\n```",
        ],
        "code_small": [
            "what does `await ctx.defer()` do",
            "is `intents.message_content = True` needed?",
        ],
        "long_social": [
            "hey everyone! just joined, been lurking for a while. i run a small minecraft server with my friends and we found this bot through a youtube video. super excited to try it out, the community here seems really nice. anyway just wanted to say hi 👋"
        ],
        "long_howto": [
            "hi so i'm pretty new to all this, i made my first server last week for my school club and a friend told me to add some bots. i already added the bot and it's online. how do i change the {setting}?"
        ],
        "short_hard": [
            "why does the bot lag only at night?",
            "should i shard now or later?",
            "why would roles randomly reset?",
        ],
    },
)

SRE = Persona(
    name="sre-infra",
    ecosystem="infra",
    voice=terse,
    pools={
        "thing": [
            "ingress controller",
            "prometheus scrape",
            "api gateway",
            "sidecar",
            "rollout",
            "worker deployment",
            "redis cluster",
            "cert-manager",
        ],
        "tool": ["helm", "terraform", "argocd", "grafana", "datadog", "k9s"],
        "os": ["EKS 1.31", "GKE autopilot", "k3s on bare metal", "AKS"],
        "setting": [
            "maxSurge",
            "readinessProbe",
            "HPA target",
            "pod disruption budget",
            "scrape_interval",
        ],
        "err": [
            "context deadline exceeded",
            "x509: certificate signed by unknown authority",
            "connection refused on :9090",
            "0/6 nodes are available: insufficient memory",
            "ErrImagePull",
        ],
        "alt": ["linkerd", "istio", "nginx ingress", "traefik", "cilium"],
        "goal": [
            "expose metrics on a separate port",
            "pin the chart version",
            "rotate the TLS secret",
            "run the job on spot nodes",
        ],
    },
    templates={
        "greeting": ["morning", "o/", "hey folks"],
        "thanks": ["thx, that fixed it", "cheers", "confirmed working, ty", "ack, thanks"],
        "chitchat": ["+1", "same here", "lgtm", "nice", "is this channel logged?"],
        "lookup": [
            "helm chart repo url?",
            "which k8s versions are supported?",
            "default port for metrics?",
            "is there an arm64 image?",
            "where's the values.yaml reference?",
        ],
        "howto": [
            "how to set {setting} via {tool}?",
            "how do I {goal}?",
            "any way to {goal} without a restart?",
            "how to enable debug logging on {thing}",
        ],
        "error_line": [
            "{tool} apply fails: `{err}`",
            "seeing `{err}` from {thing}, known issue?",
            "`{err}` on {os}, what's the usual cause",
        ],
        "define": [
            "what does {setting} control exactly?",
            "what's the difference in meaning of liveness vs startup probe here, just the definition",
        ],
        "debug_paste": [
            "{thing} flapping since the upgrade:\n```\n{paste}\n```\nnothing changed in values.",
            "pods restarting every ~10m on {os}\n{paste}\nlimits are 512Mi, usage graphs look flat. ideas?",
            "rollout stuck\n```\n{paste}\n```",
        ],
        "report": [
            "Upgraded {thing} from 2.3 to 2.5 on {os}. Since then p99 latency went from 80ms to 1.4s under the same load. CPU throttling is zero, no OOMs, GC pauses look normal. Rolled back one replica and it's fine again, so it's the version. Changelog mentions a new connection pool. What changed and what should we tune?",
            "Half our nodes lose connectivity to {thing} after about 6h. Restarting the {alt} pods fixes it temporarily. conntrack table isn't full, DNS resolves fine, MTU is 9001 everywhere. We're on {os} with {tool}-managed config. Where would you look next?",
        ],
        "design": [
            "{alt} vs {thing} for ~400 services, what are the trade-offs at that scale?",
            "is it worth running redis as a statefulset or should we pay for managed?",
            "single cluster with namespaces or one cluster per team — pros/cons for 12 teams?",
            "blue/green or canary for a service with long-lived websocket connections?",
        ],
        "multi_step": [
            "Need to: 1) migrate {thing} to {tool}, 2) keep zero downtime, 3) roll back if error rate >1%. Order of operations?",
            "plan for moving certs to cert-manager, then switching ingress to {alt}, then removing the old LB?",
        ],
        "deep_explain": [
            "How does the autoscaler decide when to add a node vs wait for pending pods, and should we change the scale-down delay for bursty batch jobs?",
            "explain how {thing} picks an upstream when one is slow, and whether the default is sane for a workload with long-tail requests",
        ],
        "estimate": [
            "We do 2.5k rps peak, avg response 12KB. How many ingress replicas at 1 vCPU each, and what's egress cost per month at $0.09/GB?",
            "If the log volume is 40GB/day with 30d retention and 3x replication, how much disk do we need, and what if we go to 90d?",
        ],
        "migrate": [
            "Moving from self-hosted {alt} to managed {thing}. We have 60 services with mTLS. How do we cut over without breaking cert trust between the old and new meshes?"
        ],
        "code_why": [
            "why does this probe config kill the pod during startup?\n```yaml\n{code}\n```",
            "terraform plan wants to recreate the cluster on every run — why?\n```\nlifecycle {{ ignore_changes = [tags] }}\nnode_pool {{ count = var.nodes }}\n```",
        ],
        "code_small": [
            "is `kubectl rollout restart` safe in prod?",
            "what does `--atomic` do on helm upgrade",
        ],
        "long_social": [
            "hey all, SRE at a mid-size fintech here. we've been running your stuff in staging for a month and it's been pretty uneventful, which is the best compliment I can give. just wanted to say thanks to the maintainers, the docs are solid."
        ],
        "long_howto": [
            "We inherited a cluster from another team and docs are thin. It's {os}, managed by {tool}, and we mostly just need to keep it patched for now. Quick one: how do I change {setting} for a single deployment?"
        ],
        "short_hard": [
            "why would p99 double after enabling keepalive?",
            "shard by tenant or by region?",
            "why is the HPA oscillating?",
        ],
    },
)

DATA = Persona(
    name="data-scientist",
    ecosystem="data",
    voice=learner,
    pools={
        "thing": [
            "the notebook",
            "feature pipeline",
            "training job",
            "the dataframe",
            "embedding step",
            "the dashboard export",
            "the airflow DAG",
        ],
        "tool": ["pandas", "polars", "spark", "jupyter", "duckdb", "airflow", "dbt"],
        "os": ["a MacBook M2", "colab", "databricks", "a 16GB laptop"],
        "setting": ["chunk size", "learning rate", "partition count", "batch_size", "dtype"],
        "err": [
            "SettingWithCopyWarning",
            "MemoryError",
            "CUDA out of memory",
            "ParserError: Error tokenizing data",
            "KeyError: 'date'",
        ],
        "alt": ["polars", "spark", "duckdb", "dask"],
        "goal": [
            "read a 20GB csv",
            "join two parquet files",
            "schedule the notebook daily",
            "export to excel with formatting",
        ],
    },
    templates={
        "greeting": ["Hi everyone!", "hello :)", "Hey all"],
        "thanks": [
            "Thank you so much, that explains it!",
            "thanks, worked perfectly",
            "Brilliant, thanks!",
        ],
        "chitchat": ["ha, classic pandas", "love this community", "ok makes sense"],
        "lookup": [
            "Does it support parquet?",
            "Which Python versions are supported?",
            "Is there a conda package?",
            "Where are the example notebooks?",
            "what's the max file size for upload?",
        ],
        "howto": [
            "How do I {goal} with {tool}?",
            "How can I set the {setting} for {thing}?",
            "What's the way to {goal}?",
            "How do I load data from S3 into {thing}?",
        ],
        "error_line": [
            "I get {err} when I run {thing}, what does it mean?",
            "Getting a {err} in {tool}, how do I get rid of it?",
        ],
        "define": [
            "What does the {setting} parameter mean?",
            "What is a lazy frame?",
            "What does `inplace=True` actually do?",
        ],
        "debug_paste": [
            "My {thing} fails halfway through:\n```\n{paste}\n```\nIt worked last week with the same data.",
            "Running this on {os}:\n```python\n{code}\n```\nand I get\n```\n{paste}\n```\nAny idea?",
        ],
        "report": [
            "I have a {thing} that processes around 30M rows. On {os} it takes 45 minutes and then dies with {err}. I tried reducing the {setting}, converting columns to category and reading in chunks, but the memory still climbs until it crashes. The output is only a few aggregates per day. What's the right approach here?",
            "Our model's accuracy in production is about 8 points lower than in the notebook. Same features, same code for preprocessing as far as I can tell, the training data is from the same source. The only difference is the prod job runs on {tool}. Where could the gap come from and how would I track it down?",
        ],
        "design": [
            "{tool} or {alt} for a 200GB dataset on a single machine? What are the trade-offs?",
            "Should I store features in parquet on S3 or in a database for a small team?",
            "Is it worth moving from notebooks to a proper pipeline for a team of three?",
        ],
        "multi_step": [
            "Could you walk me through: loading the CSVs, cleaning the dates, joining with the customer table, and then writing one parquet per month?",
            "I need to (a) dedupe, (b) fill missing values per group and (c) compute a 7-day rolling mean — what's the order and how?",
        ],
        "deep_explain": [
            "Can you explain how the query planner decides to spill to disk, and whether I should tune the memory limit for my workload of wide joins?",
            "How does {tool} decide the number of partitions when reading, and should I override it for many small files?",
        ],
        "estimate": [
            "If each embedding is 768 floats and I have 4.2M documents, how much RAM do I need for the index, and would float16 halve it?",
            "We have 12 DAGs running hourly, each using about 3 worker-minutes. On a plan with 2,000 worker-hours a month, how much headroom do we have?",
        ],
        "migrate": [
            "We're migrating our pandas scripts to {alt}. Some use apply with custom functions and groupby-transform. What's the plan to migrate without changing results, and how do we verify them?"
        ],
        "code_why": [
            "Why is this so slow?\n```python\n{code}\n```\nIt takes 20 minutes on 1M rows.",
            "Why does this produce NaNs in the last column?\n```python\n{code}\n```",
        ],
        "code_small": ["What does `df.pipe()` do?", "Is `pd.NA` the same as `np.nan`?"],
        "long_social": [
            "Hi all! I'm a data scientist working mostly on demand forecasting. I found this community through a colleague and I've been reading the threads for a few weeks. Really appreciate how helpful everyone is here. Looking forward to contributing!"
        ],
        "long_howto": [
            "I'm putting together a small report for my manager, nothing fancy, a couple of charts from a CSV export every Monday. I already have it working in a notebook. How do I export to excel with formatting?"
        ],
        "short_hard": [
            "Why would my model do worse with more data?",
            "Should we normalise before or after the split?",
            "Why does groupby return different row counts each run?",
        ],
    },
)

ENTERPRISE = Persona(
    name="enterprise-admin",
    ecosystem="jvm",
    voice=formal,
    pools={
        "thing": [
            "SSO integration",
            "SCIM provisioning",
            "audit log export",
            "the admin console",
            "seat management",
            "data residency settings",
            "the API quota",
        ],
        "tool": ["Okta", "Azure AD", "Google Workspace", "OneLogin", "ServiceNow"],
        "os": ["our EU tenant", "the US region", "the sandbox organisation"],
        "setting": [
            "session timeout",
            "IP allow-list",
            "retention period",
            "default role",
            "MFA policy",
        ],
        "err": [
            "SAML response signature invalid",
            "user not assigned to application",
            "403 insufficient scope",
            "429 rate limit exceeded",
            "invalid_grant",
        ],
        "alt": ["SAML", "OIDC", "SCIM 2.0", "LDAP sync"],
        "goal": [
            "restrict sign-in to our domain",
            "export audit logs to our SIEM",
            "deprovision leavers automatically",
            "change the billing contact",
        ],
    },
    templates={
        "greeting": ["Good morning.", "Hello.", "Hi team."],
        "thanks": [
            "Thank you, that resolves it.",
            "Much appreciated.",
            "Thanks for the quick response.",
        ],
        "chitchat": ["Understood.", "Noted, thanks.", "Is this an official support channel?"],
        "lookup": [
            "Is there a SOC 2 report available?",
            "Which regions host customer data?",
            "Where can I download the invoice for October?",
            "Do you support {alt}?",
            "What is the uptime SLA on the enterprise plan?",
        ],
        "howto": [
            "How do I {goal}?",
            "How can an administrator change the {setting}?",
            "What is the procedure to {goal}?",
            "How do we configure {thing} with {tool}?",
        ],
        "error_line": [
            'Users see "{err}" when signing in via {tool}. What does this indicate?',
            "The {thing} returns {err}. What is the meaning of this error?",
        ],
        "define": [
            "What does the {setting} apply to?",
            "What is the difference in definition between an owner and an admin role?",
        ],
        "debug_paste": [
            "Our integration job fails nightly with the following:\n```\n{paste}\n```\nThe job has not been changed in months.",
            "Since the weekend the connector returns errors:\n{paste}\nCould you advise?",
        ],
        "report": [
            'We are migrating our organisation of 3,400 users from password login to {alt} with {tool}. In the pilot group of 50, around 10% of users get "{err}" on first sign-in, while the others succeed. The affected users are all in a nested group and some have mixed-case email addresses. We need to complete the roll-out by the end of the month. What could cause this and how should we proceed?',
            "Our security team requires that {thing} complies with our retention policy of 400 days, but the console only allows up to 365. We also need the exported records to land in our SIEM within 15 minutes. Please advise on how to meet both requirements, or what alternatives exist.",
        ],
        "design": [
            "Should we provision users via {alt} or rely on just-in-time provisioning at sign-in? We have frequent contractors.",
            "What are the risks of enabling {thing} for all business units at once versus a phased roll-out?",
            "Would you recommend a single organisation with workspaces or separate organisations per subsidiary, considering billing and compliance?",
        ],
        "multi_step": [
            "Please outline the steps to (1) enable {alt}, (2) migrate existing accounts without duplicates, and (3) enforce MFA, including the order we should do them in.",
            "We need to set up {thing}, then restrict access by IP, and finally hand over administration to another team. What is the correct sequence?",
        ],
        "deep_explain": [
            "Could you explain how the platform determines which identity provider a user is routed to when they belong to two domains, and whether we should adjust our configuration given our merger?",
            "Please explain how {thing} counts usage towards our limits and whether we should restructure our integrations to avoid hitting them.",
        ],
        "estimate": [
            "Our plan includes 50,000 API calls per day. We have 14 integrations polling every 5 minutes, each making 6 calls. Will we exceed the quota, and by how much if we add 4 more integrations?",
            "With 3,400 seats at $18 per seat per month and a 12% volume discount above 2,500 seats, what would the annual cost be, and what if we grow by 20%?",
        ],
        "migrate": [
            "We are moving from {alt} to {tool} as our identity provider over one weekend. How do we avoid locking users out, keep their existing permissions, and roll back if needed?"
        ],
        "code_why": [
            'Our SCIM client sends the following payload and receives a 400. Why is it rejected?\n```json\n{{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "J.Doe@Example.com", "active": "true"}}\n```'
        ],
        "code_small": [
            "What does the `groups` claim contain?",
            "Is the `externalId` field mandatory?",
        ],
        "long_social": [
            "Hello everyone, I am the IT administrator for a logistics company and we have just purchased the enterprise plan. I wanted to introduce myself, as I will be the main contact for our organisation going forward. Looking forward to working with you."
        ],
        "long_howto": [
            "We recently completed our onboarding and the initial set-up went smoothly, thanks to the documentation. Our compliance officer asked me one small thing before sign-off: how can an administrator change the {setting}?"
        ],
        "short_hard": [
            "Why are some users provisioned twice?",
            "Should contractors have a separate tenant?",
            "Why does deprovisioning take hours for some users?",
        ],
    },
)

WEBDEV = Persona(
    name="frontend-dev",
    ecosystem="web",
    voice=casual,
    pools={
        "thing": [
            "the SDK",
            "the auth callback",
            "the widget",
            "server components",
            "the REST client",
            "the webhook handler",
            "image uploads",
        ],
        "tool": [
            "Next.js 15",
            "Vite",
            "React Native",
            "Vercel",
            "Cloudflare Workers",
            "TypeScript",
        ],
        "os": ["Safari", "Chrome on Android", "the edge runtime", "node 22"],
        "setting": ["base URL", "CORS origin", "token TTL", "retry count", "cache header"],
        "err": [
            "CORS policy: No 'Access-Control-Allow-Origin' header",
            "401 Unauthorized",
            "ERR_MODULE_NOT_FOUND",
            "Hydration failed",
            "TS2345: Argument of type 'string' is not assignable",
        ],
        "alt": ["axios", "tRPC", "GraphQL", "SWR", "React Query"],
        "goal": [
            "refresh the token before it expires",
            "upload files bigger than 10MB",
            "use the SDK in a server action",
            "verify webhook signatures",
        ],
    },
    templates={
        "greeting": ["hey!", "hi all", "hello 👋"],
        "thanks": [
            "that was it, thanks!",
            "ah of course, ty",
            "works now 🙌",
            "thanks, appreciate it",
        ],
        "chitchat": ["haha", "nice, shipped", "javascript moment", "👀"],
        "lookup": [
            "is there a typescript types package?",
            "does the SDK support ESM?",
            "link to the API reference?",
            "is there a rate limit on the free tier?",
            "what's the latest SDK version?",
        ],
        "howto": [
            "how do i {goal} with {tool}?",
            "how to set the {setting} in the SDK?",
            "what's the recommended way to {goal}?",
            "can I {goal} from the client side?",
        ],
        "error_line": [
            "getting `{err}` when calling the API from {os}",
            "{tool} build shows `{err}` any idea",
            "what does `{err}` mean here",
        ],
        "define": ["what's the {setting} used for?", "what does idempotency key mean in your API?"],
        "debug_paste": [
            "page crashes on load in {tool}:\n```\n{paste}\n```\nonly in prod build",
            "this is what I get after deploying:\n{paste}\nlocally all good",
        ],
        "report": [
            "So we integrated {thing} into our {tool} app last sprint. Works in dev. In production about 1 in 20 users get logged out randomly, usually after ~30 minutes, and we see {err} in the console right before. Token refresh runs on an interval, cookies are httpOnly and sameSite=lax, and it's worse on {os}. We can't reproduce it reliably. What should we look at?",
            "Our webhook handler receives events but every signature check fails, even though we use the secret from the dashboard. We're behind {tool}, body parsing is disabled for the route (I think), and it worked in staging. Tried rotating the secret. Not sure where to go from here.",
        ],
        "design": [
            "{alt} or plain fetch with your SDK for a mid-size app, what would you pick and why?",
            "should the SDK calls live in server components or API routes? trade-offs?",
            "is it a bad idea to store the access token in localStorage for an internal tool?",
        ],
        "multi_step": [
            "how do I set up auth, then protect the API routes, and then add role checks for admins?",
            "walk me through: creating the webhook, verifying it, and retrying failed deliveries",
        ],
        "deep_explain": [
            "can someone explain how the SDK decides when to retry vs throw, and whether I should change the defaults for a checkout flow where double-submits are bad?",
            "how does the cache layer decide what's stale, and should I tune it for a dashboard that updates every few seconds?",
        ],
        "estimate": [
            "we have ~80k MAU, each does maybe 25 API calls a day. at $0.40 per 10k calls after the free 1M, what's our monthly bill?",
            "if each upload is ~4MB and we get 3k uploads a day with 90 day retention, how much storage do we pay for at $0.023/GB?",
        ],
        "migrate": [
            "we're migrating from {alt} to the official SDK in a big codebase (300+ call sites). how do we do it incrementally without breaking auth in the middle?"
        ],
        "code_why": [
            "why does this render twice and fire two requests?\n```tsx\n{code}\n```",
            "why is `data` undefined on first render here?\n```tsx\n{code}\n```",
        ],
        "code_small": [
            "what does `export const dynamic = 'force-dynamic'` do?",
            "is `credentials: 'include'` needed for your API?",
        ],
        "long_social": [
            "hey all! frontend dev from Lisbon here, just started using the SDK for a side project (a recipe app, nothing serious). the DX is really nice so far. just saying hi, will probably be back with questions soon 😄"
        ],
        "long_howto": [
            "we're a two-person team building a small booking app, mostly React with a bit of server code. everything's been straightforward so far and the docs helped a lot. quick one though: how do I set the {setting} in the SDK?"
        ],
        "short_hard": [
            "why does the token refresh race?",
            "ssr or csr for the dashboard?",
            "why do webhooks arrive out of order?",
        ],
    },
)

NON_NATIVE = Persona(
    name="non-native-english",
    ecosystem="python",
    voice=non_native,
    pools={
        "thing": [
            "the installation",
            "the plugin",
            "the API key",
            "the chatbot",
            "the database connection",
            "the export function",
            "the scheduler",
        ],
        "tool": ["Docker", "XAMPP", "WordPress", "Python", "Windows server"],
        "os": ["Windows 10", "Ubuntu 22", "CentOS 7", "shared hosting"],
        "setting": ["timezone", "language", "port", "upload limit", "SMTP setting"],
        "err": [
            "connection refused",
            "permission denied",
            "500 Internal Server Error",
            "module not found",
            "timeout",
        ],
        "alt": ["MySQL", "PostgreSQL", "SQLite", "Redis"],
        "goal": [
            "change the timezone",
            "send emails from the app",
            "take backup daily",
            "put it on my domain",
        ],
    },
    templates={
        "greeting": ["Hello sir", "Hi all, good day", "Hello friends", "Greetings"],
        "thanks": [
            "Thank you very much sir",
            "Thanks it is working now",
            "Very helpful, thanks a lot",
            "Thank you for reply",
        ],
        "chitchat": ["ok sir", "Yes", "Fine", "you are human or bot?"],
        "lookup": [
            "It is free or paid?",
            "Which version is latest?",
            "Where I can download it?",
            "It support {os}?",
            "Is there documentation in PDF?",
        ],
        "howto": [
            "How I can {goal}?",
            "I want to {goal}, how to do?",
            "How to configure {setting} in {thing}?",
            "Please tell how to install on {os}",
        ],
        "error_line": [
            "I am getting {err} when opening {thing}, what is meaning?",
            "{thing} is showing {err}, how to solve?",
        ],
        "define": ["What is meaning of {setting}?", "What is cron job?"],
        "debug_paste": [
            "I am try to run but it is giving error like this\n{paste}\nI already installed all requirements",
            "Please check my error\n```\n{paste}\n```\nsame error coming again and again",
        ],
        "report": [
            "I installed {thing} on {os} with {tool}. First it was working fine but after one week it is stopping automatically in night time. In morning I am restarting and again it works. I checked the log but I am not understanding it. Memory is 2GB only. Also sometimes {err} is coming in browser. Please tell me what is the problem and how I can fix permanently.",
            "We are using {thing} in our company for 2 years. Now management wants to move it to new server and also upgrade to new version same time. Old one is using {alt}. I am worry about data loss and downtime. Which way is safe and what steps I must follow?",
        ],
        "design": [
            "Which is better for my project {alt} or SQLite, I have 50 users only? Why?",
            "Is it good idea to run everything on one server or I must separate database?",
            "Should I use Docker or install directly, what is more stable for long time?",
        ],
        "multi_step": [
            "Please tell me step by step how to install, configure {setting} and then connect with {alt}",
            "First I want to install it, then import my old data, and then make it start automatically. How to do all?",
        ],
        "deep_explain": [
            "Please explain how the system is deciding which user request is processed first, and whether I should change this for my case where many users upload at same time",
            "Can you explain how {thing} is working internally with {alt} and if I need to change configuration for large data?",
        ],
        "estimate": [
            "If I have 200 users and every user upload 50 files of 2MB per month, how much disk I need for one year? And backup also double?",
            "Our server is 4GB RAM. Each worker take 350MB. How many workers I can run safely and how many requests per second then?",
        ],
        "migrate": [
            "We must move from {alt} to PostgreSQL because of company policy. Data is 40GB with many foreign keys. How to migrate without stopping the service for long?"
        ],
        "code_why": [
            "Why this code is not working? No error but no output\n```python\n{code}\n```",
            "Please check why this is giving wrong result\n```\n{code}\n```",
        ],
        "code_small": ["What is `if __name__ == '__main__'`?", "What does `pip freeze` do?"],
        "long_social": [
            "Hello all, I am software engineer from small company, we are using your product since last month. It is very good product and I am learning many things from this group. Thank you to all members for helping the new peoples like me."
        ],
        "long_howto": [
            "Good day. We are small school and our IT person left, so now I am handling the system. Everything is running fine and I do not want to break anything. Only one small thing I need: how to change the {setting}?"
        ],
        "short_hard": [
            "Why it become slow after one week?",
            "Which is safe, update first or migrate first?",
            "Why data is duplicate sometimes?",
        ],
    },
)

HOMELAB = Persona(
    name="homelab-hobbyist",
    ecosystem="infra",
    voice=casual,
    pools={
        "thing": [
            "home assistant",
            "the mqtt bridge",
            "zigbee2mqtt",
            "the reverse proxy",
            "my nas",
            "pihole",
            "the docker compose stack",
        ],
        "tool": ["a raspberry pi 4", "proxmox", "unraid", "portainer", "tailscale"],
        "os": ["raspberry pi os", "debian 12", "truenas", "an old thinkpad"],
        "setting": ["restart policy", "volume mount", "static ip", "log level", "backup schedule"],
        "err": [
            "bind: address already in use",
            "permission denied on /data",
            "device or resource busy",
            "no space left on device",
            "502 bad gateway",
        ],
        "alt": ["nginx proxy manager", "caddy", "traefik", "wireguard"],
        "goal": [
            "expose it outside my network safely",
            "back up the config to my nas",
            "update without losing data",
            "run it on boot",
        ],
    },
    templates={
        "greeting": ["evening all", "hey homelabbers", "hi 👋"],
        "thanks": ["legend, thanks", "sorted, cheers!", "that did it, thank you"],
        "chitchat": [
            "my wife is not amused lol",
            "rip my sd card",
            "nice setup!",
            "anyone else up this late",
        ],
        "lookup": [
            "is there an arm image?",
            "does it work with zigbee dongles?",
            "what's the default port?",
            "where are the configs stored?",
            "does it need internet to work?",
        ],
        "howto": [
            "how do i {goal}?",
            "how to set the {setting} in compose?",
            "whats the easiest way to {goal} on {tool}",
            "how can i move {thing} to {os}",
        ],
        "error_line": [
            "{thing} won't start: {err}",
            "keep getting {err} on {tool}",
            "{err} after reboot, what does it mean",
        ],
        "define": [
            "what does the {setting} do in compose?",
            "what's a bind mount vs volume, just the basic idea",
        ],
        "debug_paste": [
            "{thing} keeps restarting on {tool}\n```\n{paste}\n```\nsd card is new",
            "logs after the update:\n{paste}\nanyone seen this?",
        ],
        "report": [
            "so i moved {thing} from {tool} to a mini pc running {os}. copied the volumes over, same compose file. now zigbee devices show unavailable after a few hours, and the only fix is unplugging the dongle. usb extension cable is in, firmware is updated, it worked fine for a year on the old box. what am i missing?",
            "after setting up {alt} my services are reachable from outside but every few days i get {err} and have to restart the container. certs renew fine, dns points right, and the logs don't show anything obvious. where should i start looking?",
        ],
        "design": [
            "{alt} or tailscale for remote access, what's more secure for a family setup?",
            "is it worth moving from a pi to a mini pc for ~30 containers?",
            "zfs mirror or just backups for a small nas, what would you do?",
        ],
        "multi_step": [
            "can someone walk me through: installing {thing}, putting it behind {alt}, and then getting https with my own domain?",
            "i want to 1) move to {os}, 2) keep all my automations, 3) set up nightly backups. how?",
        ],
        "deep_explain": [
            "how does the recorder decide what to keep and when to purge, and should i tune it for ~300 sensors on an sd card?",
            "can someone explain how docker decides restart order for dependent containers and if i should change it for my db + app stack",
        ],
        "estimate": [
            "if i have 150 sensors reporting every 30s and each state row is about 400 bytes, how big will the db be after a year, and how long till my 32gb card fills?",
            "my pi draws ~6W and the mini pc ~15W, at 0.32 per kWh what's the yearly difference, and is it worth it for the speed?",
        ],
        "migrate": [
            "moving from {tool} to proxmox with vms. how do i migrate {thing} with all history and zigbee pairings without re-pairing 40 devices?"
        ],
        "code_why": [
            "why does this compose file lose my data on restart?\n```yaml\n{code}\n```",
            "why is the healthcheck always unhealthy?\n```\n{code}\n```",
        ],
        "code_small": [
            "what does `network_mode: host` do",
            "is `privileged: true` needed for usb?",
        ],
        "long_social": [
            "evening all! long time lurker, finally got my homelab to a point i'm happy with: pi for dns, mini pc for everything else, nas for backups. this community helped a ton so just wanted to say cheers 🍻"
        ],
        "long_howto": [
            "my setup is pretty basic, a pi running a few containers, nothing fancy, been stable for months and i'm happy with it. just one thing i never figured out: how do i set the {setting} in compose?"
        ],
        "short_hard": [
            "why does my pi corrupt sd cards?",
            "vlan or separate network for iot?",
            "why does dns break after a day?",
        ],
    },
)

MAINTAINER = Persona(
    name="oss-contributor",
    ecosystem="python",
    voice=lambda rng, text: text,
    pools={
        "thing": [
            "the plugin API",
            "the CLI",
            "the test suite",
            "the release workflow",
            "the retry decorator",
            "the config loader",
            "type hints",
        ],
        "tool": ["GitHub Actions", "pytest", "mypy", "pre-commit", "tox", "hatch"],
        "os": ["Python 3.13", "PyPy", "Windows CI runners", "macOS arm64 runners"],
        "setting": [
            "deprecation policy",
            "minimum Python version",
            "coverage threshold",
            "semver range",
        ],
        "err": [
            "Resource not accessible by integration",
            "Error: Process completed with exit code 1",
            "fixture 'tmp_path' not found",
            "incompatible types in assignment",
            "HTTP 403: refusing to allow a GitHub App to create or update workflow",
        ],
        "alt": ["poetry", "setuptools", "uv", "nox"],
        "goal": [
            "run one test file",
            "build the docs locally",
            "add a new CLI flag",
            "sign my commits",
        ],
    },
    templates={
        "greeting": ["Hi maintainers!", "Hey folks", "Hello"],
        "thanks": ["Thanks for the review!", "Got it, thanks.", "Thanks — merged on my fork"],
        "chitchat": ["first PR 🎉", "CI is green finally", "the docs theme looks great"],
        "lookup": [
            "Is there a contributing guide?",
            "Which branch should PRs target?",
            "When is the next release planned?",
            "Is there a code of conduct?",
            "Where's the roadmap?",
        ],
        "howto": [
            "How do I {goal}?",
            "What's the recommended way to {goal}?",
            "How do I set up the dev environment with {alt}?",
        ],
        "error_line": [
            'CI fails on my PR with "{err}". What does it mean?',
            "{tool} reports `{err}` on {os} only",
        ],
        "define": ["What does the {setting} say exactly?", "What's a 'good first issue' here?"],
        "debug_paste": [
            "My PR's tests fail only on {os}:\n```\n{paste}\n```\nThey pass locally on Linux.",
            "The release job broke:\n```\n{paste}\n```",
        ],
        "report": [
            "I'm adding a new flag to {thing}. The change itself is small, but the {tool} job fails with \"{err}\" — only for PRs from forks. The same workflow passes on my fork's main branch. The workflow uses a token to post a coverage comment. The permissions block has `contents: read` and `pull-requests: write`. What's going on, and what's the right fix that doesn't weaken security?",
            "We've had reports that {thing} behaves differently on {os}: the retry count is ignored and requests fail immediately. I bisected it to the commit that moved config loading to a lazy property, but I can't see why that would matter only there. How would you approach this?",
        ],
        "design": [
            "Should {thing} use entry points or explicit registration? What are the trade-offs for plugin authors?",
            "Is it worth dropping Python 3.9 to use the new typing features?",
            "{alt} or hatch for the build backend, given we ship a C extension?",
        ],
        "multi_step": [
            "To release: bump the version, update the changelog, tag, and publish to PyPI — which of these does the workflow do, and what do I do by hand, in which order?",
            "I want to (1) split the CLI into subcommands, (2) keep the old flags working with a deprecation warning, and (3) document it. How should I structure the PR?",
        ],
        "deep_explain": [
            "How does the plugin loader decide the order plugins run in, and should I rely on it for a plugin that must run after authentication?",
            "Can you explain how {thing} resolves conflicting config values from env, file and CLI, and whether I should change that for my use case with multiple profiles?",
        ],
        "estimate": [
            "The test matrix is 5 Python versions × 3 OSes, each job ~7 minutes. On macOS minutes count 10×. With 2,000 free minutes a month, how many PRs can we run before we pay?"
        ],
        "migrate": [
            "We want to move from {alt} to uv for dependency management and publishing. How do we migrate the lock file, the CI and the release workflow without a broken release in between?"
        ],
        "code_why": [
            "Why does mypy reject this?\n```python\n{code}\n```",
            "Why does this test pass alone but fail in the full suite?\n```python\n{code}\n```",
        ],
        "code_small": [
            "What does `@functools.cache` on a method do?",
            "Is `from __future__ import annotations` required?",
        ],
        "long_social": [
            "Hi everyone, I've been using the library at work for two years and finally have some time to give back. I'm comfortable with Python typing and CI. Happy to help with issues labelled good-first-issue. Nice to meet you all!"
        ],
        "long_howto": [
            "I'm preparing my first contribution, a typo fix in the docs plus a small test. I've read the contributing guide and forked the repo. One question before I open the PR: how do I run one test file?"
        ],
        "short_hard": [
            "Why does the cache leak across tests?",
            "Breaking change or deprecation first?",
            "Why is import time 2 seconds?",
        ],
    },
)

MOBILE = Persona(
    name="mobile-dev",
    ecosystem="jvm",
    voice=terse,
    pools={
        "thing": [
            "push notifications",
            "the offline sync",
            "in-app purchases",
            "deep links",
            "the login screen",
            "background fetch",
            "crash reporting",
        ],
        "tool": ["Flutter", "Kotlin", "SwiftUI", "Expo", "Gradle 8", "Xcode 16"],
        "os": ["Android 14", "iOS 18", "Pixel 8", "older Samsung devices"],
        "setting": ["minSdkVersion", "bundle identifier", "notification channel", "ProGuard rules"],
        "err": [
            "Execution failed for task ':app:checkDebugAarMetadata'",
            "No Firebase App '[DEFAULT]' has been created",
            "Unable to resolve host",
            "Provisioning profile doesn't include the entitlement",
            "INSTALL_FAILED_UPDATE_INCOMPATIBLE",
        ],
        "alt": ["Firebase", "OneSignal", "Realm", "SQLite", "React Native"],
        "goal": [
            "handle deep links when the app is closed",
            "send a test push",
            "shrink the APK",
            "store the token securely",
        ],
    },
    templates={
        "greeting": ["hey", "hi all"],
        "thanks": ["thanks, that was it", "works, thx", "cheers 🙏"],
        "chitchat": ["gradle strikes again", "app store review took 4 days lol", "nice"],
        "lookup": [
            "is there a Flutter plugin?",
            "minimum iOS version supported?",
            "does the SDK work offline?",
            "where's the sample app?",
            "is the Android SDK on Maven Central?",
        ],
        "howto": [
            "how to {goal} on {os}?",
            "how do I set the {setting} for {tool}?",
            "best way to {goal} with {tool}?",
        ],
        "error_line": [
            "build fails: {err}",
            "{tool} throws {err} on {os}, meaning?",
            "seeing '{err}' on install",
        ],
        "define": [
            "what is the {setting} for?",
            "what's the difference in meaning between a data message and a notification message?",
        ],
        "debug_paste": [
            "crash on launch on {os} only\n```\n{paste}\n```",
            "sync dies in background:\n{paste}\nforeground fine",
        ],
        "report": [
            "{thing} works on emulators and most phones, but on {os} about 15% of users never receive anything. Tokens are registered server-side, delivery reports say 'sent', battery optimisation is off for our test device, and it started after we moved to {tool}. We can't reproduce it in-house. What could explain this and how do we find it?",
            "Since the last release, {thing} randomly logs users out on {os}. We store the refresh token in the keychain/keystore, and it only happens after the app was killed in the background for a few hours. Nothing in crash reports.",
        ],
        "design": [
            "{alt} or your SDK's built-in storage for offline-first with conflicts? trade-offs?",
            "native modules or stay in {tool} for the camera feature — worth it?",
            "should token refresh live in the app or behind our own backend?",
        ],
        "multi_step": [
            "how do I set up push on both platforms, then route taps to the right screen, then track opens?",
            "steps to migrate from {alt} to the SDK: data, auth, and notifications — in which order?",
        ],
        "deep_explain": [
            "how does the sync engine decide which side wins on a conflict, and should we change that for a field-service app where techs edit offline for hours?",
            "explain how background fetch is scheduled on {os} and whether our 15-minute interval even makes sense",
        ],
        "estimate": [
            "50k devices syncing every 15 min, each payload ~8KB. what's monthly transfer, and at $0.12/GB how much is that?",
            "if 3% of 120k users open the paywall daily and 2% of those convert at $4.99 with a 30% store cut, what's monthly revenue?",
        ],
        "migrate": [
            "moving from {alt} to the SDK's auth with 200k existing users. how do we migrate sessions without logging everyone out?"
        ],
        "code_why": [
            "why does this leak the activity?\n```kotlin\nobject Holder {{ lateinit var ctx: Context }}\nHolder.ctx = this\n```",
            "why is this widget rebuilt every second?\n```dart\nStreamBuilder(stream: api.watch(), builder: (c, s) => Text('${{s.data}}'))\n```",
        ],
        "code_small": ["what does `android:exported` do?", "is `@MainActor` needed here?"],
        "long_social": [
            "hey all, indie dev here shipping a habit tracker on both stores. been using the SDK for a couple of months and it's been smooth. just joined the server to follow the release notes, say hi 👋"
        ],
        "long_howto": [
            "we're a small agency and this is our first app with the SDK; integration was painless and QA passed yesterday. last thing before submitting: how do I set the {setting} for {tool}?"
        ],
        "short_hard": [
            "why do pushes arrive late on Samsung?",
            "sqlite or realm for sync?",
            "why does the app get killed in background?",
        ],
    },
)

RELAY = Persona(
    name="support-relay",
    ecosystem="web",
    voice=relay,
    pools={
        "thing": [
            "the billing page",
            "CSV import",
            "the mobile app",
            "email notifications",
            "the reporting module",
            "team invitations",
            "the public API",
        ],
        "tool": ["Zendesk", "Intercom", "HubSpot", "Salesforce"],
        "os": ["the Pro plan", "the trial", "their EU workspace"],
        "setting": ["notification frequency", "default currency", "invoice address", "timezone"],
        "err": [
            "Something went wrong, try again later",
            "Import failed: row 412",
            "Invitation link expired",
            "Payment declined",
            "Report timed out",
        ],
        "alt": ["Stripe", "PayPal", "QuickBooks", "Xero"],
        "goal": [
            "add a VAT number to invoices",
            "transfer ownership of a workspace",
            "resend an invitation",
            "export all their data",
        ],
    },
    templates={
        "greeting": ["Hi, support agent here.", "Hello!"],
        "thanks": [
            "Thanks, passing that on to the customer.",
            "Perfect, thank you.",
            "Great, the customer confirmed it works.",
        ],
        "chitchat": ["Busy day today!", "Happy Friday everyone", "Noted."],
        "lookup": [
            "Customer asks: is there a discount for nonprofits?",
            "Does the Pro plan include API access?",
            "Customer wants to know where the invoices are.",
            "Is {thing} available on {os}?",
            "What are the support hours?",
        ],
        "howto": [
            "A customer asks how to {goal}. What do I tell them?",
            "How does a customer change the {setting}?",
            "Customer wants to {goal} — what are the steps in the UI?",
        ],
        "error_line": [
            'Customer gets "{err}" in {thing}. What does it mean?',
            'A user reports the error "{err}". Is this on their side?',
        ],
        "define": [
            "What does the {setting} setting affect for the customer?",
            "What counts as an 'active user' for billing?",
        ],
        "debug_paste": [
            "Customer sent this from their integration, can someone make sense of it?\n```\n{paste}\n```",
            "Customer's browser console when {thing} fails:\n{paste}",
        ],
        "report": [
            'Escalating a ticket: a customer on {os} says {thing} has been failing for three days with "{err}". They tried another browser, clearing cache and a different user account. Two other customers from the same company network report the same thing; customers elsewhere don\'t. Their IT says nothing changed. What should we investigate and what can I tell them meanwhile?',
            "Customer with ~900 users says {thing} sends duplicates to some people and nothing to others since they connected {alt}. They want to know whether data was lost, what went wrong and when it will be fixed. Can someone look at what could cause this?",
        ],
        "design": [
            "Customer asks whether they should use SSO or invite users by email for a 40-person team with frequent turnover — what's our recommendation and why?",
            "Customer wants advice: one workspace for all their clients or one per client? Pros and cons?",
        ],
        "multi_step": [
            "Customer needs to (1) move their data from {alt}, (2) invite 60 users with roles, and (3) set up SSO. Can you give me the sequence and any gotchas?",
            "How should the customer merge two workspaces, then cancel the duplicate subscription, then get refunded for the overlap?",
        ],
        "deep_explain": [
            "Customer wants to understand how we calculate proration when they change plans mid-cycle, and whether they should switch now or at renewal given they add seats monthly.",
            "Customer asks how the spam filter decides which notification emails get delayed, and whether they should change their sending settings for their volume.",
        ],
        "estimate": [
            "Customer on the Pro plan ($12/user/mo, billed yearly) with 45 users wants to add 15 users in month 4 and downgrade 5 in month 9. What will they pay for the year?",
            "Customer imports 2.3M rows; the importer handles 10k rows per job and they can run 4 jobs at once at ~90s each. How long will the full import take?",
        ],
        "migrate": [
            "Customer is switching from {alt} to our billing and has 1,400 active subscriptions with different renewal dates. How do they migrate without double-charging anyone?"
        ],
        "code_why": [
            'Customer\'s API call returns 422 — why?\n```\nPOST /v2/contacts\n{{"email": "ana@example", "tags": "vip"}}\n```'
        ],
        "code_small": [
            "Customer asks what `?expand=owner` does in the API.",
            "What's the `X-Request-Id` header for?",
        ],
        "long_social": [
            "Hi everyone, I joined the support team this week and I'll be relaying customer questions here when I can't find the answer in the docs. I've read the pinned messages. Nice to meet you all and thanks in advance for your patience!"
        ],
        "long_howto": [
            "Customer has been with us for years, very happy, just a small admin thing they couldn't find in the settings and didn't want to bother their account manager with: how does a customer change the {setting}?"
        ],
        "short_hard": [
            "Why would invoices show the wrong tax?",
            "Customer asks: SSO or SCIM first?",
            "Why are some emails delayed hours?",
        ],
    },
)

PERSONAS: tuple[Persona, ...] = (
    NEWCOMER,
    SRE,
    DATA,
    ENTERPRISE,
    WEBDEV,
    NON_NATIVE,
    HOMELAB,
    MAINTAINER,
    MOBILE,
    RELAY,
)

# More small talk and look-ups per persona: real traffic has many more of these than hard questions.
_EXTRA: dict[str, dict[str, list[str]]] = {
    "newcomer-gaming": {
        "greeting": ["hello everyone im new", "wassup", "hey hey", "hi bot", "yo whats good"],
        "thanks": ["ty ty", "ur the best", "yay it worked", "thank uuu", "ok cool thanks"],
        "chitchat": ["lmaooo", "gg", "nice nice", "im bored", "who made this bot", "can u sing"],
        "lookup": [
            "is there a premium version",
            "does it have music",
            "what's the max level",
            "where is the support server link",
            "can it do giveaways",
            "does {thing} cost money",
            "which prefix does it use",
        ],
    },
    "sre-infra": {
        "greeting": ["hi", "hey", "hello team"],
        "thanks": ["ty", "that's it, thanks", "perfect, merged", "works now"],
        "chitchat": ["pager went off again", "👍", "friday deploys, what could go wrong", "k"],
        "lookup": [
            "is there a terraform provider?",
            "does it export otel traces?",
            "which ports need to be open?",
            "is {thing} supported on {os}?",
            "where's the upgrade guide?",
            "any official grafana dashboards?",
            "is there a status page?",
        ],
    },
    "data-scientist": {
        "greeting": ["Good morning!", "Hi there", "hello everyone"],
        "thanks": ["That did it, thanks!", "Cheers!", "thanks a lot"],
        "chitchat": ["Coffee time", "pandas never stops surprising me", "this is great"],
        "lookup": [
            "Is there a Python client?",
            "Does it read Excel files?",
            "Is there a free tier for students?",
            "Where is the changelog?",
            "Does it integrate with {tool}?",
            "Can it export to CSV?",
        ],
    },
    "enterprise-admin": {
        "greeting": ["Good afternoon.", "Hello all.", "Greetings."],
        "thanks": ["Thank you.", "Thanks, that is clear.", "Appreciated, we will proceed."],
        "chitchat": ["Received.", "Thank you for confirming.", "Understood, no further questions."],
        "lookup": [
            "Is there a HIPAA BAA available?",
            "Where is the data processing agreement?",
            "Do you support {tool}?",
            "What is the maximum number of seats?",
            "Is there an on-premises option?",
            "Where can I find the status page?",
        ],
    },
    "frontend-dev": {
        "greeting": ["yo", "hey folks", "hiya"],
        "thanks": ["legend 🙏", "perfect, thanks", "ty!"],
        "chitchat": ["lol", "css is pain", "ship it", "friday vibes"],
        "lookup": [
            "is there a react hook?",
            "does it work with {tool}?",
            "is the SDK tree-shakeable?",
            "where's the changelog?",
            "is there a sandbox environment?",
            "what's the bundle size?",
        ],
    },
    "non-native-english": {
        "greeting": ["Hello everybody", "Hi sir good morning", "Namaste all"],
        "thanks": ["Thanks sir", "Ok thank you", "Problem solved thanks to all"],
        "chitchat": ["Ok", "Nice group", "good night all"],
        "lookup": [
            "There is any video tutorial?",
            "Which is the system requirement?",
            "It work without internet?",
            "Where is the download link?",
            "Is license needed for commercial use?",
            "There is mobile app?",
        ],
    },
    "homelab-hobbyist": {
        "greeting": ["hey all", "yo", "hello from the basement"],
        "thanks": ["ty!", "that worked, cheers", "you guys rock"],
        "chitchat": ["new pi arrived 🎉", "lol", "power cut again", "nice"],
        "lookup": [
            "is there a docker image?",
            "does it support {tool}?",
            "is there a web ui?",
            "where are the logs kept?",
            "does it run on {os}?",
            "how much ram does it need?",
        ],
    },
    "oss-contributor": {
        "greeting": ["Hi all", "Hello!", "Hey everyone"],
        "thanks": ["Thanks!", "Thanks, will do.", "Appreciate the quick reply"],
        "chitchat": ["nice release!", "🎉", "great talk at the conf"],
        "lookup": [
            "Is the project on conda-forge?",
            "What license is it under?",
            "Is there a Discord for contributors?",
            "Which Python versions are tested?",
            "Is there a CLA?",
            "Where do I report security issues?",
            "Is there a docs style guide?",
        ],
    },
    "mobile-dev": {
        "greeting": ["yo", "hello", "hey folks"],
        "thanks": ["ty", "perfect", "that fixed it, thanks"],
        "chitchat": ["lol", "xcode update day 💀", "nice", "ship it"],
        "lookup": [
            "is there a Swift package?",
            "does it support {tool}?",
            "what's the SDK size?",
            "is there a React Native wrapper?",
            "where are the release notes?",
            "does it support Android TV?",
            "which Kotlin version is required?",
        ],
    },
    "support-relay": {
        "greeting": ["Good morning all!", "Hi team", "Hello again"],
        "thanks": ["Thanks!", "Great, closing the ticket.", "Thank you, very helpful."],
        "chitchat": ["Coffee break ☕", "Quiet day today", "Thanks all, signing off"],
        "lookup": [
            "Customer asks if there's a mobile app.",
            "Is there a free plan?",
            "Does {thing} support {alt}?",
            "Customer asks where to download invoices.",
            "Is phone support available?",
            "Does the API have rate limits?",
        ],
    },
}
for _persona in PERSONAS:
    for _kind, _more in _EXTRA.get(_persona.name, {}).items():
        _persona.templates[_kind].extend(_more)

# Some people paste the failure and nothing else.
for _persona in PERSONAS:
    _persona.templates["debug_paste"].extend(["{paste}", "```\n{paste}\n```"])
