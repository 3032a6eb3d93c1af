"""Find secrets in one blob of bytes, in bounded time.

Binary content (a NUL byte in the first 8 KiB) is skipped. One Aho-Corasick pass finds every
rule keyword; a rule's regex then runs only when the content holds one of its keywords and
the rule applies to the path, and, for rules with a window, only in the windows around the
keyword hits. Matches starting further than ``max_line_length`` into their line are ignored
(minified code, data blobs), and each rule stops after ``MAX_MATCHES_PER_RULE`` findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockgate.secrets.allowlist import AllowList
from dockgate.secrets.keywords import KeywordIndex
from dockgate.secrets.rules import BUILTIN_RULES, CompiledRule, SecretRule, compile_rules

BINARY_SNIFF = 8192
DEFAULT_MAX_LINE_LENGTH = 8192
MAX_MATCHES_PER_RULE = 100
MAX_KEYWORD_HITS = 200_000  # beyond this, windowed rules fall back to one linear regex pass


@dataclass(frozen=True, slots=True)
class SecretMatch:
    rule: SecretRule
    value: str
    line: int
    column: int


def is_binary(data: bytes) -> bool:
    return b"\x00" in data[:BINARY_SNIFF]


class ContentScanner:
    def __init__(
        self,
        rules: tuple[SecretRule, ...] | list[SecretRule] = BUILTIN_RULES,
        allowlist: AllowList | None = None,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
    ) -> None:
        self.allowlist = allowlist if allowlist is not None else AllowList()
        self.rules: list[CompiledRule] = compile_rules(rules, self.allowlist.rules)
        self.max_line_length = max_line_length
        keywords = [k for compiled in self.rules for k in compiled.keywords]
        self.index = KeywordIndex(keywords)
        number = {k: i for i, k in enumerate(self.index.keywords)}
        self._rule_keywords = [[number[k] for k in compiled.keywords] for compiled in self.rules]
        self._rules_of_keyword: dict[int, list[int]] = {}
        for rule_number, numbers in enumerate(self._rule_keywords):
            for n in numbers:
                self._rules_of_keyword.setdefault(n, []).append(rule_number)
        self._unkeyed = {i for i, numbers in enumerate(self._rule_keywords) if not numbers}

    def scan(self, data: bytes, path: str = "", path_checked: bool = False) -> list[SecretMatch]:
        """Secrets in ``data`` (the content of ``path``), one per distinct value, best rule first.
        ``path_checked``: the caller already knows the path is not allow-listed."""
        if not data or is_binary(data) or (path and not path_checked and self.allowlist.path_allowed(path)):
            return []
        hits = self.index.positions(data, MAX_KEYWORD_HITS + 1)
        if not hits and not self._unkeyed:
            return []
        overflow = sum(len(v) for v in hits.values()) > MAX_KEYWORD_HITS
        candidates = set(self._unkeyed)
        for n in hits:
            candidates.update(self._rules_of_keyword[n])
        found: list[SecretMatch] = []
        seen: set[str] = set()
        for rule_number in sorted(candidates):
            compiled, numbers = self.rules[rule_number], self._rule_keywords[rule_number]
            if not compiled.applies_to(path):
                continue
            window = compiled.rule.window
            if window is None or overflow or not numbers:
                spans = [(0, len(data))]
            else:
                spans = _windows(sorted(p for n in numbers for p in hits.get(n, ())), compiled.rule.window_back, window, len(data))
            self._run(compiled, data, spans, found, seen)
        found.sort(key=lambda m: (m.line, m.column))
        return found

    def _run(self, compiled: CompiledRule, data: bytes, spans: list[tuple[int, int]], found: list[SecretMatch], seen: set[str]) -> None:
        hits = 0
        for low, high in spans:
            for match in compiled.pattern.finditer(data, low, high):
                start, end = match.span("secret") if compiled.has_secret_group else match.span()
                at = match.start()
                line_start = data.rfind(b"\n", 0, at) + 1
                if at - line_start > self.max_line_length:
                    continue
                value = data[start:end].decode("utf-8", "replace").strip()
                if compiled.rule.private_key:
                    value = _key_body(value)
                if not value or value in seen or self.allowlist.value_allowed(value) or not compiled.accepts(value):
                    continue
                seen.add(value)
                found.append(SecretMatch(compiled.rule, value, data.count(b"\n", 0, at) + 1, at - line_start + 1))
                hits += 1
                if hits >= MAX_MATCHES_PER_RULE:
                    return


def _windows(positions: list[int], back: int, forward: int, size: int) -> list[tuple[int, int]]:
    """Merged [start, end) spans around each keyword position (lookbehinds still see before ``start``)."""
    spans: list[tuple[int, int]] = []
    for position in positions:
        low, high = max(0, position - back), min(size, position + forward)
        if spans and low <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], high))
        else:
            spans.append((low, high))
    return spans


def _key_body(text: str) -> str:
    """A private key's base64 body without whitespace or escaped newlines (the hashed value)."""
    return "".join(text.replace("\\n", "\n").split())
