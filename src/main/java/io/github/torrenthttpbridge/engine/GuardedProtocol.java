package io.github.torrenthttpbridge.engine;

import java.util.Collection;

import bt.net.buffer.ByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import bt.protocol.Handshake;
import bt.protocol.InvalidMessageException;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;

/**
 * Bt's BitTorrent protocol (framing and decoding of every message), with two additions for hostile peers:
 * <ul>
 *   <li>a length prefix above {@link #MAX_MESSAGE} is refused at once. Bt would wait for the whole message: a prefix
 *       of 2^31-1 left the connection open until Bt's 3-minute inactivity limit, and one larger than the
 *       connection's 4 MiB buffer can never be decoded at all (Bt then retries that connection's read in a loop);</li>
 *   <li>a decoding error after the peer's handshake (an unknown message id, a request of the wrong length, ...) is
 *       reported to the {@link PeerGuard}, which counts the peer as dropped. Bt itself closes the connection on any
 *       decoding error; errors before the handshake are refused handshakes, counted by the connection factory.</li>
 * </ul>
 */
final class GuardedProtocol implements MessageHandler<Message> {
    /**
     * Longest message a peer may send (length prefix, bytes). What a seeder receives is small: requests, haves,
     * a bitfield (128 KiB for a million pieces), extended messages (metadata blocks of 16 KiB).
     */
    static final int MAX_MESSAGE = 1024 * 1024;
    private static final int HANDSHAKE_FIRST_BYTE = 19;

    private final MessageHandler<Message> delegate;
    private final PeerGuard guard;

    GuardedProtocol(MessageHandler<Message> delegate, PeerGuard guard) {
        this.delegate = delegate;
        this.guard = guard;
    }

    @Override
    public int decode(DecodingContext context, ByteBufferView buffer) {
        try {
            checkLength(buffer);
            int consumed = delegate.decode(context, buffer);
            if (consumed > 0 && context.getMessage() instanceof Handshake) {
                guard.handshakeReceived(context.getPeer());
            }
            return consumed;
        } catch (RuntimeException e) {
            guard.protocolError(context.getPeer(), e);
            throw e;
        }
    }

    /** Peeks at the length prefix (a first byte of 19 is a handshake to Bt, whose own decoder checks it). */
    private static void checkLength(ByteBufferView buffer) {
        if (buffer.remaining() < Integer.BYTES) {
            return;
        }
        int position = buffer.position();
        try {
            if (buffer.get() == HANDSHAKE_FIRST_BYTE) {
                return;
            }
            buffer.position(position);
            int length = buffer.getInt();
            if (length < 0 || length > MAX_MESSAGE) {
                throw new InvalidMessageException("message length " + Integer.toUnsignedString(length)
                        + " exceeds the limit of " + MAX_MESSAGE + " bytes");
            }
        } finally {
            buffer.position(position);
        }
    }

    @Override
    public boolean encode(EncodingContext context, Message message, java.nio.ByteBuffer buffer) {
        return delegate.encode(context, message, buffer);
    }

    @Override
    public Collection<Class<? extends Message>> getSupportedTypes() {
        return delegate.getSupportedTypes();
    }

    @Override
    public Class<? extends Message> readMessageType(ByteBufferView buffer) {
        return delegate.readMessageType(buffer);
    }
}
