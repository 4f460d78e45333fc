#!/usr/bin/python3
"""Swarm economy benchmark (issue 21): how many copies of the file the seed uploads, and when every leecher is done.

One seed with a capped upload, N libtorrent leechers with capped uplinks, all connected to each other, web seeds,
trackers, DHT and LSD off. Seeds, side by side in one run: the bridge (the demo site, CLI `serve`) in each
`torrent-bridge.seeding` mode given, and libtorrent seeding the same file from disk, plain and with BEP 16
super-seeding. Arrivals: "simultaneous" (all at once, each stays) and "staggered" (one every --stagger seconds, each
leaves when done). libtorrent exempts loopback peers from rate limits unless its peer-class filter puts them in the
global class (NOTES.md); every session here does. Everything listens on 127.0.0.1 and stops by itself.
Prints one line per run and a table; --json FILE writes the rows.
"""
import argparse, hashlib, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.request
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument("--jar", required=True)
p.add_argument("--webapp", required=True)
p.add_argument("--seeds", default="bridge:economical,bridge:plain,lt:plain,lt:super")
p.add_argument("--arrivals", default="simultaneous,staggered")
p.add_argument("--leechers", type=int, default=8)
p.add_argument("--seed-kib", type=int, default=4096, help="seed upload cap, KiB/s")
p.add_argument("--up-kib", type=int, default=1024, help="each leecher's upload cap, KiB/s")
p.add_argument("--stagger", type=float, default=2.0, help="seconds between arrivals (staggered)")
p.add_argument("--file", default="files/demo-32m.iso", help="demo file (below the demo's data directory)")
p.add_argument("--timeout", type=float, default=240, help="seconds per run")
p.add_argument("--repeat", type=int, default=1)
p.add_argument("--param", action="append", default=[], help="extra torrent-bridge.NAME=VALUE for the bridge")
p.add_argument("--json")
a = p.parse_args()

W = tempfile.mkdtemp(prefix="thb-swarm.")
children = []


def cleanup(*_):
    for c in children:
        if c.poll() is None:
            c.terminate()
    for c in children:
        try:
            c.wait(10)
        except subprocess.TimeoutExpired:
            c.kill()
    shutil.rmtree(W, ignore_errors=True)


signal.signal(signal.SIGTERM, lambda *x: (cleanup(), sys.exit(1)))


def log(*m):
    print(*m, file=sys.stderr, flush=True)


def limited_session(up_kib, down_kib=0):
    s = lt.session({
        "listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False, "enable_upnp": False,
        "enable_natpmp": False, "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True, "upload_rate_limit": up_kib * 1024,
        "download_rate_limit": down_kib * 1024, "alert_mask": 0,
    })
    f = lt.ip_filter()   # loopback peers are exempt from the limits unless they are in the global class
    f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
    f.add_rule("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 << lt.session.global_peer_class_id)
    s.set_peer_class_filter(f)
    return s


def bare_info(torrent_bytes):
    """The torrent without trackers and web seeds: the leechers find peers only as told."""
    e = lt.bdecode(torrent_bytes)
    for k in (b"announce", b"announce-list", b"url-list", b"httpseeds"):
        e.pop(k, None)
    return e


class BridgeSeed:
    def __init__(self, mode):
        self.mode = mode
        self.data = os.path.join(W, "demo")
        cmd = ["java", "-Xmx512m", "-jar", a.jar, "serve", a.webapp, "--host", "127.0.0.1", "--port", "0",
               "--data", self.data, "--no-dht", "--param", "torrent-bridge.bind=127.0.0.1",
               "--param", "torrent-bridge.max-upload-kib=%d" % a.seed_kib,
               "--param", "torrent-bridge.seeding=%s" % mode]
        for x in a.param:
            cmd += ["--param", x]
        self.out = open(os.path.join(W, "bridge.out"), "w+")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=open(os.path.join(W, "bridge.err"), "w"))
        children.append(self.proc)
        deadline = time.time() + 60
        text = ""
        while time.time() < deadline and "torrent port" not in text:
            if self.proc.poll() is not None:
                raise SystemExit("bridge exited: " + open(os.path.join(W, "bridge.err")).read()[-2000:])
            time.sleep(0.2)
            self.out.seek(0)
            text = self.out.read()
        self.base = re.search(r"demo page:\s+(\S+)", text).group(1)
        self.port = int(re.search(r"torrent port: (\d+)", text).group(1))
        url = self.base + a.file + "?torrent"
        while True:
            with urllib.request.urlopen(url, timeout=30) as r:
                if r.status == 200:
                    self.torrent = r.read()
                    break
            if time.time() > deadline:
                raise SystemExit("no torrent from " + url)
            time.sleep(0.3)
        self.path = os.path.join(self.data, a.file)

    def status(self):
        with urllib.request.urlopen(self.base + "torrent-bridge/?format=json&q=" + os.path.basename(a.file), timeout=30) as r:
            return json.load(r)

    def uploaded(self):
        for t in self.status()["torrents"]:
            if t.get("file", "").endswith(os.path.basename(a.file)):
                return t["uploaded"]
        raise SystemExit("no status row for " + a.file)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


class LibtorrentSeed:
    def __init__(self, mode, torrent, path):
        self.mode = mode
        self.ses = limited_session(a.seed_kib)
        ti = lt.torrent_info(bare_info(torrent))
        params = {"ti": ti, "save_path": os.path.dirname(path)}
        # the file sits where the torrent names it (single-file torrent: save_path/name)
        link = os.path.join(W, "ltseed")
        os.makedirs(link, exist_ok=True)
        target = os.path.join(link, ti.name())
        if not os.path.exists(target):
            os.symlink(path, target)
        params["save_path"] = link
        self.h = self.ses.add_torrent(params)
        if mode == "super":
            self.h.set_flags(lt.torrent_flags.super_seeding)
        deadline = time.time() + 60
        while not self.h.status().is_seeding:
            if time.time() > deadline:
                raise SystemExit("libtorrent seed did not check the file")
            time.sleep(0.1)
        self.port = self.ses.listen_port()

    def uploaded(self):
        return self.h.status().total_payload_upload

    def stop(self):
        del self.h
        del self.ses


def run(seed, arrival, torrent, size):
    info = bare_info(torrent)
    n = a.leechers
    leechers = []   # [session, handle, start, done_at, port]
    t0 = time.time()
    next_join = 0
    done = 0
    timeline = []   # (seconds, copies uploaded by the seed so far), once a second
    while done < n:
        now = time.time()
        if not timeline or now - t0 - timeline[-1][0] >= 1:
            timeline.append((round(now - t0, 1), round(seed.uploaded() / size, 2)))
        if now - t0 > a.timeout:
            break
        if len(leechers) < n and (arrival == "simultaneous" or now - t0 >= next_join * a.stagger):
            joining = n if arrival == "simultaneous" else 1
            for _ in range(joining):
                s = limited_session(a.up_kib)
                save = os.path.join(W, "dl%d" % len(leechers))
                os.makedirs(save, exist_ok=True)
                h = s.add_torrent({"ti": lt.torrent_info(info), "save_path": save})
                leechers.append([s, h, time.time(), None, s.listen_port(), save])
            # everyone connects to the seed and to every leecher still here (full mesh)
            for l in leechers:
                if l[1] is None:
                    continue
                l[1].connect_peer(("127.0.0.1", seed.port))
                for o in leechers:
                    if o is not l and o[1] is not None:
                        l[1].connect_peer(("127.0.0.1", o[4]))
            next_join = len(leechers)
        for l in leechers:
            if l[1] is not None and l[3] is None and l[1].status().is_seeding:
                l[3] = time.time()
                done += 1
                if arrival == "staggered":   # leaves as soon as it is done
                    l[0].remove_torrent(l[1])
                    l[1] = None
        time.sleep(0.05)
    end = time.time()
    up = seed.uploaded()
    ok = sum(1 for l in leechers if l[3] is not None)
    same = 0
    for l in leechers:
        f = os.path.join(l[5], lt.torrent_info(info).name())
        if l[3] is not None and os.path.exists(f) and os.path.getsize(f) == size:
            same += 1 if digest(f) == seed_digest else 0
    for l in leechers:
        if l[1] is not None:
            l[0].remove_torrent(l[1])
        shutil.rmtree(l[5], ignore_errors=True)
    last = max((l[3] for l in leechers if l[3]), default=end)
    return {"seed": seed.label, "arrival": arrival, "copies": round(up / size, 3), "all_done_s": round(last - t0, 1),
            "completed": ok, "identical": same, "leechers": n,
            "leecher_s": [[round(l[2] - t0, 1), round(l[3] - t0, 1) if l[3] else None] for l in leechers],
            "timeline": timeline}


def digest(f):
    h = hashlib.sha1()
    with open(f, "rb") as x:
        for b in iter(lambda: x.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


rows = []
try:
    torrent = path = None
    seed_digest = None
    for rep in range(a.repeat):
        for arrival in a.arrivals.split(","):
            for spec in a.seeds.split(","):
                kind, mode = spec.split(":")
                if kind == "bridge":
                    seed = BridgeSeed(mode)
                    torrent, path = seed.torrent, seed.path
                    size = os.path.getsize(path)
                    seed_digest = seed_digest or digest(path)
                else:
                    if torrent is None:
                        raise SystemExit("put a bridge seed first: it makes the torrent")
                    seed = LibtorrentSeed(mode, torrent, path)
                seed.label = spec
                try:
                    row = run(seed, arrival, torrent, size)
                finally:
                    seed.stop()
                rows.append(row)
                log("%-18s %-12s copies %6.3f  all done %6.1f s  completed %d/%d identical %d" % (
                    row["seed"], arrival, row["copies"], row["all_done_s"], row["completed"], row["leechers"],
                    row["identical"]))
                log("  leechers (joined, done): %s" % " ".join("%s-%s" % (j, d) for j, d in row["leecher_s"]))
                log("  seed copies by time: %s" % " ".join("%s:%s" % x for x in row["timeline"][::2]))
finally:
    cleanup()

print("swarm: %d leechers, seed cap %d KiB/s, leecher uplink %d KiB/s, %s" % (a.leechers, a.seed_kib, a.up_kib, a.file))
print("%-18s %-12s %8s %10s %10s" % ("seed", "arrival", "copies", "all done s", "completed"))
for r in rows:
    print("%-18s %-12s %8.3f %10.1f %7d/%d" % (r["seed"], r["arrival"], r["copies"], r["all_done_s"], r["completed"],
                                               r["leechers"]))
if a.json:
    json.dump(rows, open(a.json, "w"), indent=1)
sys.exit(0 if all(r["completed"] == r["leechers"] == r["identical"] for r in rows) else 1)
