"""Reads every pure file of the daemon (server/core and server/<kind>/model) and the shared I/O helpers
(server/io) and names the layout rule a file breaks, with the file, line and include: the compiler's view of
the tree makes a broken pure rule a compile error, but its message is only "No such file" (DEVELOPERS.md,
"Layout").

Usage: check_layout.py <server dir>. Exit 1 when a rule is broken."""
import os
import re
import sys

RULES = {
    "core": "core/ is the foundation: it includes only core/",
    "model": "a kind's model sees only core/, its own model/ and the shared models server/CMakeLists.txt lets it see",
    "io": "pure code does no I/O: no Asio, no Beast",
    "suspend": "pure code does not suspend: no coroutines",
    "shared": "io/ is shared by the kinds: it includes only core/ and io/",
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
COROUTINE = re.compile(r"\b(co_await|co_return|co_yield|awaitable)\b")


# Shared pure models a kind's model may see besides core/ (the SEES of its vk_pure_library): the cloud
# identities, request signing and object storage settings that the snapshot kind's storages and the keeper's
# object shard stores use, and the HTTP retry policy the snapshot kind's part uploads follow.
SHARED_MODELS = {"snapshot": ("cloud/model/", "http/model/"), "keeper": ("cloud/model/",)}


def pure_folders(server):
    """(folder relative to server, the quoted include prefixes it may use, the rule key)."""
    yield "core", ("core/",), "core"
    for kind in sorted(os.listdir(server)):
        if os.path.isdir(os.path.join(server, kind, "model")):
            yield f"{kind}/model", ("core/", f"{kind}/model/", *SHARED_MODELS.get(kind, ())), "model"


def code_of(line):
    """The line without its // comment and string literals (a rule is about code, not prose)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return line.split("//", 1)[0]


def problems_in(path, shown, allowed, rule):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            where = f"{shown}:{number}"
            m = INCLUDE.match(line)
            if m and m.group(1) == '"' and not m.group(2).startswith(allowed):
                yield f"layout rule '{RULES[rule]}': {where} includes \"{m.group(2)}\""
            elif m and m.group(2).startswith(("boost/asio", "boost/beast")):
                yield f"layout rule '{RULES['io']}': {where} includes <{m.group(2)}>"
            elif not m and COROUTINE.search(code_of(line)):
                yield f"layout rule '{RULES['suspend']}': {where} uses {COROUTINE.search(code_of(line)).group(1)}"


def shared_problems_in(path, shown):
    """io/ may do I/O (it is vk_core), but no kind, runtime or client: every kind uses it."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m and m.group(1) == '"' and not m.group(2).startswith(("core/", "io/")):
                yield f"layout rule '{RULES['shared']}': {shown}:{number} includes \"{m.group(2)}\""


def sources(server, folder):
    full = os.path.join(server, folder)
    if os.path.isdir(full):
        for name in sorted(os.listdir(full)):
            if name.endswith((".cpp", ".hpp")):
                yield os.path.join(full, name), f"server/{folder}/{name}"


def problems(server):
    for folder, allowed, rule in pure_folders(server):
        for path, shown in sources(server, folder):
            yield from problems_in(path, shown, allowed, rule)
    for path, shown in sources(server, "io"):
        yield from shared_problems_in(path, shown)


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: check_layout.py <server dir>", file=sys.stderr)
        return 2
    found = list(problems(argv[1]))
    for p in found:
        print(p)
    if not found:
        print("layout: every pure file keeps the rules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
