"""The subset of TOML that `srcdiff build` reads, for Python 3.10 without a dependency.

pyproject.toml is read with tomllib (3.11+) or tomli where there is one;
Python 3.10 has neither in the standard library, and srcdiff installs
nothing else, so `MiniToml` reads just the ``[tool.srcdiff]`` tables and
skips the rest of the file unparsed.
"""

from __future__ import annotations

import re


def read_toml(text):
    """Parse TOML with tomllib (3.11+) or tomli; else with `MiniToml`."""
    try:
        import tomllib
    except ImportError:
        try:
            import tomli as tomllib
        except ImportError:
            return MiniToml(text).parse()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None


class MiniToml:
    """Enough TOML for ``[tool.srcdiff]`` on Python 3.10 without a dependency.

    Tables and arrays of tables whose name starts with ``tool.srcdiff``
    are parsed (strings, numbers, booleans, arrays, inline tables, dotted
    keys); every other table is skipped without being parsed.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")

    def __init__(self, text):
        self.lines = text.splitlines()

    def parse(self):
        data = {}
        table = None
        open_string = None      # delimiter of a multi-line string in a skipped table
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            i += 1
            stripped = line.strip()
            if open_string:
                if line.count(open_string) % 2 == 1:
                    open_string = None
                continue
            if not stripped or stripped.startswith("#"):
                continue
            header = self._HEADER.match(line)
            if header and stripped.startswith("["):
                keys = [k.strip().strip('"\'') for k in header.group(2).split(".")]
                table = None
                if keys[:2] == ["tool", "srcdiff"]:
                    table = self._open(data, keys, header.group(1) == "[[")
                continue
            if table is None:
                open_string = next((d for d in ('"""', "'''") if line.count(d) % 2 == 1), None)
                continue
            text = line
            while True:
                try:
                    key, value = _TomlValue(text).key_value()
                    break
                except _Incomplete:
                    if i >= len(self.lines):
                        raise ValueError(f"unterminated value: {line.strip()}") from None
                    text += "\n" + self.lines[i]
                    i += 1
            _assign(table, key, value)
        return data

    @staticmethod
    def _open(data, keys, array):
        node = data
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if isinstance(node, list):
                node = node[-1]
        if array:
            node.setdefault(keys[-1], []).append({})
            return node[keys[-1]][-1]
        return node.setdefault(keys[-1], {})


_TOML_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}


class _Incomplete(Exception):
    """The value continues on the next line."""


class _TomlValue:
    """Recursive-descent reader for one ``key = value`` line of the TOML subset."""

    _NUMBER = re.compile(r"[+-]?(inf|nan|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|"
                         r"[0-9_]+(\.[0-9_]+)?([eE][+-]?[0-9_]+)?)")

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def key_value(self):
        """The line's dotted key (a list of parts) and its value; nothing may follow."""
        key, value = self.pair()
        self.skip()
        if self.pos < len(self.text):
            raise ValueError(f"unexpected text after a value: {self.text[self.pos:]!r}")
        return key, value

    def pair(self):
        """``key = value``, at the top of a line or inside an inline table."""
        key = self.key()
        self.skip()
        self.expect("=")
        return key, self.value()

    def key(self):
        parts = []
        while True:
            self.skip(newlines=False)
            if self.peek() in "\"'":
                parts.append(self.string())
            else:
                m = re.compile(r"[A-Za-z0-9_-]+").match(self.text, self.pos)
                if not m:
                    raise ValueError(f"expected a key in {self.text.strip()!r}")
                parts.append(m.group())
                self.pos = m.end()
            self.skip(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self, newlines=True):
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif c in " \t" or (newlines and c in "\r\n"):
                self.pos += 1
            else:
                return

    def expect(self, char):
        if self.peek() != char:
            if not self.peek():
                raise _Incomplete()
            raise ValueError(f"expected {char!r} in {self.text.strip()!r}")
        self.pos += 1

    def value(self):
        self.skip()
        c = self.peek()
        if not c:
            raise _Incomplete()
        if c in "\"'":
            return self.string()
        if c == "[":
            return self.sequence("]", lambda: self.value())
        if c == "{":
            table = {}
            self.sequence("}", lambda: _assign(table, *self.pair()))
            return table
        for word, value in (("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        m = self._NUMBER.match(self.text, self.pos)
        if not m:
            raise ValueError(f"unsupported value in {self.text.strip()!r}")
        self.pos = m.end()
        raw = m.group().replace("_", "")
        if raw.lstrip("+-")[:2] in ("0x", "0o", "0b"):
            return int(raw, 0)
        return float(raw) if any(ch in raw for ch in ".eEn") else int(raw)

    def sequence(self, close, item):
        self.pos += 1
        items = []
        while True:
            self.skip()
            if not self.peek():
                raise _Incomplete()
            if self.peek() == close:
                self.pos += 1
                return items
            items.append(item())
            self.skip()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != close:
                if not self.peek():
                    raise _Incomplete()
                raise ValueError(f"expected ',' or {close!r} in {self.text.strip()!r}")

    def string(self):
        quote = self.peek()
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise ValueError(f"unterminated string in {self.text.strip()!r}")
            c = self.text[self.pos]
            self.pos += 1
            if c == quote:
                return "".join(out)
            if c == "\\" and quote == '"':
                e = self.text[self.pos]
                self.pos += 1
                if e in "uU":
                    n = 4 if e == "u" else 8
                    out.append(chr(int(self.text[self.pos:self.pos + n], 16)))
                    self.pos += n
                else:
                    out.append(_TOML_ESCAPES.get(e, e))
            else:
                out.append(c)


def _assign(table, key, value):
    """Set dotted `key` (a list of parts) in `table`, making the tables on the way."""
    node = table
    for k in key[:-1]:
        node = node.setdefault(k, {})
    node[key[-1]] = value
