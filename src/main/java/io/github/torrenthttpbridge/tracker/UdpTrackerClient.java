package io.github.torrenthttpbridge.tracker;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces to UDP trackers (BEP 15) over one datagram socket: a connect exchange whose connection id is reused for
 * a minute per tracker (one exchange at a time per tracker, shared by concurrent announces), then the announce.
 * Each exchange is resent after 2, 4, 8… seconds until the announce's deadline; answers are accepted only from the
 * address asked, with the transaction id and action expected. Bounded: transactions in flight, cached ids, queued
 * name lookups. Threads: one receiver, one timer, at most two for name lookups (started on first use).
 */
final class UdpTrackerClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTrackerClient.class);
    /** BEP 15: a connection id may be used for one minute after it was received; we stop a little earlier. */
    static final long CONNECTION_ID_NANOS = TimeUnit.SECONDS.toNanos(55);
    static final long FIRST_RESEND_MILLIS = 2000;
    static final int MAX_IN_FLIGHT = 1024;
    static final int MAX_TRACKERS = 1024;

    private final TrackerClientConfig config;
    private final DatagramChannel channel;
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor lookups;
    private final Thread receiver;
    private final Map<Integer, Exchange> inFlight = new ConcurrentHashMap<>();
    /** Connection ids (or the connect exchange under way) by tracker address, oldest first. */
    private final Map<InetSocketAddress, ConnectionId> ids = new LinkedHashMap<>();
    private volatile boolean closed;

    private record ConnectionId(CompletableFuture<Long> id, long obtainedAt) {
    }

    /** One request sent (and resent) until its answer, its deadline or the client's close. */
    private final class Exchange {
        final int tid;
        final InetSocketAddress to;
        final ByteBuffer packet;
        final int expectedAction;
        final CompletableFuture<ByteBuffer> answer = new CompletableFuture<>();
        volatile ScheduledFuture<?> resend;

        Exchange(int tid, InetSocketAddress to, ByteBuffer packet, int expectedAction) {
            this.tid = tid;
            this.to = to;
            this.packet = packet;
            this.expectedAction = expectedAction;
        }

        void send(long delayMillis, long deadline) {
            if (answer.isDone()) {
                return;
            }
            try {
                channel.send(packet.duplicate(), to);
            } catch (IOException e) {
                answer.completeExceptionally(e);
                return;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > delayMillis && !answer.isDone()) {
                try {
                    resend = timer.schedule(() -> send(delayMillis * 2, deadline), delayMillis, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    answer.completeExceptionally(new ClosedChannelException());
                }
            }
        }
    }

    UdpTrackerClient(TrackerClientConfig config) throws IOException {
        this.config = config;
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(config.bindAddress(), 0));
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tracker-udp-timer"));
        lookups = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                r -> daemon(r, "tracker-udp-dns"));
        lookups.allowCoreThreadTimeOut(true);
        receiver = daemon(this::receive, "tracker-udp");
        receiver.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Announces to {@code url} (udp://host:port[/path]); completes like {@link TrackerClient#announce}. */
    CompletableFuture<AnnounceResult> announce(URI url, AnnounceRequest request) {
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        if (url.getHost() == null || url.getPort() < 1) {
            return CompletableFuture.failedFuture(new TrackerException("UDP tracker URL needs a host and a port: " + url));
        }
        String pathAndQuery = (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        CompletableFuture<InetSocketAddress> address;
        try {
            address = CompletableFuture.supplyAsync(() -> resolve(url.getHost(), url.getPort()), lookups);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TrackerException("too many UDP tracker name lookups queued"));
        }
        return address.thenCompose(to -> connectionId(to, deadline).thenCompose(id -> exchange(to,
                        tid -> UdpTrackerPackets.announce(id, tid, request, pathAndQuery), UdpTrackerPackets.ANNOUNCE, deadline)
                .thenApply(answer -> {
                    try {
                        return UdpTrackerPackets.announceResult(answer, isIpv6(to), TrackerResponses.MAX_PEERS);
                    } catch (TrackerException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }).whenComplete((r, e) -> {
                    if (e != null) {
                        forget(to);   // an error may mean the id expired early; the next announce connects anew
                    }
                })));
    }

    private static InetSocketAddress resolve(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new java.util.concurrent.CompletionException(new TrackerException("unknown tracker host " + host));
        }
    }

    private static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }

    private CompletableFuture<Long> connectionId(InetSocketAddress to, long deadline) {
        CompletableFuture<Long> id;
        boolean start = false;
        synchronized (ids) {
            ConnectionId c = ids.get(to);
            if (c == null || System.nanoTime() - c.obtainedAt() > CONNECTION_ID_NANOS || c.id().isCompletedExceptionally()) {
                ids.remove(to);
                while (ids.size() >= MAX_TRACKERS) {
                    ids.remove(ids.keySet().iterator().next());
                }
                c = new ConnectionId(new CompletableFuture<>(), System.nanoTime());
                ids.put(to, c);
                start = true;
            }
            id = c.id();
        }
        if (start) {
            exchange(to, UdpTrackerPackets::connect, UdpTrackerPackets.CONNECT, deadline).thenApply(answer -> {
                try {
                    return UdpTrackerPackets.connectionId(answer);
                } catch (TrackerException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }).whenComplete((v, e) -> {
                if (e != null) {
                    forget(to);
                    id.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e);
                } else {
                    id.complete(v);
                }
            });
        }
        // a shared connect under way for another announce may outlive this one's deadline: wait only until ours
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return id.copy().orTimeout(left, TimeUnit.MILLISECONDS);
    }

    private void forget(InetSocketAddress to) {
        synchronized (ids) {
            ConnectionId c = ids.get(to);
            if (c != null && c.id().isDone()) {
                ids.remove(to);
            }
        }
    }

    private CompletableFuture<ByteBuffer> exchange(InetSocketAddress to, IntFunction<ByteBuffer> packet, int action, long deadline) {
        if (closed) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            return CompletableFuture.failedFuture(new TrackerException("too many UDP tracker requests in flight"));
        }
        Exchange x;
        do {
            int tid = ThreadLocalRandom.current().nextInt();
            x = new Exchange(tid, to, packet.apply(tid), action);
        } while (inFlight.putIfAbsent(x.tid, x) != null);
        Exchange ex = x;
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        ex.answer.orTimeout(left, TimeUnit.MILLISECONDS).whenComplete((a, e) -> {
            inFlight.remove(ex.tid, ex);
            ScheduledFuture<?> r = ex.resend;
            if (r != null) {
                r.cancel(false);
            }
        });
        ex.send(FIRST_RESEND_MILLIS, deadline);
        return ex.answer.exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof TimeoutException
                ? new TimeoutException("no answer from UDP tracker " + to + " in " + config.requestTimeout().toSeconds() + " s")
                : e));
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (!closed) {
            SocketAddress from;
            try {
                buf.clear();
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.debug("UDP tracker socket: {}", e.toString());
                continue;
            }
            buf.flip();
            int action = UdpTrackerPackets.action(buf);
            Exchange x = action < 0 ? null : inFlight.get(UdpTrackerPackets.transactionId(buf));
            if (x == null || !x.to.equals(from) || (action != x.expectedAction && action != UdpTrackerPackets.ERROR)) {
                continue;   // late, spoofed or stray: dropped
            }
            ByteBuffer copy = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
            if (action == UdpTrackerPackets.ERROR) {
                x.answer.completeExceptionally(new TrackerException(UdpTrackerPackets.error(copy)));
            } else {
                x.answer.complete(copy);
            }
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        timer.shutdownNow();
        lookups.shutdownNow();
        for (Exchange x : inFlight.values()) {
            x.answer.completeExceptionally(new ClosedChannelException());
        }
        try {
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
