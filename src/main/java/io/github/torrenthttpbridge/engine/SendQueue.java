package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One peer's outgoing bytes: a queue of buffers written with non-blocking gathering writes, one write in flight at a
 * time. Every message counts against the peer's send budget (the high watermark) and against one budget for all
 * peers: callers check {@link #full()} before queueing more blocks, and the connection reads nothing more from a
 * peer whose queue is full (backpressure), so a peer that does not read holds at most about a watermark of memory
 * (plus one reply) and never a thread. Encryption (RC4 after MSE) is applied as bytes are
 * queued, which is the order they go on the wire. Guarded by the connection's lock.
 */
final class SendQueue extends IteratingCallback {
    private static final int MAX_BATCH_BUFFERS = 64;
    private static final long MAX_BATCH_BYTES = 256 * 1024;

    /** Buffers and what to do once they are written (or discarded, when the connection closes first). */
    private record Entry(ByteBuffer[] buffers, long bytes, Done done) {
    }

    /** Called once per queued block: written true when its bytes reached the socket. */
    interface Done {
        void done(boolean written);
    }

    private final PeerConnection conn;
    private final EndPoint endPoint;
    private final long highWatermark;
    /** Bytes queued for every peer of the engine, and their bound. */
    private final java.util.concurrent.atomic.AtomicLong queuedForAll;
    private final long allWatermark;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final List<Entry> inFlight = new ArrayList<>();
    private long queuedBytes;
    private Rc4 encryptor;
    private boolean closed;
    /** When the write now in flight started (0: none in flight). */
    private volatile long writingSinceNanos;
    private volatile long lastSendNanos = System.nanoTime();

    SendQueue(PeerConnection conn, EndPoint endPoint, long highWatermark,
              java.util.concurrent.atomic.AtomicLong queuedForAll, long allWatermark) {
        this.conn = conn;
        this.endPoint = endPoint;
        this.highWatermark = highWatermark;
        this.queuedForAll = queuedForAll;
        this.allWatermark = allWatermark;
    }

    /** From now on everything queued is RC4-encrypted with this stream. */
    void encryptWith(Rc4 encryptor) {
        this.encryptor = encryptor;
    }

    /** Queues bytes exactly as given (MSE handshake bytes, already in their final form). */
    void sendRaw(ByteBuffer b) {
        enqueue(new Entry(new ByteBuffer[] {b}, b.remaining(), null));
    }

    /** Queues a protocol message (encrypted when the stream is). */
    void send(ByteBuffer message) {
        send(message, null);
    }

    /** Queues a protocol message; {@code done} (may be null) is told whether it was written. */
    void send(ByteBuffer message, Done done) {
        if (encryptor != null) {
            message = encrypted(message, null);
        }
        enqueue(new Entry(new ByteBuffer[] {message}, message.remaining(), done));
    }

    /** Queues a block: its header and a read-only view of verified piece bytes, sent without copying when plain. */
    void sendBlock(ByteBuffer header, ByteBuffer data, Done done) {
        long bytes = header.remaining() + data.remaining();
        if (encryptor != null) {
            enqueue(new Entry(new ByteBuffer[] {encrypted(header, data)}, bytes, done));
        } else {
            enqueue(new Entry(new ByteBuffer[] {header, data}, bytes, done));
        }
    }

    private ByteBuffer encrypted(ByteBuffer a, ByteBuffer b) {
        ByteBuffer copy = ByteBuffer.allocate(a.remaining() + (b == null ? 0 : b.remaining()));
        copy.put(a.duplicate());
        if (b != null) {
            copy.put(b.duplicate());
        }
        copy.flip();
        encryptor.apply(copy.array(), 0, copy.limit());
        return copy;
    }

    private void enqueue(Entry e) {
        if (closed) {
            if (e.done != null) {
                e.done.done(false);
            }
            return;
        }
        queue.add(e);
        queuedBytes += e.bytes;
        queuedForAll.addAndGet(e.bytes);
        lastSendNanos = System.nanoTime();
        iterate();
    }

    /**
     * At or over the peer's watermark, or holding something while all peers together are over theirs: queue no more
     * blocks and read no more until some are written (a peer with nothing queued is never held by the others).
     */
    boolean full() {
        return queuedBytes >= highWatermark || (queuedBytes > 0 && queuedForAll.get() >= allWatermark);
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** Nanos since a write that has not completed started, 0 when none is blocked. */
    long writeBlockedNanos(long now) {
        long since = writingSinceNanos;
        return since == 0 ? 0 : now - since;
    }

    long lastSendNanos() {
        return lastSendNanos;
    }

    @Override
    protected Action process() {
        ByteBuffer[] batch;
        boolean drained;
        synchronized (conn) {
            settle(true);
            if (closed) {
                return Action.SUCCEEDED;
            }
            drained = !full();
            if (queue.isEmpty()) {
                writingSinceNanos = 0;
                batch = null;
            } else {
                List<ByteBuffer> buffers = new ArrayList<>();
                long bytes = 0;
                while (!queue.isEmpty() && buffers.size() < MAX_BATCH_BUFFERS && bytes < MAX_BATCH_BYTES) {
                    Entry e = queue.poll();
                    inFlight.add(e);
                    bytes += e.bytes;
                    for (ByteBuffer b : e.buffers) {
                        buffers.add(b);
                    }
                }
                batch = buffers.toArray(new ByteBuffer[0]);
                writingSinceNanos = System.nanoTime();
            }
            if (drained && conn.session() != null) {
                conn.session().pump();   // may queue more: iterate() then makes this run again
            }
            if (drained) {
                conn.sendDrained();   // a connection held for backpressure reads again
            }
        }
        if (batch == null) {
            return Action.IDLE;
        }
        endPoint.write(this, batch);
        return Action.SCHEDULED;
    }

    /** The entries of the write that just finished (or of all queued ones, when closing) are done. */
    private void settle(boolean written) {
        for (Entry e : inFlight) {
            queuedBytes -= e.bytes;
            queuedForAll.addAndGet(-e.bytes);
            if (e.done != null) {
                e.done.done(written);
            }
        }
        inFlight.clear();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        conn.close("write failed: " + cause);
    }

    /** The connection closed: blocks not yet written are given up. */
    void closed() {
        closed = true;
        settle(false);
        for (Entry e : queue) {
            if (e.done != null) {
                e.done.done(false);
            }
        }
        queue.clear();
        queuedForAll.addAndGet(-queuedBytes);
        queuedBytes = 0;
        writingSinceNanos = 0;
    }
}
