package io.github.torrenthttpbridge.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Optional;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.PeerConnectionFactory;
import bt.net.crypto.MSEHandshakeProcessor;
import bt.protocol.Message;
import bt.protocol.crypto.MSECipher;
import bt.protocol.handler.MessageHandler;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;

/**
 * Bt 1.10's MSE handshake, with a fix for outgoing connections on which the other side chooses plaintext.
 *
 * <p>When Bt initiates MSE and the answering peer selects plaintext (crypto_select 0x01; Transmission does this when
 * set to prefer plaintext), the peer's BitTorrent handshake may follow its padding in the same packet. That
 * payload is plaintext on the wire, but Bt has already run it through the RC4 decryptor with the rest of what it
 * read, so the handshake arrives as garbage and the connection is dropped. Here the channel is recorded during the
 * MSE handshake, and in that case the bytes left in the buffer are put back as they came off the wire.
 * (The encrypted cases are handled in {@link MseSafePipelineFactory}.)
 */
final class MseSafeHandshakeProcessor extends MSEHandshakeProcessor {
    MseSafeHandshakeProcessor(TorrentRegistry torrentRegistry, MessageHandler<Message> protocol, Config config) {
        super(torrentRegistry, protocol, config);
    }

    /** Puts this processor into a Bt 1.10 {@link PeerConnectionFactory} in place of the one it made itself. */
    static PeerConnectionFactory install(PeerConnectionFactory factory, MseSafeHandshakeProcessor processor) {
        try {
            Field f = PeerConnectionFactory.class.getDeclaredField("cryptoHandshakeProcessor");
            f.setAccessible(true);
            f.set(factory, processor);
            return factory;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Bt version is not the one torrent-http-bridge was written for (1.10): "
                    + "cannot install the MSE fix", e);
        }
    }

    @Override
    public Optional<MSECipher> negotiateOutgoing(Peer peer, ByteChannel channel, TorrentId torrentId, ByteBuffer in,
                                                 ByteBuffer out) throws IOException {
        RecordingChannel recorded = new RecordingChannel(channel);
        Optional<MSECipher> cipher = super.negotiateOutgoing(peer, recorded, torrentId, in, out);
        int leftover = in.position();  // Bt leaves the buffer in write mode, holding what came after the handshake
        if (cipher.isEmpty() && leftover > 0) {
            byte[] wire = recorded.last(leftover);
            if (wire != null) {
                in.put(0, wire);
            }
        }
        return cipher;
    }

    /** A channel that keeps a copy of every byte read through it (only used during the MSE handshake). */
    private static final class RecordingChannel implements ByteChannel {
        private final ByteChannel delegate;
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();

        RecordingChannel(ByteChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int start = dst.position();
            int n = delegate.read(dst);
            if (n > 0) {
                ByteBuffer copy = dst.duplicate();
                copy.position(start).limit(start + n);
                byte[] b = new byte[n];
                copy.get(b);
                read.writeBytes(b);
            }
            return n;
        }

        /** The last {@code n} bytes read, or null if fewer were read. */
        byte[] last(int n) {
            byte[] all = read.toByteArray();
            if (all.length < n) {
                return null;
            }
            byte[] tail = new byte[n];
            System.arraycopy(all, all.length - n, tail, 0, n);
            return tail;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return delegate.write(src);
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
