"""What is never reported: documented example values, test fixtures inside installed packages,
the operating system's own trees, and whatever the user lists in an allow-list YAML file.

The system trees (/usr/share, /usr/include, /usr/lib: what the distribution's packages
install, as other image scanners also skip by default) are not read, except the language
package folders inside them (dist-packages, site-packages, node_modules), which are.

YAML shape (every key optional)::

    values: [AKIA...]            # exact secret values
    patterns: ['^dummy-']        # regexes searched in the value
    paths: ['/app/fixtures/**']  # path globs (no leading '/': any depth)
    rules: [jwt]                 # rule ids switched off
    scan_system_dirs: false      # true: read /usr/share, /usr/include, /usr/lib too
    replace_defaults: false      # true: drop the built-in allow-list (system trees included)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dockgate.errors import InputError
from dockgate.secrets.globs import compile_globs

# Values published in vendors' documentation as examples.
EXAMPLE_VALUES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "ASIAIOSFODNN7EXAMPLE",
        # Azurite (the Azure storage emulator) well-known development key
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        # jwt.io's default example token
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    }
)
EXAMPLE_PATTERNS = (r"EXAMPLE", r"(?i)^x{8,}$")
FIXTURE_PATHS = (
    "**/site-packages/**/tests/**",
    "**/site-packages/**/test/**",
    "**/dist-packages/**/tests/**",
    "**/dist-packages/**/test/**",
    "**/node_modules/**/test*/**",
    "**/node_modules/**/test*",
    "**/node_modules/**/*.test.js",
    "**/node_modules/**/*.spec.js",
    "/usr/share/doc/**",  # packages' documentation and examples
)
SYSTEM_PATHS = ("/usr/share/**", "/usr/include/**", "/usr/lib/**")
SYSTEM_EXCEPTIONS = ("/usr/lib/python*/dist-packages/**", "/usr/lib/python*/site-packages/**", "/usr/lib/node_modules/**")


@dataclass
class AllowList:
    values: frozenset[str] = EXAMPLE_VALUES
    patterns: tuple[str, ...] = EXAMPLE_PATTERNS
    paths: tuple[str, ...] = FIXTURE_PATHS
    rules: frozenset[str] = frozenset()
    system_paths: tuple[str, ...] = SYSTEM_PATHS
    _path_match: Callable[[str], bool] = field(init=False, repr=False)
    _system_match: Callable[[str], bool] = field(init=False, repr=False)
    _system_exception: Callable[[str], bool] = field(init=False, repr=False)
    _value_res: list[re.Pattern[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._path_match = compile_globs(self.paths)
        self._system_match = compile_globs(self.system_paths)
        self._system_exception = compile_globs(SYSTEM_EXCEPTIONS)
        self._value_res = [re.compile(p) for p in self.patterns]

    def path_allowed(self, path: str) -> bool:
        if self._system_match(path) and not self._system_exception(path):
            return True
        return self._path_match(path)

    def value_allowed(self, value: str) -> bool:
        return value in self.values or any(r.search(value) for r in self._value_res)

    @classmethod
    def empty(cls) -> "AllowList":
        return cls(frozenset(), (), (), frozenset(), ())


def _strings(data: dict, key: str, source: str) -> list[str]:
    items = data.get(key, []) or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError(f"allow-list {source}: '{key}' must be a list of strings")
    return items


def load_allowlist(path: str) -> AllowList:
    """Read an allow-list YAML file (merged with the defaults unless replace_defaults: true)."""
    import yaml  # only when an allow-list file is given: keeps the scanner's start-up light

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read allow-list {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if len(text) > 4 << 20:
        raise InputError(f"allow-list {path} is larger than 4 MiB")
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"allow-list {path}{where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"allow-list {path}: expected a mapping with values/patterns/paths/rules")
    unknown = set(data) - {"values", "patterns", "paths", "rules", "scan_system_dirs", "replace_defaults"}
    if unknown:
        raise InputError(f"allow-list {path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    values, patterns = _strings(data, "values", path), _strings(data, "patterns", path)
    paths, rules = _strings(data, "paths", path), _strings(data, "rules", path)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"allow-list {path}: bad pattern {pattern!r}: {exc}") from None
    base = AllowList.empty() if data.get("replace_defaults") is True else AllowList()
    return AllowList(
        values=base.values | frozenset(values),
        patterns=base.patterns + tuple(patterns),
        paths=base.paths + tuple(paths),
        rules=base.rules | frozenset(rules),
        system_paths=() if data.get("scan_system_dirs") is True else base.system_paths,
    )
