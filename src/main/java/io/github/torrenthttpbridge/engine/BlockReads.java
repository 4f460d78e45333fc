package io.github.torrenthttpbridge.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

import bt.net.Peer;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockReader;

/**
 * Bt 1.10 keeps the {@link BlockRead} factories package-private, though {@link bt.torrent.data.DataWorker}
 * implementations must return them. They are looked up once, here, and a missing one fails the engine's start.
 */
final class BlockReads {
    private static final MethodHandle READY;
    private static final MethodHandle REJECTED;
    private static final MethodHandle EXCEPTIONAL;

    static {
        try {
            READY = handle("ready", MethodType.methodType(BlockRead.class, Peer.class, int.class, int.class, int.class, BlockReader.class));
            REJECTED = handle("rejected", MethodType.methodType(BlockRead.class, Peer.class, int.class, int.class, int.class));
            EXCEPTIONAL = handle("exceptional", MethodType.methodType(BlockRead.class, Peer.class, Throwable.class, int.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("unsupported Bt version: BlockRead factories not found: " + e);
        }
    }

    private BlockReads() {
    }

    private static MethodHandle handle(String name, MethodType type) throws ReflectiveOperationException {
        Method m = BlockRead.class.getDeclaredMethod(name, type.parameterArray());
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }

    static BlockRead ready(Peer peer, int piece, int offset, int length, BlockReader reader) {
        try {
            return (BlockRead) READY.invokeExact(peer, piece, offset, length, reader);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static BlockRead rejected(Peer peer, int piece, int offset, int length) {
        try {
            return (BlockRead) REJECTED.invokeExact(peer, piece, offset, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static BlockRead exceptional(Peer peer, Throwable error, int piece, int offset, int length) {
        try {
            return (BlockRead) EXCEPTIONAL.invokeExact(peer, error, piece, offset, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
