"""Turn a document's bytes into text, or say why they are not text.

Order of the checks, and why:

1. Empty bytes decode to "" (the caller decides what an empty document means).
2. Known magic numbers (PNG, PDF, ZIP, GZIP, JPEG, ELF...) are rejected by
   name before anything else, since some of them are valid UTF-8 or start
   like a byte-order mark by accident.
3. A byte-order mark is trusted: UTF-32, UTF-16 LE/BE (reported as
   ``utf-16``) and UTF-8 (reported as ``utf-8-sig``; the mark is dropped and
   the rest goes through the UTF-8 checks below).
4. NUL bytes: clearly BOM-less UTF-16 is decoded (see ``_bomless_utf16``);
   anything else with NULs is rejected, as binary when control bytes are
   common, otherwise with the reason ``NUL bytes``.
5. More than ``_MAX_CONTROL_SHARE`` of C0 control bytes (other than TAB, LF,
   CR, VT, FF and ESC, which text and terminal logs use) means binary.
6. Strict UTF-8.
7. Mostly UTF-8 with a few stray bytes (at least ``_MIN_UTF8_PER_STRAY``
   valid multi-byte sequences per invalid byte, or a UTF-8 byte-order mark):
   the stray bytes are read as cp1252, the usual culprit (a pasted curly
   quote), and the encoding is reported as ``utf-8+cp1252``.
8. Otherwise charset-normalizer chooses among the single-byte legacy
   encodings in ``LEGACY_ENCODINGS``, and its verdict is kept only if no
   control characters result. Among candidates it scores equally (within
   ``_TIE`` on chaos and coherence) the most common encoding wins: it often
   ties cp1250 with cp1252 on French, where they differ on ``è``. ISO-8859-1
   becomes cp1252 as the WHATWG Encoding Standard prescribes, since real
   "latin-1" text with C1 controls is rarer than cp1252 mislabelled.

What happens to invalid UTF-8 that is no plausible legacy text: mostly-ASCII
bytes with a few stray high bytes (``b"abc \\xff def"``) are accepted as
whatever single-byte encoding charset-normalizer names (there is no evidence
either way and no byte is lost); high bytes with no language in them (random
data without NULs) are rejected as "not valid text in any plausible encoding".

Known limits: multi-byte legacy encodings (Shift-JIS, GB18030, Big5, EUC-KR)
are not tried, because on short Western text charset-normalizer picks them
wrongly (German cp1252 comes out as Big5); such documents are rejected.
BOM-less UTF-16 is decoded only when NULs fall on one byte parity.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Single-byte encodings charset-normalizer may choose from, most common first:
# when several explain the bytes equally well, the earliest wins.
LEGACY_ENCODINGS = (
    "cp1252", "cp1251", "cp1250", "iso8859_15", "iso8859_2", "koi8_r", "koi8_u", "iso8859_5",
    "cp866", "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1257", "iso8859_13", "cp1255",
    "iso8859_8", "cp1256", "cp874", "mac_roman", "latin_1",
)
_TIE = 0.01

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"PK\x07\x08", 0, "ZIP archive"),
    (b"\x1f\x8b", 0, "GZIP archive"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"BZh", 0, "BZIP2 archive"),  # checked further in _magic
    (b"\xfd7zXZ\x00", 0, "XZ archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", 0, "Zstandard archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "OLE2 document (legacy Microsoft Office)"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"\x00asm", 0, "WebAssembly module"),
    (b"\xca\xfe\xba\xbe", 0, "Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O binary"),
    (b"\xce\xfa\xed\xfe", 0, "Mach-O binary"),
    (b"OggS\x00", 0, "Ogg media"),
    (b"fLaC", 0, "FLAC audio"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
    (b"ftyp", 4, "MP4/QuickTime media"),
)
_RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

# Control bytes that no text uses (TAB, LF, VT, FF, CR and ESC are left out).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.05

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_MIN_UTF8_PER_STRAY = 3
_HIGH_BYTES = bytes(range(0x80, 0x100))
_STRAY_HANDLER = "pipeline-decode-cp1252-stray"

_UTF16_SAMPLE = 4096
_UTF16_MIN_NUL_SHARE = 0.1   # NULs on the dominant parity (ASCII and Latin-1 characters)
_UTF16_MAX_OTHER_SHARE = 0.01


class UndecodableError(ValueError):
    """Raised with a short human reason, e.g. 'binary content (PNG image)'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the name of the encoding it was read with."""

    text: str
    encoding: str


def _stray_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_STRAY_HANDLER, _stray_as_cp1252)


def _magic(data: bytes) -> str | None:
    for magic, offset, name in _MAGIC:
        if data.startswith(magic, offset):
            if magic == b"BZh" and not (data[3:4].isdigit() and data[4:10] == b"1AY&SY"):
                continue
            return name
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if data.startswith(b"ID3") and data[3:4] in (b"\x02", b"\x03", b"\x04"):
        return "MP3 audio"
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        return "Windows executable"
    return None


def _control_share(data: bytes) -> float:
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / len(data)


def _text_is_clean(text: str) -> bool:
    """Whether decoded text has no more control characters than text has."""
    if not text:
        return True
    return len(_CONTROL_CHARS.findall(text)) <= _MAX_CONTROL_SHARE * len(text) and "\x00" not in text


def _bomless_utf16(data: bytes) -> str | None:
    """Decode UTF-16 without a BOM when the NUL bytes say so clearly, else None.

    In UTF-16 every character from U+0000 to U+00FF has a NUL high byte, so
    text with any share of ASCII (spaces, digits, punctuation) puts NULs on one
    byte parity only: the odd bytes for little-endian, the even ones for
    big-endian. Binary data puts NULs anywhere, and 16-bit integers that happen
    to fall on one parity decode to control characters, which the final check
    refuses.
    """
    sample = data[:_UTF16_SAMPLE]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= _UTF16_MIN_NUL_SHARE * half and other <= _UTF16_MAX_OTHER_SHARE * half:
            if len(data) % 2:
                return None
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return text if _text_is_clean(text) else None
    return None


def _canonical(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return name.replace("iso8859-", "iso-8859-")


def _preference(encoding: str) -> int:
    return LEGACY_ENCODINGS.index(encoding) if encoding in LEGACY_ENCODINGS else len(LEGACY_ENCODINGS)


def _legacy(data: bytes) -> Decoded:
    results = list(charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    if not results:
        raise UndecodableError("not valid text in any plausible encoding")
    chaos = min(r.chaos for r in results)
    coherence = max(r.coherence for r in results if r.chaos <= chaos + _TIE)
    tied = [r for r in results if r.chaos <= chaos + _TIE and r.coherence >= coherence - _TIE]
    # A result stands for every encoding that decodes the bytes to the same text.
    _, encoding, match = min(
        ((_preference(name), name, r) for r in tied for name in (r.could_be_from_charset or [r.encoding])),
        key=lambda item: item[:2])
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = match.encoding, str(match)
    if encoding == "latin_1":
        try:
            encoding, text = "cp1252", data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if not _text_is_clean(text):
        raise UndecodableError("not valid text in any plausible encoding")
    return Decoded(text, _canonical(encoding))


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document's bytes; raise ``UndecodableError`` with a reason if they are not text.

    Deterministic, and raises nothing but ``UndecodableError`` for any bytes
    (a ``str`` is a caller's mistake and raises ``TypeError``).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_bytes needs bytes, not {type(data).__name__}")
    try:
        return _decode(bytes(data))
    except UndecodableError:
        raise
    except Exception as error:  # a library failing on strange input is still "not text"
        raise UndecodableError(f"not valid text ({type(error).__name__})") from error


def _decode(data: bytes) -> Decoded:
    if not data:
        return Decoded("", "utf-8")
    kind = _magic(data)
    if kind is not None:
        raise UndecodableError(f"binary content ({kind})")

    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise UndecodableError(f"invalid {label} after its byte-order mark") from None
            if not _text_is_clean(text):
                raise UndecodableError("binary content (control characters)")
            return Decoded(text, codec)

    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    if not body:
        return Decoded("", "utf-8-sig")

    if b"\x00" in body:
        text = None if bom else _bomless_utf16(body)
        if text is not None:
            return Decoded(text, "utf-16")
        share = _control_share(body)
        if share > _MAX_CONTROL_SHARE:
            raise UndecodableError(f"binary content (unknown format, {share:.0%} control bytes)")
        raise UndecodableError("NUL bytes")

    share = _control_share(body)
    if share > _MAX_CONTROL_SHARE:
        raise UndecodableError(f"binary content (unknown format, {share:.0%} control bytes)")

    try:
        return Decoded(body.decode("utf-8"), "utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        pass

    multibyte = _UTF8_MULTIBYTE.findall(body)
    if multibyte or bom:
        stray = len(body) - len(body.translate(None, _HIGH_BYTES)) - sum(map(len, multibyte))
        if bom or stray * _MIN_UTF8_PER_STRAY <= len(multibyte):
            text = body.decode("utf-8", errors=_STRAY_HANDLER)
            if _text_is_clean(text):
                return Decoded(text, "utf-8+cp1252")
    return _legacy(body)
