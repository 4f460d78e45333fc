package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import bt.net.Peer;
import bt.net.buffer.BorrowedBuffer;
import bt.net.buffer.BufferMutator;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.ChannelPipeline;
import bt.net.pipeline.ChannelPipelineBuilder;
import bt.net.pipeline.DefaultChannelPipeline;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.net.pipeline.OpenChannelPipelineBuilder;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;
import com.google.inject.Inject;

/**
 * Bt 1.10's pipeline factory, with a fix for encrypted (MSE, RC4) connections whose first BitTorrent bytes arrive
 * together with the end of the MSE handshake.
 *
 * <p>Bt's {@code MSEHandshakeProcessor} decrypts every byte it has read when the MSE handshake ends and leaves the
 * surplus in the inbound buffer: the initiator's initial payload (IA, which Transmission fills with its BitTorrent
 * handshake) when Bt answers, or the payload the answering side sends right after its padding (Transmission sends
 * its handshake there too) when Bt initiates. The pipeline then runs its RC4 decoder over those bytes a second time;
 * the handshake turns into garbage ({@code Unknown message type ID}), the RC4 stream is off by that many bytes for
 * good, and Bt drops the connection. libtorrent, aria2 and webtorrent never put payload there, so only
 * Transmission met this. Here the decoders skip the bytes that are already in the buffer when the pipeline is built
 * (with Bt 1.10 those are always the MSE handshake's already-decrypted surplus), and see only what arrives later.
 */
public final class MseSafePipelineFactory implements IChannelPipelineFactory {
    private final IBufferManager bufferManager;
    private final IBufferedPieceRegistry bufferedPieceRegistry;

    @Inject
    public MseSafePipelineFactory(IBufferManager bufferManager, IBufferedPieceRegistry bufferedPieceRegistry) {
        this.bufferManager = bufferManager;
        this.bufferedPieceRegistry = bufferedPieceRegistry;
    }

    @Override
    public ChannelPipelineBuilder buildPipeline(Peer peer) {
        return new OpenChannelPipelineBuilder(peer) {
            @Override
            protected ChannelPipeline doBuild(Peer peer, ByteChannel channel, MessageHandler<Message> protocol,
                                              Optional<BorrowedBuffer<ByteBuffer>> inboundBuffer,
                                              Optional<BorrowedBuffer<ByteBuffer>> outboundBuffer,
                                              List<BufferMutator> decoders, List<BufferMutator> encoders) {
                BorrowedBuffer<ByteBuffer> in = inboundBuffer.orElseGet(bufferManager::borrowByteBuffer);
                BorrowedBuffer<ByteBuffer> out = outboundBuffer.orElseGet(bufferManager::borrowByteBuffer);
                List<BufferMutator> effective = decoders;
                if (!decoders.isEmpty()) {
                    int alreadyDecrypted;
                    ByteBuffer b = in.lockAndGet();
                    try {
                        // the MSE processor leaves the buffer in write mode: position = bytes held
                        alreadyDecrypted = b == null ? 0 : b.position();
                    } finally {
                        in.unlock();
                    }
                    if (alreadyDecrypted > 0) {
                        effective = new ArrayList<>();
                        for (BufferMutator d : decoders) {
                            effective.add(new SkipFirst(alreadyDecrypted, d));
                        }
                    }
                }
                return new DefaultChannelPipeline(peer, protocol, in, out, effective, encoders, bufferedPieceRegistry);
            }
        };
    }

    /** Leaves the first {@code n} bytes it is given unchanged, then hands everything to {@code next}. */
    static final class SkipFirst implements BufferMutator {
        private final BufferMutator next;
        private long left;

        SkipFirst(long n, BufferMutator next) {
            this.left = n;
            this.next = next;
        }

        @Override
        public void mutate(ByteBuffer buffer) {
            if (left > 0) {
                int skip = (int) Math.min(left, buffer.remaining());
                buffer.position(buffer.position() + skip);
                left -= skip;
            }
            if (buffer.hasRemaining()) {
                next.mutate(buffer);
            }
        }
    }
}
