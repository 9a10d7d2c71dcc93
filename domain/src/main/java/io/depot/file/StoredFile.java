package io.depot.file;

import io.depot.blob.BlobIds;
import io.depot.blob.ContentRelease;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A file, its versions and its share links. Each completed upload of the same name by the same owner adds a version,
 * which is processed (verified, scanned where policy requires) before it becomes available or fails; an available
 * version can be restored as the newest, sharing its stored object; a deleted file comes back with its next upload.
 * A version holds its object until it is deleted, fails or is found infected; an object is released when no version
 * holds it any more.
 */
@Revision("2")
public class StoredFile {

    @AggregateIdentifier
    private String fileId;
    private String ownerId;
    private String filename;
    private Visibility visibility;
    private List<String> tags = List.of();
    private long version;
    private boolean deleted;
    private Map<String, Long> versionByUpload = new LinkedHashMap<>();
    private Map<Long, Version> versions = new HashMap<>();
    private Map<String, Share> shares = new HashMap<>();

    /** What the file knows of one version. */
    static final class Version {
        private String objectKey;
        private long size;
        private String sha256;
        private String contentType;
        private StorageClass storageClass;
        private FileStatus status = FileStatus.PROCESSING;
        private ScanStatus scan;
        private boolean verified;
        private boolean scanRequested;
        private boolean removed;
        private Map<String, String> renditions = new LinkedHashMap<>();
        private boolean renditionFailed;
        private Map<String, Transform> transforms = new LinkedHashMap<>();
        private Map<String, String> renditionFailures = new LinkedHashMap<>();
        private Set<String> renditionsStarted = new LinkedHashSet<>();
        /** The blob of the version's content once verified, and the reference it holds there (a restore's source's). */
        private String blobId;
        private String contentRef;
        private boolean linked;
        private final Tier tier = new Tier();

        private Version() {
        }

        Version(String objectKey, long size, String sha256, String contentType, StorageClass storageClass) {
            this.objectKey = objectKey;
            this.size = size;
            this.sha256 = sha256;
            this.contentType = contentType;
            this.storageClass = storageClass;
        }

        boolean holdsObject() {
            return !removed && status != FileStatus.FAILED && status != FileStatus.INFECTED;
        }

        /**
         * What the version holds: its blob reference once verified (shared by the versions restored from it), else
         * its object. The content goes when no other version holds the same.
         */
        String holding() {
            return contentRef != null ? contentRef : objectKey;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Version v && size == v.size && verified == v.verified
                    && scanRequested == v.scanRequested && removed == v.removed
                    && Objects.equals(objectKey, v.objectKey) && Objects.equals(sha256, v.sha256)
                    && Objects.equals(contentType, v.contentType) && storageClass == v.storageClass
                    && status == v.status && scan == v.scan && renditionFailed == v.renditionFailed
                    && Objects.equals(renditions, v.renditions) && Objects.equals(transforms, v.transforms)
                    && Objects.equals(renditionFailures, v.renditionFailures)
                    && Objects.equals(renditionsStarted, v.renditionsStarted) && Objects.equals(blobId, v.blobId)
                    && Objects.equals(contentRef, v.contentRef) && linked == v.linked
                    && tier.equals(v.tier);
        }

        ContentRelease release() {
            return new ContentRelease(blobId, contentRef, objectKey);
        }

        /** Whether anything of a rendition beyond the standard ones was recorded: a transform, a start, a failure. */
        boolean hasRenditionsAskedFor() {
            return !transforms.isEmpty() || !renditionFailures.isEmpty() || !renditionsStarted.isEmpty();
        }

        RenditionStatus renditionStatus(String name) {
            if (renditions.containsKey(name)) {
                return RenditionStatus.AVAILABLE;
            }
            if (renditionFailures.containsKey(name)) {
                return RenditionStatus.FAILED;
            }
            return renditionsStarted.contains(name) ? RenditionStatus.PROCESSING : RenditionStatus.PENDING;
        }

        @Override
        public int hashCode() {
            return Objects.hash(objectKey, size, status);
        }
    }

    /** A share link: only its token's hash is kept. */
    static final class Share {
        private String tokenHash;
        private Instant expiresAt;
        private Integer maxDownloads;
        private int downloads;
        private Long version;
        private boolean revoked;

        @Override
        public boolean equals(Object o) {
            return o instanceof Share s && downloads == s.downloads && revoked == s.revoked
                    && Objects.equals(tokenHash, s.tokenHash) && Objects.equals(expiresAt, s.expiresAt)
                    && Objects.equals(maxDownloads, s.maxDownloads) && Objects.equals(version, s.version);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tokenHash, downloads);
        }
    }

    protected StoredFile() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public long handle(RecordFileVersionCommand command) {
        Long recorded = versionByUpload.get(command.uploadId());
        if (recorded != null) {
            return recorded;
        }
        if (ownerId != null && !ownerId.equals(command.ownerId())) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + command.fileId());
        }
        long next = version + 1;
        apply(new FileVersionedEvent(command.fileId(), next, command.uploadId(), command.ownerId(),
                command.filename(), command.contentType(), command.size(), command.sha256(),
                command.storageClass(), command.visibility(), command.objectKey(), command.versionedAt()));
        return next;
    }

    /** Answers the name to release and the objects to remove from storage; none when the file was already deleted. */
    @CommandHandler
    public FileRemoval handle(DeleteFileCommand command) {
        requireOwner(command.requesterId());
        if (deleted) {
            return new FileRemoval(filename, List.of());
        }
        List<Version> held = heldContent();
        List<String> keys = held.stream().filter(v -> v.contentRef == null).map(v -> v.objectKey).toList();
        List<ContentRelease> releases = held.stream().filter(v -> v.contentRef != null).map(Version::release).toList();
        apply(new FileDeletedEvent(fileId, ownerId, version, keys, command.deletedAt(), releases));
        removeRenditions(v -> true, command.deletedAt());
        return new FileRemoval(filename, held.stream().map(v -> v.objectKey).distinct().toList());
    }

    /** Answers the new version's number. */
    @CommandHandler
    public long handle(RestoreFileVersionCommand command) {
        requireLive(command.requesterId());
        Version source = available(command.version());
        VersionRetrieval.requireReadable(fileId, command.version(), source.storageClass, source.tier.retrievedUntil,
                command.at());
        long next = version + 1;
        apply(new FileVersionRestoredEvent(fileId, next, command.version(), command.requesterId(), filename,
                source.contentType, source.size, source.sha256, source.storageClass, visibility, source.objectKey,
                source.scan, command.at()));
        return next;
    }

    @CommandHandler
    public void handle(DeleteFileVersionCommand command) {
        requireLive(command.requesterId());
        Version target = versions.get(command.version());
        if (target == null) {
            throw new DepotException(ErrorCode.VERSION_NOT_FOUND, "file " + fileId + " has no version " + command.version());
        }
        if (target.removed) {
            return;
        }
        if (target.status == FileStatus.PROCESSING) {
            throw new DepotException(ErrorCode.VERSION_NOT_AVAILABLE, "version " + command.version()
                    + " is still being processed; delete it once it is available or failed");
        }
        if (versions.values().stream().filter(v -> !v.removed).count() == 1) {
            throw new DepotException(ErrorCode.LAST_VERSION, "version " + command.version() + " is the only version of "
                    + "file " + fileId + "; delete the file instead");
        }
        boolean sharedWithAnother = versions.entrySet().stream().anyMatch(e -> e.getKey() != command.version()
                && e.getValue().holdsObject() && e.getValue().holding().equals(target.holding()));
        boolean releases = target.holdsObject() && !sharedWithAnother;
        apply(new FileVersionDeletedEvent(fileId, command.version(), command.requesterId(),
                releases && target.contentRef == null ? target.objectKey : null, command.at(),
                releases && target.contentRef != null ? target.release() : null));
        removeRenditions(v -> v == target, command.at());
    }

    @CommandHandler
    public void handle(SetFileTagsCommand command) {
        requireLive(command.requesterId());
        if (!tags.equals(command.tags())) {
            apply(new FileTagsChangedEvent(fileId, command.requesterId(), command.tags(), command.at()));
        }
    }

    @CommandHandler
    public void handle(ChangeFileVisibilityCommand command) {
        requireLive(command.requesterId());
        if (visibility != command.visibility()) {
            apply(new FileVisibilityChangedEvent(fileId, command.requesterId(), command.visibility(), command.at()));
        }
    }

    @CommandHandler
    public void handle(CheckFileOwnerCommand command) {
        requireLive(command.requesterId());
    }

    /** Answers the name the file had, which the caller releases when it differs from the new one. */
    @CommandHandler
    public String handle(RenameFileCommand command) {
        requireLive(command.requesterId());
        String before = filename;
        if (!before.equals(command.filename())) {
            apply(new FileRenamedEvent(fileId, command.requesterId(), before, command.filename(), command.at()));
        }
        return before;
    }

    @CommandHandler
    public void handle(ShareFileCommand command) {
        requireLive(command.requesterId());
        if (shares.containsKey(command.shareId())) {
            return;
        }
        if (command.version() != null) {
            available(command.version());
        }
        apply(new FileSharedEvent(fileId, command.shareId(), command.requesterId(), command.tokenHash(),
                command.expiresAt(), command.maxDownloads(), command.version(), command.at()));
    }

    @CommandHandler
    public void handle(RevokeShareCommand command) {
        requireOwner(command.requesterId());
        Share share = shares.get(command.shareId());
        if (share == null) {
            throw new DepotException(ErrorCode.SHARE_NOT_FOUND, "file " + fileId + " has no share " + command.shareId());
        }
        if (!share.revoked) {
            apply(new FileShareRevokedEvent(fileId, command.shareId(), command.requesterId(), command.at()));
        }
    }

    @CommandHandler
    public SharedFile handle(DescribeShareCommand command) {
        return shared(command.shareId(), command.tokenHash(), command.at());
    }

    @CommandHandler
    public SharedFile handle(DownloadSharedFileCommand command) {
        SharedFile served = shared(command.shareId(), command.tokenHash(), command.at());
        Version target = versions.get(served.version());
        VersionRetrieval.requireReadable(fileId, served.version(), target.storageClass, target.tier.retrievedUntil,
                command.at());
        apply(new FileShareUsedEvent(fileId, command.shareId(), served.version(), command.at()));
        Integer left = served.downloadsLeft();
        return new SharedFile(fileId, served.shareId(), served.version(), served.filename(), served.contentType(),
                served.size(), served.sha256(), served.objectKey(), served.expiresAt(), left == null ? null : left - 1);
    }

    /** What a share link serves now, or why it serves nothing. */
    private SharedFile shared(String shareId, String tokenHash, Instant at) {
        Share share = shares.get(shareId);
        if (share == null || !ShareTokens.matches(share.tokenHash, tokenHash)) {
            throw new DepotException(ErrorCode.SHARE_NOT_FOUND, "no such share link");
        }
        if (deleted) {
            throw new DepotException(ErrorCode.SHARE_NOT_FOUND, "the shared file was deleted");
        }
        if (share.revoked) {
            throw new DepotException(ErrorCode.SHARE_REVOKED, "the share link was revoked");
        }
        if (!at.isBefore(share.expiresAt)) {
            throw new DepotException(ErrorCode.SHARE_EXPIRED, "the share link expired at " + share.expiresAt);
        }
        if (share.maxDownloads != null && share.downloads >= share.maxDownloads) {
            throw new DepotException(ErrorCode.SHARE_EXHAUSTED, "the share link's " + share.maxDownloads
                    + " downloads are used up");
        }
        long served = share.version != null ? share.version : newestAvailable();
        Version target = available(served);
        return new SharedFile(fileId, shareId, served, filename, target.contentType, target.size, target.sha256,
                target.objectKey, share.expiresAt, share.maxDownloads == null ? null : share.maxDownloads - share.downloads);
    }

    private long newestAvailable() {
        return versions.entrySet().stream()
                .filter(e -> !e.getValue().removed && e.getValue().status == FileStatus.AVAILABLE)
                .map(Map.Entry::getKey)
                .max(Comparator.naturalOrder())
                .orElseThrow(() -> {
                    Version newest = versions.get(version);
                    return newest != null && newest.status == FileStatus.INFECTED
                            ? new DepotException(ErrorCode.FILE_INFECTED, "file " + fileId + " contains malware")
                            : new DepotException(ErrorCode.FILE_NOT_READY, "file " + fileId
                            + " has no available version yet; retry shortly");
                });
    }

    /** The version, which must be there and available: never a failed, infected or deleted one. */
    private Version available(long number) {
        Version v = versions.get(number);
        if (v == null || v.removed) {
            throw new DepotException(ErrorCode.VERSION_NOT_FOUND, "file " + fileId + " has no version " + number);
        }
        if (v.status == FileStatus.INFECTED) {
            throw new DepotException(ErrorCode.FILE_INFECTED, "version " + number + " of file " + fileId
                    + " contains malware");
        }
        if (v.status != FileStatus.AVAILABLE) {
            throw new DepotException(ErrorCode.VERSION_NOT_AVAILABLE, "version " + number + " of file " + fileId + " is "
                    + v.status.name().toLowerCase(java.util.Locale.ROOT));
        }
        return v;
    }

    @CommandHandler
    public void handle(RecordVersionVerifiedCommand command) {
        Version v = requireVersion(command.version());
        if (v.verified || v.status == FileStatus.FAILED) {
            return;
        }
        apply(new FileVersionVerifiedEvent(fileId, command.version(), command.sha256()));
    }

    @CommandHandler
    public void handle(RequestFileScanCommand command) {
        Version v = requireVersion(command.version());
        if (v.scanRequested) {
            return;
        }
        apply(new FileScanRequestedEvent(fileId, command.version(), v.objectKey));
    }

    @CommandHandler
    public void handle(MarkVersionAvailableCommand command) {
        Version v = requireVersion(command.version());
        if (v.status == FileStatus.AVAILABLE) {
            return;
        }
        if (v.status == FileStatus.FAILED) {
            throw new DepotException(ErrorCode.FILE_VERSION_FAILED, "version " + command.version() + " of file "
                    + fileId + " failed and cannot become available");
        }
        if (v.status == FileStatus.INFECTED) {
            throw new DepotException(ErrorCode.FILE_INFECTED, "version " + command.version() + " of file "
                    + fileId + " is infected and cannot become available");
        }
        apply(new FileVersionAvailableEvent(fileId, command.version(), v.objectKey, command.scanned(), command.at()));
    }

    @CommandHandler
    public void handle(RecordFileScannedCommand command) {
        Version v = requireVersion(command.version());
        if (v.scan != null || v.status == FileStatus.FAILED) {
            return;
        }
        apply(new FileScannedEvent(fileId, command.version(), command.engine(), command.signatures(), command.at()));
    }

    /** Malware outranks any earlier verdict: a version found infected is never downloadable again. */
    @CommandHandler
    public void handle(RecordFileInfectedCommand command) {
        Version v = requireVersion(command.version());
        if (v.scan == ScanStatus.INFECTED) {
            return;
        }
        apply(new FileInfectedEvent(fileId, command.version(), v.objectKey, command.signature(),
                command.quarantineKey(), command.at()));
        removeRenditions(other -> v.objectKey.equals(other.objectKey), command.at());
    }

    @CommandHandler
    public void handle(SkipFileScanCommand command) {
        Version v = requireVersion(command.version());
        if (v.scan != null || v.status == FileStatus.FAILED) {
            return;
        }
        apply(new FileScanSkippedEvent(fileId, command.version(), command.reason(), command.at()));
    }

    @CommandHandler
    public void handle(FailFileVersionCommand command) {
        Version v = requireVersion(command.version());
        if (v.status == FileStatus.FAILED || v.status == FileStatus.INFECTED) {
            return;
        }
        apply(new FileVersionFailedEvent(fileId, command.version(), v.objectKey, command.reason(), command.at()));
        removeRenditions(other -> v.objectKey.equals(other.objectKey), command.at());
    }

    /**
     * The blob of a version's content answered with the object the version should use: when another upload stored
     * the same bytes first, the version now uses that object and its upload's own copy goes (the blob said so).
     * Recorded once per version either way. Refused for a version that was deleted, failed or found infected meanwhile.
     */
    @CommandHandler
    public void handle(LinkFileContentCommand command) {
        Version v = requireVersion(command.version());
        if (v.linked) {
            return;
        }
        if (deleted || !v.holdsObject() || v.blobId == null || !v.blobId.equals(command.blobId())) {
            throw new DepotException(ErrorCode.VERSION_NOT_FOUND, "version " + command.version() + " of file " + fileId
                    + " no longer holds content of " + command.blobId());
        }
        apply(new FileVersionContentLinkedEvent(fileId, command.version(), command.blobId(), command.objectKey(),
                v.objectKey.equals(command.objectKey()) ? null : v.objectKey, command.at()));
    }

    @CommandHandler
    public RenditionSource handle(DescribeRenditionSourceCommand command) {
        Version v = available(command.version());
        return new RenditionSource(v.objectKey, v.contentType, List.copyOf(v.renditions.keySet()), v.renditionFailed,
                List.copyOf(v.renditionFailures.keySet()));
    }

    @CommandHandler
    public void handle(RecordRenditionCommand command) {
        Version v = available(command.version());
        if (!v.renditions.containsKey(command.name())) {
            apply(new FileRenditionCreatedEvent(fileId, command.version(), command.name(), command.objectKey(),
                    command.contentType(), command.width(), command.height(), command.size(), command.at()));
        }
    }

    /** A null name is the standard renditions as a whole; a name already made or failed records nothing. */
    @CommandHandler
    public void handle(RecordRenditionFailedCommand command) {
        Version v = available(command.version());
        boolean recorded = command.name() == null ? v.renditionFailed
                : v.renditions.containsKey(command.name()) || v.renditionFailures.containsKey(command.name());
        if (!recorded) {
            apply(new FileRenditionFailedEvent(fileId, command.version(), command.name(), command.reason(),
                    command.at()));
        }
    }

    /**
     * A transform of an available version, the newest available one unless the command names one: recorded once per
     * version and name, so asking again answers the same rendition, with its status now.
     */
    @CommandHandler
    public RequestedRendition handle(RequestTransformCommand command) {
        requireLive(command.requesterId());
        long number = command.version() != null ? command.version() : newestAvailable();
        Version v = available(number);
        Transform transform = command.transform();
        String name = transform.name();
        if (!v.transforms.containsKey(name)) {
            VersionRetrieval.requireReadable(fileId, number, v.storageClass, v.tier.retrievedUntil, command.at());
            if (v.transforms.size() >= command.maxPerVersion()) {
                throw new DepotException(ErrorCode.TRANSFORM_LIMIT_REACHED, "version " + number + " of file " + fileId
                        + " already has " + v.transforms.size() + " transforms, the most a version may have");
            }
            apply(new FileRenditionRequestedEvent(fileId, number, name, transform.width(), transform.height(),
                    transform.fit(), transform.format(), command.requesterId(), command.at()));
        }
        return new RequestedRendition(number, name, v.renditionStatus(name));
    }

    @CommandHandler
    public void handle(RecordRenditionStartedCommand command) {
        Version v = available(command.version());
        if (v.renditionStatus(command.name()) == RenditionStatus.PENDING) {
            apply(new FileRenditionStartedEvent(fileId, command.version(), command.name(), command.at()));
        }
    }

    /** Renditions live no longer than their version: each matching version's go, with their objects. */
    private void removeRenditions(java.util.function.Predicate<Version> which, Instant at) {
        versions.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .filter(e -> which.test(e.getValue())
                        && (!e.getValue().renditions.isEmpty() || e.getValue().hasRenditionsAskedFor()))
                .forEach(e -> apply(new FileRenditionsRemovedEvent(fileId, e.getKey(),
                        List.copyOf(e.getValue().renditions.values()), at)));
    }

    // ---- storage tiers: moves between storage classes, pins, and retrievals of archived versions ----------------

    /** What the file knows of a version's storage class beyond the class itself. */
    static final class Tier {
        /** The owner asked for a class: rules leave the version alone. */
        private boolean pinned;
        /** The class the owner asked for last, while the move is pending. */
        private StorageClass requested;
        private boolean retrievalRequested;
        private Instant retrievedUntil;
        /** The objects of blobs the version used before it moved, which other files' versions may still use. */
        private Map<String, String> formerBlobObjects = new LinkedHashMap<>();

        void shareRetrieval(Tier other) {
            retrievalRequested = other.retrievalRequested;
            retrievedUntil = other.retrievedUntil;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tier t && pinned == t.pinned && requested == t.requested
                    && retrievalRequested == t.retrievalRequested && Objects.equals(retrievedUntil, t.retrievedUntil)
                    && formerBlobObjects.equals(t.formerBlobObjects);
        }

        @Override
        public int hashCode() {
            return Objects.hash(pinned, requested);
        }
    }

    @CommandHandler
    public StorageClassMove handle(PlanStorageClassChangeCommand command) {
        Version v = movable(command.version(), command.storageClass(), command.rule(), command.at());
        return v == null ? null : new StorageClassMove(v.objectKey,
                StorageClassMove.targetKey(fileId, v.objectKey, command.storageClass()), v.size, v.storageClass);
    }

    @CommandHandler
    public StorageClassChangeOutcome handle(ChangeStorageClassCommand command) {
        Version v = movable(command.version(), command.storageClass(), command.rule(), command.at());
        if (v == null || !v.objectKey.equals(command.sourceKey()) || !command.targetKey()
                .equals(StorageClassMove.targetKey(fileId, v.objectKey, command.storageClass()))) {
            return new StorageClassChangeOutcome(false, versionHolding(command.targetKey()).isPresent());
        }
        // Released as a version deletion releases: by key, or through its blob when the content was deduplicated.
        boolean releases = versions.entrySet().stream().noneMatch(e -> e.getKey() != command.version()
                && e.getValue().holdsObject() && e.getValue().holding().equals(v.holding()));
        apply(new FileVersionStorageClassChangedEvent(fileId, command.version(), v.storageClass, command.storageClass(),
                v.objectKey, command.targetKey(), releases && v.contentRef == null ? v.objectKey : null,
                command.rule(), command.requestedBy(), command.at(),
                releases && v.contentRef != null ? v.release() : null));
        return new StorageClassChangeOutcome(true, true);
    }

    /**
     * The version, when it is to move to {@code to}: available, not in {@code to} already; for a rule, only to a
     * colder class and never when pinned; for the owner, only the class asked for last, and out of an archive class
     * only while a retrieval is readable.
     */
    private Version movable(long number, StorageClass to, String rule, Instant at) {
        Version v = versions.get(number);
        if (deleted || v == null || v.removed || v.status != FileStatus.AVAILABLE || v.storageClass == to) {
            return null;
        }
        if (rule != null) {
            return v.tier.pinned || !to.colderThan(v.storageClass) ? null : v;
        }
        return v.tier.requested == to && readable(v, at) ? v : null;
    }

    private static boolean readable(Version v, Instant at) {
        return !v.storageClass.archive() || v.tier.retrievedUntil != null && at.isBefore(v.tier.retrievedUntil);
    }

    /** Answers whether a move is pending. */
    @CommandHandler
    public boolean handle(RequestStorageClassCommand command) {
        requireLive(command.requesterId());
        Version v = available(command.version());
        boolean move = v.storageClass != command.storageClass();
        if (v.tier.pinned && (move ? v.tier.requested == command.storageClass() : v.tier.requested == null)) {
            return move;
        }
        if (move) {
            VersionRetrieval.requireReadable(fileId, command.version(), v.storageClass,
                    v.tier.retrievedUntil, command.at());
        }
        apply(new FileVersionStorageClassRequestedEvent(fileId, command.version(), v.storageClass,
                command.storageClass(), v.objectKey, command.requesterId(), command.at()));
        return move;
    }

    @CommandHandler
    public RetrievalStatus handle(RequestArchiveRetrievalCommand command) {
        requireLive(command.requesterId());
        Version v = available(command.version());
        if (!v.storageClass.archive()) {
            throw new DepotException(ErrorCode.VERSION_NOT_ARCHIVED, "version " + command.version() + " of file "
                    + fileId + " is in " + v.storageClass + ", which is read without a retrieval");
        }
        if (readable(v, command.at())) {
            return RetrievalStatus.AVAILABLE;
        }
        if (!v.tier.retrievalRequested) {
            apply(new FileArchiveRetrievalRequestedEvent(fileId, command.version(), v.objectKey, command.days(),
                    command.tier(), command.requesterId(), command.at()));
        }
        return RetrievalStatus.REQUESTED;
    }

    @CommandHandler
    public void handle(RecordArchiveRetrievedCommand command) {
        Version v = versions.get(command.version());
        if (v != null && v.tier.retrievalRequested && command.objectKey().equals(v.objectKey)) {
            apply(new FileArchiveRetrievedEvent(fileId, command.version(), command.objectKey(), command.until(),
                    command.at()));
        }
    }

    @EventSourcingHandler
    void on(FileVersionStorageClassRequestedEvent event) {
        Version v = versions.get(event.version());
        v.tier.pinned = true;
        v.tier.requested = event.from() == event.to() ? null : event.to();
    }

    /** The version takes the copy; a retrieval of its old object does not carry over, one of a sharer's does. */
    @EventSourcingHandler
    void on(FileVersionStorageClassChangedEvent event) {
        Version v = versions.get(event.version());
        if (v.blobId != null) {
            v.tier.formerBlobObjects.put(v.objectKey, v.blobId);
        }
        v.blobId = null;
        v.contentRef = null;
        v.objectKey = event.objectKey();
        v.storageClass = event.to();
        v.tier.requested = null;
        v.tier.shareRetrieval(new Tier());
        versions.values().stream().filter(other -> other != v && event.objectKey().equals(other.objectKey))
                .findFirst().ifPresent(other -> v.tier.shareRetrieval(other.tier));
    }

    @EventSourcingHandler
    void on(FileArchiveRetrievalRequestedEvent event) {
        sharingObject(event.objectKey(), v -> v.tier.retrievalRequested = true);
    }

    @EventSourcingHandler
    void on(FileArchiveRetrievedEvent event) {
        sharingObject(event.objectKey(), v -> {
            v.tier.retrievalRequested = false;
            v.tier.retrievedUntil = event.until();
        });
    }

    /**
     * A version whose object is at {@code objectKey}, while the file still holds it: empty once every version with
     * that object was deleted, failed or was found infected, or the file was deleted.
     */
    public Optional<Long> versionHolding(String objectKey) {
        return versions.entrySet().stream()
                .filter(e -> e.getValue().holdsObject() && e.getValue().objectKey.equals(objectKey))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** One version for each content the file holds, oldest first. */
    private List<Version> heldContent() {
        Map<String, Version> held = new LinkedHashMap<>();
        versions.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue)
                .filter(Version::holdsObject)
                .forEach(v -> held.putIfAbsent(v.holding(), v));
        return List.copyOf(held.values());
    }

    /**
     * The blob a version of this file used for the object at {@code objectKey}, even one since deleted: another
     * file's version may use the same object through it.
     */
    public Optional<Map.Entry<Long, String>> blobOf(String objectKey) {
        return versions.entrySet().stream()
                .filter(e -> e.getValue().blobId != null && objectKey.equals(e.getValue().objectKey))
                .map(e -> Map.entry(e.getKey(), e.getValue().blobId))
                .findFirst()
                .or(() -> versions.entrySet().stream()
                        .filter(e -> e.getValue().tier.formerBlobObjects.containsKey(objectKey))
                        .map(e -> Map.entry(e.getKey(), e.getValue().tier.formerBlobObjects.get(objectKey)))
                        .findFirst());
    }

    private void requireOwner(String requesterId) {
        if (!ownerId.equals(requesterId)) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId);
        }
    }

    /** The requester owns the file, and it is not deleted. */
    private void requireLive(String requesterId) {
        requireOwner(requesterId);
        if (deleted) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId);
        }
    }

    private Version requireVersion(long number) {
        Version v = versions.get(number);
        if (v == null) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "file " + fileId + " has no version " + number);
        }
        return v;
    }

    /** The versions whose object is {@code objectKey}: one, or more where versions were restored from it. */
    private void sharingObject(String objectKey, java.util.function.Consumer<Version> change) {
        versions.values().stream().filter(v -> objectKey.equals(v.objectKey)).forEach(change);
    }

    @EventSourcingHandler
    void on(FileVersionedEvent event) {
        fileId = event.fileId();
        ownerId = event.ownerId();
        filename = event.filename();
        visibility = event.visibility();
        version = event.version();
        deleted = false;
        versionByUpload.put(event.uploadId(), event.version());
        versions.put(event.version(), new Version(event.objectKey(), event.size(), event.sha256(), event.contentType(),
                event.storageClass()));
    }

    @EventSourcingHandler
    void on(FileVersionRestoredEvent event) {
        version = event.version();
        Version v = new Version(event.objectKey(), event.size(), event.sha256(), event.contentType(),
                event.storageClass());
        v.status = FileStatus.AVAILABLE;
        v.scan = event.scan();
        v.verified = true;
        v.scanRequested = true;
        Version source = versions.get(event.restoredFrom());
        if (source != null && source.objectKey.equals(event.objectKey())) {
            v.blobId = source.blobId;
            v.contentRef = source.contentRef;
        }
        versions.values().stream().filter(other -> event.objectKey().equals(other.objectKey)).findFirst()
                .ifPresent(other -> v.tier.shareRetrieval(other.tier));
        versions.put(event.version(), v);
    }

    @EventSourcingHandler
    void on(FileVersionDeletedEvent event) {
        versions.get(event.version()).removed = true;
    }

    @EventSourcingHandler
    void on(FileVersionVerifiedEvent event) {
        Version v = versions.get(event.version());
        v.verified = true;
        if (event.sha256() != null) {
            v.sha256 = event.sha256();
        }
        if (v.sha256 != null) {
            v.blobId = BlobIds.of(v.storageClass, v.sha256);
            v.contentRef = BlobIds.reference(fileId, event.version());
        }
    }

    @EventSourcingHandler
    void on(FileVersionContentLinkedEvent event) {
        Version v = versions.get(event.version());
        v.objectKey = event.objectKey();
        v.linked = true;
    }

    @EventSourcingHandler
    void on(FileScanRequestedEvent event) {
        versions.get(event.version()).scanRequested = true;
    }

    @EventSourcingHandler
    void on(FileScannedEvent event) {
        versions.get(event.version()).scan = ScanStatus.CLEAN;
    }

    @EventSourcingHandler
    void on(FileInfectedEvent event) {
        sharingObject(event.objectKey(), v -> {
            v.scan = ScanStatus.INFECTED;
            v.status = FileStatus.INFECTED;
        });
    }

    @EventSourcingHandler
    void on(FileScanSkippedEvent event) {
        versions.get(event.version()).scan = ScanStatus.SKIPPED;
    }

    @EventSourcingHandler
    void on(FileVersionAvailableEvent event) {
        versions.get(event.version()).status = FileStatus.AVAILABLE;
    }

    /** Versions restored from a failed one lose the same object. */
    @EventSourcingHandler
    void on(FileVersionFailedEvent event) {
        sharingObject(event.objectKey(), v -> v.status = FileStatus.FAILED);
    }

    @EventSourcingHandler
    void on(FileDeletedEvent event) {
        deleted = true;
        versions.values().forEach(v -> v.removed = true);
    }

    @EventSourcingHandler
    void on(FileRenditionCreatedEvent event) {
        versions.get(event.version()).renditions.put(event.name(), event.objectKey());
    }

    @EventSourcingHandler
    void on(FileRenditionFailedEvent event) {
        Version v = versions.get(event.version());
        if (event.name() == null) {
            v.renditionFailed = true;
        } else {
            v.renditionFailures.put(event.name(), event.reason());
        }
    }

    @EventSourcingHandler
    void on(FileRenditionRequestedEvent event) {
        versions.get(event.version()).transforms.put(event.name(), event.transform());
    }

    @EventSourcingHandler
    void on(FileRenditionStartedEvent event) {
        versions.get(event.version()).renditionsStarted.add(event.name());
    }

    @EventSourcingHandler
    void on(FileRenditionsRemovedEvent event) {
        Version v = versions.get(event.version());
        v.renditions.clear();
        v.transforms.clear();
        v.renditionFailures.clear();
        v.renditionsStarted.clear();
    }

    @EventSourcingHandler
    void on(FileTagsChangedEvent event) {
        tags = event.tags();
    }

    @EventSourcingHandler
    void on(FileVisibilityChangedEvent event) {
        visibility = event.visibility();
    }

    @EventSourcingHandler
    void on(FileRenamedEvent event) {
        filename = event.toName();
    }

    @EventSourcingHandler
    void on(FileSharedEvent event) {
        Share share = new Share();
        share.tokenHash = event.tokenHash();
        share.expiresAt = event.expiresAt();
        share.maxDownloads = event.maxDownloads();
        share.version = event.version();
        shares.put(event.shareId(), share);
    }

    @EventSourcingHandler
    void on(FileShareRevokedEvent event) {
        shares.get(event.shareId()).revoked = true;
    }

    @EventSourcingHandler
    void on(FileShareUsedEvent event) {
        shares.get(event.shareId()).downloads++;
    }

    /** Files recorded their links' downloads as FileDownloaded events before FileShareUsed existed. */
    @EventSourcingHandler
    void on(FileDownloadedEvent event) {
        if (event.shareId() != null) {
            shares.get(event.shareId()).downloads++;
        }
    }
}
