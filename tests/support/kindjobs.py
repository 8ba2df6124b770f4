"""Configs of jobs of the other kinds that run beside test_sync's jobs in the web page and Prometheus tests,
against the sync stack's origin vault-sim (vault "origin")."""
import os


def snapshot_job(name, root, allow_restore=False, broken_storage=False):
    """A snapshot job of the origin vault into the local storage <root>/<name>/ (retain 1, so retention deletes
    as soon as there are two). broken_storage adds a storage "broken" whose path is a file: its uploads fail."""
    os.makedirs(os.path.join(root, name))
    storages = [{"name": "disk", "type": "local", "path": os.path.join(root, name), "retain": 1, "max_age": "24h"}]
    if broken_storage:
        path = os.path.join(root, name + "-not-a-directory")
        open(path, "w").close()
        storages.append({"name": "broken", "type": "local", "path": path})
    return {"name": name, "kind": "snapshot", "interval": "1h", "timeout": "20s", "vault": "origin",
            "spool_dir": os.path.join(root, "spool-" + name), "allow_restore": allow_restore, "storages": storages}


def emissary_job(name, root, stuck=False):
    """An emissary job rendering from the origin vault into <root>/<name>/ and running `false` after a change
    (its command runs fail). stuck: one template waits for a secret that does not exist, another cannot be
    written (its directory is missing and create_dest_dirs is off), so renders wait and fail."""
    out = os.path.join(root, name)
    os.makedirs(out)
    templates = [{"contents": '{{ secret "vault" "secret/app/s9" "value" }}\n',
                  "destination": os.path.join(out, "s9.txt")}]
    if stuck:
        templates = [{"contents": '{{ secret "vault" "secret/app/missing" "value" }}\n',
                      "destination": os.path.join(out, "missing.txt")},
                     {"contents": "static\n", "destination": os.path.join(out, "no-such-dir", "x.txt"),
                      "create_dest_dirs": False}]
    return {"name": name, "kind": "emissary", "interval": "1h", "timeout": "10s",
            "sources": {"vault": {"type": "vault", "vault": "origin"}}, "templates": templates,
            "command": ["false"], "wait": {"min": "100ms", "max": "200ms"}, "retry": {"initial": "1s", "max": "1m"}}
