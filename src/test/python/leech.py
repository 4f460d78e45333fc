#!/usr/bin/python3
"""libtorrent 2.0 leecher used by the Java interop tests and the benchmark.

Downloads one torrent over TCP (uTP off: it crawls on loopback), with web seeds removed unless
--keep-webseeds, so every byte must come over BitTorrent. Prints one JSON line on stdout at the end;
progress goes to stderr. Always stops by itself at --timeout.
"""
import argparse, json, sys, time
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument("--torrent")
p.add_argument("--magnet")
p.add_argument("--save", required=True)
p.add_argument("--peer", action="append", default=[], help="HOST:PORT to connect to directly")
p.add_argument("--dht-bootstrap", action="append", default=[], help="HOST:PORT; enables the DHT")
p.add_argument("--timeout", type=float, default=120)
p.add_argument("--keep-webseeds", action="store_true")
p.add_argument("--no-encryption", action="store_true")
p.add_argument("--force-rc4", action="store_true", help="MSE with RC4 only (no plaintext offered)")
p.add_argument("--listen", default="127.0.0.1:0", help="listen interface HOST:PORT")
p.add_argument("--tracker-on-loopback", action="store_true",
               help="turn ssrf_mitigation off: it refuses loopback trackers whose path is not /announce")
p.add_argument("--only-tracker", action="append", default=[],
               help="announce to these trackers only (replaces the torrent's own)")
p.add_argument("--report-every", type=float, default=1, help="seconds between progress lines on stderr")
p.add_argument("--no-pex", action="store_true",
               help="no ut_pex (peer exchange): this leecher talks to the peers it is given and finds no others")
p.add_argument("--max-rate-mib", type=float, default=0, help="download rate limit, MiB/s (0: none)")
p.add_argument("--upload-kib", type=int, default=0, help="upload rate limit, KiB/s (0: none), loopback peers included")
p.add_argument("--stay", type=float, default=0, help="seconds to keep seeding after completing (default: leave at once)")
a = p.parse_args()

settings = {
    "listen_interfaces": a.listen,
    "enable_dht": bool(a.dht_bootstrap),
    "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": lt.alert.category_t.all_categories,
}
if a.dht_bootstrap:
    settings.update({
        "dht_bootstrap_nodes": ",".join(a.dht_bootstrap),
        "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
        "dht_ignore_dark_internet": False, "dht_prefer_verified_node_ids": False,
        "dht_enforce_node_id": False,
    })
if a.tracker_on_loopback:
    settings["ssrf_mitigation"] = False
if a.max_rate_mib > 0:
    settings["download_rate_limit"] = int(a.max_rate_mib * 1048576)
    settings["ignore_limits_on_local_network"] = False  # else loopback peers are exempt
if a.upload_kib > 0:
    settings["upload_rate_limit"] = a.upload_kib * 1024
if a.no_encryption:
    settings["out_enc_policy"] = lt.enc_policy.disabled
    settings["in_enc_policy"] = lt.enc_policy.disabled
if a.force_rc4:
    settings["out_enc_policy"] = lt.enc_policy.forced
    settings["in_enc_policy"] = lt.enc_policy.forced
    settings["allowed_enc_level"] = lt.enc_level.rc4
if a.no_pex:
    ses = lt.session(settings, 0)   # no default plugins; ut_metadata and smart_ban back, ut_pex left out
    ses.add_extension("ut_metadata")
    ses.add_extension("smart_ban")
else:
    ses = lt.session(settings)
if a.upload_kib > 0 or a.max_rate_mib > 0:
    # local-network peers (loopback, the test namespaces) are in an unlimited class unless the filter says otherwise
    f = lt.ip_filter()
    f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
    f.add_rule("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 << lt.session.global_peer_class_id)
    ses.set_peer_class_filter(f)
if a.magnet:
    params = lt.parse_magnet_uri(a.magnet)
    if not a.keep_webseeds:
        params.url_seeds = []
    params.save_path = a.save
    h = ses.add_torrent(params)
    infohash = str(params.info_hashes.v1) if hasattr(params, "info_hashes") else str(params.info_hash)
else:
    if a.only_tracker:
        e = lt.bdecode(open(a.torrent, "rb").read())
        e.pop(b"announce-list", None)
        e[b"announce"] = a.only_tracker[0].encode()
        e[b"announce-list"] = [[t.encode()] for t in a.only_tracker]
        ti = lt.torrent_info(e)
    else:
        ti = lt.torrent_info(a.torrent)
    if not a.keep_webseeds:
        ti.set_web_seeds([])

    h = ses.add_torrent({"ti": ti, "save_path": a.save})
    infohash = str(ti.info_hash())
for peer in a.peer:
    host, port = peer.rsplit(":", 1)
    h.connect_peer((host, int(port)))

start = time.time()
hash_failures = 0
peers_seen = {}
conn_last = {}      # "ip:port" of a connection -> its last total_download
bytes_by_ip = {}    # payload+protocol bytes received from each peer IP, over all its connections
errors = []
disconnects = []   # why libtorrent closed peer connections (the first 20)
first_byte = None
first_connect = None
last_report = 0
last_dht = time.time()
while True:
    for al in ses.pop_alerts():
        if isinstance(al, lt.peer_disconnected_alert) and len(disconnects) < 20:
            disconnects.append("%.2fs %s" % (time.time() - start, al.message()))
        if isinstance(al, lt.peer_connect_alert) and first_connect is None:
            first_connect = time.time()
        if isinstance(al, lt.hash_failed_alert):
            hash_failures += 1
        elif isinstance(al, (lt.torrent_error_alert, lt.file_error_alert)):
            errors.append(al.message())
    for pi in h.get_peer_info():
        src = []
        for flag, name in ((lt.peer_info.dht, "dht"), (lt.peer_info.tracker, "tracker"),
                           (lt.peer_info.pex, "pex"), (lt.peer_info.lsd, "lsd"),
                           (lt.peer_info.resume_data, "resume")):
            if pi.source & flag:
                src.append(name)
        key = "%s:%d" % pi.ip
        peers_seen[key] = sorted(set(peers_seen.get(key, [])) | set(src))
        last = conn_last.get(key, 0)
        got = pi.total_download
        delta = got - last if got >= last else got   # smaller: a new connection with the same endpoint
        conn_last[key] = got
        bytes_by_ip[pi.ip[0]] = bytes_by_ip.get(pi.ip[0], 0) + delta
    st = h.status()
    now = time.time()
    if first_byte is None and st.total_wanted_done > 0:
        first_byte = now
    if a.dht_bootstrap and st.num_peers == 0 and int(now - start) % 10 == 9 and now - last_dht > 5:
        # libtorrent looks a torrent up on the DHT at start and then every 15 minutes; a test cannot wait that long
        h.force_dht_announce()
        last_dht = now
    if now - last_report > a.report_every:
        last_report = now
        print("%.1fs %.1f%% %d peers %.1f MiB/s; received by peer IP: %s" % (
            now - start, st.progress * 100, st.num_peers, st.download_rate / 1048576,
            " ".join("%s %.1f MiB" % (ip, n / 1048576) for ip, n in sorted(bytes_by_ip.items()))),
            file=sys.stderr, flush=True)
    if (st.is_seeding and st.has_metadata) or now - start > a.timeout:
        break
    time.sleep(0.05)

done_at = time.time()
seconds = done_at - start
stay_until = time.time() + a.stay
while a.stay > 0 and time.time() < stay_until and time.time() - start < a.timeout:
    time.sleep(0.2)   # seeding to the others
st = h.status()
done = bool(st.is_seeding and st.has_metadata)
uploaded = st.total_payload_upload
transfer = (done_at - first_byte) if first_byte else seconds
print(json.dumps({
    "ok": done,
    "error": None if done else ("timed out after %.0f s at %.1f%%" % (a.timeout, st.progress * 100)),
    "errors": errors,
    "seconds": round(seconds, 3),
    "transfer_seconds": round(transfer, 3),
    # from libtorrent opening its first TCP connection to the first payload byte (handshakes, unchoke, 1st block)
    "connect_to_first_byte_seconds": round(first_byte - first_connect, 3) if first_byte and first_connect else None,
    "bytes": st.total_wanted_done,
    "total_wanted": st.total_wanted,
    "download_rate_mib_s": round(st.total_wanted_done / 1048576 / max(transfer, 1e-6), 1),
    "hash_failures": hash_failures,
    "uploaded": uploaded,
    "disconnects": disconnects,
    "peers_seen": peers_seen,
    # bytes received from each peer IP (libtorrent's per-peer total_download, summed over its connections,
    # sampled every 50 ms: a connection's last bytes before it closed may be missed)
    "bytes_by_ip": bytes_by_ip,
    "found_via_dht": any("dht" in v for v in peers_seen.values()),
    "infohash": infohash,
}), flush=True)
sys.exit(0 if done else 1)
