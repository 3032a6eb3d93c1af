"""The built-in secret rules, as data.

Every rule is a :class:`SecretRule`: an id, a title, a severity, a regular expression over
bytes (the named group ``secret`` is the value, else the whole match), and where it cuts
false alarms or time: keywords (case-sensitive bytes; the file must contain at least one
before the regex runs), an entropy threshold, a validator name (see ``checks.py``) and
path globs restricting the rule to certain files. Regexes use bounded repetition and no
nested quantifiers, so matching time stays linear in the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockgate.secrets.checks import VALIDATORS, shannon_entropy
from dockgate.secrets.globs import compile_globs
from dockgate.severity import Severity

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


@dataclass(frozen=True)
class SecretRule:
    id: str
    title: str
    severity: Severity
    regex: str
    keywords: tuple[str, ...] = ()
    entropy: float | None = None  # minimum Shannon bits per character of the value
    validator: str | None = None
    paths: tuple[str, ...] = ()  # globs on the in-image path; empty: every file
    exclude_paths: tuple[str, ...] = ()  # globs where the rule does not run
    private_key: bool = False  # a private key: its file's permissions are checked too
    window: int | None = None  # run the regex only near keyword hits, this many bytes on (None: whole file)
    window_back: int = 32  # ... starting this many bytes before the hit (0: matches start at the keyword)


class CompiledRule:
    """A rule ready to run: regex and keywords as bytes, path globs compiled."""

    __slots__ = ("rule", "pattern", "keywords", "path_match", "path_excluded", "validate", "has_secret_group")

    def __init__(self, rule: SecretRule) -> None:
        if rule.validator is not None and rule.validator not in VALIDATORS:
            raise ValueError(f"rule {rule.id}: unknown validator {rule.validator!r}")
        self.rule = rule
        self.pattern = re.compile(rule.regex.encode())
        self.keywords = tuple(k.encode() for k in rule.keywords)
        self.path_match = compile_globs(rule.paths) if rule.paths else None
        self.path_excluded = compile_globs(rule.exclude_paths) if rule.exclude_paths else None
        self.validate = VALIDATORS[rule.validator] if rule.validator else None
        self.has_secret_group = "secret" in self.pattern.groupindex

    def applies_to(self, path: str) -> bool:
        if self.path_excluded is not None and self.path_excluded(path):
            return False
        return self.path_match is None or self.path_match(path)

    def accepts(self, value: str) -> bool:
        if self.rule.entropy is not None and shannon_entropy(value) < self.rule.entropy:
            return False
        return self.validate is None or self.validate(value)


_KEY_BODY = r"[A-Za-z0-9+/=\s\\]{64,}"
_ASSIGN = r"""["']?[ \t]{0,5}(?:=|:|:=|=>)[ \t]{0,5}["']?"""
# Source code: assignments there name variables, so only quoted literals count.
SOURCE_CODE = tuple(
    f"**/*.{ext}" for ext in ("py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "java", "kt", "scala", "rb", "php", "c", "h", "cc", "cpp", "hpp", "cs", "rs", "swift", "pl", "pm", "lua")
)
# Third-party package trees: generic assignments there are examples, docs and fixtures; the
# rules for specific token formats still run on them.
INSTALLED_PACKAGE_TREES = (
    "**/node_modules/**", "**/site-packages/**", "**/dist-packages/**", "/usr/lib/python3*/**", "/usr/share/**",
)

BUILTIN_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        "private-key", "Private key", H,
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
        r"(?:\s|\\n){1,4}(?:[A-Za-z][A-Za-z-]{0,30}:[^\n\\]{0,200}(?:\s|\\n){1,4}){0,6}(?P<secret>" + _KEY_BODY + r")",
        keywords=("PRIVATE KEY",), private_key=True,
    ),
    SecretRule(
        "aws-access-key-id", "AWS access key ID", C,
        r"(?<![A-Z0-9])(?P<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Z0-9])",
        keywords=("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        window=64, window_back=0,
    ),
    SecretRule(
        "aws-secret-access-key", "AWS secret access key", C,
        r"(?i)aws_?(?:secret)_?(?:access)?_?key" + _ASSIGN + r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        keywords=("secret", "SECRET", "Secret"), entropy=3.5,
        window=160,
    ),
    SecretRule(
        "github-token", "GitHub token", C,
        r"(?<![A-Za-z0-9_])(?P<secret>gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])",
        keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), validator="github_checksum",
        window=64, window_back=0,
    ),
    SecretRule(
        "github-fine-grained-token", "GitHub fine-grained personal access token", C,
        r"(?<![A-Za-z0-9_])(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])",
        keywords=("github_pat_",),
        window=128, window_back=0,
    ),
    SecretRule(
        "gitlab-token", "GitLab personal access token", C,
        r"(?<![A-Za-z0-9_])(?P<secret>gl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_\-]{20,64})(?![A-Za-z0-9_\-])",
        keywords=("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-"), entropy=3.0,
        window=100, window_back=0,
    ),
    SecretRule(
        "slack-token", "Slack token", H,
        r"(?<![A-Za-z0-9])(?P<secret>xox[abposr]-[0-9]{6,15}-[0-9A-Za-z\-]{8,80})(?![A-Za-z0-9\-])",
        keywords=("xoxb-", "xoxa-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"), entropy=3.0,
        window=128, window_back=0,
    ),
    SecretRule(
        "slack-webhook", "Slack incoming webhook URL", M,
        r"(?P<secret>https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32})",
        keywords=("hooks.slack.com",),
        window=128,
    ),
    SecretRule(
        "stripe-key", "Stripe live secret key", C,
        r"(?<![A-Za-z0-9])(?P<secret>(?:sk|rk)_live_[0-9A-Za-z]{24,99})(?![A-Za-z0-9])",
        keywords=("sk_live_", "rk_live_"), entropy=3.0,
        window=128, window_back=0,
    ),
    SecretRule(
        "npm-token", "npm access token", C,
        r"(?<![A-Za-z0-9_])(?P<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])",
        keywords=("npm_",), entropy=3.5,
        window=64, window_back=0,
    ),
    SecretRule(
        "pypi-token", "PyPI upload token", C,
        r"(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,300})",
        keywords=("pypi-AgEIcHlwaS5vcmc",),
        window=340, window_back=0,
    ),
    SecretRule(
        "gcp-service-account", "GCP service account key", C,
        r"\"private_key_id\"[ \t]{0,5}:[ \t\r\n]{0,5}\"(?P<secret>[a-f0-9]{40})\"",
        keywords=("private_key_id",), entropy=3.0,
        window=128, window_back=1,
    ),
    SecretRule(
        "azure-storage-key", "Azure storage account key", C,
        r"(?i)AccountKey[ \t]{0,3}=[ \t]{0,3}(?P<secret>[A-Za-z0-9+/]{86}==)",
        keywords=("AccountKey", "accountkey", "ACCOUNTKEY"),
        window=128, window_back=0,
    ),
    SecretRule(
        "jwt", "JSON Web Token", M,
        r"(?<![A-Za-z0-9_\-])(?P<secret>eyJ[A-Za-z0-9_\-]{10,2000}\.eyJ[A-Za-z0-9_\-]{10,4000}\.[A-Za-z0-9_\-]{16,1000})(?![A-Za-z0-9_\-])",
        keywords=("eyJ",), validator="jwt",
        window=7200, window_back=0,
    ),
    SecretRule(
        "docker-registry-auth", "Docker registry credentials", H,
        r"\"(?:auth|identitytoken)\"[ \t]{0,5}:[ \t]{0,5}\"(?P<secret>[A-Za-z0-9+/=_\-.]{8,4000})\"",
        keywords=('"auth"', '"identitytoken"'), validator="docker_auth",
        paths=("**/.docker/config.json", "**/.dockercfg", "**/containers/auth.json"),
        window=4200, window_back=0,
    ),
    SecretRule(
        "netrc-password", "netrc credentials", H,
        r"(?:^|\s)password[ \t]{1,5}(?P<secret>[^\s\"'\\]{1,200})",
        keywords=("password",), validator="not_placeholder",
        paths=("**/.netrc", "**/_netrc"),
    ),
    SecretRule(
        "netrc-inline", "netrc-style credentials (machine/login/password)", H,
        r"machine[ \t]{1,5}[^\s\"']{1,200}[ \t]{1,5}login[ \t]{1,5}[^\s\"']{1,200}[ \t]{1,5}password[ \t]{1,5}(?P<secret>[^\s\"'\\]{1,200})",
        keywords=("machine",), validator="not_placeholder",
        window=720, window_back=0,
    ),
    SecretRule(
        "pgpass-password", "PostgreSQL .pgpass credentials", H,
        r"(?m)^[^:#\n]{1,255}:[^:\n]{1,10}:[^:\n]{1,255}:[^:\n]{1,255}:(?P<secret>[^\n]{1,255})$",
        validator="not_placeholder", paths=("**/.pgpass",),
    ),
    SecretRule(
        "npmrc-auth", "npm registry credentials in .npmrc", H,
        r"(?:_authToken|_auth|_password)[ \t]{0,5}=[ \t]{0,5}[\"']?(?P<secret>[^\s\"']{6,400})",
        keywords=("_auth", "_password"), validator="not_placeholder", paths=("**/.npmrc", "**/npmrc"),
    ),
    SecretRule(
        "pip-conf-password", "Python package index password in pip.conf/.pypirc", H,
        r"(?m)^[ \t]{0,10}password[ \t]{0,5}[=:][ \t]{0,5}(?P<secret>[^\s]{1,400})",
        keywords=("password",), validator="not_placeholder",
        paths=("**/pip.conf", "**/pip.ini", "**/.pypirc"),
    ),
    SecretRule(
        "pip-index-credentials", "Credentials in a pip index URL", H,
        r"(?m)^[ \t]{0,10}(?:extra-)?index-url[ \t]{0,5}=[ \t]{0,5}[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:@/]{1,100}:(?P<secret>[^\s@/]{1,200})@",
        keywords=("index-url",), validator="not_placeholder", paths=("**/pip.conf", "**/pip.ini"),
    ),
    SecretRule(
        "git-credentials", "Credentials in git's credential store", H,
        r"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:@/]{1,200}:(?P<secret>[^\s@/]{1,400})@",
        keywords=("://",), validator="not_placeholder", paths=("**/.git-credentials", "**/git/credentials"),
    ),
    SecretRule(
        "basic-auth-url", "Credentials in a URL", H,
        r"://[^\s:@/\"'<>(){}\[\]\\`]{1,100}:(?P<secret>[^\s:@/\"'<>(){}\[\]\\`$%]{3,200})@[A-Za-z0-9][A-Za-z0-9.\-]{0,253}",
        keywords=("://",), validator="high_entropy_password",
        window=660, window_back=0,
    ),
    SecretRule(
        "generic-password", "Password or secret assigned in clear", H,
        r"(?i)(?:password|passwd|secret|token|api_?key|access_?key)[A-Za-z0-9_.\-]{0,30}" + _ASSIGN
        + r"(?P<secret>[^\s\"'`;,()<>{}\[\]]{8,200})",
        keywords=("password", "PASSWORD", "Password", "passwd", "PASSWD", "secret", "SECRET", "Secret",
                  "token", "TOKEN", "Token", "api_key", "API_KEY", "apikey", "apiKey", "ApiKey", "APIKEY",
                  "access_key", "ACCESS_KEY", "accessKey", "AccessKey"),
        validator="high_entropy_password", exclude_paths=INSTALLED_PACKAGE_TREES + SOURCE_CODE,
        window=320, window_back=0,
    ),
    SecretRule(
        "generic-password-code", "Password or secret hard-coded in source code", H,
        r"(?i)(?:password|passwd|secret|token|api_?key|access_?key)[A-Za-z0-9_.\-]{0,30}" + _ASSIGN
        + r"(?<=[\"'])(?P<secret>[^\s\"'`;,()<>{}\[\]]{8,200})[\"']",
        keywords=("password", "PASSWORD", "Password", "passwd", "PASSWD", "secret", "SECRET", "Secret",
                  "token", "TOKEN", "Token", "api_key", "API_KEY", "apikey", "apiKey", "ApiKey", "APIKEY",
                  "access_key", "ACCESS_KEY", "accessKey", "AccessKey"),
        validator="high_entropy_password", paths=SOURCE_CODE, exclude_paths=INSTALLED_PACKAGE_TREES,
        window=320, window_back=0,
    ),
)

# Content rules run in this order; a value already reported by an earlier rule in the same
# place is not reported again by a later, more generic one.
PRIVATE_KEY_RULE_IDS = frozenset(r.id for r in BUILTIN_RULES if r.private_key)


def compile_rules(rules: tuple[SecretRule, ...] | list[SecretRule] = BUILTIN_RULES, disabled: frozenset[str] = frozenset()) -> list[CompiledRule]:
    return [CompiledRule(rule) for rule in rules if rule.id not in disabled]
