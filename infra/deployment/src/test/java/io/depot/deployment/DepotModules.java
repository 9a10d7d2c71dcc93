package io.depot.deployment;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/** Depot's Maven modules, read from the poms: where each is, and which Depot modules a deployable runs with. */
final class DepotModules {

    private static final String GROUP = "io.depot";

    /** Module folder, relative to the repository, by artifactId. */
    private final Map<String, String> folders = new LinkedHashMap<>();

    DepotModules() {
        for (Element module : children(pom("").getDocumentElement(), "modules", "module")) {
            String folder = module.getTextContent().trim();
            folders.put(text(pom(folder).getDocumentElement(), "artifactId").orElseThrow(), folder);
        }
    }

    Set<String> folders() {
        return new LinkedHashSet<>(folders.values());
    }

    Optional<String> artifactId(String folder) {
        return folders.entrySet().stream().filter(e -> e.getValue().equals(folder)).map(Map.Entry::getKey).findFirst();
    }

    /** The folder of a module and of every Depot module it depends on outside its tests, transitively. */
    Set<String> runtime(String folder) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(folder));
        while (!next.isEmpty()) {
            String current = next.pop();
            if (!seen.add(current)) {
                continue;
            }
            for (Element dependency : children(pom(current).getDocumentElement(), "dependencies", "dependency")) {
                String group = text(dependency, "groupId").orElse("");
                String scope = text(dependency, "scope").orElse("compile");
                String type = text(dependency, "type").orElse("jar");
                boolean depot = group.equals(GROUP) || group.equals("${project.groupId}");
                if (depot && !scope.equals("test") && type.equals("jar")) {
                    String artifactId = text(dependency, "artifactId").orElseThrow();
                    String dependencyFolder = folders.get(artifactId);
                    if (dependencyFolder == null) {
                        throw new IllegalStateException(current + " depends on " + artifactId
                                + ", which no module of the root pom is");
                    }
                    next.push(dependencyFolder);
                }
            }
        }
        return seen;
    }

    /** The classifier the Spring Boot plugin of a module gives its executable jar, if it repackages one. */
    Optional<String> execClassifier(String folder) {
        for (Element plugin : children(child(pom(folder).getDocumentElement(), "build"), "plugins", "plugin")) {
            if ("spring-boot-maven-plugin".equals(text(plugin, "artifactId").orElse(""))) {
                return text(child(plugin, "configuration"), "classifier");
            }
        }
        return Optional.empty();
    }

    private static Document pom(String folder) {
        Path pom = Repository.path(folder).resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            throw new IllegalStateException("no pom.xml in " + folder);
        }
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        return IntStream.range(0, parent.getChildNodes().getLength()).mapToObj(parent.getChildNodes()::item)
                .filter(n -> n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals(name))
                .map(Element.class::cast).findFirst().orElse(null);
    }

    private static List<Element> children(Element parent, String list, String item) {
        Element container = child(parent, list);
        if (container == null) {
            return List.of();
        }
        return IntStream.range(0, container.getChildNodes().getLength()).mapToObj(container.getChildNodes()::item)
                .filter(n -> n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals(item))
                .map(Element.class::cast).toList();
    }

    private static Optional<String> text(Element parent, String name) {
        return Optional.ofNullable(child(parent, name)).map(e -> e.getTextContent().trim());
    }
}
