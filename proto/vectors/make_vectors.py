#!/usr/bin/env python3
"""Writes the golden vectors of proto/vectors/ from the definitions below.

The msgpack encoding here is written out by hand from the msgpack
specification, independently of the C codec, so that the vector test
(tests/unit/test_vectors.c) checks the codec against a second
implementation.  Golden vectors are never changed or deleted once
published: add new files instead.

    python3 proto/vectors/make_vectors.py          # (re)write the files
    python3 proto/vectors/make_vectors.py --dump [NAME...] [--brief]
                                                   # annotated hex listing
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# --- a minimal msgpack writer: nodes are (kind, value) tuples -----------

def uint(n): return ("uint", n)
def sint(n): return ("int", n)
def text(s): return ("str", s.encode("utf-8") if isinstance(s, str) else s)
def binary(h): return ("bin", bytes.fromhex(h) if isinstance(h, str) else h)
def arr(*items): return ("array", list(items))
def mp(*pairs): return ("map", list(pairs))   # pairs of (key str, node)
def raw(b, what): return ("raw", (b, what))   # bytes as they are
NIL = ("nil", None)
TRUE = ("bool", True)
FALSE = ("bool", False)


def head(node):
    """The header bytes of a node, and what they say."""
    kind, v = node
    if kind == "nil":
        return b"\xc0", "nil"
    if kind == "bool":
        return (b"\xc3", "true") if v else (b"\xc2", "false")
    if kind == "uint":
        assert 0 <= v < 1 << 64
        if v < 0x80:
            return bytes([v]), "uint %d" % v
        for tag, fmt, lim in ((0xcc, ">B", 1 << 8), (0xcd, ">H", 1 << 16),
                              (0xce, ">I", 1 << 32), (0xcf, ">Q", 1 << 64)):
            if v < lim:
                return bytes([tag]) + struct.pack(fmt, v), "uint %d" % v
    if kind == "int":
        assert -(1 << 63) <= v < 0
        if v >= -32:
            return struct.pack(">b", v), "int %d" % v
        for tag, fmt, lim in ((0xd0, ">b", 1 << 7), (0xd1, ">h", 1 << 15),
                              (0xd2, ">i", 1 << 31), (0xd3, ">q", 1 << 63)):
            if v >= -lim:
                return bytes([tag]) + struct.pack(fmt, v), "int %d" % v
    if kind == "str":
        n = len(v)
        if n < 32:
            h = bytes([0xa0 | n])
        elif n < 1 << 8:
            h = b"\xd9" + struct.pack(">B", n)
        elif n < 1 << 16:
            h = b"\xda" + struct.pack(">H", n)
        else:
            h = b"\xdb" + struct.pack(">I", n)
        return h, "str %d" % n
    if kind == "bin":
        n = len(v)
        if n < 1 << 8:
            return b"\xc4" + bytes([n]), "bin %d" % n
        if n < 1 << 16:
            return b"\xc5" + struct.pack(">H", n), "bin %d" % n
        return b"\xc6" + struct.pack(">I", n), "bin %d" % n
    if kind == "array":
        n = len(v)
        if n < 16:
            return bytes([0x90 | n]), "array %d" % n
        if n < 1 << 16:
            return b"\xdc" + struct.pack(">H", n), "array %d" % n
        return b"\xdd" + struct.pack(">I", n), "array %d" % n
    if kind == "map":
        n = len(v)
        if n < 16:
            return bytes([0x80 | n]), "map %d" % n
        return b"\xde" + struct.pack(">H", n), "map %d" % n
    if kind == "raw":
        return v[0], v[1]
    raise ValueError(kind)


def encode(node):
    kind, v = node
    h, _ = head(node)
    if kind in ("str", "bin"):
        return h + v
    if kind == "array":
        return h + b"".join(encode(x) for x in v)
    if kind == "map":
        return h + b"".join(encode(text(k)) + encode(x) for k, x in v)
    return h


def shown(data):
    s = data.decode("utf-8", "replace")
    return '"%s"' % (s if len(s) <= 40 else s[:37] + "...")


def annotate(node, out, indent="", key=None, brief=False):
    """Appends (hex, comment) lines: one per scalar, one per header.
    brief: show each element of a "changes" array on one line."""
    kind, v = node
    label = "%s: " % key if key is not None else ""
    if key is not None:
        kb = encode(text(key))
        out.append((kb.hex(" "), indent + "key " + shown(key.encode())))
    h, what = head(node)
    if kind in ("str", "bin"):
        body = v if len(v) <= 12 else v[:10]
        hx = (h + body).hex(" ") + (" .." if len(v) > 12 else "")
        what += " " + (shown(v) if kind == "str" else "")
        out.append((hx, indent + label + what.strip()))
    elif kind == "array" and brief and key == "changes":
        out.append((h.hex(" "), indent + label + what))
        for x in v:
            b = encode(x)
            out.append((b[:8].hex(" ") + " ..", indent + "  a change "
                        "(section 3), %d bytes" % len(b)))
    elif kind == "array":
        out.append((h.hex(" "), indent + label + what))
        for x in v:
            annotate(x, out, indent + "  ", brief=brief)
    elif kind == "map":
        out.append((h.hex(" "), indent + label + what))
        for k, x in v:
            annotate(x, out, indent + "  ", k, brief)
    else:
        out.append((h.hex(" "), indent + label + what))


# --- the vectors ----------------------------------------------------------

DEV = "0123456789abcdef0123456789abcdef"        # the recording device
DEV2 = "fedcba9876543210fedcba9876543210"       # another device
SERVER = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"     # the server's own id
REC = "7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b"        # a note
VISIT = "3b8e61d0c4a95f27e1d06b4c8a2f9e53"      # a visit
CHILD = "c4f0a7e2d91b38564e0f2a7bc913d8e6"      # a child
CHILD_B = "2d7c5b1e9f0a48368b1c2d3e4f5a6978"    # two children newly
CHILD_C = "e81a3fc20b4d5e6f708192a3b4c5d6e7"    # allocated to the IRO
PUBKEY = bytes(range(32)).hex()
T0 = 1718000000000                              # 2024-06-10T06:13:20Z


def scope_digest(ids):
    """PROTOCOL.md section 5.8: BLAKE2b-256 of the tag and the sorted ids."""
    data = b"".join(bytes.fromhex(i) for i in sorted(ids))
    return hashlib.blake2b(b"IRO-SCOPE-1\n" + data, digest_size=32).digest()


def scope_bin(ids):
    return binary(b"".join(bytes.fromhex(i) for i in ids))


def stamp(wall, counter, dev):
    return arr(uint(wall), uint(counter), binary(dev))


def change(dev, seq, rtype, rec, field, val, ts, by, base=None, sup=None):
    pairs = [("dev", binary(dev)), ("seq", uint(seq)), ("type", text(rtype)),
             ("rec", binary(rec)), ("field", text(field)), ("val", val),
             ("ts", arr(uint(ts[0]), uint(ts[1])))]
    if base is not None:
        pairs.append(("base", stamp(*base)))
    pairs.append(("by", text(by)))
    if sup:
        pairs.append(("sup", arr(*[stamp(*s) for s in sup])))
    return mp(*pairs)


NOTE_TEXT = "Met Jamie at school; we talked about the contact plan."
# A resolution: it saw DEV2's value (base) and supersedes DEV's own.
CHANGE_STR = change(DEV, 7, "note", REC, "text", text(NOTE_TEXT),
                    (T0 + 123456, 2), "asha.patel",
                    base=(T0 + 100000, 0, DEV2),
                    sup=[(T0 + 90000, 1, DEV)])
CHANGE_BOOL = change(DEV, 8, "visit", VISIT, "seen_alone", FALSE,
                     (T0 + 123456, 3), "asha.patel")
CHANGE_INT = change(DEV, 9, "visit", VISIT, "minutes", uint(45),
                    (T0 + 123457, 0), "asha.patel")
CHANGE_NEG = change(DEV, 10, "visit", VISIT, "offset", sint(-40),
                    (T0 + 123457, 1), "asha.patel",
                    base=(T0 + 5000, 0, DEV))
CHANGE_NIL = change(DEV, 11, "visit", VISIT, "note", NIL,
                    (T0 + 123458, 65536), "asha.patel",
                    base=(T0 + 6000, 4, DEV))
LONG_NOTE = ("Review held at the foster home. Jamie chose to speak alone "
             "first, then with the carer present. ") * 3 + \
            "Actions: contact plan to be reviewed in four weeks; " \
            "school to share attendance figures. Jamie's views recorded " \
            "in full in the review record."

VECTORS = {
    "enrol_req": mp(("v", uint(1)), ("user", text("asha.patel")),
                    ("password", text("correct horse battery staple")),
                    ("device", binary(DEV)), ("name", text("Asha's phone")),
                    ("pubkey", binary(PUBKEY))),
    "enrol_resp": mp(("v", uint(1)), ("device", binary(DEV)),
                     ("user", text("asha.patel")), ("role", text("iro")),
                     ("server", binary(SERVER)), ("time", uint(T0))),
    "push_req": mp(("v", uint(1)),
                   ("changes", arr(CHANGE_STR, CHANGE_BOOL, CHANGE_INT,
                                   CHANGE_NEG, CHANGE_NIL))),
    "push_req_empty": mp(("v", uint(1)), ("changes", arr())),
    "push_resp": mp(("v", uint(1)), ("accepted", uint(3)),
                    ("duplicates", uint(1)),
                    ("refused", arr(mp(
                        ("dev", binary(DEV)), ("seq", uint(10)),
                        ("code", text("invalid_change")),
                        ("reason", text("visit.offset: no such field"))))),
                    ("time", uint(T0 + 124000))),
    "push_resp_clean": mp(("v", uint(1)), ("accepted", uint(5)),
                          ("duplicates", uint(0)), ("refused", arr()),
                          ("time", uint(T0 + 124000))),
    "pull_req": mp(("v", uint(1)), ("cursor", uint(1234)),
                   ("limit", uint(500))),
    "pull_req_first": mp(("v", uint(1)), ("cursor", uint(0)),
                         ("limit", uint(1000))),
    "pull_resp": mp(("v", uint(1)),
                    ("changes", arr(
                        change(SERVER, 1, "child", CHILD, "given_name",
                               text("Jamie"), (T0 - 86400000, 0), "admin"),
                        change(DEV2, 3, "note", REC, "text",
                               text("Met Jamie at school."),
                               (T0 + 100000, 0), "asha.patel",
                               base=(T0 + 90000, 1, DEV)))),
                    ("cursor", uint(1236)), ("more", TRUE),
                    ("time", uint(T0 + 125000))),
    "pull_resp_empty": mp(("v", uint(1)), ("changes", arr()),
                          ("cursor", uint(1236)), ("more", FALSE),
                          ("time", uint(T0 + 125000))),
    # The device holds CHILD; its user's caseload is now CHILD_B and
    # CHILD_C: the server answers with the new scope, and the device
    # backfills the two children up to the cursor it had reached.
    "pull_req_scope": mp(("v", uint(1)), ("cursor", uint(1234)),
                         ("limit", uint(500)),
                         ("scope", binary(scope_digest([CHILD])))),
    "pull_resp_scope": mp(("v", uint(1)), ("changes", arr()),
                          ("cursor", uint(1234)), ("more", TRUE),
                          ("time", uint(T0 + 125000)),
                          ("scope", scope_bin([CHILD_B, CHILD_C]))),
    "pull_req_backfill": mp(("v", uint(1)), ("cursor", uint(0)),
                            ("limit", uint(500)),
                            ("children", arr(binary(CHILD_B),
                                             binary(CHILD_C))),
                            ("until", uint(1234))),
    # Nothing is allocated to the user: the device is to hold no child.
    "pull_resp_scope_empty": mp(("v", uint(1)), ("changes", arr()),
                                ("cursor", uint(1234)), ("more", TRUE),
                                ("time", uint(T0 + 125000)),
                                ("scope", binary(b""))),
    "error": mp(("v", uint(1)), ("error", text("clock_skew")),
                ("message", text("change stamped 412000 ms ahead of the "
                                 "server clock")),
                ("time", uint(T0 + 130000))),
    "change": CHANGE_STR,
    "change_long": change(DEV, 12, "visit", VISIT, "note",
                          text(LONG_NOTE), (T0 + 200000, 0), "asha.patel",
                          base=(T0 + 123458, 65536, DEV)),
    "change_delete": change(DEV, 13, "note", REC, "_deleted",
                            text("entered against the wrong child"),
                            (T0 + 300000, 0), "asha.patel",
                            base=(T0 + 123456, 2, DEV)),
}

# --- invalid messages: (file, decoder, expected error, node) ------------

def nested(depth):
    node = uint(1)
    for _ in range(depth):
        node = arr(node)
    return node


def child_id(i):
    """The i-th of a run of distinct child ids."""
    return "%02x" % i + CHILD[2:]


def backfill(ids, cursor=0, until=1234):
    pairs = [("v", uint(1)), ("cursor", uint(cursor)), ("limit", uint(500))]
    if ids is not None:
        pairs.append(("children", arr(*[binary(i) for i in ids])))
    if until is not None:
        pairs.append(("until", uint(until)))
    return mp(*pairs)


def scope_page(scope, changes=()):
    return mp(("v", uint(1)), ("changes", arr(*changes)),
              ("cursor", uint(1234)), ("more", TRUE),
              ("time", uint(T0 + 125000)), ("scope", binary(scope)))


PUSH = encode(VECTORS["push_req"])
MINI = change(DEV, 1, "note", REC, "status", text("draft"), (T0, 0), "a")

INVALID = [
    ("empty", "pull_req", "EPROTO", raw(b"", "nothing")),
    ("array32_bomb", "push_req", "ETOOBIG",
     raw(bytes.fromhex("ddffffffff00000000"), "array of 2^32-1, 4 bytes")),
    ("changes_bomb", "push_req", "ETOOBIG",
     mp(("v", uint(1)), ("changes", raw(bytes.fromhex("ddffffffff"),
                                         "array of 2^32-1")))),
    ("map32_bomb", "pull_req", "ETOOBIG",
     raw(bytes.fromhex("dfffffffff81a176"), "map of 2^32-1")),
    ("str32_bomb", "error", "ETOOBIG",
     mp(("v", uint(1)), ("error", raw(bytes.fromhex("dbffffffff41"),
                                       "str of 2^32-1")))),
    ("array16_lie", "push_req", "EPROTO",
     mp(("v", uint(1)), ("changes", raw(bytes.fromhex("dc03e8c0"),
                                         "array of 1000, 1 element")))),
    ("str_lie", "error", "EPROTO",
     mp(("v", uint(1)), ("error", raw(bytes.fromhex("d9ff41"),
                                       "str8 of 255, 1 byte")))),
    ("truncated", "push_req", "EPROTO", raw(PUSH[:-1], "push_req less 1")),
    ("trailing_byte", "pull_req", "EPROTO",
     raw(encode(VECTORS["pull_req"]) + b"\xc0", "pull_req, then nil")),
    ("version_2", "pull_req", "EVERSION",
     mp(("v", uint(2)), ("cursor", uint(1234)), ("limit", uint(500)))),
    ("version_2_other_keys", "push_req", "EVERSION",
     mp(("v", uint(2)), ("batch", arr()))),
    ("version_missing", "pull_req", "EPROTO",
     mp(("cursor", uint(1234)), ("limit", uint(500)))),
    ("version_str", "pull_req", "EPROTO",
     mp(("v", text("1")), ("cursor", uint(1234)), ("limit", uint(500)))),
    ("missing_key", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", uint(1234)))),
    ("duplicate_key", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", uint(1)), ("cursor", uint(2)),
        ("limit", uint(500)))),
    ("wrong_type", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", text("1234")), ("limit", uint(500)))),
    ("negative_uint", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", sint(-1)), ("limit", uint(500)))),
    ("limit_zero", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", uint(0)), ("limit", uint(0)))),
    ("limit_over", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", uint(0)), ("limit", uint(1001)))),
    ("not_a_map", "pull_req", "EPROTO", arr(uint(1), uint(1234), uint(500))),
    ("non_string_key", "pull_req", "EPROTO",
     raw(bytes.fromhex("83a17601a6637572736f7201") + b"\x01\x02",
         "map: v, cursor, 1 => 2")),
    ("too_deep", "pull_req", "ETOOBIG",
     mp(("v", uint(1)), ("cursor", uint(0)), ("limit", uint(1)),
        ("x", nested(8)))),
    ("too_many_keys", "pull_req", "ETOOBIG",
     mp(*([("v", uint(1)), ("cursor", uint(0)), ("limit", uint(1))] +
          [("k%02d" % i, NIL) for i in range(30)]))),
    ("too_many_changes", "push_req", "ETOOBIG",
     mp(("v", uint(1)), ("changes", arr(*([MINI] * 1001))))),
    ("float", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", raw(bytes.fromhex("cb3ff0000000000000"),
                                        "float64 1.0")),
        ("limit", uint(500)))),
    ("float_unknown_key", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", uint(0)), ("limit", uint(1)),
        ("ratio", raw(bytes.fromhex("ca3f000000"), "float32 0.5")))),
    ("ext", "change", "EPROTO",
     change(DEV, 1, "note", REC, "status",
            raw(bytes.fromhex("d40100"), "fixext1"), (T0, 0), "a")),
    ("reserved_c1", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", raw(b"\xc1", "never used")),
        ("limit", uint(500)))),
    ("bad_utf8", "change", "EPROTO",
     change(DEV, 1, "note", REC, "text", text(b"caf\xc3\x28"), (T0, 0),
            "a")),
    ("overlong_utf8", "error", "EPROTO",
     mp(("v", uint(1)), ("error", text("internal")),
        ("message", text(b"\xc0\xaf")), ("time", uint(T0)))),
    ("nul_in_string", "error", "EPROTO",
     mp(("v", uint(1)), ("error", text("internal")),
        ("message", text(b"a\x00b")), ("time", uint(T0)))),
    ("oversize_value", "change", "ETOOBIG",
     change(DEV, 1, "note", REC, "text", text("x" * 65537), (T0, 0), "a")),
    ("oversize_user", "enrol_req", "ETOOBIG",
     mp(("v", uint(1)), ("user", text("u" * 65)), ("password", text("p")),
        ("device", binary(DEV)), ("name", text("")),
        ("pubkey", binary(PUBKEY)))),
    ("short_device", "change", "EPROTO",
     change(DEV[:30], 1, "note", REC, "status", text("draft"), (T0, 0),
            "a")),
    ("ts_three", "change", "EPROTO",
     mp(("dev", binary(DEV)), ("seq", uint(1)), ("type", text("note")),
        ("rec", binary(REC)), ("field", text("status")),
        ("val", text("draft")), ("ts", stamp(T0, 0, DEV)),
        ("by", text("a")))),
    ("counter_over", "change", "EPROTO",
     change(DEV, 1, "note", REC, "status", text("draft"),
            (T0, 1 << 32), "a")),
    ("int_over", "change", "EPROTO",
     change(DEV, 1, "note", REC, "status", uint(1 << 63), (T0, 0), "a")),
    ("seq_zero", "change", "EINVAL",
     change(DEV, 0, "note", REC, "status", text("draft"), (T0, 0), "a")),
    ("bad_name", "change", "EINVAL",
     change(DEV, 1, "Note", REC, "status", text("draft"), (T0, 0), "a")),
    ("ts_not_after_base", "change", "EINVAL",
     change(DEV, 1, "note", REC, "status", text("final"), (T0, 0), "a",
            base=(T0, 0, DEV))),
    ("too_many_sup", "change", "ETOOBIG",
     change(DEV, 1, "note", REC, "status", text("final"), (T0 + 100, 0),
            "a", sup=[(T0, i, DEV2) for i in range(65)])),
    ("bad_change_in_push", "push_req", "EINVAL",
     mp(("v", uint(1)), ("changes", arr(
         MINI, change(DEV, 2, "note", REC, "text", text("x"), (T0, 1),
                      ""))))),
    ("children_empty", "pull_req", "EPROTO", backfill([])),
    ("children_over", "pull_req", "ETOOBIG",
     backfill([child_id(i) for i in range(65)])),
    ("child_short", "pull_req", "EPROTO", backfill([CHILD_B, CHILD[:30]])),
    ("children_duplicate", "pull_req", "EPROTO",
     backfill([CHILD_B, CHILD_C, CHILD_B])),
    ("until_alone", "pull_req", "EPROTO", backfill(None)),
    ("children_no_until", "pull_req", "EPROTO",
     backfill([CHILD_B, CHILD_C], until=None)),
    ("until_before_cursor", "pull_req", "EPROTO",
     backfill([CHILD_B, CHILD_C], cursor=1234, until=1233)),
    ("scope_digest_short", "pull_req", "EPROTO",
     mp(("v", uint(1)), ("cursor", uint(1234)), ("limit", uint(500)),
        ("scope", binary(scope_digest([CHILD])[:31])))),
    ("scope_ragged", "pull_resp", "EPROTO",
     scope_page(bytes.fromhex(CHILD_B) + b"\x00")),
    ("scope_unsorted", "pull_resp", "EPROTO",
     scope_page(bytes.fromhex(CHILD_C + CHILD_B))),
    ("scope_duplicate", "pull_resp", "EPROTO",
     scope_page(bytes.fromhex(CHILD_B + CHILD_B))),
    ("scope_over", "pull_resp", "ETOOBIG",
     scope_page(b"".join(struct.pack(">QQ", 0, i) for i in range(4097)))),
    ("scope_with_changes", "pull_resp", "EPROTO",
     scope_page(bytes.fromhex(CHILD_B + CHILD_C), [MINI])),
]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    if "--dump" in sys.argv:
        names = [a for a in sys.argv[sys.argv.index("--dump") + 1:]
                 if not a.startswith("--")] or list(VECTORS)
        for name in names:
            node = VECTORS[name]
            lines = []
            annotate(node, lines, brief="--brief" in sys.argv)
            print("`vectors/%s.msgpack`, %d bytes:\n" %
                  (name, len(encode(node))))
            print("```")
            width = max(len(h) for h, _ in lines)
            for h, c in lines:
                print("%-*s  %s" % (min(width, 38), h, c))
            print("```\n")
        return
    for name, node in VECTORS.items():
        write(os.path.join(HERE, name + ".msgpack"), encode(node))
    with open(os.path.join(HERE, "invalid", "MANIFEST"), "w") as man:
        man.write("# file\tdecoder\texpected error (see README.md)\n")
        for name, decoder, err, node in INVALID:
            write(os.path.join(HERE, "invalid", name + ".msgpack"),
                  encode(node))
            man.write("%s.msgpack\t%s\tIRO_%s\n" % (name, decoder, err))


if __name__ == "__main__":
    main()
