package dev.pilotspc.flink.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Kafka topics and waits until they can be used, on any cluster (embedded or external). */
public final class Topics {

    private Topics() {
    }

    /**
     * Creates topics (name → partition count; names in {@code compacted} get {@code cleanup.policy=compact})
     * with the cluster's default replication factor, and returns once every partition has a leader.
     * Topics that already exist are left as they are.
     */
    public static void create(String bootstrapServers, Map<String, Integer> partitions, Set<String> compacted,
                              Duration timeout) {
        List<NewTopic> topics = new ArrayList<>();
        partitions.forEach((name, count) -> {
            NewTopic topic = new NewTopic(name, Optional.of(count), Optional.empty());
            if (compacted.contains(name)) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(topic);
        });
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pilot-spc-topics");
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("creating topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("creating topic " + name, e);
                }
            });
            awaitLeaders(admin, partitions.keySet(), deadline);
        }
    }

    // The controller acknowledges creation before brokers know the leaders; clients used too early stall or warn.
    private static void awaitLeaders(Admin admin, Set<String> names, long deadline) {
        while (true) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(names).allTopicNames().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                boolean ready = described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .map(TopicPartitionInfo::leader)
                        .allMatch(leader -> leader != null && !leader.isEmpty());
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                // unknown topic until the broker's metadata catches up: retry until the deadline
            } catch (Exception e) {
                throw new IllegalStateException("describing topics " + names, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " have no leaders in time");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topics " + names, e);
            }
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
