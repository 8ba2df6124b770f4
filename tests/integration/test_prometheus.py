"""A real Prometheus (Debian's prometheus) scrapes a vaultkeeper running sync, snapshot, emissary and keeper jobs on
the sims, with our alert rules loaded: every rule loads healthy, and every expression of the Grafana dashboard and of the
alert rules parses and returns data through Prometheus' HTTP API. Alert expressions that are empty when nothing is wrong
are evaluated with their final comparison stripped (and every vaultkeeper metric they name must exist)."""
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request

import pytest
import yaml

import vkproc
from held_deletes import stack_with_held_deletes
from kindjobs import KeeperVault, TransitVault, emissary_job, keeper_job, snapshot_job

SOURCE = os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
ALERTS = os.path.join(SOURCE, "metrics", "prometheus", "alerts.yml")
DASHBOARD = os.path.join(SOURCE, "metrics", "grafana", "vaultkeeper.json")
# Grafana's variables, as "All" selects them.
GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "15s", "$instance": ".*", "$job": ".*"}


class Prometheus:
    def __init__(self, target):
        self.dir = tempfile.mkdtemp(prefix="vk-prometheus-")
        self.port = vkproc.free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [ALERTS],
            # honor_labels: vaultkeeper's own `job` label (the job's name) wins over the scrape job's name.
            "scrape_configs": [{"job_name": "vaultkeeper", "honor_labels": True,
                                "static_configs": [{"targets": [target]}]}],
        }
        path = os.path.join(self.dir, "prometheus.yml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        self.proc = vkproc.Process(
            ["/usr/bin/prometheus", f"--config.file={path}", f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            ready_url=f"http://127.0.0.1:{self.port}/-/ready", timeout=60,
            log_path=os.path.join(self.dir, "prometheus.log"))
        # /-/ready answers 503 until the storage is open and the rules are loaded.
        vkproc.wait_until(lambda: self._ready(), 60, interval=0.2, what="Prometheus ready")

    def _ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read())

    def query(self, expr):
        return self.api("query", query=expr)


@pytest.fixture(scope="module")
def setup():
    if not os.path.exists("/usr/bin/prometheus"):
        pytest.fail("run scripts/install-deps.sh (Debian package prometheus) first")
    root = tempfile.mkdtemp(prefix="vk-prometheus-jobs-")
    # The held deletes raise an alert (errors_total{severity="alert"}); "snap-broken" has a storage that fails.
    # "render" runs a failing command; "render-stuck" has a template that waits and one that cannot be written.
    # "keeper" initialises its own vault-sim, then rekeys (so an audit time exists) and sees a failed unseal.
    # Its store "a" is wrapped by the "ops" Vault's transit key (the transit gauges).
    kv = KeeperVault()
    try:
        ops = TransitVault()
    except BaseException:
        kv.stop()
        raise
    s = stack_with_held_deletes([snapshot_job("snap", root), snapshot_job("snap-broken", root, broken_storage=True),
                                 emissary_job("render", root), emissary_job("render-stuck", root, stuck=True),
                                 keeper_job("keeper", root, kv, transit=ops)], extra_vaults=[kv, ops])
    p = None
    try:
        keeper_rekeyed_with_a_failed_unseal(s, kv)
        # A request with a token the daemon does not know: vaultkeeper_admin_denied_total gets a series.
        assert s.daemon.call("GET", "/v1/jobs", token="not-a-token-of-this-daemon")[0] == 401
        p = Prometheus(f"127.0.0.1:{s.daemon.port}")
        vkproc.wait_until(lambda: p.query('up{job="vaultkeeper"} == 1')["data"]["result"], 60, interval=0.5,
                          what="Prometheus scraped vaultkeeper")
        # A few more cycles between scrapes, so rates and histogram quantiles have something to show.
        for _ in range(3):
            s.sync()
            s.run_cycle("snap")
            s.run_cycle("snap-broken", expect="failed")
        # A restore drill: the drill metrics the dashboard and VaultkeeperSnapshotRestoreDrillFailed read.
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/snap/restore", {"dry_run": True})
        assert status == 200, body
        vkproc.wait_until(
            lambda: p.query('count_over_time(up{job="vaultkeeper"}[1m]) >= 6')["data"]["result"], 60,
            interval=0.5, what="six scrapes")
        vkproc.wait_until(
            lambda: p.query('count_over_time(vaultkeeper_keeper_unseal_total{outcome="failed"}[1m]) >= 2'
                            ' and on (job) vaultkeeper_keeper_last_audit_success_timestamp_seconds'
                            ' and on (job) vaultkeeper_keeper_sealed_nodes == 0')["data"]["result"], 60,
            interval=0.5, what="the keeper's failed unseal and audit scraped")
        yield s, p
    finally:
        if p:
            p.proc.stop()
        s.close()
        shutil.rmtree(root, ignore_errors=True)


def keeper_rekeyed_with_a_failed_unseal(s, kv):
    """Waits for the keeper to initialise its vault, rekeys it (an audit ends the rekey), then seals a node whose
    first unseal answer fails: every keeper series the dashboard and the alerts name gets a value."""
    def settled():
        status, k, _ = s.daemon.call("GET", "/v1/keeper/keeper/status")
        assert status == 200, k
        idle = k["procedure"]["step"] == "idle" and k["procedure"]["current"]
        return k if idle and all(n["state"] == "unsealed" for n in k["nodes"]) else None

    def failed_unseal_counted():
        text = s.daemon.call("GET", "/metrics", token=None)[1]
        return 'vaultkeeper_keeper_unseal_total{job="keeper",outcome="failed"}' in text and settled()

    first = vkproc.wait_until(settled, 60, interval=0.1, what="keeper: initialised, every node unsealed")
    assert s.daemon.call("POST", "/v1/keeper/keeper/rekey")[0] == 202
    vkproc.wait_until(lambda: (k := settled()) and k["last_audit"] and k["procedure"]["current"] != first[
        "procedure"]["current"], 60, interval=0.1, what="keeper: rekeyed and audited")
    kv.seal_and_fail_one_unseal(1)
    vkproc.wait_until(failed_unseal_counted, 30, interval=0.1, what="keeper: a failed unseal, the node unsealed again")


def dashboard_expressions():
    with open(DASHBOARD) as f:
        dash = json.load(f)
    panels = []
    for p in dash["panels"]:
        panels.append(p)
        panels.extend(p.get("panels", []))
    out = []
    for p in panels:
        for t in p.get("targets", []):
            expr = t["expr"]
            for var, value in GRAFANA_VARS.items():
                expr = expr.replace(var, value)
            out.append((p["title"], expr))
    assert len(out) >= 15
    return out


def alert_expressions():
    with open(ALERTS) as f:
        return [(r["alert"], r["expr"]) for g in yaml.safe_load(f)["groups"] for r in g["rules"]]


def strip_comparison(expr):
    """The left side of the last comparison at the top level (outside parentheses), or expr itself."""
    depth, cut = 0, None
    for m in re.finditer(r"[()]|==|!=|>=|<=|>|<", expr):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth == 0:
            cut = m.start()
    return expr[:cut].strip() if cut is not None else expr


def metric_names(expr):
    return set(re.findall(r"\bvaultkeeper_[a-z_]+\b", expr))


def existing_metrics(prom):
    return set(prom.api("label/__name__/values")["data"])


def test_every_dashboard_expression_returns_data(setup):
    _, prom = setup
    empty = []
    for title, expr in dashboard_expressions():
        r = prom.query(expr)
        assert r["status"] == "success", (title, expr, r)
        if not r["data"]["result"]:
            empty.append((title, expr))
    assert not empty, f"dashboard expressions without data: {empty}"


def test_every_alert_expression_parses_and_its_metrics_exist(setup):
    _, prom = setup
    have = existing_metrics(prom)
    for name, expr in alert_expressions():
        r = prom.query(expr)
        assert r["status"] == "success", (name, expr, r)
        missing = {m.removesuffix("_bucket") for m in metric_names(expr)} - have
        assert not missing, f"{name} names metrics vaultkeeper does not export: {missing}"
        if "unless" in expr:
            continue  # empty by design while every job has succeeded once
        stripped = strip_comparison(expr)
        r = prom.query(stripped)
        assert r["status"] == "success" and r["data"]["result"], (name, stripped, r)


def test_the_held_deletes_alert_is_pending_or_firing(setup):
    _, prom = setup
    def held():
        alerts = prom.api("alerts")["data"]["alerts"]
        return [a for a in alerts if a["labels"]["alertname"] == "VaultkeeperSyncDeletesHeld"]
    found = vkproc.wait_until(held, 30, interval=0.5, what="VaultkeeperSyncDeletesHeld pending")
    assert found[0]["labels"]["job"] == "west", found


def test_every_rule_loads_healthy(setup):
    _, prom = setup
    groups = prom.api("rules")["data"]["groups"]
    names = {g["name"] for g in groups}
    assert {"vaultkeeper-jobs", "vaultkeeper-sync", "vaultkeeper-keeper", "vaultkeeper-snapshot",
            "vaultkeeper-emissary"} <= names
    for g in groups:
        for r in g["rules"]:
            assert r["health"] in ("ok", "unknown"), (r["name"], r.get("lastError"))
