"""Helpers shared by the plot and report tests: file-format readers and closed forms (independent of the code)."""

import struct
import zlib

import numpy as np


def werner_chain(f_link, n):
    """F_n = 1/4 + (3/4) w^n, w = (4F - 1)/3: n Werner links joined by ideal swaps (closed form)."""
    w = (4 * f_link - 1) / 3
    return 0.25 + 0.75 * w ** np.asarray(n, dtype=float)


def png_size_and_dpi(path):
    """Width, height (pixels) and the pHYs resolution (dots per inch) of a PNG, read chunk by chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, width, height, dpi = 8, None, None, None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            ppx, _ppy, unit = struct.unpack(">IIB", body)
            assert unit == 1  # pixels per metre
            dpi = ppx * 0.0254
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0]
        pos += 12 + length
    return width, height, dpi


def pdf_fonts(path):
    """(subtype, has an embedded TrueType program) of every font on every page of a PDF (parsed by pypdf)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    fonts = []
    for page in reader.pages:
        res = page["/Resources"].get_object()
        for _name, ref in res.get("/Font", {}).items():
            font = ref.get_object()
            subtype = font["/Subtype"]
            desc = font.get("/FontDescriptor")
            if subtype == "/Type0":  # composite font: the descriptor sits on the descendant font
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            fonts.append((subtype, "/FontFile2" in desc))
    return fonts
