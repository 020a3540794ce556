package dev.patchbay.platform;

import dev.patchbay.contracts.topic.Topic;
import dev.patchbay.contracts.topic.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The topics of {@link Topics}, created explicitly at start-up with their partitions and retention (the broker does
 * not auto-create): the connection events are kept for ever (the audit log), the registry is compacted, probe
 * and webhook traffic is kept for days.
 */
@Configuration(proxyBeanMethods = false)
public class PatchbayTopics {

    @Bean
    KafkaAdmin.NewTopics patchbayTopics() {
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .map(topic -> {
                    TopicBuilder builder = TopicBuilder.name(topic.name())
                            .partitions(topic.partitions())
                            .replicas(1);
                    if (topic.compacted()) {
                        return builder.compact().build();
                    }
                    var retention = topic.retention() == Topic.FOREVER
                            ? -1
                            : topic.retention().toMillis();
                    return builder.config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention))
                            .build();
                })
                .toArray(NewTopic[]::new));
    }
}
