"""Makes a torrent with libtorrent's own create_torrent: the reference our torrents are compared with.

usage: lt_create.py --path FILE_OR_DIR --piece BYTES --version v1|hybrid|v2 --out FILE.torrent
prints one JSON line: {"v1": hex or "", "v2": hex or "", "pieces": n}
"""
import argparse, json, os
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument("--path", required=True)
p.add_argument("--piece", type=int, required=True)
p.add_argument("--version", choices=["v1", "hybrid", "v2"], required=True)
p.add_argument("--out", required=True)
a = p.parse_args()
flags = {"v1": lt.create_torrent.v1_only, "hybrid": 0, "v2": lt.create_torrent.v2_only}[a.version]
fs = lt.file_storage()
lt.add_files(fs, a.path)
ct = lt.create_torrent(fs, a.piece, flags)
lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(a.path)))
data = lt.bencode(ct.generate())
with open(a.out, "wb") as f:
    f.write(data)
ih = lt.torrent_info(data).info_hashes()
print(json.dumps({"v1": str(ih.v1) if ih.has_v1() else "", "v2": str(ih.v2) if ih.has_v2() else "",
                  "pieces": lt.torrent_info(data).num_pieces()}))
