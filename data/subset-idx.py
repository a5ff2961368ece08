#!/usr/bin/env python3
"""Writes the first N records of an idx file (MNIST format) as a new gzipped idx file.

Used once to make the bundled Fashion-MNIST training subset:
  python3 data/subset-idx.py 20000 <full>/train-images-idx3-ubyte.gz data/fashion-mnist/train-images-idx3-ubyte.gz
  python3 data/subset-idx.py 20000 <full>/train-labels-idx1-ubyte.gz data/fashion-mnist/train-labels-idx1-ubyte.gz
Only the count in the header changes; the records are the official ones, byte for byte.
"""
import gzip
import struct
import sys

n, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with gzip.open(src, "rb") as f:
    data = f.read()
magic = struct.unpack(">I", data[:4])[0]
dims = magic & 0xFF
sizes = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
record = 1
for s in sizes[1:]:
    record *= s
header = 4 + 4 * dims
if n > sizes[0]:
    sys.exit(f"{src} has only {sizes[0]} records")
sizes[0] = n
out = struct.pack(">I", magic) + struct.pack(">" + "I" * dims, *sizes) + data[header:header + n * record]
# mtime=0 keeps the output byte-identical between runs
with open(dst, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
    f.write(out)
