package org.smarttuner.tracking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the driver and the tracker's thread. Ops stay in it until they were
 * sent (the sender looks at the head, sends, then removes), so what is left at the end is exactly
 * what the server never got. Capacity counts entries; run starts and ends take no room and are
 * always accepted.
 */
final class Backlog {
    private final int capacity;
    private final ArrayDeque<Op> ops = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int entries;

    Backlog(int capacity) {
        this.capacity = capacity;
    }

    /** Queues the op unless it would push the entries past capacity; never blocks. */
    boolean offer(Op op) {
        lock.lock();
        try {
            int n = op.entries();
            if (n > 0 && entries + n > capacity) {
                return false;
            }
            ops.addLast(op);
            entries += n;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the op whatever the capacity: for entries kept elsewhere already (the unsent records sent
     * again), which must not overflow into a second copy.
     */
    void add(Op op) {
        lock.lock();
        try {
            ops.addLast(op);
            entries += op.entries();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code max} ops from the head, waiting up to {@code waitMs} when empty. */
    List<Op> head(int max, long waitMs) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(waitMs);
            while (ops.isEmpty() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            List<Op> out = new ArrayList<>(Math.min(max, ops.size()));
            Iterator<Op> it = ops.iterator();
            while (it.hasNext() && out.size() < max) {
                out.add(it.next());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the first {@code count} ops (those just sent or given up on). */
    void removeFirst(int count) {
        lock.lock();
        try {
            for (int i = 0; i < count && !ops.isEmpty(); i++) {
                entries -= ops.removeFirst().entries();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until empty or the deadline; true when empty. */
    boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!ops.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything left. */
    List<Op> drain() {
        lock.lock();
        try {
            List<Op> out = new ArrayList<>(ops);
            ops.clear();
            entries = 0;
            changed.signalAll();
            return out;
        } finally {
            lock.unlock();
        }
    }

    int entries() {
        lock.lock();
        try {
            return entries;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return ops.size();
        } finally {
            lock.unlock();
        }
    }
}
