"""Generates libruntime's Unicode tables from the running interpreter.

Every property and case mapping is read back from CPython's own `str`
methods, so the runtime agrees with the interpreter that built it on every
code point.  Output: one C header with a two-level table mapping each code
point to a record (property bits + four case mappings).

    python3 tools/gen_unicode_tables.py OUTPUT.h

It also writes pjx_normalize_tables.h next to OUTPUT.h: the `unicodedata`
properties and the normalisation data of libruntime/normalize.c (see
normalization_tables below).

Properties that `str` does not expose directly are derived from behaviour:
  cased           = isupper() or islower() or istitle() on the single char
                    (Unicode: Cased = Lowercase + Uppercase + Lt)
  case-ignorable  = from the final-sigma rule of lower(), which skips
                    case-ignorable characters around U+03A3
  XID_Start       = c.isidentifier()   (includes '_', as str.isidentifier)
  XID_Continue    = ('a' + c).isidentifier()
  line break      = c splits a line in str.splitlines()
"""
from __future__ import annotations

import os
import sys
import unicodedata

SHIFT = 7
BLOCK = 1 << SHIFT
MAX_CP = 0x110000

FLAGS = [
    "ALPHA", "DECIMAL", "DIGIT", "NUMERIC", "SPACE", "UPPER", "LOWER", "TITLE",
    "CASED", "CASE_IGNORABLE", "PRINTABLE", "XID_START", "XID_CONTINUE",
    "LINEBREAK",
]


def interned(item: tuple, items: list, index: dict) -> int:
    """The position of `item` in `items`, appended on first sight: records
    and blocks are shared by every code point (or block) equal to them."""
    i = index.get(item)
    if i is None:
        i = index[item] = len(items)
        items.append(item)
    return i


def two_level(per_cp: list) -> tuple:
    """Splits per-code-point record numbers into BLOCK-sized blocks, shared
    where equal: (the distinct blocks, the block number of each block)."""
    blocks: list[tuple] = []
    block_index: dict[tuple, int] = {}
    index1 = [interned(tuple(per_cp[start:start + BLOCK]), blocks, block_index)
              for start in range(0, MAX_CP, BLOCK)]
    return blocks, index1


def main(path: str) -> None:
    chars = [chr(c) for c in range(MAX_CP)]
    # surrogates cannot be stored in the runtime's UTF-8 strings: give them
    # no properties (they never reach a lookup)
    for c in range(0xD800, 0xE000):
        chars[c] = "\x00"  # placeholder, overwritten with a null record below

    def column(f):
        return list(map(f, chars))

    alpha = column(str.isalpha)
    decimal = column(str.isdecimal)
    digit = column(str.isdigit)
    numeric = column(str.isnumeric)
    space = column(str.isspace)
    upper = column(str.isupper)
    lower = column(str.islower)
    istitle = column(str.istitle)
    printable = column(str.isprintable)
    xid_start = column(str.isidentifier)
    xid_continue = list(map(str.isidentifier, map("a".__add__, chars)))
    linebreak = [len(("a" + c + "a").splitlines()) == 2 for c in chars]
    sigma_a = [s.endswith("ς") for s in map(str.lower, ("A" + c + "Σ" for c in chars))]
    sigma_sp = [s.endswith("ς") for s in map(str.lower, (" " + c + "Σ" for c in chars))]

    lowers = column(str.lower)
    uppers = column(str.upper)
    titles = column(str.title)
    folds = column(str.casefold)

    ext: list[int] = []  # multi-code-point mappings: length, then code points
    ext_index: dict[str, int] = {}

    def mapping(c: int, m: str) -> tuple[int, int]:
        """(value, is_extended): a delta for one code point, else an offset."""
        if len(m) == 1:
            return ord(m) - c, 0
        off = ext_index.get(m)
        if off is None:
            off = ext_index[m] = len(ext)
            ext.append(len(m))
            ext.extend(map(ord, m))
        return off, 1

    istitle_only = [t and not u for t, u in zip(istitle, upper)]
    cased = [u or lo or t for u, lo, t in zip(upper, lower, istitle)]
    ignorable = [(cs and not sp) or (not cs and sa)
                 for cs, sp, sa in zip(cased, sigma_sp, sigma_a)]
    bits_columns = (alpha, decimal, digit, numeric, space, upper, lower,
                    istitle_only, cased, ignorable, printable, xid_start,
                    xid_continue, linebreak)
    bits_list = [0] * MAX_CP
    for k, col in enumerate(bits_columns):
        bit = 1 << k
        bits_list = [b | bit if v else b for b, v in zip(bits_list, col)]

    records: list[tuple] = []
    record_index: dict[tuple, int] = {}
    per_cp = [0] * MAX_CP
    null = (0, 0, 0, 0, 0, 0)
    record_index[null] = 0
    records.append(null)
    for c, ch, bits, lo, up, ti, fo in zip(range(MAX_CP), chars, bits_list,
                                          lowers, uppers, titles, folds):
        if 0xD800 <= c < 0xE000:
            continue
        if lo == ch and up == ch and ti == ch and fo == ch:
            rec = (bits, 0, 0, 0, 0, 0)
        else:
            ext_bits = 0
            vals = []
            for k, m in enumerate((lo, up, ti, fo)):
                v, e = mapping(c, m)
                vals.append(v)
                ext_bits |= e << k
            rec = (bits, ext_bits, *vals)
        per_cp[c] = interned(rec, records, record_index)

    blocks, index1 = two_level(per_cp)

    rec_type = "uint16_t" if len(records) < 65536 else "uint32_t"
    blk_type = "uint16_t" if len(blocks) < 65536 else "uint32_t"
    out = []
    w = out.append
    w("/* Generated by tools/gen_unicode_tables.py from CPython %s"
      " (Unicode %s).  Do not edit. */" % (sys.version.split()[0], unicodedata.unidata_version))
    w("#define PJX_UNICODE_VERSION \"%s\"" % unicodedata.unidata_version)
    w("#define PJX_UCD_SHIFT %d" % SHIFT)
    for k, name in enumerate(FLAGS):
        w("#define PJX_UCD_%s 0x%04xu" % (name, 1 << k))
    w("typedef struct pjx_ucd_record {")
    w("    uint16_t flags;")
    w("    uint8_t ext; /* bit k: mapping k (lower, upper, title, fold) is in pjx_ucd_ext */")
    w("    int32_t map[4]; /* delta to the single mapped code point, or offset in pjx_ucd_ext */")
    w("} pjx_ucd_record;")
    w("static const pjx_ucd_record pjx_ucd_records[%d] = {" % len(records))
    for r in records:
        w("{%d,%d,{%d,%d,%d,%d}}," % r)
    w("};")
    w("static const uint32_t pjx_ucd_ext[%d] = {" % max(1, len(ext)))
    for i in range(0, max(1, len(ext)), 16):
        w(",".join(map(str, ext[i:i + 16] or [0])) + ",")
    w("};")
    w("static const %s pjx_ucd_index1[%d] = {" % (blk_type, len(index1)))
    for i in range(0, len(index1), 32):
        w(",".join(map(str, index1[i:i + 32])) + ",")
    w("};")
    flat = [x for b in blocks for x in b]
    w("static const %s pjx_ucd_index2[%d] = {" % (rec_type, len(flat)))
    for i in range(0, len(flat), 32):
        w(",".join(map(str, flat[i:i + 32])) + ",")
    w("};")
    text = "\n".join(out) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    normalization_tables(os.path.join(os.path.dirname(os.path.abspath(path)), NORMALIZE_TABLES))


# ---------------------------------------------------------------------------
# unicodedata and normalisation (libruntime/normalize.c)
#
# Everything is read back from CPython's unicodedata, so normalize() agrees
# with the interpreter that built the runtime:
#   full decompositions  = unicodedata.normalize('NFD'/'NFKD', c) per code
#                          point (already recursive and canonically ordered;
#                          Hangul syllables are left to the algorithm)
#   composition pairs    = (a, b) -> x for every x whose canonical
#                          decomposition() is two code points a b such that
#                          normalize('NFC', a + b) == x: this leaves out the
#                          composition exclusions (singletons, non-starter
#                          decompositions, the exclusion list) without a copy
#                          of CompositionExclusions.txt
#   quick check          = NFD/NFKD "No": the form of c is not c.  NFC/NFKC
#                          "No": the same; "Maybe": c is the second code point
#                          of a pair (Hangul V and T jamo too).  Exactly
#                          UAX #15's NF*_QC properties.
NORMALIZE_TABLES = "pjx_normalize_tables.h"
CATEGORIES = ['Cn', 'Cc', 'Cf', 'Co', 'Cs', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'Mc', 'Me', 'Mn',
              'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'Sc', 'Sk', 'Sm',
              'So', 'Zl', 'Zp', 'Zs']  # 'Cn' (unassigned) first: record 0 is the null record
WIDTHS = ['N', 'A', 'F', 'H', 'Na', 'W']
NRM_FLAGS = ["NFD_NO", "NFKD_NO", "NFC_NO", "NFKC_NO", "NFC_MAYBE", "MIRRORED"]
S_BASE, S_COUNT = 0xAC00, 11172


def normalization_tables(path: str) -> None:
    nf = unicodedata.normalize
    tags: list[str] = [""]
    # data: entries of [length, code points...]; offset 0 means none.
    # decomposition() fields are [tag << 8 | length, code points...].
    data: list[int] = [0]
    data_index: dict[tuple, int] = {}

    def entry(values: tuple) -> int:
        off = data_index.get(values)
        if off is None:
            off = data_index[values] = len(data)
            data.extend(values)
        return off

    pairs: dict[tuple[int, int], int] = {}
    seconds: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T
    fields: list[str] = [""] * MAX_CP
    for c in range(MAX_CP):
        if 0xD800 <= c < 0xE000:
            continue
        field = fields[c] = unicodedata.decomposition(chr(c))
        parts = field.split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            a, b = int(parts[0], 16), int(parts[1], 16)
            if nf("NFC", chr(a) + chr(b)) == chr(c):
                pairs[(a, b)] = c
                seconds.add(b)

    max_decomposition = 3  # a Hangul syllable
    records: list[tuple] = []
    record_index: dict[tuple, int] = {}
    per_cp = [0] * MAX_CP
    null = (0, 0, 0, 0, 0, 0, 0)
    records.append(null)
    record_index[null] = 0
    for c in range(MAX_CP):
        ch = chr(c)
        if 0xD800 <= c < 0xE000:
            rec = (CATEGORIES.index("Cs"), 0, 0, WIDTHS.index(unicodedata.east_asian_width(ch)),
                   0, 0, 0)
        else:
            flags = 0
            nfd, nfkd = nf("NFD", ch), nf("NFKD", ch)
            hangul = S_BASE <= c < S_BASE + S_COUNT
            if nfd != ch:
                flags |= 1 << NRM_FLAGS.index("NFD_NO")
            if nfkd != ch:
                flags |= 1 << NRM_FLAGS.index("NFKD_NO")
            if nf("NFC", ch) != ch:
                flags |= 1 << NRM_FLAGS.index("NFC_NO")
            if nf("NFKC", ch) != ch:
                flags |= 1 << NRM_FLAGS.index("NFKC_NO")
            if c in seconds:
                flags |= 1 << NRM_FLAGS.index("NFC_MAYBE")
            if unicodedata.mirrored(ch):
                flags |= 1 << NRM_FLAGS.index("MIRRORED")
            d_off = k_off = f_off = 0
            if nfd != ch and not hangul:
                d_off = entry((len(nfd), *map(ord, nfd)))
            if nfkd != ch and not hangul:
                k_off = entry((len(nfkd), *map(ord, nfkd)))
            max_decomposition = max(max_decomposition, len(nfkd))
            if fields[c]:
                parts = fields[c].split()
                tag = ""
                if parts[0].startswith("<"):
                    tag = parts.pop(0)
                    if tag not in tags:
                        tags.append(tag)
                f_off = entry(((tags.index(tag) << 8) | len(parts), *(int(p, 16) for p in parts)))
            rec = (CATEGORIES.index(unicodedata.category(ch)), unicodedata.combining(ch), flags,
                   WIDTHS.index(unicodedata.east_asian_width(ch)), d_off, k_off, f_off)
        per_cp[c] = interned(rec, records, record_index)

    blocks, index1 = two_level(per_cp)

    def ctype(n: int) -> str:
        return "uint16_t" if n < 65536 else "uint32_t"

    out = []
    w = out.append
    w("/* Generated by tools/gen_unicode_tables.py from CPython %s"
      " (Unicode %s).  Do not edit. */" % (sys.version.split()[0], unicodedata.unidata_version))
    w("#define PJX_NRM_SHIFT %d" % SHIFT)
    w("#define PJX_NRM_MAX_DECOMPOSITION %d /* code points of the longest full decomposition */"
      % max_decomposition)
    for k, name in enumerate(NRM_FLAGS):
        w("#define PJX_NRM_%s 0x%02xu" % (name, 1 << k))
    w("static const char pjx_nrm_categories[%d][3] = {%s};"
      % (len(CATEGORIES), ",".join('"%s"' % c for c in CATEGORIES)))
    w("static const char *const pjx_nrm_widths[%d] = {%s};"
      % (len(WIDTHS), ",".join('"%s"' % c for c in WIDTHS)))
    w("static const char *const pjx_nrm_tags[%d] = {%s};"
      % (len(tags), ",".join('"%s"' % t for t in tags)))
    off_type = ctype(len(data))
    w("typedef struct pjx_nrm_record {")
    w("    uint8_t category; /* index in pjx_nrm_categories */")
    w("    uint8_t combining; /* canonical combining class */")
    w("    uint8_t flags; /* PJX_NRM_* */")
    w("    uint8_t width; /* index in pjx_nrm_widths */")
    w("    %s nfd, nfkd; /* full decomposition in pjx_nrm_data, 0: none (or Hangul) */" % off_type)
    w("    %s field; /* decomposition() in pjx_nrm_data: tag << 8 | n, code points */" % off_type)
    w("} pjx_nrm_record;")
    w("static const pjx_nrm_record pjx_nrm_records[%d] = {" % len(records))
    for r in records:
        w("{%d,%d,%d,%d,%d,%d,%d}," % r)
    w("};")
    w("static const uint32_t pjx_nrm_data[%d] = {" % len(data))
    for i in range(0, len(data), 16):
        w(",".join(map(str, data[i:i + 16])) + ",")
    w("};")
    w("static const %s pjx_nrm_index1[%d] = {" % (ctype(len(blocks)), len(index1)))
    for i in range(0, len(index1), 32):
        w(",".join(map(str, index1[i:i + 32])) + ",")
    w("};")
    flat = [x for b in blocks for x in b]
    w("static const %s pjx_nrm_index2[%d] = {" % (ctype(len(records)), len(flat)))
    for i in range(0, len(flat), 32):
        w(",".join(map(str, flat[i:i + 32])) + ",")
    w("};")
    keys = sorted(pairs)
    w("/* canonical composition: sorted keys first << 21 | second, and the composites */")
    w("#define PJX_NRM_NPAIRS %d" % len(keys))
    w("static const uint64_t pjx_nrm_pair_keys[%d] = {" % len(keys))
    for i in range(0, len(keys), 8):
        w(",".join("%du" % ((a << 21) | b) for a, b in keys[i:i + 8]) + ",")
    w("};")
    w("static const uint32_t pjx_nrm_pair_values[%d] = {" % len(keys))
    for i in range(0, len(keys), 16):
        w(",".join(str(pairs[k]) for k in keys[i:i + 16]) + ",")
    w("};")
    text = "\n".join(out) + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_unicode_tables.py OUTPUT.h")
    main(sys.argv[1])
