package io.depot.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code infra/docker-compose.yml} as compose reads it, merge keys resolved; a few accessors for its services. */
final class ComposeFile {

    static final Path FILE = Repository.path("infra/docker-compose.yml");
    /** Relative paths in the file (build contexts, bind mounts) are relative to its folder. */
    static final Path DIR = FILE.getParent();

    private final Map<String, Object> root;

    ComposeFile(String text) {
        this.root = map(Repository.yaml(text));
    }

    static ComposeFile read() {
        return new ComposeFile(Repository.read(FILE));
    }

    Map<String, Service> services() {
        Map<String, Service> services = new LinkedHashMap<>();
        map(root.get("services")).forEach((name, definition) -> services.put(name, new Service(name, map(definition))));
        return services;
    }

    Map<String, Object> section(String name) {
        return map(root.get(name));
    }

    /** Every value in the file, comments left out. */
    List<String> values() {
        List<String> values = new ArrayList<>();
        collect(root, values);
        return values;
    }

    private static void collect(Object node, List<String> values) {
        if (node instanceof Map<?, ?> mapping) {
            mapping.values().forEach(value -> collect(value, values));
        } else if (node instanceof List<?> sequence) {
            sequence.forEach(item -> collect(item, values));
        } else if (node != null) {
            values.add(String.valueOf(node));
        }
    }

    /** One service of the file. */
    record Service(String name, Map<String, Object> definition) {

        Optional<String> image() {
            return Optional.ofNullable((String) definition.get("image"));
        }

        Map<String, Object> build() {
            return map(definition.get("build"));
        }

        /** The Depot module a service is built from (its {@code MODULE} build argument), if it is one. */
        Optional<String> module() {
            return Optional.ofNullable(map(build().get("args")).get("MODULE")).map(String::valueOf);
        }

        /** The environment, from either of compose's forms ({@code NAME: value} or {@code - NAME=value}). */
        Map<String, String> environment() {
            Object environment = definition.get("environment");
            Map<String, String> variables = new LinkedHashMap<>();
            if (environment instanceof List<?> list) {
                for (Object entry : list) {
                    String[] pair = String.valueOf(entry).split("=", 2);
                    variables.put(pair[0], pair.length > 1 ? pair[1] : "");
                }
            } else {
                map(environment).forEach((name, value) -> variables.put(name, value == null ? "" : String.valueOf(value)));
            }
            return variables;
        }

        /** The services this one waits for, and for what: {@code service_started} where the short form names none. */
        Map<String, String> dependsOn() {
            Object dependsOn = definition.get("depends_on");
            Map<String, String> services = new LinkedHashMap<>();
            if (dependsOn instanceof List<?> list) {
                list.forEach(name -> services.put(String.valueOf(name), "service_started"));
            } else {
                map(dependsOn).forEach((name, how) -> services.put(name,
                        String.valueOf(map(how).getOrDefault("condition", "service_started"))));
            }
            return services;
        }

        /** The healthcheck's command as a list of words ({@code CMD-SHELL} commands are one word after it). */
        List<String> healthcheck() {
            Object test = map(definition.get("healthcheck")).get("test");
            if (test instanceof String shell) {
                return List.of("CMD-SHELL", shell);
            }
            return test == null ? List.of() : ((List<?>) test).stream().map(String::valueOf).toList();
        }

        /** The names other containers reach this one by: its own and its network aliases. */
        List<String> hostnames() {
            List<String> names = new ArrayList<>(List.of(name));
            Object networks = definition.get("networks");
            if (networks instanceof Map<?, ?> byNetwork) {
                byNetwork.values().forEach(network -> map(network).entrySet().stream()
                        .filter(e -> e.getKey().equals("aliases"))
                        .forEach(e -> ((List<?>) e.getValue()).forEach(alias -> names.add(String.valueOf(alias)))));
            }
            return names;
        }

        /** The fixed addresses the service has on its networks. */
        List<String> addresses() {
            List<String> addresses = new ArrayList<>();
            Object networks = definition.get("networks");
            if (networks instanceof Map<?, ?> byNetwork) {
                byNetwork.values().forEach(network -> Optional.ofNullable(map(network).get("ipv4_address"))
                        .ifPresent(address -> addresses.add(String.valueOf(address))));
            }
            return addresses;
        }

        List<String> ports() {
            return list(definition.get("ports")).stream().map(String::valueOf).toList();
        }

        /** Each volume as source and target, from either of compose's forms. */
        List<Mount> volumes() {
            List<Mount> mounts = new ArrayList<>();
            for (Object volume : list(definition.get("volumes"))) {
                if (volume instanceof String shortForm) {
                    String[] parts = shortForm.split(":");
                    mounts.add(new Mount(parts[0], parts.length > 1 ? parts[1] : parts[0]));
                } else {
                    Map<String, Object> longForm = map(volume);
                    mounts.add(new Mount(String.valueOf(longForm.get("source")), String.valueOf(longForm.get("target"))));
                }
            }
            return mounts;
        }

        List<String> command() {
            Object command = definition.get("command");
            if (command instanceof String line) {
                return List.of(line.split("\\s+"));
            }
            return list(command).stream().map(String::valueOf).toList();
        }
    }

    /** A volume: a bind mount when its source is a path, else a named volume. */
    record Mount(String source, String target) {

        boolean bind() {
            return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
        }

        /** A bind mount's source on the host. */
        Path path() {
            return DIR.resolve(source).normalize();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}
