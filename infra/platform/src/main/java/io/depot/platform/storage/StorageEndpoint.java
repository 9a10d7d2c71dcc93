package io.depot.platform.storage;

import java.net.URI;

/**
 * Where object storage is and how to sign for it. Built from {@link StorageProperties}, or supplied by a
 * launcher that runs its own store.
 *
 * @param endpoint       the endpoint services call, or null for AWS
 * @param publicEndpoint the endpoint presigned URLs point at, or null for {@code endpoint}
 * @param accessKey      the access key, or null for the default credentials chain
 * @param secretKey      the secret key, or null
 */
public record StorageEndpoint(URI endpoint, URI publicEndpoint, String accessKey, String secretKey) {

    URI presignEndpoint() {
        return publicEndpoint != null ? publicEndpoint : endpoint;
    }
}
