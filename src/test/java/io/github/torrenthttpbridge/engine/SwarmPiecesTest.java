package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The swarm's per-piece counts that economical seeding picks by, driven directly. */
class SwarmPiecesTest {
    @Test
    void unsentPiecesAreHandedOutOnceAndComeBackWhenTheirPeerLeaves() {
        SwarmPieces s = new SwarmPieces(10);
        assertEquals(10, s.unsent());
        s.join();
        s.join();
        BitSet hasA = new BitSet(), shownA = new BitSet(), hasB = new BitSet(), shownB = new BitSet();
        Set<Integer> handed = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            int p = s.takeUnsent(hasA, shownA);
            shownA.set(p);
            assertTrue(handed.add(p), "each piece once");
        }
        for (int p = s.takeUnsent(hasB, shownB); p >= 0; p = s.takeUnsent(hasB, shownB)) {
            shownB.set(p);
            assertTrue(handed.add(p), "each piece once");
        }
        assertEquals(10, handed.size());
        assertEquals(0, s.unsent());
        // A gets one of its pieces; B leaves without getting any: B's four are unsent again, A's got one is held
        int got = shownA.nextSetBit(0);
        hasA.set(got);
        s.gained(got, true);
        assertEquals(1, s.holders(got));
        s.leave(hasB, shownB);
        assertEquals(4, s.unsent());
        int again = s.takeUnsent(hasA, shownA);
        assertTrue(again >= 0 && shownB.get(again), "A may now be handed one of B's pieces: " + again);
        shownA.set(again);
        s.leave(hasA, shownA);
        assertFalse(s.active(), "the last peer gone: the counts are freed");
        assertEquals(10, s.unsent());
    }

    @Test
    void theRarestPieceHasTheFewestHoldersThenTheFewestOnTheirWay() {
        SwarmPieces s = new SwarmPieces(4);
        s.join();
        s.join();
        s.join();
        // pieces 0 and 1 held by one peer each, pieces 2 and 3 by two
        s.gained(0, false);
        s.gained(1, false);
        s.gained(2, false);
        s.gained(2, false);
        s.gained(3, false);
        s.gained(3, false);
        BitSet none = new BitSet();
        BitSet lacksOnly23 = new BitSet();
        lacksOnly23.set(0);
        lacksOnly23.set(1);
        int first = s.takeRarest(none, new BitSet());
        assertTrue(first == 0 || first == 1, "one holder: " + first);
        assertEquals(2, s.takeRarest(lacksOnly23, new BitSet()), "it lacks 2 and 3, two holders each: the first found");
        BitSet shown = new BitSet();
        shown.set(2);
        assertEquals(3, s.takeRarest(lacksOnly23, shown), "what it was shown is not picked again");
        BitSet all = new BitSet();
        all.set(0, 4);
        assertEquals(-1, s.takeRarest(all, new BitSet()), "nothing lacked");
    }

    @Test
    void aPeerIsBehindAtOrBelowTheAverage() {
        SwarmPieces s = new SwarmPieces(100);
        assertTrue(s.behind(0), "no peers: nobody is ahead");
        s.join();
        s.join();
        for (int i = 0; i < 60; i++) {
            s.gained(i, false);   // one peer has 60, the other none: the average is 30
        }
        assertTrue(s.behind(30));
        assertFalse(s.behind(31));
        assertTrue(s.behind(0 + 25), "the peer with none, given 25 pieces of slack: still behind (lagging)");
        assertFalse(s.behind(0 + 40), "with 40: not lagging by that much");
    }
}
