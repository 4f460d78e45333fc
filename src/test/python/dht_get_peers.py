#!/usr/bin/python3
"""A libtorrent DHT node that looks for peers of one info hash (get_peers) until it sees an expected address.

With --join it also adds the info hash as a magnet-style torrent, so libtorrent announces itself for it (announce_peer,
as a leecher on its listen port) and the other side can find it. Prints one JSON line at the end:
{"found": true|false, "peers": ["ip:port", ...], "listen_port": N}; exit code 0 either way.
"""
import argparse, json, signal, sys, time
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument("--bind", default="127.0.0.1")
p.add_argument("--bootstrap", required=True, help="HOST:PORT")
p.add_argument("--info-hash", required=True)
p.add_argument("--expect", required=True, help="HOST:PORT that should be returned")
p.add_argument("--join", action="store_true")
p.add_argument("--linger", type=float, default=0, help="seconds to stay in the swarm after the expected peer was seen")
p.add_argument("--save", default="/tmp")
p.add_argument("--timeout", type=float, default=60)
a = p.parse_args()

ses = lt.session({
    "listen_interfaces": "%s:0" % a.bind,
    "enable_dht": True, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "dht_bootstrap_nodes": a.bootstrap,
    "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
    "dht_ignore_dark_internet": False, "dht_prefer_verified_node_ids": False,
    "dht_enforce_node_id": False,
    "alert_mask": lt.alert.category_t.dht_notification | lt.alert.category_t.dht_operation_notification,
})
ih = lt.sha1_hash(bytes.fromhex(a.info_hash))
deadline = time.time() + a.timeout
stop = []
signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
seen = set()
handle = None
if a.join:
    atp = lt.add_torrent_params()
    atp.info_hashes = lt.info_hash_t(ih)
    atp.save_path = a.save
    handle = ses.add_torrent(atp)
next_query = 0
while not stop and time.time() < deadline and a.expect not in seen:
    if time.time() >= next_query:
        ses.dht_get_peers(ih)
        if handle is not None:
            handle.force_dht_announce()
        next_query = time.time() + 2
    for al in ses.pop_alerts():
        if isinstance(al, lt.dht_get_peers_reply_alert):
            for ip, port in al.peers():
                seen.add("%s:%d" % (ip, port))
    time.sleep(0.1)
linger_until = min(deadline, time.time() + a.linger)
while not stop and handle is not None and a.expect in seen and time.time() < linger_until:
    handle.force_dht_announce()  # libtorrent's own first announce can wait for its DHT bootstrap
    ses.pop_alerts()
    time.sleep(2)
print(json.dumps({"found": a.expect in seen, "peers": sorted(seen), "listen_port": ses.listen_port()}), flush=True)
