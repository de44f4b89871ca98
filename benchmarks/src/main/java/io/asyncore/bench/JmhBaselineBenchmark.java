package io.asyncore.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The reference for {@code -prof gc} figures of slow operations: an operation that
 * allocates nothing and takes about as long as a pass over 10,000 idle channels. JMH's
 * own work allocates a few kilobytes per iteration, which {@code gc.alloc.rate.norm}
 * divides by the operations of that iteration; at a few thousand operations per second
 * that is 1 to 2 B/op, and {@link IdlePassBenchmark} at 10,000 channels allocates
 * nothing per pass when it reports the same figure as this benchmark in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class JmhBaselineBenchmark {

    /** How long one operation parks. */
    @Param({"100000"})
    public long parkNanos;

    /** Parks the thread: no allocation. */
    @Benchmark
    public void park() {
        LockSupport.parkNanos(parkNanos);
    }
}
