"""check_layout.py names the rule each broken file breaks, with file and line, and passes a clean tree."""
import os
import subprocess
import sys

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_layout.py")


def run(server):
    r = subprocess.run([sys.executable, CHECKER, str(server)], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout


def tree(tmp_path, files):
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


CLEAN = {
    "core/error.hpp": '#include <string>\n#include "core/time.hpp"\n',
    "sync/model/diff.cpp": '#include "sync/model/diff.hpp"\n#include "core/error.hpp"\n// co_await in a comment\n',
    "sync/origin_walk.cpp": '#include "runtime/job.hpp"\nint f() { co_return; }\n',  # a shell: not checked
    "io/atomic_file.cpp": '#include "io/atomic_file.hpp"\n#include "core/error.hpp"\n#include <fcntl.h>\n',
}


def test_a_clean_tree_passes(tmp_path):
    code, out = run(tree(tmp_path, CLEAN))
    assert code == 0, out


def test_each_broken_rule_is_named_with_file_and_line(tmp_path):
    files = dict(CLEAN)
    files["keeper/model/plan.cpp"] = '#include "keeper/model/plan.hpp"\n#include "runtime/job.hpp"\n'
    files["emissary/model/render.cpp"] = '#include "sync/model/insight.hpp"\n'
    files["core/log.cpp"] = '#include "metrics/registry.hpp"\n'
    files["snapshot/model/naming.cpp"] = '#include <boost/asio/steady_timer.hpp>\n'
    files["sync/model/wait.cpp"] = 'task f()\n{\n    co_await g();\n}\n'
    files["io/unique_fd.hpp"] = '#include <unistd.h>\n#include "snapshot/take.hpp"\n'
    code, out = run(tree(tmp_path, files))
    assert code == 1
    expected = [
        "layout rule 'a kind's model sees only core/, its own model/ and the shared models server/CMakeLists.txt lets it see': server/keeper/model/plan.cpp:2 "
        "includes \"runtime/job.hpp\"",
        "layout rule 'a kind's model sees only core/, its own model/ and the shared models server/CMakeLists.txt lets it see': server/emissary/model/render.cpp:1 "
        "includes \"sync/model/insight.hpp\"",
        "layout rule 'core/ is the foundation: it includes only core/': server/core/log.cpp:1 includes "
        "\"metrics/registry.hpp\"",
        "layout rule 'pure code does no I/O: no Asio, no Beast': server/snapshot/model/naming.cpp:1 includes "
        "<boost/asio/steady_timer.hpp>",
        "layout rule 'pure code does not suspend: no coroutines': server/sync/model/wait.cpp:3 uses co_await",
        "layout rule 'io/ is shared by the kinds: it includes only core/ and io/': server/io/unique_fd.hpp:2 "
        "includes \"snapshot/take.hpp\"",
    ]
    for line in expected:
        assert line in out, out
    assert len(out.strip().splitlines()) == len(expected), out
