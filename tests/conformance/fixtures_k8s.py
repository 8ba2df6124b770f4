"""pytest fixtures shared by the k8s-sim conformance tests: import them into a test module with
`from fixtures_k8s import sim  # noqa: F401`.
"""
import pytest

from k8ssim import K8sSim


@pytest.fixture
def sim():
    """A fresh k8s-sim (TLS, bearer token, in memory) per test."""
    s = K8sSim()
    yield s
    s.close()
