package io.surge.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap this process holds right after a garbage collection, from the moment it is watched: what survives a
 * collection is what is still referenced, or old garbage a young collection leaves, so this bounds live heap from above.
 */
final class HeapAfterGc implements AutoCloseable {

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final List<NotificationEmitter> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(NotificationEmitter.class::cast)
            .toList();
    private final AtomicLong peak = new AtomicLong();
    private final NotificationListener listener = this::collected;
    private final long baseline;

    /** Watches from a full collection on: what it leaves is the baseline the peak is measured from. */
    private HeapAfterGc() {
        System.gc();
        baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        collectors.forEach(collector -> collector.addNotificationListener(listener, null, null));
    }

    static HeapAfterGc watch() {
        return new HeapAfterGc();
    }

    /** The peak after a collection less the baseline; 0 when no collection left more. */
    long peakAboveBaseline() {
        return Math.max(0, peak.get() - baseline);
    }

    private void collected(Notification notification, Object handback) {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        long used = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                .getGcInfo()
                .getMemoryUsageAfterGc()
                .entrySet()
                .stream()
                .filter(pool -> heapPools.contains(pool.getKey()))
                .mapToLong(pool -> pool.getValue().getUsed())
                .sum();
        peak.accumulateAndGet(used, Math::max);
    }

    @Override
    public void close() {
        for (NotificationEmitter collector : collectors) {
            try {
                collector.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                throw new IllegalStateException("the listener added to " + collector + " is gone", e);
            }
        }
    }
}
