"""PDF files searched for what runs or acts on its own: scripts, actions on opening, launched programs, attachments.

The bytes are read token by token the way a PDF reader reads them: comments and strings are skipped as the
format defines them, names are decoded (/J#61vaScript is /JavaScript), and the data of each stream is jumped over
by its /Length so that compressed pictures and fonts never look like names. Dictionaries may also sit inside
object streams (PDF 1.5): those are inflated within a bound and searched the same way. What cannot be read like
this (an object stream that is encrypted, uses a filter other than Flate, or does not inflate) is refused, since
it could hide anything.
"""

import re
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .limits import Limits

# Names whose presence means code, an action or a payload. /OpenAction is refused unless it names a destination
# (an array: "open at page 1, fit the width") or a plain GoTo action to one, which many producers write (pdfTeX,
# Word) and which does nothing else.
ACTIVE_NAMES = {
    b"JavaScript",
    b"JS",
    b"AA",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"GoToE",
}
_TOKEN = re.compile(rb"%|\(|<<|>>|<|/|(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_DELIMITERS = b"()<>[]{}/%"
_WHITESPACE = b"\x00\t\n\x0c\r "
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_SKIP = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")
_REFERENCE = re.compile(rb"([0-9]+)\s+([0-9]+)\s+R")
_LENGTH = re.compile(rb"/Length\s+([0-9]+)(?:\s+([0-9]+)\s+R)?")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PREDICTOR = re.compile(rb"/Predictor\s+([0-9]+)")
_INTEGER_OBJECT = re.compile(rb"(?<![0-9])([0-9]+)\s+([0-9]+)\s+obj\s*([0-9]+)\s*endobj")
_ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
_STRING_SPECIAL = re.compile(rb"[()\\]")
_LINE_END = re.compile(rb"[\r\n]")


_ACTION_TEXT = 4096  # what is read of an /OpenAction's value to tell a destination from an action
_GOTO = re.compile(rb"/S\s*/GoTo(?![A-Za-z0-9])")


class _Uninspectable(Exception):
    pass


def _harmless_open_action(text: bytes) -> bool:
    """A destination array, or a dictionary that is a GoTo action (to a page of this file) and nothing after it."""
    if text.startswith(b"["):
        return True
    if not text.startswith(b"<<"):
        return False
    depth = 0
    for match in re.finditer(rb"<<|>>", text):
        depth += 1 if match.group() == b"<<" else -1
        if depth == 0:
            action = _normalised(text[: match.end()])
            return _GOTO.search(action) is not None and b"/Next" not in action
    return False


def _decode_name(raw: bytes) -> bytes:
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw)


def _normalised(dictionary: bytes) -> bytes:
    """The dictionary with every name decoded, so /Type /Obj#53tm reads as /Type /ObjStm."""
    return _NAME.sub(lambda m: b"/" + _decode_name(m[1]), dictionary)


def _skip_string(data: bytes, start: int) -> int:
    """Index after the literal string opening at `start`: balanced parentheses, backslash escapes."""
    depth = 0
    index = start
    while True:
        match = _STRING_SPECIAL.search(data, index)
        if match is None:
            raise _Uninspectable  # a string that never ends: a reader's recovery is anyone's guess
        char = match.group()
        if char == b"\\":
            index = match.end() + 1
            continue
        depth += 1 if char == b"(" else -1
        index = match.end()
        if depth == 0:
            return index


class _Scan:
    def __init__(self, data: bytes, limits: Limits):
        self.data = data
        self.inflate_left = limits.max_pdf_inflated_bytes
        self.found: set[str] = set()
        self.integers: dict | None = None
        self.open_references: list[tuple[bytes, bytes]] = []  # /OpenAction N G R, resolved once all is read
        self.packed_objects: dict[bytes, bytes] = {}  # object number -> its start, in object streams

    # --- streams ---------------------------------------------------------------------------------------------

    def _indirect_integer(self, number: bytes, generation: bytes) -> int | None:
        if self.integers is None:  # one pass over the file, however many streams give their length this way
            self.integers = {(m[1], m[2]): int(m[3]) for m in _INTEGER_OBJECT.finditer(self.data)}
        return self.integers.get((number, generation))

    def _stream_end(self, dictionary: bytes, start: int) -> int:
        """Where the stream data opened at `start` ends, from its /Length when that is right."""
        match = _LENGTH.search(dictionary)
        length = None
        if match and match[2] is not None:
            length = self._indirect_integer(match[1], match[2])
        elif match:
            length = int(match[1])
        if length is not None and _ENDSTREAM.match(self.data, start + length):
            return start + length
        # No usable length: the data ends where "endstream" is first written, as readers recover.
        end = self.data.find(b"endstream", start)
        if end < 0:
            raise _Uninspectable
        return end

    def _object_stream(self, dictionary: bytes, raw: bytes) -> None:
        """Inflate an object stream within the budget and search the objects it holds."""
        filters = []
        match = _FILTER.search(dictionary)
        if match:
            filters = [_decode_name(m[1]) for m in _NAME.finditer(match[1])]
        predictor = _PREDICTOR.search(dictionary)
        if predictor and int(predictor[1]) > 1:
            raise _Uninspectable
        if filters == []:
            objects = raw
        elif filters == [b"FlateDecode"]:
            objects = self._inflate(raw)
        else:
            raise _Uninspectable
        self._index_packed(dictionary, objects)
        self.scan(objects, streams=False)

    def _index_packed(self, dictionary: bytes, objects: bytes) -> None:
        """Keep the start of each object in the stream, to tell what an /OpenAction points to."""
        first = re.search(rb"/First\s+([0-9]+)", dictionary)
        if first is None:
            return
        start = int(first[1])
        numbers = re.findall(rb"[0-9]+", objects[:start])
        for number, offset in zip(numbers[0::2], numbers[1::2], strict=False):
            at = _SKIP.match(objects, start + int(offset)).end()
            self.packed_objects[number.lstrip(b"0") or b"0"] = objects[at : at + _ACTION_TEXT]

    def resolve_open_actions(self) -> None:
        """/OpenAction N G R is harmless when object N is a destination or a GoTo to one, wherever it is written."""
        for number, generation in self.open_references:
            target = re.search(rb"(?<![0-9])" + number + rb"\s+" + generation + rb"\s+obj", self.data)
            if target is not None:
                at = _SKIP.match(self.data, target.end()).end()
                text = self.data[at : at + _ACTION_TEXT]
            elif generation == b"0":  # objects in object streams have generation 0
                text = self.packed_objects.get(number.lstrip(b"0") or b"0", b"")
            else:
                text = b""
            if not _harmless_open_action(text):
                self.found.add("OpenAction")

    def _inflate(self, raw: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = bytearray()
        data = raw
        try:
            while data and not inflater.eof:
                chunk = inflater.decompress(data, 1024 * 1024)
                out += chunk
                self.inflate_left -= len(chunk)
                if self.inflate_left < 0:
                    raise _Uninspectable
                data = inflater.unconsumed_tail
                if not chunk and not data:
                    break
        except zlib.error as error:
            raise _Uninspectable from error  # encrypted, or not Flate at all
        return bytes(out)

    # --- tokens ----------------------------------------------------------------------------------------------

    def _name(self, data: bytes, match) -> int:
        name = _decode_name(match[1])
        end = match.end()
        if name in ACTIVE_NAMES:
            self.found.add(name.decode("latin-1"))
        elif name == b"OpenAction":
            after = _SKIP.match(data, end).end()
            if reference := _REFERENCE.match(data, after):
                self.open_references.append((reference[1], reference[2]))
            elif not _harmless_open_action(data[after : after + _ACTION_TEXT]):
                self.found.add("OpenAction")
        return end

    def scan(self, data: bytes, streams: bool = True) -> None:
        position = 0
        depth = 0
        dict_start = dict_end = -1
        while match := _TOKEN.search(data, position):
            token = match.group()
            if token == b"%":
                line_end = _LINE_END.search(data, match.end())
                position = line_end.end() if line_end else len(data)
            elif token == b"(":
                position = _skip_string(data, match.start())
            elif token == b"<<":
                if depth == 0:
                    dict_start = match.start()
                depth += 1
                position = match.end()
            elif token == b">>":
                if depth > 0:
                    depth -= 1
                    if depth == 0:
                        dict_end = match.end()
                position = match.end()
            elif token == b"<":
                close = data.find(b">", match.end())
                if close < 0:
                    raise _Uninspectable
                position = close + 1
            elif token == b"/":
                position = self._name(data, _NAME.match(data, match.start()))
            else:  # the stream keyword
                position = self._stream(data, match, dict_start, dict_end, streams)

    def _stream(self, data, match, dict_start, dict_end, streams: bool) -> int:
        start = match.end()
        if not streams or dict_end < 0 or data[dict_end : match.start()].strip(_WHITESPACE):
            return start  # not a stream's data (inside an object stream, or no dictionary before it)
        dictionary = _normalised(data[dict_start:dict_end])
        end = self._stream_end(dictionary, start)
        if re.search(rb"/Type\s*/ObjStm\b", dictionary) or (
            re.search(rb"/N\s+[0-9]", dictionary) and re.search(rb"/First\s+[0-9]", dictionary)
        ):
            self._object_stream(dictionary, data[start:end])
        return end


def inspect_pdf(data: bytes, limits: Limits) -> None:
    """Raise ValidationError when the PDF holds scripts or actions, or cannot be searched for them."""
    scan = _Scan(data, limits)
    try:
        scan.scan(data)
        scan.resolve_open_actions()
    except _Uninspectable:
        raise ValidationError(
            _(
                "The PDF is encrypted or built in a way that cannot be checked, so it is not accepted. Print it to "
                "a new PDF and upload that."
            ),
            code="pdf_uninspectable",
        ) from None
    if scan.found:
        raise ValidationError(
            _(
                "The PDF contains scripts or automatic actions (%(what)s), which are not accepted. Print it to a "
                "new PDF, or export it again without them."
            ),
            code="pdf_active",
            params={"what": ", ".join(sorted(scan.found))},
        )
