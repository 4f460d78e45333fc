package io.github.torrenthttpbridge.engine;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may open a connection before any torrent is involved: connections per IP address (incoming and dialled),
 * incoming connections still handshaking (per address and in all), and the rate of MSE key exchanges, whose two
 * modular exponentiations are the dearest thing a stranger can make us compute (per address and in all). Each
 * check answers null (admitted) or the reason for the refusal, which the engine counts.
 */
final class Admission {
    static final String PER_IP = "per_ip_limit";
    /** Addresses whose key-exchange rate is remembered; the least recently seen are forgotten. */
    static final int MAX_RATED_ADDRESSES = 4096;
    static final String HANDSHAKES = "handshake_limit";
    static final String HANDSHAKES_PER_IP = "handshake_limit_per_ip";
    static final String KEY_EXCHANGES = "key_exchange_rate";

    private final PeerBudgets budgets;
    /** Per address: [0] connections, [1] of them handshaking. Entries go when both reach 0. */
    private final ConcurrentHashMap<InetAddress, int[]> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final Rate allKeyExchanges;
    private final Map<InetAddress, Rate> keyExchangesPerIp = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Rate> eldest) {
            return size() > MAX_RATED_ADDRESSES;
        }
    };
    private final java.util.function.LongSupplier clock;

    Admission(PeerBudgets budgets) {
        this(budgets, System::nanoTime);
    }

    Admission(PeerBudgets budgets, java.util.function.LongSupplier nanoClock) {
        this.budgets = budgets;
        this.clock = nanoClock;
        this.allKeyExchanges = new Rate(budgets.encryptedHandshakesPerSecond(), nanoClock.getAsLong());
    }

    /** An incoming connection from {@code ip}: admitted (counted as handshaking) or the reason it is not. */
    String openIncoming(InetAddress ip) {
        if (handshaking.incrementAndGet() > budgets.maxHandshakes()) {
            handshaking.decrementAndGet();
            return HANDSHAKES;
        }
        String[] why = {null};
        perIp.compute(ip, (k, c) -> {
            int[] n = c == null ? new int[2] : c;
            if (n[0] >= budgets.maxPeersPerIp()) {
                why[0] = PER_IP;
            } else if (n[1] >= budgets.maxHandshakesPerIp()) {
                why[0] = HANDSHAKES_PER_IP;
            } else {
                n[0]++;
                n[1]++;
            }
            return n[0] == 0 && n[1] == 0 ? null : n;
        });
        if (why[0] != null) {
            handshaking.decrementAndGet();
        }
        return why[0];
    }

    /** A connection we dial to {@code ip}: whether the address has a connection to spare. */
    boolean openOutgoing(InetAddress ip) {
        if (ip == null) {
            return false;
        }
        boolean[] ok = {false};
        perIp.compute(ip, (k, c) -> {
            int[] n = c == null ? new int[2] : c;
            if (n[0] < budgets.maxPeersPerIp()) {
                n[0]++;
                ok[0] = true;
            }
            return n[0] == 0 && n[1] == 0 ? null : n;
        });
        return ok[0];
    }

    /** An incoming connection from {@code ip} finished its handshakes. */
    void handshakeDone(InetAddress ip) {
        handshaking.decrementAndGet();
        if (ip == null) {
            return;
        }
        perIp.computeIfPresent(ip, (k, n) -> {
            n[1] = Math.max(0, n[1] - 1);
            return n[0] == 0 && n[1] == 0 ? null : n;
        });
    }

    /** A connection counted by {@link #openIncoming} or {@link #openOutgoing} ended. */
    void closed(InetAddress ip, boolean wasHandshaking) {
        if (wasHandshaking) {
            handshaking.decrementAndGet();
        }
        if (ip == null) {
            return;
        }
        perIp.computeIfPresent(ip, (k, n) -> {
            n[0] = Math.max(0, n[0] - 1);
            if (wasHandshaking) {
                n[1] = Math.max(0, n[1] - 1);
            }
            return n[0] == 0 && n[1] == 0 ? null : n;
        });
    }

    /** An MSE key exchange asked for by {@code ip}: admitted, or refused when over the rate per address or in all. */
    String keyExchange(InetAddress ip) {
        long now = clock.getAsLong();
        synchronized (keyExchangesPerIp) {
            Rate r = ip == null ? null : keyExchangesPerIp.computeIfAbsent(ip,
                    k -> new Rate(Math.min(budgets.encryptedHandshakesPerSecond(), budgets.maxHandshakesPerIp()), now));
            if (r != null && !r.available(now)) {
                return KEY_EXCHANGES;
            }
            if (!allKeyExchanges.take(now)) {
                return KEY_EXCHANGES;
            }
            if (r != null) {
                r.take(now);
            }
            return null;
        }
    }

    /** Addresses with a key-exchange rate remembered now (at most {@link #MAX_RATED_ADDRESSES}). */
    int ratedAddresses() {
        synchronized (keyExchangesPerIp) {
            return keyExchangesPerIp.size();
        }
    }

    /** Addresses with connections counted now (0 when every connection is closed). */
    int addresses() {
        return perIp.size();
    }

    int handshaking() {
        return handshaking.get();
    }

    int connectionsFrom(InetAddress ip) {
        int[] n = perIp.get(ip);
        return n == null ? 0 : n[0];
    }

    /** A token bucket: {@code perSecond} tokens a second, as many in a burst. Guarded by the caller. */
    private static final class Rate {
        private final double perNano;
        private final double burst;
        private double tokens;
        private long last;

        Rate(int perSecond, long now) {
            this.perNano = perSecond / 1e9;
            this.burst = perSecond;
            this.tokens = perSecond;
            this.last = now;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
        }

        boolean available(long now) {
            refill(now);
            return tokens >= 1;
        }

        boolean take(long now) {
            refill(now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
