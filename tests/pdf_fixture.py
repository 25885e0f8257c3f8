"""Small PDFs for tests, written directly: no PDF library installed here writes Chinese
without a font file. The text layer is real (a Type0 font with a ToUnicode map, as in the
PDFs Word and WPS export); `scanned_pdf` has a page and no text, as a scan has."""

from __future__ import annotations

_CMAP_HEAD = (
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
    "/CMapName /Adobe-Identity-UCS def /CMapType 2 def "
    "1 begincodespacerange <0000> <FFFF> endcodespacerange "
)
_CMAP_TAIL = "endcmap CMapName currentdict /CMap defineresource pop end end"


def _cmap(chars: set[str]) -> str:
    """A ToUnicode map for the characters used, as PDF writers embed a font subset's."""
    codes = sorted(f"{ord(c):04X}" for c in chars) or ["0020"]
    blocks = [codes[i : i + 100] for i in range(0, len(codes), 100)]  # 100 per block at most
    body = "".join(
        f"{len(b)} beginbfchar " + " ".join(f"<{c}> <{c}>" for c in b) + " endbfchar "
        for b in blocks
    )
    return _CMAP_HEAD + body + _CMAP_TAIL


_FONT = (
    "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
    "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"
)
_CID_FONT = (
    "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /DW 1000 /FontDescriptor 8 0 R "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
)
_DESCRIPTOR = (
    "<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000] "
    "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
)
_PAGE = (
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    "/Resources << /Font << /F1 5 0 R >> >> >>"
)


def _pdf(content: str, chars: set[str]) -> bytes:
    cmap = _cmap(chars)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE,
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        _FONT,
        _CID_FONT,
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
        _DESCRIPTOR,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds the lines (glyph ids are code points)."""
    shown = " ".join("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*" for line in lines)
    return _pdf(f"BT /F1 12 Tf 14 TL 50 800 Td {shown} ET", set("".join(lines)))


def scanned_pdf() -> bytes:
    """A one-page PDF with a drawing and no text."""
    return _pdf("0 0 m 100 100 l S", set())
