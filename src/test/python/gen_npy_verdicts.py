#!/usr/bin/env python3
"""Writes src/test/resources/npy-fixtures/numpy-verdicts.json: hostile .npy files and what numpy
itself does with each, for NpyNumpyVerdictsTest (ntk4j must reject every file numpy rejects, and
read every file it accepts exactly as numpy does). Run from anywhere:
    python3 src/test/python/gen_npy_verdicts.py

The files are small valid arrays (float64/float32/int64/int32, 1-D or 2-D, C or Fortran order,
format 1.0/2.0/3.0) whose header is then mutated: crafted edits (duplicate keys, a decoy 'shape'
inside a string, enlarged or shrunk length fields, other versions, dtypes, shapes, spellings numpy
accepts) and random character edits of the header text. Each case records the file (base64) and
numpy's verdict: {"ok": true, "descr", "shape", "values" (float64 as hex, C order)} or
{"ok": false, "error"}. The seed is fixed, so the file is reproducible.
"""
import base64
import io
import json
import os
import random
import struct
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'npy-fixtures',
                   'numpy-verdicts.json')
RNG = random.Random(20261207)


def encode(version, header, data):
    """Magic, version, header length, the header padded with spaces and a newline to 64 bytes, data."""
    h = header.encode('utf8' if version == 3 else 'latin1', errors='replace')
    prefix = 10 if version == 1 else 12
    h = h + b' ' * ((-(prefix + len(h) + 1)) % 64) + b'\n'
    fmt = '<H' if version == 1 else '<I'
    return b'\x93NUMPY' + bytes([version, 0]) + struct.pack(fmt, len(h)) + h + data


def base_array():
    dtype = RNG.choice(['<f8', '<f4', '<i8', '<i4'])
    shape = RNG.choice([(3,), (0,), (2, 3), (3, 1), (1, 2), (0, 2), (2, 0), (1,)])
    n = int(np.prod(shape))
    vals = np.array([RNG.uniform(-100, 100) for _ in range(n)]).astype(dtype).reshape(shape)
    fortran = RNG.random() < 0.3 and len(shape) == 2
    return dtype, shape, fortran, vals


def shape_text(shape):
    return '(%d,)' % shape[0] if len(shape) == 1 else '(' + ', '.join(str(s) for s in shape) + ')'


def header(dtype, shape, fortran):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (dtype, fortran, shape_text(shape))


def data_of(vals, fortran):
    return (np.asfortranarray(vals) if fortran else np.ascontiguousarray(vals)).tobytes(order='F' if fortran else 'C')


CRAFTED = [
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': (1,), 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s, 'shape': (1,)}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d, d, f, shape_text(s)),
    lambda d, s, f: "{'descr': \"%s', 'shape': (1,), '\", 'fortran_order': %s, 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'x': \"'shape': (1,)\", 'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s}" % (d, f),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s, 'extra': 0}" % (d, f, shape_text(s)),
    lambda d, s, f: "{\"descr\": \"%s\", \"fortran_order\": %s, \"shape\": %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "  {'shape': %s, 'fortran_order': %s, 'descr': '%s'}  " % (shape_text(s), f, d),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': [%s]}" % (d, f, ', '.join(map(str, s))),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %d, 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s} # comment" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': (%s)}" % (d, f, ', '.join('%dL' % x for x in s) + (',' if len(s) == 1 else '')),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d.replace('<', '>'), f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d.replace('<', '|'), f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d[1:], f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d.replace('<', '\\x3c'), f, shape_text(s)),
    lambda d, s, f: "{'descr': [('a', '%s')], 'fortran_order': %s, 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': (%s,)}" % (d, f, ' * '.join(map(str, s)) or '1'),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}" % (d, f, shape_text(tuple(-x for x in s))),
    lambda d, s, f: "({'descr': '%s', 'fortran_order': %s, 'shape': %s})" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}\x00" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s}\r\n" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': u'%s', 'fortran_order': %s, 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': (%s)}" % (d, f, ', '.join('0x%x' % x for x in s) + (',' if len(s) == 1 else '')),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': %s,, }" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s' 'fortran_order': %s, 'shape': %s}" % (d, f, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': None, 'shape': %s}" % (d, shape_text(s)),
    lambda d, s, f: "{'descr': '%s', 'fortran_order': %s, 'shape': ((%s))}" % (d, f, ', '.join(map(str, s)) + (',' if len(s) == 1 else '')),
]

PIECES = ["'", '"', ',', ':', '(', ')', '{', '}', '[', ']', ' ', '\n', '\t', '\\', '#', '0', '1', '9', '-', 'L', 'x',
          'True', 'False', 'None', 'shape', 'descr', '\x00', '\xe9', '\u2028', '<f8', '(1,)', "'shape': (1,)"]


def random_edit(text):
    t = text
    for _ in range(RNG.randint(1, 3)):
        op = RNG.random()
        i = RNG.randrange(len(t) + 1)
        if op < 0.4:
            t = t[:i] + RNG.choice(PIECES) + t[i:]
        elif op < 0.7 and i < len(t):
            t = t[:i] + t[i + 1:]
        elif i < len(t):
            t = t[:i] + RNG.choice(PIECES) + t[i + 1:]
    return t


def numpy_verdict(blob):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            a = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as e:  # every refusal counts, whatever its type
        return {'ok': False, 'error': '%s: %s' % (type(e).__name__, str(e)[:120])}
    if not isinstance(a, np.ndarray):
        return {'ok': False, 'error': 'not an array'}
    rec = {'ok': True, 'descr': a.dtype.str, 'shape': list(a.shape)}
    if a.dtype.kind in 'fi' and a.ndim <= 2:
        rec['values'] = [float(v).hex() for v in a.astype(np.float64).ravel(order='C')]
    return rec


def main():
    cases = []
    for k in range(500):
        dtype, shape, fortran, vals = base_array()
        data = data_of(vals, fortran)
        version = RNG.choice([1, 1, 2, 3])
        kind = RNG.random()
        if k < 3 * len(CRAFTED):
            h = CRAFTED[k % len(CRAFTED)](dtype, shape, fortran)
            tag = 'crafted-%d' % (k % len(CRAFTED))
        elif kind < 0.6:
            h = random_edit(header(dtype, shape, fortran))
            tag = 'edit'
        elif kind < 0.75:
            h = header(dtype, shape, fortran)
            length = RNG.choice([-40, -9, -1, 1, 7, 8, 16, 1000])  # added to the true length below
            tag = 'length'
        elif kind < 0.85:
            h = header(dtype, shape, fortran)
            data = data[:max(0, len(data) - RNG.choice([1, 4, 8]))] if RNG.random() < 0.5 else data + b'\x00' * RNG.choice([1, 8])
            tag = 'data-size'
        else:
            h = header(dtype, shape, fortran)
            tag = 'valid'
        blob = encode(version, h, data)
        if tag == 'length':  # the same bytes with an enlarged or shrunk header-length field
            fmt = '<H' if version == 1 else '<I'
            true_length = struct.unpack_from(fmt, blob, 8)[0]
            blob = blob[:8] + struct.pack(fmt, max(0, true_length + length)) + blob[8 + struct.calcsize(fmt):]
        cases.append({'tag': tag, 'file': base64.b64encode(blob).decode('ascii'), 'numpy': numpy_verdict(blob)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'numpy': np.__version__, 'seed': 20261207, 'cases': cases}, f, indent=0)
        f.write('\n')
    ok = sum(c['numpy']['ok'] for c in cases)
    print('%d cases, numpy accepts %d, rejects %d -> %s' % (len(cases), ok, len(cases) - ok, OUT))


if __name__ == '__main__':
    main()
