package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.Filenames;
import org.apache.tika.Tika;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which content Depot accepts. At initiate, the declared type must be allowed, the extension must not be denied,
 * and a well-known extension must agree with the declared type; at complete, the first bytes of what was stored are
 * sniffed (Apache Tika) and must not be a denied type nor contradict the declared one: an executable named
 * {@code photo.jpg} and declared {@code image/jpeg} is refused there.
 */
@Component
@EnableConfigurationProperties(ContentPolicy.Properties.class)
class ContentPolicy {

    /** Well-known extensions and the types they may be declared as. */
    private static final Map<String, Set<String>> TYPES_BY_EXTENSION = Map.ofEntries(
            Map.entry("jpg", Set.of("image/jpeg")), Map.entry("jpeg", Set.of("image/jpeg")),
            Map.entry("png", Set.of("image/png")), Map.entry("gif", Set.of("image/gif")),
            Map.entry("webp", Set.of("image/webp")), Map.entry("heic", Set.of("image/heic", "image/heif")),
            Map.entry("svg", Set.of("image/svg+xml")), Map.entry("tif", Set.of("image/tiff")),
            Map.entry("tiff", Set.of("image/tiff")), Map.entry("bmp", Set.of("image/bmp")),
            Map.entry("mp4", Set.of("video/mp4")), Map.entry("mov", Set.of("video/quicktime")),
            Map.entry("webm", Set.of("video/webm")), Map.entry("mkv", Set.of("video/x-matroska")),
            Map.entry("mp3", Set.of("audio/mpeg")), Map.entry("wav", Set.of("audio/wav", "audio/x-wav")),
            Map.entry("pdf", Set.of("application/pdf")), Map.entry("zip", Set.of("application/zip")),
            Map.entry("gz", Set.of("application/gzip", "application/x-gzip")),
            Map.entry("txt", Set.of("text/plain")), Map.entry("csv", Set.of("text/csv", "text/plain")),
            Map.entry("json", Set.of("application/json")), Map.entry("html", Set.of("text/html")),
            Map.entry("docx", Set.of("application/vnd.openxmlformats-officedocument.wordprocessingml.document")),
            Map.entry("xlsx", Set.of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            Map.entry("pptx", Set.of("application/vnd.openxmlformats-officedocument.presentationml.presentation")));
    /** Sniffed types that say nothing about what the content is. */
    private static final Set<MediaType> GENERIC = Set.of(MediaType.OCTET_STREAM, MediaType.TEXT_PLAIN,
            MediaType.APPLICATION_XML, MediaType.parse("application/x-tika-ooxml"), MediaType.parse("application/x-tika-msoffice"));

    private final Properties properties;
    private final Set<String> deniedTypes;
    private final Set<String> allowedTypes;
    private final Set<String> deniedExtensions;
    private final Tika tika = new Tika();
    private final MediaTypeRegistry registry = MediaTypeRegistry.getDefaultRegistry();

    ContentPolicy(Properties properties) {
        this.properties = properties;
        this.deniedTypes = lower(properties.deniedTypes());
        this.allowedTypes = lower(properties.allowedTypes());
        this.deniedExtensions = lower(properties.deniedExtensions());
    }

    /** How many of an object's first bytes {@link #checkContent} looks at. */
    int sniffBytes() {
        return properties.sniffBytes();
    }

    boolean sniffing() {
        return properties.sniff();
    }

    /** At initiate: the declared type and the name's extension. */
    void checkDeclared(String filename, String contentType) {
        String type = baseType(contentType);
        if (deniedTypes.contains(type) || !allowedTypes.isEmpty() && !allowedTypes.contains(type)) {
            throw new DepotException(ErrorCode.CONTENT_TYPE_NOT_ALLOWED, "content type " + type + " is not accepted");
        }
        String extension = Filenames.extension(filename);
        if (deniedExtensions.contains(extension)) {
            throw new DepotException(ErrorCode.CONTENT_TYPE_NOT_ALLOWED, "files ending in ." + extension + " are not accepted");
        }
        Set<String> expected = TYPES_BY_EXTENSION.get(extension);
        if (expected != null && !expected.contains(type)) {
            throw new DepotException(ErrorCode.CONTENT_TYPE_MISMATCH, "a ." + extension + " file is "
                    + String.join(" or ", expected.stream().sorted().toList()) + ", not " + type);
        }
    }

    /** At complete: the first bytes of what was stored, against the declared type. */
    void checkContent(String filename, String contentType, byte[] head) {
        MediaType detected = MediaType.parse(tika.detect(head));
        MediaType declared = MediaType.parse(baseType(contentType));
        String detectedType = detected.getBaseType().toString();
        if (deniedTypes.contains(detectedType)) {
            throw new DepotException(ErrorCode.CONTENT_TYPE_NOT_ALLOWED, "the content of " + filename + " is "
                    + detectedType + ", which is not accepted");
        }
        if (GENERIC.contains(detected.getBaseType()) || declared == null
                || registry.isInstanceOf(detected, declared.getBaseType())
                || registry.isInstanceOf(declared, detected.getBaseType())) {
            return;
        }
        throw new DepotException(ErrorCode.CONTENT_TYPE_MISMATCH, "the content of " + filename + " is " + detectedType
                + ", declared as " + declared.getBaseType());
    }

    private static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static Set<String> lower(List<String> values) {
        return values.stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * What content Depot accepts ({@code depot.upload.content.*}).
     *
     * @param allowedTypes     when not empty, the only declared types accepted
     * @param deniedTypes      types refused whether declared or sniffed: executables and scripts by default
     * @param deniedExtensions file name extensions refused at initiate
     * @param sniff            whether complete sniffs the stored bytes
     * @param sniffBytes       how many leading bytes are sniffed
     */
    @ConfigurationProperties("depot.upload.content")
    record Properties(
            @DefaultValue("") List<String> allowedTypes,
            @DefaultValue({"application/x-msdownload", "application/x-dosexec", "application/x-executable",
                    "application/x-elf", "application/x-mach-o-executable", "application/x-sharedlib",
                    "application/vnd.microsoft.portable-executable", "application/x-msdos-program",
                    "application/x-sh", "application/x-bat", "application/x-msi"}) List<String> deniedTypes,
            @DefaultValue({"exe", "dll", "com", "scr", "msi", "bat", "cmd", "ps1", "vbs", "jar", "sh", "elf"})
            List<String> deniedExtensions,
            @DefaultValue("true") boolean sniff,
            @DefaultValue("65536") int sniffBytes) {
    }
}
