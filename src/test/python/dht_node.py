#!/usr/bin/python3
"""A libtorrent DHT node on 127.0.0.1 that other nodes bootstrap from (a private "router" for tests).

Prints {"port": N} on stdout once listening, then runs until --timeout seconds or SIGTERM.
"""
import argparse, json, signal, sys, time
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, default=0)
p.add_argument("--bind", default="127.0.0.1")
p.add_argument("--timeout", type=float, default=300)
a = p.parse_args()

ses = lt.session({
    "listen_interfaces": "%s:%d" % (a.bind, a.port),
    "enable_dht": True, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "dht_bootstrap_nodes": "",
    "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
    "dht_ignore_dark_internet": False, "dht_prefer_verified_node_ids": False,
    "dht_enforce_node_id": False,
    "alert_mask": lt.alert.category_t.dht_notification | lt.alert.category_t.status_notification,
})
deadline = time.time() + a.timeout
stop = []
signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
port = 0
while not port and time.time() < deadline:
    port = ses.listen_port()
    time.sleep(0.05)
print(json.dumps({"port": port}), flush=True)
while not stop and time.time() < deadline:
    for al in ses.pop_alerts():
        if isinstance(al, (lt.dht_announce_alert, lt.dht_get_peers_alert)):
            print(al.message(), file=sys.stderr, flush=True)
    time.sleep(0.2)
