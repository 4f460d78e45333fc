package io.github.torrenthttpbridge.engine;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each IP address made the origin send and what it took, across its connections (reconnecting does not reset
 * it), so that request/cancel churn is caught: an address may cause {@link PeerBudgets#originRatio()} times the bytes
 * it takes plus {@link PeerBudgets#originAllowanceBytes()}. Bounded: the least recently used addresses are forgotten.
 */
final class OriginLedger {
    static final int MAX_ADDRESSES = 65_536;

    /** One address's figures; updated from any thread. */
    static final class Account {
        private final AtomicLong caused = new AtomicLong();
        private final AtomicLong taken = new AtomicLong();

        void caused(long bytes) {
            caused.addAndGet(bytes);
        }

        void took(long bytes) {
            taken.addAndGet(bytes);
        }

        long caused() {
            return caused.get();
        }

        long taken() {
            return taken.get();
        }

        boolean overBudget(PeerBudgets b) {
            return overBudget(b.originRatio(), b.originAllowanceBytes());
        }

        boolean overBudget(int ratio, long allowance) {
            return caused.get() > allowance + (double) ratio * taken.get();
        }
    }

    private final Map<InetAddress, Account> accounts = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Account> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** The account of {@code address} (a fresh one for an unknown address, or null). */
    synchronized Account account(InetAddress address) {
        if (address == null) {
            return new Account();
        }
        return accounts.computeIfAbsent(address, a -> new Account());
    }

    /** Addresses remembered now (at most {@link #MAX_ADDRESSES}). */
    synchronized int size() {
        return accounts.size();
    }
}
