"""Each built-in rule: true positives and near-misses that must stay silent."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from dockgate.secrets.checks import BASE62, base62, github_checksum_ok, shannon_entropy
from dockgate.secrets.rules import BUILTIN_RULES, SecretRule
from dockgate.secrets.scanner import ContentScanner


def _b64url(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _github(random30: str, prefix: str = "ghp_") -> str:
    return prefix + random30 + base62(zlib.crc32(random30.encode()), 6)


RSA_BODY = "\n".join(["MIIEowIBAAKCAQEAx3Nb9Rq1vVd8sLk2ZpQwErTyUiOpAsDfGhJkLzXcVbNm1234"] * 5 + ["QWERTYuiopASDFghjkl=="])
JWT = _b64url({"alg": "HS256", "typ": "JWT"}) + "." + _b64url({"sub": "svc-17", "iat": 1714564800}) + "." + "Xq3vR9pL2mK8sT4wY7zB1nC5dF0gH6jQ"
AZURE_KEY = ("Zm9vYmFyYmF6cXV4" * 6)[:86] + "=="
DOCKER_AUTH = base64.b64encode(b"ci-bot:Vx7-kq2Lm9Pz").decode()

# (rule id, path, content, expected value or None for "no finding")
POSITIVES = [
    ("private-key", "/k.pem", f"-----BEGIN RSA PRIVATE KEY-----\n{RSA_BODY}\n-----END RSA PRIVATE KEY-----\n"),
    ("private-key", "/k", f"-----BEGIN OPENSSH PRIVATE KEY-----\n{RSA_BODY}\n-----END OPENSSH PRIVATE KEY-----\n"),
    ("private-key", "/k", f"-----BEGIN EC PRIVATE KEY-----\n{RSA_BODY}\n-----END EC PRIVATE KEY-----\n"),
    ("private-key", "/k", f"-----BEGIN DSA PRIVATE KEY-----\n{RSA_BODY}\n-----END DSA PRIVATE KEY-----\n"),
    ("private-key", "/k", f"-----BEGIN PRIVATE KEY-----\n{RSA_BODY}\n-----END PRIVATE KEY-----\n"),
    ("private-key", "/k", f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{RSA_BODY}\n-----END ENCRYPTED PRIVATE KEY-----\n"),
    ("private-key", "/k", f"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B2C3D\n\n{RSA_BODY}\n-----END RSA PRIVATE KEY-----\n"),
    ("private-key", "/k.asc", f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{RSA_BODY}\n-----END PGP PRIVATE KEY BLOCK-----\n"),
    ("aws-access-key-id", "/e", "AWS_ACCESS_KEY_ID=" + "AKIA" + "6BKVDM7I3FMQ233X\n"),
    ("aws-secret-access-key", "/e", "aws_secret_access_key = " + "4DDQBhHjvgGY7PKpXg51" + "hBhN1fjyVSSVv4d+KNES\n"),
    ("github-token", "/e", "token: " + _github("RwNm5ID1hHEuvvl3V68gTUvVrstIls") + "\n"),
    ("github-token", "/e", _github("Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy", "gho_")),
    ("github-fine-grained-token", "/e", "github_pat_" + "11ABCDEFG0" + "a1b2c3d4e5f6" + "_" + "Zx9" * 19 + "Qw"),
    ("gitlab-token", "/e", "GITLAB=" + "glpat-" + "x7Kp2QvL9mZr4TnB8wYc"),
    ("slack-token", "/e", "xoxb-" + "123456789012-" + "1234567890123-" + "aB3dE6gH9jK2mN5pQ8sT1vW4"),
    ("slack-webhook", "/e", "https://hooks.slack.com/services/" + "T0A1B2C3D/B4E5F6G7H/" + "x9Yz8Wv7Ut6Sr5Qp4On3Ml2K"),
    ("stripe-key", "/e", "stripe = '" + "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcZq'"),
    ("npm-token", "/e", "NPM=" + "npm_" + "a8Kd93LmQz7Rt2Vx5Nc1Bw4Ye6Ps0Hj3Gf9U"),
    ("pypi-token", "/e", "pypi-AgEIcHlwaS5vcmc" + "CJDk3ZTg1YWI0LWQ2NjgtNDk4MS1hYjQ2LTk4OGQ3MmYxY2IxYQACKlsz"),
    ("gcp-service-account", "/sa.json", json.dumps({"type": "service_account", "project_id": "p", "private_key_id": "3f1c9a7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a"})),
    ("azure-storage-key", "/e", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + AZURE_KEY + ";EndpointSuffix=core.windows.net"),
    ("jwt", "/e", "Authorization: Bearer " + JWT),
    ("docker-registry-auth", "/root/.docker/config.json", json.dumps({"auths": {"registry.example.net": {"auth": DOCKER_AUTH}}})),
    ("netrc-password", "/root/.netrc", "machine ci.example.net\n  login bot\n  password Qz8-w2Lk7\n"),
    ("netrc-inline", "/s.sh", 'echo "machine example.com login ci password 6slqk16e3k9OrKX078" > ~/.netrc'),
    ("pgpass-password", "/home/a/.pgpass", "db.internal:5432:app:app:Pw7-zK2qX9\n"),
    ("npmrc-auth", "/root/.npmrc", "//registry.npmjs.org/:_authToken=Zk82-bq3LmP0xV7\n"),
    ("pip-conf-password", "/root/.pypirc", "[pypi]\nusername = __token__\npassword = Hk3Lp9QwZx2V\n"),
    ("pip-index-credentials", "/etc/pip.conf", "[global]\nindex-url = https://ci:hunter22@pypi.internal.example/simple\n"),
    ("git-credentials", "/root/.git-credentials", "https://ci-bot:hunter22@git.example.net\n"),
    ("basic-auth-url", "/e", "DATABASE_URL=postgres://app:Tq9zLm2Xv8Kp@db.internal:5432/app"),
    ("generic-password", "/app/settings.ini", "db_password = 'uT7#kq2LmZ9x'\n"),
    ("generic-password", "/app/.env", "API_TOKEN=a91Fz0QkLw2Vn7Rt\n"),
    ("generic-password", "/etc/app/app.yaml", "db:\n  password: _usI%wGazJE3UWI_1DC-\n"),
    ("generic-password-code", "/app/settings.py", 'DB_PASSWORD = "uT7#kq2LmZ9x"\n'),
    ("generic-password-code", "/srv/index.js", "const apiKey = 'a91Fz0QkLw2Vn7Rt';\n"),
]

NEAR_MISSES = [
    ("/doc.txt", "Put your key between -----BEGIN RSA PRIVATE KEY----- and -----END RSA PRIVATE KEY----- lines."),
    ("/doc.txt", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
    ("/e", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"),  # AWS's documented example
    ("/e", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("/e", "ID=AKIA6BKVDM7I3FMQ233"),  # one character short
    ("/e", "ghp_RwNm5ID1hHEuvvl3V68gTUvVrstIls2mmQQY"),  # checksum does not match
    ("/e", "ghp_" + "a" * 36),
    ("/e", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),  # Stripe test key, not live
    ("/e", "eyJhbGciOiJIUzI1NiJ9.notjson.signaturepartxxxxxx"),
    ("/e", "eyJub3QiOiJhIGp3dCJ9.eyJub3QiOiJhIGp3dCJ9.AAAAAAAAAAAAAAAAAAAA"[:-1] + "!"),
    ("/config.json", json.dumps({"auths": {"r": {"auth": DOCKER_AUTH}}})),  # not a docker config path
    ("/root/.docker/config.json", json.dumps({"auths": {"r": {"auth": base64.b64encode(b"user:password").decode()}}})),
    ("/root/.netrc", "machine ci.example.net login bot password $NETRC_PASSWORD\n"),
    ("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
    ("/root/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
    ("/e", "url = postgres://user:password@localhost/db"),
    ("/etc/pip.conf", "[global]\nindex-url = https://pypi.internal.example/simple\n"),
    ("/etc/pip.conf", "[global]\nindex-url = https://ci:${PIP_PASSWORD}@pypi.internal.example/simple\n"),
    ("/e", "url = https://user:${PASS}@host.example"),
    ("/e", "see https://example.com/path?x=1 and mailto:me@example.com"),
    ("/app/x.py", "password = kwargs.get('password')\n"),
    ("/app/x.py", "self.password = settings.DATABASE_PASSWORD\n"),
    ("/app/x.py", "password = 'changeme'\n"),
    ("/app/x.py", "token_type = 'bearer'\n"),
    ("/app/x.cfg", "password=********\n"),
    ("/app/models.py", "secret_ref: V1LocalObjectReference2 = None\n"),
    ("/app/x.py", "token = a91Fz0QkLw2Vn7Rt\n"),  # code: unquoted names a variable
    ("/app/x.py", "TOKEN_ENV = 'OAUTH2_CLIENT_SECRET'\n"),
    ("/etc/x.yaml", "secret: projects/my-project/secrets/db/versions/1\n"),
    ("/etc/x.yaml", "token_type: urn:ietf:params:oauth:token-type:jwt\n"),
    ("/etc/x.yaml", "secretName: enable-private-dns-v2\n"),
    ("/etc/x.json", '"SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"\n'),
    ("/usr/share/doc/pkg/README", "password = 'uT7#kq2LmZ9x'\n"),
    ("/app/node_modules/pkg/.coveralls.yml", "repo_token: SIAeZjKYlHK74rbcFvNHMUzjRiMpflxve\n"),  # generic rule skips package trees
    ("/usr/lib/python3/dist-packages/x/tests/t.py", "AWS=" + "AKIA" + "6BKVDM7I3FMQ233X"),  # fixture path
]


@pytest.fixture(scope="module")
def scanner() -> ContentScanner:
    return ContentScanner()


@pytest.mark.parametrize(("rule_id", "path", "content"), POSITIVES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(POSITIVES)])
def test_rule_finds_secret(scanner: ContentScanner, rule_id: str, path: str, content: str) -> None:
    found = scanner.scan(content.encode(), path)
    assert rule_id in [m.rule.id for m in found], found


@pytest.mark.parametrize(("path", "content"), NEAR_MISSES, ids=[str(i) for i in range(len(NEAR_MISSES))])
def test_near_miss_is_silent(scanner: ContentScanner, path: str, content: str) -> None:
    assert scanner.scan(content.encode(), path) == []


def test_every_rule_has_a_positive_case() -> None:
    assert {r.id for r in BUILTIN_RULES} <= {case[0] for case in POSITIVES}


def test_rules_are_well_formed() -> None:
    ids = [r.id for r in BUILTIN_RULES]
    assert len(ids) == len(set(ids))
    for rule in BUILTIN_RULES:
        assert isinstance(rule, SecretRule) and rule.title and rule.regex
        assert rule.keywords or rule.paths, f"{rule.id} would run its regex on every file"


def test_github_checksum_against_fixture_token() -> None:
    # generated independently for the shared fixture image (CRC32 of the 30 random chars, base62)
    assert github_checksum_ok("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")
    assert not github_checksum_ok("ghp_RwNm5ID1hHEuvvl3V68gTUvVrstIls2mmQQx")
    assert base62(0, 6) == "000000" and base62(61, 1) == BASE62[-1]


def test_value_line_and_one_finding_per_value(scanner: ContentScanner) -> None:
    text = "A=1\nGITHUB_TOKEN=" + _github("RwNm5ID1hHEuvvl3V68gTUvVrstIls") + "\n"
    found = scanner.scan(text.encode(), "/app/.env")
    assert [(m.rule.id, m.line) for m in found] == [("github-token", 2)]  # not also generic-password


def test_entropy() -> None:
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0
