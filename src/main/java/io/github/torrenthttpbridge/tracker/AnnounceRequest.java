package io.github.torrenthttpbridge.tracker;

import java.util.Objects;

import io.github.torrenthttpbridge.torrent.InfoHash;

/**
 * One announce to a tracker (BEP 3). A seed sends {@code left} = 0.
 *
 * @param infoHash   the torrent
 * @param peerId     our 20-byte peer id
 * @param port       our TCP port for peers
 * @param uploaded   bytes uploaded for this torrent since start
 * @param downloaded bytes downloaded (0 for a bridge)
 * @param left       bytes still missing (0 for a seed)
 * @param event      started, stopped, completed or none (a regular re-announce)
 * @param numwant    peers asked for (0 for a stopped event)
 * @param key        a number that stays the same across announces of this process (BEP 7: lets a tracker recognise
 *                   us when our address changes)
 * @param ip         the address peers should use, sent as BEP 3's {@code ip} (an IP or DNS name), or null to send
 *                   none (the tracker then uses the address the announce came from; many trackers ignore it anyway)
 */
public record AnnounceRequest(InfoHash infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
                              Event event, int numwant, int key, String ip) {
    /** The {@code event} parameter; {@link #NONE} sends none. */
    public enum Event {
        NONE, STARTED, STOPPED, COMPLETED;

        String param() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AnnounceRequest {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(event, "event");
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("a peer id has 20 bytes");
        }
        peerId = peerId.clone();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("uploaded, downloaded and left must not be negative");
        }
        if (numwant < 0 || numwant > 1000) {
            throw new IllegalArgumentException("numwant must be 0 to 1000, got " + numwant);
        }
        if (ip != null && !ip.matches("[A-Za-z0-9.:\\[\\]-]{1,255}")) {
            throw new IllegalArgumentException("bad ip " + ip);
        }
    }

    /** An announce without the {@code ip} parameter. */
    public AnnounceRequest(InfoHash infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
                           Event event, int numwant, int key) {
        this(infoHash, peerId, port, uploaded, downloaded, left, event, numwant, key, null);
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /** The same announce with another event (and numwant 0 for {@code stopped}). */
    public AnnounceRequest withEvent(Event e) {
        return new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left, e,
                e == Event.STOPPED ? 0 : numwant, key, ip);
    }
}
