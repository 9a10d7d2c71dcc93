package io.depot.deployment;

import io.depot.deployment.ComposeFile.Mount;
import io.depot.deployment.ComposeFile.Service;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.depot.deployment.ComposeFile.list;
import static io.depot.deployment.ComposeFile.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code infra/docker-compose.yml}, which cannot run where Depot is developed (no Docker engine), checked for what a
 * typo or drift would break: every image pinned to a version; every variable a Depot service is given is one it reads
 * (a placeholder of its application.yml, or the relaxed name of a property it binds); health checks on the port each
 * service listens on; every dependency, mounted file, Dockerfile and address a service names exists; Envoy's clusters
 * ({@code envoy/envoy.yaml}) reach services listening on their ports.
 */
class ComposeFileTest {

    private static final String READINESS = "/health/readiness";
    private static final Pattern LOCAL_URL = Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/[^\\s\"']*)");
    private static final Pattern PORT_DEFAULT = Pattern.compile("port: \\$\\{PORT:(\\d+)}");
    private static final Pattern URI_HOST = Pattern.compile("[a-z][a-z0-9+.-]*://(?:[^@/\\s]*@)?([^/:?#,\\s]+)");
    private static final Pattern HOST_PORTS = Pattern.compile("[A-Za-z][A-Za-z0-9.-]*:\\d+(?:,[A-Za-z][A-Za-z0-9.-]*:\\d+)*");
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):\\?");

    private static ComposeFile compose;
    private static Map<String, Service> services;
    private static DepotModules modules;
    private static ReadVariables variables;

    @BeforeAll
    static void load() {
        compose = ComposeFile.read();
        services = compose.services();
        modules = new DepotModules();
        variables = new ReadVariables(modules);
    }

    /** The services built from a Depot module, by name. */
    private static Map<String, Service> depotServices() {
        return services.values().stream().filter(s -> s.module().isPresent())
                .collect(Collectors.toMap(Service::name, s -> s, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void everyImageIsPinnedToAVersion() {
        for (Service service : services.values()) {
            assertThat(service.image().isPresent() || !service.build().isEmpty())
                    .as("%s has an image or a build", service.name()).isTrue();
            service.image().ifPresent(image -> assertThat(pinned(image)).as("%s: %s", service.name(), image).isTrue());
        }
    }

    @ParameterizedTest
    @CsvSource({
            "mongo:7.0.14, true",
            "minio/minio:RELEASE.2024-11-07T00-52-20Z, true",
            "envoyproxy/envoy:v1.31.0@sha256:0123abcd, true",
            "registry.example:5000/depot/command-api:0.1.0, true",
            "redis, false",
            "redis:latest, false",
            "envoyproxy/envoy:v1.31-latest, false",
            "registry.example:5000/depot/command-api, false",
            "postgres@sha256:0123abcd, false",
            "postgres:16, false",
            "eclipse-temurin:17-jre, false",
            "postgres:${POSTGRES_TAG}, false"})
    void aPinnedImageNamesAVersion(String image, boolean pinned) {
        assertThat(pinned(image)).isEqualTo(pinned);
    }

    /**
     * An explicit version tag, down to at least the minor version ({@code 7.0.14}, {@code v1.31.0}) or a release
     * date ({@code RELEASE.2024-11-07T00-52-20Z}): never {@code latest}, a bare name or a major version alone such
     * as {@code 17-jre}, which move. A digest may follow.
     */
    static boolean pinned(String image) {
        String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = reference.lastIndexOf(':');
        if (colon <= reference.lastIndexOf('/')) {
            return false;
        }
        String tag = reference.substring(colon + 1);
        boolean version = tag.matches(".*\\d+\\.\\d+.*") || tag.matches(".*\\d{4}-\\d{2}-\\d{2}.*");
        return version && tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*") && !tag.toLowerCase(Locale.ROOT).contains("latest");
    }

    @Test
    void everyDepotServiceIsGivenOnlyVariablesItReads() {
        assertThat(depotServices()).containsKeys("command-blue", "query-blue", "workers");
        List<String> unread = new ArrayList<>();
        depotServices().values().forEach(service -> service.environment().keySet().stream()
                .filter(name -> !variables.reads(service.module().orElseThrow(), name))
                .forEach(name -> unread.add(service.name() + ": " + name)));
        assertThat(unread).as("variables no property or placeholder of the service reads").isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "workers, DEPOT_SCAN_CLAMD_ADDRESS, true",
            "workers, DEPOT_SCAN_CLAMD_ADRESS, false",
            "query-api, DEPOT_SCAN_CLAMD_ADDRESS, false",
            "command-api, DEPOT_SCAN_CLAMD_ADDRESS, true",
            "command-api, DEPOT_WORKERS_ENABLED, true",
            "workers, DEPOT_WORKERS_ENABLE, false",
            "query-api, DEPOT_WEB_TRUSTED_PROXIES_0, true",
            "query-api, DEPOT_WEB_TRUSTEDPROXIES, true",
            "query-api, DEPOT_SECURITY_ISSUER, true",
            "query-api, SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI, true",
            "query-api, SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWKSETURL, false",
            "workers, AXON_CERT_FILE, true",
            "workers, AXON_CERTFILE, false"})
    void aVariableIsReadOnlyWhereAPlaceholderOrPropertyTakesIt(String module, String variable, boolean read) {
        assertThat(variables.reads(module, variable)).isEqualTo(read);
    }

    @Test
    void theSpringAndAxonNamesAreRealProperties() {
        Set<String> known = variables.properties().stream().map(ReadVariables.Property::name).collect(Collectors.toSet());
        assertThat(known).containsAll(ReadVariables.SPRING_AND_AXON);
    }

    @Test
    void theDepotServicesRunTheAxonServerProfileAndAgree() {
        Set<String> scanning = new HashSet<>();
        for (Service service : depotServices().values()) {
            Map<String, String> environment = service.environment();
            assertThat(List.of(environment.getOrDefault("SPRING_PROFILES_ACTIVE", "").split("\\s*,\\s*")))
                    .as("%s profiles", service.name()).contains("axonserver");
            scanning.add(environment.getOrDefault("DEPOT_SCAN_ENABLED", "false"));
        }
        assertThat(scanning).as("DEPOT_SCAN_ENABLED, which every service must agree on").hasSize(1);
        boolean workersRun = depotServices().values().stream().anyMatch(s -> s.module().orElseThrow().equals("workers"));
        assertThat(workersRun).isTrue();
        depotServices().values().stream().filter(s -> s.module().orElseThrow().equals("command-api"))
                .forEach(command -> assertThat(command.environment().get("DEPOT_WORKERS_ENABLED"))
                        .as("%s leaves the sagas and workers to the workers service", command.name()).isEqualTo("false"));
    }

    @Test
    void everyDepotHealthCheckAsksForReadinessOnTheServicePort() {
        for (Service service : depotServices().values()) {
            Matcher url = LOCAL_URL.matcher(String.join(" ", service.healthcheck()));
            assertThat(url.find()).as("%s health check %s", service.name(), service.healthcheck()).isTrue();
            assertThat(Integer.parseInt(url.group(1))).as("%s health check port", service.name()).isEqualTo(port(service));
            assertThat(url.group(2)).as("%s health check path", service.name()).isEqualTo(READINESS);
        }
    }

    /** The port a Depot service listens on: the PORT it is given, else its application.yml's default. */
    private static int port(Service service) {
        String given = service.environment().get("PORT");
        if (given != null) {
            return Integer.parseInt(given);
        }
        Path yml = ReadVariables.applicationYml(service.module().orElseThrow());
        Matcher port = PORT_DEFAULT.matcher(Repository.read(yml));
        assertThat(port.find()).as("server.port of %s", yml).isTrue();
        return Integer.parseInt(port.group(1));
    }

    @Test
    void everyAddressADepotServiceIsGivenIsAServiceOfTheFile() {
        Set<String> hostnames = services.values().stream().flatMap(s -> s.hostnames().stream()).collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        for (Service service : depotServices().values()) {
            service.environment().forEach((name, value) -> {
                if (value.contains("${")) {
                    return; // the operator's, such as the identity provider's address
                }
                List<String> hosts = new ArrayList<>();
                Matcher uri = URI_HOST.matcher(value);
                while (uri.find()) {
                    hosts.add(uri.group(1));
                }
                if (HOST_PORTS.matcher(value).matches()) {
                    for (String hostPort : value.split(",")) {
                        hosts.add(hostPort.substring(0, hostPort.indexOf(':')));
                    }
                }
                hosts.stream().filter(host -> !hostnames.contains(host))
                        .forEach(host -> unknown.add(service.name() + ": " + name + " names " + host));
            });
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void everyDependencyIsAServiceThatCanSatisfyIt() {
        for (Service service : services.values()) {
            service.dependsOn().forEach((dependency, condition) -> {
                assertThat(services).as("%s depends on %s", service.name(), dependency).containsKey(dependency);
                Service needed = services.get(dependency);
                if (condition.equals("service_healthy")) {
                    assertThat(needed.healthcheck()).as("%s waits for %s to be healthy", service.name(), dependency)
                            .isNotEmpty();
                }
                // A service that always starts cannot wait for one that starts only with a profile.
                if (!service.definition().containsKey("profiles")) {
                    assertThat(needed.definition()).as("%s depends on %s", service.name(), dependency)
                            .doesNotContainKey("profiles");
                }
            });
        }
    }

    @Test
    void envoyReachesEachClusterOnAServiceListeningOnItsPort() {
        Path envoyYaml = Repository.path("envoy/envoy.yaml");
        Service envoy = services.values().stream()
                .filter(s -> s.volumes().stream().anyMatch(m -> m.bind() && m.path().equals(envoyYaml)))
                .findFirst().orElseThrow(() -> new AssertionError("no service mounts envoy/envoy.yaml"));
        String target = envoy.volumes().stream().filter(m -> m.bind() && m.path().equals(envoyYaml))
                .findFirst().orElseThrow().target();
        assertThat(envoy.command()).as("Envoy reads the mounted file").contains(target);

        Map<String, Object> resources = map(map(Repository.yaml(Repository.read(envoyYaml))).get("static_resources"));
        for (Object listener : list(resources.get("listeners"))) {
            Object port = map(map(map(listener).get("address")).get("socket_address")).get("port_value");
            assertThat(envoy.ports().stream().map(p -> p.replaceAll("/tcp$", ""))
                    .map(p -> p.substring(p.lastIndexOf(':') + 1)))
                    .as("Envoy's listener port published").contains(String.valueOf(port));
        }
        List<String> endpoints = new ArrayList<>();
        for (Object cluster : list(resources.get("clusters"))) {
            for (Object locality : list(map(map(cluster).get("load_assignment")).get("endpoints"))) {
                for (Object endpoint : list(map(locality).get("lb_endpoints"))) {
                    Map<String, Object> address =
                            map(map(map(map(endpoint).get("endpoint")).get("address")).get("socket_address"));
                    endpoints.add(address.get("address") + ":" + address.get("port_value"));
                }
            }
        }
        assertThat(endpoints).hasSize(4);
        for (String endpoint : endpoints) {
            String host = endpoint.substring(0, endpoint.indexOf(':'));
            int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1));
            List<Service> reached = services.values().stream().filter(s -> s.hostnames().contains(host)).toList();
            assertThat(reached).as("services named %s", host).isNotEmpty();
            for (Service service : reached) {
                assertThat(service.module()).as("%s is a Depot service", service.name()).isPresent();
                assertThat(port(service)).as("%s listens on the port of %s", service.name(), endpoint).isEqualTo(port);
            }
        }
        // The services believe X-Forwarded-For from Envoy's address only.
        for (Service service : depotServices().values()) {
            String proxies = service.environment().get("DEPOT_TRUSTED_PROXIES");
            if (proxies != null) {
                assertThat(envoy.addresses()).as("%s trusts Envoy's address", service.name())
                        .containsAll(List.of(proxies.split("\\s*,\\s*")));
            }
        }
    }

    @Test
    void everyMountedFileIsInTheRepositoryAndEveryVolumeIsDeclared() {
        Set<String> declared = compose.section("volumes").keySet();
        for (Service service : services.values()) {
            for (Mount mount : service.volumes()) {
                if (mount.bind()) {
                    assertThat(mount.path()).as("%s mounts %s", service.name(), mount.source())
                            .exists().startsWith(Repository.ROOT);
                } else {
                    assertThat(declared).as("%s uses volume %s", service.name(), mount.source()).contains(mount.source());
                }
            }
        }
    }

    @Test
    void everyBuildIsADepotModuleWithAPinnedDockerfileThatRunsAsAnotherUserThanRoot() {
        for (Service service : services.values()) {
            if (service.build().isEmpty()) {
                continue;
            }
            Path context = ComposeFile.DIR.resolve(String.valueOf(service.build().getOrDefault("context", "."))).normalize();
            Path dockerfile = context.resolve(String.valueOf(service.build().getOrDefault("dockerfile", "Dockerfile")))
                    .normalize();
            assertThat(dockerfile).as("%s's Dockerfile", service.name()).isRegularFile();
            checkDockerfile(service.name(), Repository.read(dockerfile));

            // The Dockerfile copies <module>/target/depot-<module>-<version>-exec.jar: the module must build that jar.
            String module = service.module().orElseThrow(() -> new AssertionError(service.name() + " names no MODULE"));
            assertThat(modules.folders()).as("%s's module", service.name()).contains(module);
            assertThat(modules.artifactId(module)).contains("depot-" + Path.of(module).getFileName());
            assertThat(modules.execClassifier(module)).as("%s's exec jar", module).contains("exec");
        }
    }

    /**
     * Every base image is pinned (or an earlier stage), as is the Dockerfile syntax's image when one is named, and the
     * last stage runs as a user other than root.
     */
    private static void checkDockerfile(String service, String text) {
        Matcher syntax = Pattern.compile("(?im)^#\\s*syntax\\s*=\\s*(\\S+)").matcher(text);
        if (syntax.find()) {
            assertThat(pinned(syntax.group(1))).as("%s's Dockerfile syntax %s", service, syntax.group(1)).isTrue();
        }
        List<String[]> instructions = text.replace("\\\n", " ").lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+")).toList();
        Set<String> stages = new HashSet<>();
        String user = null;
        for (String[] instruction : instructions) {
            String keyword = instruction[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                List<String> words = List.of(instruction).subList(1, instruction.length).stream()
                        .filter(w -> !w.startsWith("--")).toList();
                String image = words.get(0);
                if (!stages.contains(image)) {
                    assertThat(pinned(image)).as("%s's base image %s", service, image).isTrue();
                }
                if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
                    stages.add(words.get(2));
                }
                user = null;
            } else if (keyword.equals("USER")) {
                user = instruction[1].split(":")[0];
            }
        }
        assertThat(user).as("%s's image runs as", service).isNotNull().isNotIn("root", "0");
    }

    @Test
    void everyVariableTheOperatorMustGiveIsInTheReadme() {
        String readme = Repository.read(Repository.path("README.md"));
        Set<String> names = new HashSet<>();
        for (String value : compose.values()) {
            Matcher required = REQUIRED.matcher(value);
            while (required.find()) {
                names.add(required.group(1));
            }
        }
        assertThat(names).isNotEmpty();
        assertThat(names.stream().filter(name -> !readme.contains("`" + name + "`")).toList())
                .as("variables compose requires that the README does not name").isEmpty();
    }
}
