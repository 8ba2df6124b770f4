"""metrics/: the alert rules pass `promtool check rules`, their unit tests pass `promtool test rules`, every
alert has a unit test, the Prometheus config checks, and the Grafana dashboard and provisioning are well
formed (every panel query filtered by the dashboard's variables, one row per job kind). Needs Debian's
prometheus package (promtool); test_prometheus.py runs the queries against a real server."""
import json
import os
import re
import subprocess

import pytest
import yaml

SOURCE = os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PROM = os.path.join(SOURCE, "metrics", "prometheus")
GRAFANA = os.path.join(SOURCE, "metrics", "grafana")
KINDS = ("sync", "keeper", "snapshot", "emissary")


def promtool(*args):
    if not os.path.exists("/usr/bin/promtool"):
        pytest.fail("run scripts/install-deps.sh (Debian package prometheus, which has promtool) first")
    r = subprocess.run(["/usr/bin/promtool", *args], cwd=PROM, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def load(path):
    with open(path) as f:
        return json.load(f) if path.endswith(".json") else yaml.safe_load(f)


def test_promtool_checks_the_rules_and_the_config():
    assert "SUCCESS" in promtool("check", "rules", "alerts.yml")
    assert "SUCCESS" in promtool("check", "config", "prometheus.yml")


def test_promtool_unit_tests_pass():
    assert "SUCCESS" in promtool("test", "rules", "alerts.test.yml")


def test_every_alert_has_a_unit_test_that_expects_it_to_fire():
    rules = load(os.path.join(PROM, "alerts.yml"))
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    tests = load(os.path.join(PROM, "alerts.test.yml"))
    firing = {t["alertname"] for case in tests["tests"] for t in case.get("alert_rule_test", []) if t["exp_alerts"]}
    assert alerts - firing == set(), f"alerts without a firing unit test: {sorted(alerts - firing)}"
    assert firing <= alerts


def test_one_rule_group_per_job_kind():
    names = {g["name"] for g in load(os.path.join(PROM, "alerts.yml"))["groups"]}
    assert {f"vaultkeeper-{k}" for k in KINDS} <= names


def dashboard_targets(dash):
    for p in dash["panels"]:
        for inner in [p, *p.get("panels", [])]:
            for t in inner.get("targets", []):
                yield inner, t


def test_dashboard_queries_use_the_variables():
    dash = load(os.path.join(GRAFANA, "vaultkeeper.json"))
    assert dash["uid"] == "vaultkeeper"
    variables = {v["name"] for v in dash["templating"]["list"]}
    assert {"datasource", "job", "instance"} <= variables
    ids = [p["id"] for p, _ in dashboard_targets(dash)]
    assert len(set(ids)) == len({p["id"] for p in dash["panels"] if p["type"] != "row"})
    for panel, t in dashboard_targets(dash):
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert 'instance=~"$instance"' in t["expr"], (panel["title"], t["expr"])
        per_job = re.search(r"vaultkeeper_(job|cycle|cycles|last_success|errors|sync)_", t["expr"])
        if per_job:
            assert 'job=~"$job"' in t["expr"], (panel["title"], t["expr"])


def test_dashboard_covers_what_operators_look_at():
    dash = load(os.path.join(GRAFANA, "vaultkeeper.json"))
    exprs = " ".join(t["expr"] for _, t in dashboard_targets(dash))
    for metric in ("vaultkeeper_job_state", "vaultkeeper_cycles_total", "vaultkeeper_cycle_duration_seconds_bucket",
                   "vaultkeeper_errors_total", "vaultkeeper_admin_requests_total", "vaultkeeper_sync_lag_seconds",
                   "vaultkeeper_sync_operations_total", "vaultkeeper_sync_bucket_fill_ratio",
                   "vaultkeeper_sync_deletes_held"):
        assert metric in exprs, metric
    assert "histogram_quantile" in exprs
    rows = " ".join(p["title"].lower() for p in dash["panels"] if p["type"] == "row")
    for kind in KINDS:
        assert kind in rows, f"no dashboard row for the {kind} kind"


def test_grafana_provisioning():
    ds = load(os.path.join(GRAFANA, "provisioning", "datasources", "prometheus.yml"))
    assert ds["datasources"][0]["type"] == "prometheus" and ds["datasources"][0]["isDefault"]
    dp = load(os.path.join(GRAFANA, "provisioning", "dashboards", "vaultkeeper.yml"))
    assert dp["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
