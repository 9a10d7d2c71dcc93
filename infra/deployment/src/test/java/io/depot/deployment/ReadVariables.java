package io.depot.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which environment variables a Depot deployable reads: the {@code ${NAME}} placeholders of its application.yml, and
 * the relaxed-binding names of the properties it binds. Depot's properties come from the configuration metadata its
 * modules carry (written by Spring Boot's configuration processor from the {@code @ConfigurationProperties} records);
 * a property counts for a deployable when the module declaring it is one the deployable runs with. Spring's and
 * Axon's properties count only when named in {@link #SPRING_AND_AXON}, each of which must be in their own metadata.
 */
final class ReadVariables {

    /** The Spring and Axon properties a deployment may set through the environment. */
    static final Set<String> SPRING_AND_AXON = Set.of(
            "spring.profiles.active",
            "spring.security.oauth2.resourceserver.jwt.jwk-set-uri");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)[:}]");
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final String ADDITIONAL_METADATA = "META-INF/additional-spring-configuration-metadata.json";

    /** A property the configuration metadata describes. */
    record Property(String name, String type, String sourceType) {

        /** A list, set, array or map, which the environment also sets one element at a time ({@code NAME_0}). */
        boolean indexed() {
            return type != null && (type.startsWith("java.util.List") || type.startsWith("java.util.Set")
                    || type.startsWith("java.util.Collection") || type.startsWith("java.util.Map") || type.endsWith("[]"));
        }

        /** Whether Spring's relaxed binding sets this property from that variable. */
        boolean boundBy(String variable) {
            String upper = name.toUpperCase(Locale.ROOT).replace('.', '_');
            for (String form : List.of(upper.replace("-", ""), upper.replace('-', '_'))) {
                if (variable.equals(form) || indexed() && variable.startsWith(form + "_")) {
                    return true;
                }
            }
            return false;
        }
    }

    private final DepotModules modules;
    private final List<Property> properties;

    ReadVariables(DepotModules modules) {
        this.modules = modules;
        this.properties = load();
    }

    List<Property> properties() {
        return properties;
    }

    /** The placeholders of a module's application.yml. */
    static Set<String> placeholders(String folder) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(Repository.read(applicationYml(folder)));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    static Path applicationYml(String folder) {
        return Repository.path(folder).resolve("src/main/resources/application.yml");
    }

    /** Whether the deployable built from that module reads the variable. */
    boolean reads(String folder, String variable) {
        if (placeholders(folder).contains(variable)) {
            return true;
        }
        Set<String> runtime = modules.runtime(folder);
        for (Property property : properties) {
            if (!property.boundBy(variable)) {
                continue;
            }
            if (SPRING_AND_AXON.contains(property.name())) {
                return true;
            }
            if (property.name().startsWith("depot.") && runtime.contains(declaringFolder(property))) {
                return true;
            }
        }
        return false;
    }

    /** The module whose sources declare a Depot property. */
    String declaringFolder(Property property) {
        for (String folder : modules.folders()) {
            Path module = Repository.path(folder);
            if (property.sourceType() != null) {
                String outer = property.sourceType().split("\\$")[0];
                if (Files.isRegularFile(module.resolve("src/main/java/" + outer.replace('.', '/') + ".java"))) {
                    return folder;
                }
            } else {
                Path additional = module.resolve("src/main/resources/" + ADDITIONAL_METADATA);
                if (Files.isRegularFile(additional) && names(additional).contains(property.name())) {
                    return folder;
                }
            }
        }
        throw new IllegalStateException("no module declares " + property);
    }

    private static Set<String> names(Path metadata) {
        try {
            Set<String> names = new LinkedHashSet<>();
            new ObjectMapper().readTree(metadata.toFile()).path("properties").forEach(p -> names.add(p.path("name").asText()));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Property> load() {
        List<Property> properties = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try {
            for (String resource : List.of(METADATA, ADDITIONAL_METADATA)) {
                for (URL url : Collections.list(ReadVariables.class.getClassLoader().getResources(resource))) {
                    try (InputStream in = url.openStream()) {
                        for (JsonNode property : json.readTree(in).path("properties")) {
                            properties.add(new Property(property.path("name").asText(),
                                    property.hasNonNull("type") ? property.get("type").asText() : null,
                                    property.hasNonNull("sourceType") ? property.get("sourceType").asText() : null));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
