package dev.pilotspc.flink.testing;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Fault injection for a consumer ({@code interceptor.classes}): the first records a consumer gets
 * from the topic {@value #TOPIC} reach it {@value #DELAY_MILLIS} ms late, as from a slow broker.
 * Producers given the same client properties pass their records on untouched.
 */
public final class SlowTopicInterceptor implements ConsumerInterceptor<Object, Object>, ProducerInterceptor<Object, Object> {

    public static final String TOPIC = "spc.features";
    public static final long DELAY_MILLIS = 4000;

    private boolean delayed;

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (!delayed && !records.records(TOPIC).iterator().hasNext()) {
            return records;
        }
        if (!delayed) {
            delayed = true;
            try {
                Thread.sleep(DELAY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
