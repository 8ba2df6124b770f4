"""Debian's python3-botocore (1.29) against cloud-sim: botocore's own credential providers obtain credentials
from the sim — AssumeRoleWithWebIdentityProvider (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, its STS client
pointed at the sim), the default chain ending in InstanceMetadataProvider (IMDSv2 through
AWS_EC2_METADATA_SERVICE_ENDPOINT), the default chain's ContainerProvider (AWS_CONTAINER_CREDENTIALS_FULL_URI
+ AWS_CONTAINER_AUTHORIZATION_TOKEN), and an STS client's signed AssumeRole. botocore 1.29 predates EKS Pod
Identity (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): that exchange is replayed as AWS's SDK reference describes
it (tests/sim/README.md cites it)."""
import datetime
import json
import os
import urllib.error
import urllib.request
from unittest import mock

import botocore.session
import pytest
from botocore.credentials import AssumeRoleWithWebIdentityProvider

import vkproc

ROLE = "arn:aws:iam::123456789012:role/vaultkeeper"


@pytest.fixture(scope="module")
def sim():
    port = vkproc.free_port()
    url = f"http://127.0.0.1:{port}"
    p = vkproc.Process([vkproc.binary("cloud-sim"), "--listen", f"127.0.0.1:{port}", "--web-identity-token",
                        "eyJ.jwt.sig", "--container-token", "Basic abcd", "--ttl", "900s"], ready_url=f"{url}/_sim/counters")
    yield url
    p.stop()


@pytest.fixture(autouse=True)
def clean_env(sim, tmp_path):
    """Only the variables a test sets; HOME without ~/.aws; the sim's state reset."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with mock.patch.dict(os.environ, {**keep, "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"},
                         clear=True):
        urllib.request.urlopen(urllib.request.Request(f"{sim}/_sim/reset", method="POST"), timeout=5).read()
        yield


def counters(sim):
    with urllib.request.urlopen(f"{sim}/_sim/counters", timeout=5) as r:
        return json.loads(r.read())


def expires_in(creds):
    expiry = creds._expiry_time  # botocore keeps it as an aware datetime
    return (expiry - datetime.datetime.now(datetime.timezone.utc)).total_seconds()


def test_web_identity_provider(sim, tmp_path):
    token = tmp_path / "token"
    token.write_text("eyJ.jwt.sig")
    os.environ.update({"AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ROLE_ARN": ROLE,
                       "AWS_ROLE_SESSION_NAME": "conformance"})
    session = botocore.session.get_session()
    provider = AssumeRoleWithWebIdentityProvider(
        load_config=lambda: {}, profile_name="default",
        client_creator=lambda *a, **kw: session.create_client(*a, endpoint_url=sim, region_name="us-east-1", **kw))
    creds = provider.load().get_frozen_credentials()
    assert (creds.access_key, creds.secret_key, creds.token) == ("ASIAWEBIDG1", "secret-ASIAWEBIDG1",
                                                                 "token-ASIAWEBIDG1")
    assert counters(sim) == {"POST /": 1}


def test_web_identity_refused_token_is_botocore_s_client_error(sim, tmp_path):
    token = tmp_path / "token"
    token.write_text("not-the-one")
    os.environ.update({"AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ROLE_ARN": ROLE})
    session = botocore.session.get_session()
    provider = AssumeRoleWithWebIdentityProvider(
        load_config=lambda: {}, profile_name="default",
        client_creator=lambda *a, **kw: session.create_client(*a, endpoint_url=sim, region_name="us-east-1", **kw))
    with pytest.raises(Exception) as e:
        provider.load().get_frozen_credentials()
    assert "InvalidIdentityToken" in str(e.value)


def test_instance_metadata_v2_through_the_default_chain(sim):
    os.environ.update({"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": sim + "/"})
    creds = botocore.session.get_session().get_credentials()
    assert creds.method == "iam-role"
    frozen = creds.get_frozen_credentials()
    assert (frozen.access_key, frozen.token) == ("ASIAIMDSG1", "token-ASIAIMDSG1")
    assert expires_in(creds) > 800  # botocore may extend a near Expiration (static stability)
    c = counters(sim)
    assert c["PUT /latest/api/token"] == 1
    assert c["GET /latest/meta-data/iam/security-credentials/vaultkeeper-instance"] == 1


def test_container_provider_through_the_default_chain(sim):
    os.environ.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{sim}/v1/credentials",
                       "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abcd"})
    creds = botocore.session.get_session().get_credentials()
    assert creds.method == "container-role"
    frozen = creds.get_frozen_credentials()
    assert (frozen.access_key, frozen.token) == ("ASIACTRG1", "token-ASIACTRG1")


def test_sts_assume_role_signed_by_issued_keys(sim):
    os.environ.update({"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": sim})
    session = botocore.session.get_session()
    sts = session.create_client("sts", endpoint_url=sim, region_name="us-east-1")
    answer = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/backup", RoleSessionName="vk", ExternalId="ext-1")
    assert answer["Credentials"]["AccessKeyId"] == "ASIAROLEG1"
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/backup/vk"
    stranger = session.create_client("sts", endpoint_url=sim, region_name="us-east-1",
                                     aws_access_key_id="AKIASTRANGER", aws_secret_access_key="x")
    with pytest.raises(stranger.exceptions.ClientError) as e:
        stranger.assume_role(RoleArn="arn:aws:iam::1:role/r", RoleSessionName="vk")
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_eks_pod_identity_exchange_as_documented(sim, tmp_path):
    """AWS SDKs and Tools reference, "Container credential provider": GET AWS_CONTAINER_CREDENTIALS_FULL_URI
    with the content of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE as the Authorization header; the answer is the
    container credentials JSON (AccessKeyId, SecretAccessKey, Token, Expiration)."""
    token_file = tmp_path / "eks-pod-identity-token"
    token_file.write_text("Basic abcd")
    req = urllib.request.Request(f"{sim}/v1/credentials", headers={"Authorization": token_file.read_text()})
    with urllib.request.urlopen(req, timeout=5) as r:
        body = json.loads(r.read())
    assert {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} <= set(body)
    assert body["Expiration"].endswith("Z")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{sim}/v1/credentials", timeout=5)
    assert e.value.code == 401
