package io.github.torrenthttpbridge.bridge;

/** Why the bridge disconnected a peer (see {@link TorrentBridge#peersDropped(PeerDropReason)}). */
public enum PeerDropReason {
    /** It sent something that is not BitTorrent after its handshake (unknown id, wrong length, oversized prefix). */
    PROTOCOL_ERROR,
    /** It asked for a block outside a piece, past the file's end, or larger than 128 KiB. */
    BAD_REQUEST,
    /** It kept more block requests outstanding than one peer may. */
    FLOOD,
    /** A write to it stayed blocked too long: it does not read its socket. */
    NOT_READING,
    /** Its requests made the origin send far more than it took (request/cancel churn), after one choke. */
    ORIGIN_CHURN,
    /** It made room for a new peer: slots were full and it was not interested (or idle) the longest. */
    EVICTED
}
