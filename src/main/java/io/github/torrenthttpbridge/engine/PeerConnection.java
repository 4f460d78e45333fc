package io.github.torrenthttpbridge.engine;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's TCP connection: reads and frames what the peer sends (after the optional MSE handshake and the
 * BitTorrent handshake), and writes through its own bounded {@link SendQueue}, so a peer that does not read only
 * ever holds up itself. Protocol decisions live in {@link PeerSession}; all state is guarded by this object's lock.
 * Reading never blocks (pieces are claimed asynchronously), so its callback says so ({@code NON_BLOCKING}) and
 * jetty-io runs it on the selector thread itself: no hand-off to another thread per read. (Written against the
 * {@code EndPoint.fillInterested(Callback)} API that Jetty 12.0 and 12.1 share: Spring Boot 3.5 manages 12.0.)
 */
final class PeerConnection extends AbstractConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    private static final int INITIAL_BUFFER = 16 * 1024;
    /** Largest message before the torrent is known: an MSE handshake with its pads and a 64 KiB initial payload. */
    private static final int MAX_BEFORE_ACTIVE = 64 * 1024 + 1024;
    /** Bytes one connection may read in one pass before it yields the selector to the others. */
    static final int READ_BUDGET_PER_PASS = 256 * 1024;

    private enum State { DETECT, MSE, HANDSHAKE, ACTIVE, CLOSED }

    final WireEngine engine;
    final SendQueue out;
    private final boolean outgoing;
    private final WireEngine.Dial dial;
    private boolean answered;
    private final long openedNanos = System.nanoTime();
    private final String remoteName;
    private State state;
    /** Received bytes in flush mode (position..limit), already decrypted. */
    private ByteBuffer in = ByteBuffer.allocate(INITIAL_BUFFER).limit(0);
    private SeedTorrent torrent;
    /** Set once under the lock after the handshakes; read by other connections' peer exchange without it. */
    private volatile PeerSession session;
    private Rc4 decryptor;
    private MseHandshake mse;
    private boolean countedDropped;
    /** Not read while its send queue is full (backpressure); read again once it drains. */
    private boolean paused;
    private final java.net.InetAddress remoteAddress;
    /** Counted by the engine's admission as handshaking until it becomes a peer or closes. */
    private boolean handshaking;
    final java.util.concurrent.atomic.AtomicBoolean evicting = new java.util.concurrent.atomic.AtomicBoolean();

    /** An accepted connection ({@code dial} null) or one we opened for a torrent. */
    PeerConnection(EndPoint endPoint, WireEngine engine, WireEngine.Dial dial) {
        super(endPoint, engine.executor());
        this.engine = engine;
        this.out = new SendQueue(this, endPoint, engine.sendHighWatermark(), engine.queuedForAll(),
                engine.budgets().totalSendBytes());
        this.outgoing = dial != null;
        this.dial = dial;
        this.torrent = dial == null ? null : dial.torrent();
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        this.remoteName = remote instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(remote);
        this.remoteAddress = remote instanceof InetSocketAddress a ? a.getAddress() : null;
        this.handshaking = dial == null;
        this.state = outgoing ? State.HANDSHAKE : State.DETECT;
    }

    private final Callback readable = new Callback() {
        @Override
        public void succeeded() {
            onFillable();
        }

        @Override
        public void failed(Throwable cause) {
            close("read failed: " + cause);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    };

    @Override
    public void fillInterested() {
        getEndPoint().fillInterested(readable);
    }

    String remoteName() {
        return remoteName;
    }

    java.net.InetAddress remoteAddress() {
        return remoteAddress;
    }

    /** Whether the engine's admission still counts it as handshaking (incoming, not yet a peer). */
    synchronized boolean takeHandshaking() {
        boolean was = handshaking;
        handshaking = false;
        return was;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        if (outgoing) {
            synchronized (this) {
                ByteBuffer hs = Wire.handshake(dial.infoHash(), engine.peerId(), engine.dhtEnabled(), torrent.v2Hash != null);
                if (dial.encrypted()) {
                    mse = MseHandshake.initiator(dial.infoHash(), engine.cryptoProvide(), toArray(hs));
                    state = State.MSE;
                    out.sendRaw(mse.start());
                } else {
                    out.send(hs);
                }
            }
        }
        fillInterested();
    }

    @Override
    public void onFillable() {
        try {
            int budget = READ_BUDGET_PER_PASS;
            while (true) {
                int n;
                synchronized (this) {
                    if (state == State.CLOSED || paused) {
                        return;   // paused: sendDrained() reads on
                    }
                    makeRoom();
                    int start = in.limit();
                    n = getEndPoint().fill(in);
                    if (n > 0) {
                        answered = true;
                        if (decryptor != null) {
                            decryptor.apply(in.array(), in.arrayOffset() + start, n);
                        }
                        process();
                        if (session != null && state == State.ACTIVE) {
                            session.pump();   // once per read: the blocks of all requests read go out together
                        }
                        if (paused) {
                            return;
                        }
                    }
                }
                if (n < 0) {
                    close("closed by the peer");
                    return;
                }
                budget -= n;
                if (n == 0 || budget <= 0) {
                    fillInterested();   // also yields the selector to other connections after a pass's budget
                    return;
                }
            }
        } catch (ProtocolException e) {
            drop(e.kind, e.getMessage());
        } catch (Throwable e) {
            LOG.debug("connection to {} failed", remoteName, e);
            close(e.toString());
        }
    }

    /** The send queue drained below its watermark (its lock held): a connection paused for backpressure reads on. */
    void sendDrained() {
        if (paused && state != State.CLOSED) {
            paused = false;
            engine.executor().execute(this::resume);
        }
    }

    /** Handles what was read before the pause, then reads again. */
    private void resume() {
        try {
            synchronized (this) {
                if (state == State.CLOSED || paused) {
                    return;
                }
                process();
                if (session != null && state == State.ACTIVE) {
                    session.pump();
                }
                if (paused || state == State.CLOSED) {
                    return;
                }
            }
            onFillable();
        } catch (ProtocolException e) {
            drop(e.kind, e.getMessage());
        } catch (Throwable e) {
            LOG.debug("connection to {} failed", remoteName, e);
            close(e.toString());
        }
    }

    /**
     * Compacts the input buffer, growing it only as far as the message on its way needs and never past the
     * largest message legal in this state; shrinks it back once a large message has been handled.
     */
    private void makeRoom() {
        if (in.position() > 0) {
            in.compact().flip();
        }
        if (in.capacity() > INITIAL_BUFFER && in.remaining() < INITIAL_BUFFER / 2) {
            ByteBuffer small = ByteBuffer.allocate(INITIAL_BUFFER);
            small.put(in).flip();
            in = small;
        }
        if (in.limit() == in.capacity()) {
            int limit = maxMessage();
            int needed = in.capacity() * 2;
            if (state == State.ACTIVE && in.remaining() >= 4) {
                needed = Math.max(in.capacity() + 1, 4 + in.getInt(in.position()));
            }
            if (needed > limit) {
                throw new ProtocolException("a message longer than " + (limit - 4) + " bytes, the largest this peer may send");
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(limit, Math.max(needed, in.capacity() * 2)));
            bigger.put(in).flip();
            in = bigger;
        }
    }

    /** The largest frame (with its length prefix) legal now: a seed is sent bitfields, extension messages, requests. */
    private int maxMessage() {
        if (state != State.ACTIVE || torrent == null) {
            return MAX_BEFORE_ACTIVE;
        }
        return 4 + Math.max(ExtensionMessages.MAX_MESSAGE + 2, 1 + (torrent.meta.pieceCount() + 7) / 8);
    }

    private void process() {
        while (true) {
            switch (state) {
                case DETECT -> {
                    if (in.remaining() < 20) {
                        return;
                    }
                    if (Wire.isPlainHandshake(in)) {
                        if (!engine.acceptPlaintextHandshake()) {
                            refuse("plain BitTorrent handshake while encryption is required");
                            return;
                        }
                        state = State.HANDSHAKE;
                    } else {
                        String full = engine.admitKeyExchange(remoteAddress);
                        if (full != null) {
                            refuse(full, "too many encryption handshakes a second");
                            return;
                        }
                        mse = MseHandshake.receiver(engine::infoHashForReq2, engine.allowPlaintext(), engine.allowRc4());
                        state = State.MSE;
                    }
                }
                case MSE -> {
                    if (!processMse()) {
                        return;
                    }
                }
                case HANDSHAKE -> {
                    if (in.remaining() < Wire.HANDSHAKE_LENGTH) {
                        return;
                    }
                    if (!handshake()) {
                        return;
                    }
                    state = State.ACTIVE;
                }
                case ACTIVE -> {
                    if (in.remaining() < 4) {
                        return;
                    }
                    if (out.full()) {
                        paused = true;   // backpressure: what the peer sends waits in its socket, not in our memory
                        return;
                    }
                    int length = in.getInt(in.position());
                    if (length < 0 || length > maxMessage() - 4) {
                        throw new ProtocolException("message length " + Integer.toUnsignedString(length));
                    }
                    if (in.remaining() < 4 + length) {
                        return;
                    }
                    in.position(in.position() + 4);
                    ByteBuffer message = in.slice(in.position(), length);
                    in.position(in.position() + length);
                    if (length > 0) {
                        session.onMessage(message);
                    }
                    if (state == State.CLOSED) {
                        return;
                    }
                }
                case CLOSED -> {
                    return;
                }
            }
        }
    }

    /** Feeds the MSE handshake; true once it is complete and the stream continues in {@code in}. */
    private boolean processMse() {
        List<ByteBuffer> reply = new ArrayList<>(2);
        boolean done;
        try {
            done = mse.process(in, reply);
        } catch (MseException e) {
            refuse("encryption handshake failed: " + e.getMessage());
            return false;
        }
        for (ByteBuffer b : reply) {
            out.sendRaw(b);
        }
        if (!done) {
            return false;
        }
        if (mse.crypto() == MseHandshake.Crypto.RC4) {
            decryptor = mse.decryptor();
            out.encryptWith(mse.encryptor());
            if (in.hasRemaining()) {
                decryptor.apply(in.array(), in.arrayOffset() + in.position(), in.remaining());
            }
        }
        if (!outgoing) {
            ByteBuffer ia = mse.initialPayload();
            if (ia != null && ia.hasRemaining()) {
                ByteBuffer joined = ByteBuffer.allocate(Math.max(INITIAL_BUFFER, ia.remaining() + in.remaining()));
                joined.put(ia).put(in).flip();
                in = joined;
            }
        }
        state = State.HANDSHAKE;
        return true;
    }

    /** Checks the peer's BitTorrent handshake; answers it (incoming) and starts the session. */
    private boolean handshake() {
        int p = in.position();
        if (!Wire.isPlainHandshake(in)) {
            refuse("not a BitTorrent handshake");
            return false;
        }
        byte[] reserved = new byte[8];
        byte[] infoHash = new byte[20];
        byte[] peerId = new byte[20];
        in.get(p + 20, reserved).get(p + 28, infoHash).get(p + 48, peerId);
        in.position(p + Wire.HANDSHAKE_LENGTH);
        if (Arrays.equals(peerId, engine.peerId())) {
            refuse("connected to ourselves");
            return false;
        }
        if (mse != null && !outgoing && !Arrays.equals(infoHash, mse.infoHash())) {
            refuse("the handshake names another torrent than the encryption handshake");
            return false;
        }
        byte[] answer = infoHash;
        if (outgoing) {
            // a v2 peer may answer our v1 hash of a hybrid with the v2 one (BEP 52 upgrade)
            if (!torrent.knownBy(infoHash)) {
                refuse("the peer answered for another torrent");
                return false;
            }
        } else {
            torrent = engine.torrent(infoHash);
            if (torrent == null) {
                refuse("not seeding " + java.util.HexFormat.of().formatHex(infoHash));
                return false;
            }
            answer = answerHash(infoHash, reserved);
        }
        String full = engine.admit(this, torrent);
        if (full != null) {
            refuse("peer_limit", full);
            return false;
        }
        engine.handshakeDone(this);
        boolean fast = (reserved[7] & Wire.RESERVED_FAST_BIT) != 0;
        boolean extended = (reserved[Wire.RESERVED_EXTENSION_BYTE] & Wire.RESERVED_EXTENSION_BIT) != 0;
        boolean dht = (reserved[7] & Wire.RESERVED_DHT_BIT) != 0;
        if (LOG.isDebugEnabled() && torrent.v2Hash != null) {
            LOG.debug("{} handshake with {}: it named the {} hash{}, we answer with the {} hash", outgoing ? "outgoing" : "incoming",
                    remoteName, Arrays.equals(infoHash, torrent.v2Hash.bytes()) ? "v2" : "v1",
                    (reserved[7] & Wire.RESERVED_V2_BIT) != 0 ? " and the v2 bit" : "",
                    Arrays.equals(answer, torrent.v2Hash.bytes()) ? "v2" : "v1");
        }
        session = new PeerSession(this, torrent, fast, extended);
        if (!outgoing) {
            out.send(Wire.handshake(answer, engine.peerId(), engine.dhtEnabled(), torrent.v2Hash != null));
        }
        session.start(dht);
        return true;
    }

    /**
     * The hash our handshake answers with: the one the peer named, except that a plain (not MSE) handshake naming a
     * hybrid's v1 hash with the BEP 52 v2 bit set is upgraded to the v2 swarm (the truncated v2 hash), as libtorrent
     * 2.0 does; under MSE the hash stays the one the encryption keys were derived from.
     */
    private byte[] answerHash(byte[] named, byte[] reserved) {
        if (mse == null && torrent.v2Hash != null && (reserved[7] & Wire.RESERVED_V2_BIT) != 0
                && !Arrays.equals(named, torrent.v2Hash.bytes())) {
            return torrent.v2Hash.bytes();
        }
        return named;
    }

    private void refuse(String why) {
        refuse("handshake", why);
    }

    /** Closes a connection that did not become a peer, counted (incoming) under {@code kind}. */
    private void refuse(String kind, String why) {
        if (state == State.CLOSED) {
            return;
        }
        if (!outgoing) {
            engine.refused(this, kind, why);
        }
        close(why);
    }

    /** Disconnects a peer that broke the rules, counted once as dropped. */
    void drop(String kind, String why) {
        synchronized (this) {
            if (state == State.CLOSED || countedDropped) {
                return;
            }
            countedDropped = true;
        }
        if (session == null) {
            refuse(why);
            return;
        }
        engine.dropped(this, kind, why);
        close(why);
    }

    void close(String why) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            LOG.debug("closing {}: {}", remoteName, why);
            if (session != null) {
                session.closed();
            }
            out.closed();
        }
        engine.closed(this, torrent);
        getEndPoint().close();
        if (outgoing && !answered && !dial.encrypted()) {
            engine.redialEncrypted(dial);
        }
    }

    boolean isActive() {
        return state == State.ACTIVE;
    }

    /** Whether we dialed this peer (so it accepts connections at the address we reached it on). */
    boolean isOutgoing() {
        return outgoing;
    }

    /** Whether it is not read now because its send queue is full. */
    synchronized boolean isPaused() {
        return paused;
    }

    synchronized boolean isClosedState() {
        return state == State.CLOSED;
    }

    PeerSession session() {
        return session;
    }

    long openedNanos() {
        return openedNanos;
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        close("idle");
        return true;
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        close(cause == null ? "closed" : cause.toString());
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** What the peer sent breaks the protocol: it is dropped. */
    static final class ProtocolException extends RuntimeException {
        final String kind;

        ProtocolException(String message) {
            this("protocol_error", message);
        }

        ProtocolException(String kind, String message) {
            super(message);
            this.kind = kind;
        }
    }
}
