#!/usr/bin/python3
"""libtorrent seeding a local file (the reference the bridge is compared with). Prints {"port": N}."""
import argparse, json, signal, time
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument("--torrent", required=True)
p.add_argument("--data", required=True, help="directory holding the file")
p.add_argument("--timeout", type=float, default=600)
a = p.parse_args()
ses = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                  "enable_upnp": False, "enable_natpmp": False, "enable_outgoing_utp": False,
                  "enable_incoming_utp": False, "allow_multiple_connections_per_ip": True})
ti = lt.torrent_info(a.torrent)
ti.set_web_seeds([])
h = ses.add_torrent({"ti": ti, "save_path": a.data})
deadline = time.time() + 30
while not h.status().is_seeding and time.time() < deadline:
    time.sleep(0.1)
print(json.dumps({"port": ses.listen_port(), "seeding": h.status().is_seeding}), flush=True)
stop = []
signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
end = time.time() + a.timeout
while not stop and time.time() < end:
    time.sleep(0.2)
