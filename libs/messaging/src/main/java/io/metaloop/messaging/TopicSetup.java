package io.metaloop.messaging;

import io.metaloop.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates MetaLoop's topics and share-group settings if they are missing. Every service runs it at
 * start-up, so the stack needs no separate provisioning step; it is idempotent.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    /** Partitions of the shared topics (the jobs queues are share groups, so one partition serves many trainers). */
    public static final int PARTITIONS = 3;

    private TopicSetup() {
    }

    public static List<NewTopic> standardTopics(short replication) {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(Topics.EXPERIMENTS, PARTITIONS, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0")));
        for (String name : List.of(Topics.JOBS, Topics.JOB_EVENTS, Topics.BATCH_REQUESTS, Topics.EPISODE_REQUESTS,
                Topics.EVAL_REQUESTS, Topics.EVAL_RESULTS)) {
            topics.add(new NewTopic(name, PARTITIONS, replication).configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))));
        }
        return topics;
    }

    /** The per-stream topic of batch frames: one partition (order matters), short retention, large messages. */
    public static NewTopic batchTopic(String streamId, short replication) {
        return new NewTopic(Topics.batches(streamId), 1, replication).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(2).toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(KafkaClients.MAX_MESSAGE_BYTES)));
    }

    /** Creates missing topics and makes the work-queue share groups start from the earliest job. */
    public static void ensureStandard(Admin admin, short replication) {
        createMissing(admin, standardTopics(replication));
        for (String group : List.of(Topics.TRAINERS_GROUP, Topics.EVALUATORS_GROUP)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            AlterConfigOp earliest = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                    AlterConfigOp.OpType.SET);
            get(admin.incrementalAlterConfigs(Map.of(resource, List.of(earliest))).all(), "configure share group " + group);
        }
    }

    public static void createMissing(Admin admin, List<NewTopic> topics) {
        var result = admin.createTopics(topics);
        for (NewTopic topic : topics) {
            try {
                result.values().get(topic.name()).get();
                LOG.info("created topic {}", topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new MessagingException("cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MessagingException("interrupted creating " + topic.name(), e);
            }
        }
    }

    private static void get(org.apache.kafka.common.KafkaFuture<Void> future, String what) {
        try {
            future.get();
        } catch (ExecutionException e) {
            throw new MessagingException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted: " + what, e);
        }
    }
}
