package io.github.torrenthttpbridge.engine;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IPeerConnectionFactory;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;

/**
 * Bt's connection factory, with every established connection wrapped in a {@link Watched} one so the
 * {@link PeerGuard} can see how long a write to it has been blocked, and incoming connections that failed their
 * handshake (garbage instead of a handshake, an unknown torrent, a failed encryption negotiation) counted.
 */
final class GuardedConnectionFactory implements IPeerConnectionFactory {
    private final IPeerConnectionFactory delegate;
    private final PeerGuard guard;

    GuardedConnectionFactory(IPeerConnectionFactory delegate, PeerGuard guard) {
        this.delegate = delegate;
        this.guard = guard;
    }

    @Override
    public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrentId) {
        ConnectionResult r = delegate.createOutgoingConnection(peer, torrentId);
        return r.isSuccess() ? ConnectionResult.success(guard.watch(new Watched(r.getConnection()))) : r;
    }

    @Override
    public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
        ConnectionResult r = delegate.createIncomingConnection(peer, channel);
        if (!r.isSuccess()) {
            guard.handshakeRefused(peer, r.getMessage().orElse("") + r.getError().map(e -> ": " + e).orElse(""));
            return r;
        }
        return ConnectionResult.success(guard.watch(new Watched(r.getConnection())));
    }

    /**
     * A connection that records since when a write to it has been under way. Bt writes every peer's messages on
     * one thread and, when a peer's socket buffer is full, retries the write in a loop until it drains: a peer that
     * never reads would hold that thread (and so every other peer) until Bt's 3-minute inactivity limit.
     */
    static final class Watched implements PeerConnection {
        final PeerConnection delegate;
        /** {@link System#nanoTime()} when the write under way started; 0 when none is. */
        volatile long writingSince;

        Watched(PeerConnection delegate) {
            this.delegate = delegate;
        }

        @Override
        public void postMessage(Message message) throws IOException {
            writingSince = System.nanoTime() | 1;
            try {
                delegate.postMessage(message);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public Peer getRemotePeer() {
            return delegate.getRemotePeer();
        }

        @Override
        public int getRemotePort() {
            return delegate.getRemotePort();
        }

        @Override
        public TorrentId setTorrentId(TorrentId torrentId) {
            return delegate.setTorrentId(torrentId);
        }

        @Override
        public TorrentId getTorrentId() {
            return delegate.getTorrentId();
        }

        @Override
        public Message readMessageNow() throws IOException {
            return delegate.readMessageNow();
        }

        @Override
        public Message readMessage(long timeout) throws IOException {
            return delegate.readMessage(timeout);
        }

        @Override
        public long getLastActive() {
            return delegate.getLastActive();
        }

        @Override
        public void closeQuietly() {
            delegate.closeQuietly();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public boolean isClosed() {
            return delegate.isClosed();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
