package io.github.torrenthttpbridge.storage;

import java.util.ArrayList;
import java.util.List;

/** Says that nobody waits for a span's load any more: what the load started (an origin request) is aborted. */
final class LoadToken {
    private final List<Runnable> onAbandon = new ArrayList<>(1);
    private boolean abandoned;

    /** Runs {@code r} when the load is abandoned (at once if it already is). */
    void onAbandon(Runnable r) {
        synchronized (this) {
            if (!abandoned) {
                onAbandon.add(r);
                return;
            }
        }
        r.run();
    }

    synchronized boolean abandoned() {
        return abandoned;
    }

    void abandon() {
        List<Runnable> run;
        synchronized (this) {
            if (abandoned) {
                return;
            }
            abandoned = true;
            run = List.copyOf(onAbandon);
            onAbandon.clear();
        }
        run.forEach(Runnable::run);
    }
}
