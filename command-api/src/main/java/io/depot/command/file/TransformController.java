package io.depot.command.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.RequestTransformCommand;
import io.depot.file.RequestedRendition;
import io.depot.file.Transform;
import io.depot.platform.axon.Dispatch;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Transforms: a resized copy of an image version that its owner asks for, made in the background. The answer names
 * the rendition and where to poll it; asking again for the same transform answers the same and makes nothing twice.
 */
@RestController
@EnableConfigurationProperties(TransformController.Properties.class)
class TransformController {

    private final CommandGateway commands;
    private final Properties properties;
    private final Clock clock;

    TransformController(CommandGateway commands, Properties properties, Clock clock) {
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    /** 202 with {@code Location} the rendition's poll URL. */
    @PostMapping("/v1/files/{fileId}/transforms")
    Mono<ResponseEntity<TransformResponse>> transform(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                                      @RequestBody TransformRequest request) {
        Transform transform = Transform.of(request.width(), request.height(), request.fit(), request.format());
        if (request.version() != null && request.version() < 1) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "\"version\" must be at least 1");
        }
        return Dispatch.<RequestedRendition>command(commands, new RequestTransformCommand(fileId, user.getSubject(),
                        request.version(), transform, properties.maxPerVersion(), clock.instant()))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId))
                .map(r -> {
                    URI poll = URI.create("/v1/files/" + UriUtils.encodePathSegment(fileId, StandardCharsets.UTF_8)
                            + "/renditions/" + r.name() + "?version=" + r.version());
                    return ResponseEntity.status(HttpStatus.ACCEPTED).location(poll)
                            .body(new TransformResponse(fileId, r.version(), r.name(), r.status().word(),
                                    poll.toString()));
                });
    }

    /**
     * Body of {@code POST /v1/files/{id}/transforms}.
     *
     * @param width   the box's width in pixels, 1 to 4096
     * @param height  the box's height in pixels, 1 to 4096; at least one of the two
     * @param fit     {@code contain} (the default), {@code cover} or {@code fill}
     * @param format  {@code jpeg} (the default) or {@code png}
     * @param version the version to transform; the newest available one when absent
     */
    record TransformRequest(Integer width, Integer height, String fit, String format, Long version) {
    }

    /** The rendition a transform makes, its status ({@code pending}, {@code available}, ...) and its poll URL. */
    record TransformResponse(String fileId, long version, String name, String status, String location) {
    }

    /**
     * Transform settings ({@code depot.transforms.*}).
     *
     * @param maxPerVersion the most distinct transforms one version may have; one more is refused with 409
     *                      {@code transform-limit-reached}
     */
    @ConfigurationProperties("depot.transforms")
    record Properties(@DefaultValue("20") int maxPerVersion) {
    }
}
