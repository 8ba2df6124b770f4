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
