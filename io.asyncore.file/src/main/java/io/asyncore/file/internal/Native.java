package io.asyncore.file.internal;

import io.asyncore.file.PosixException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * How {@link Posix} and {@link Epoll} reach libc: symbols bound once through
 * {@link Linker}, each capturing {@code errno} with {@link Linker.Option#captureCallState},
 * and the per-thread memory the calls use, so that a call allocates nothing.
 *
 * <p>Refuses to bind anything on systems other than Linux, with a message saying so.
 */
final class Native {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    /** Per thread: the errno capture cell and scratch memory. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Native() {}

    /** A thread's native memory: the errno cell, a copy buffer for heap ByteBuffers, one small struct. */
    static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment state = arena.allocate(CAPTURE);
        final MemorySegment buffer = arena.allocate(64 * 1024);
        /** Room for one {@code struct epoll_event} or {@code struct pollfd}. */
        final MemorySegment struct = arena.allocate(16, 8);
    }

    /** This thread's scratch memory. */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** This thread's errno capture cell, the first argument of every bound call. */
    static MemorySegment state() {
        return SCRATCH.get().state;
    }

    static MemorySegment symbol(String name) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new UnsupportedOperationException("io.asyncore.file supports Linux only; this is "
                    + System.getProperty("os.name"));
        }
        return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    }

    /** A downcall to {@code name} that captures errno into its first argument. */
    static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, ERRNO_OPTION);
    }

    /** As {@link #bind}, for a variadic function whose variadic arguments start at {@code firstVariadic}. */
    static MethodHandle bindVariadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(symbol(name), descriptor, ERRNO_OPTION, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A downcall to {@code name} that sets no errno worth reading. */
    static MethodHandle bindPlain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    /** The errno the last call captured into {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The failure of {@code call}, named with the errno captured into {@code state}. */
    static PosixException error(String call, MemorySegment state) {
        return new PosixException(call, errno(state));
    }

    /** Rethrows what a method handle threw: unchecked as it is, anything else wrapped. */
    static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("native call failed", e);
    }
}
