package io.depot.projection.tier;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.depot.file.FileStatus;
import io.depot.file.FindLifecycleCandidatesQuery;
import io.depot.file.LifecycleScope;
import io.depot.file.ListPendingRetrievalsQuery;
import io.depot.file.RetrievalStatus;
import io.depot.file.StorageClass;
import io.depot.file.VersionRef;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.file.FileProjection;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the storage tier workers look for in the {@code files} and {@code file_versions} read models, which
 * {@link FileProjection} keeps: it only reads them, so the workers' service answers these queries without running
 * that projection.
 */
@Component
public class TierQueries {

    private final MongoCollection<Document> files;
    private final MongoCollection<Document> versions;

    public TierQueries(ReadModelCollections collections) {
        this.files = collections.collection(FileProjection.GROUP, FileProjection.COLLECTION);
        this.versions = collections.collection(FileProjection.GROUP, FileProjection.VERSIONS_COLLECTION);
    }

    /** Oldest first; whether a version is current is the file's {@code downloadable} version, looked up once per file. */
    @QueryHandler
    public List<VersionRef> handle(FindLifecycleCandidatesQuery query) {
        List<String> warmer = Arrays.stream(StorageClass.values()).filter(query.storageClass()::colderThan)
                .map(Enum::name).toList();
        Map<String, Long> current = new HashMap<>();
        List<VersionRef> found = new ArrayList<>();
        for (Document d : versions.find(Filters.and(Filters.eq("deleted", false),
                        Filters.eq("status", FileStatus.AVAILABLE.name()),
                        Filters.lt("created_at", Date.from(query.createdBefore())),
                        Filters.ne("pinned", true), Filters.in("storage_class", warmer)))
                .sort(Sorts.ascending("created_at", "_id"))) {
            if (found.size() >= query.limit()) {
                break;
            }
            String fileId = d.getString("file_id");
            boolean isCurrent = d.getLong("version") == current.computeIfAbsent(fileId, this::servedVersion);
            if (query.scope() == LifecycleScope.ALL || isCurrent == (query.scope() == LifecycleScope.CURRENT)) {
                found.add(new VersionRef(fileId, d.getLong("version"), d.getString("object_key")));
            }
        }
        return found;
    }

    @QueryHandler
    public List<VersionRef> handle(ListPendingRetrievalsQuery query) {
        List<VersionRef> found = new ArrayList<>();
        versions.find(Filters.and(Filters.eq("deleted", false),
                        Filters.eq("retrieval.status", RetrievalStatus.REQUESTED.name())))
                .sort(Sorts.ascending("retrieval.requested_at")).limit(query.limit())
                .forEach(d -> found.add(new VersionRef(d.getString("file_id"), d.getLong("version"),
                        d.getString("object_key"))));
        return found;
    }

    private long servedVersion(String fileId) {
        return Optional.ofNullable(files.find(Filters.eq("_id", fileId)).first())
                .map(f -> f.get("downloadable", Document.class))
                .map(d -> d.getLong("version"))
                .orElse(-1L);
    }
}
