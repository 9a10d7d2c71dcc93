package io.depot.allinone;

import io.depot.file.RetrievalTier;
import io.depot.platform.storage.ArchiveRetrieval;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one piece of S3 that S3Proxy lacks, simulated: restores of archived objects (S3Proxy implements neither
 * RestoreObject nor the {@code x-amz-restore} header, and ignores storage classes). It records the restores Depot asks
 * for and reports one finished when the test says so. Beside it, every CopyObject and CreateMultipartUpload Depot's
 * S3 client sends is recorded with its storage class, since S3Proxy drops the class. Imported by
 * {@link EndToEndTest}, so every test shares the one application.
 */
class SimulatedArchive {

    /** A RestoreObject Depot asked for. */
    record Restore(String key, int days, RetrievalTier tier) {
    }

    /** A request that writes an object, and the storage class it asked for (null: none). */
    record Write(String operation, String key, String storageClass) {
    }

    static final class Archive implements ArchiveRetrieval {
        final List<Restore> requests = new CopyOnWriteArrayList<>();
        private final Map<String, Instant> finished = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> requestRestore(String key, int days, RetrievalTier tier) {
            return Mono.fromRunnable(() -> requests.add(new Restore(key, days, tier)));
        }

        @Override
        public Mono<RestoreStatus> restoreStatus(String key) {
            return Mono.fromSupplier(() -> finished.containsKey(key) ? new RestoreStatus(false, finished.get(key))
                    : requests.stream().anyMatch(r -> r.key().equals(key)) ? new RestoreStatus(true, null)
                    : RestoreStatus.NONE);
        }

        /** Storage finished restoring {@code key}; its copy is readable until {@code until}. */
        void finish(String key, Instant until) {
            finished.put(key, until);
        }
    }

    static final class Writes implements ExecutionInterceptor {
        final List<Write> sent = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof CopyObjectRequest copy) {
                sent.add(new Write("CopyObject", copy.destinationKey(), copy.storageClassAsString()));
            } else if (context.request() instanceof CreateMultipartUploadRequest create) {
                sent.add(new Write("CreateMultipartUpload", create.key(), create.storageClassAsString()));
            }
        }

        List<Write> to(String keyPrefix) {
            return sent.stream().filter(w -> w.key().startsWith(keyPrefix)).toList();
        }
    }

    @Bean
    Archive simulatedArchive() {
        return new Archive();
    }

    @Bean
    Writes recordedWrites() {
        return new Writes();
    }
}
