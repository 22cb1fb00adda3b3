package com.callcenter.lisa.chat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which service instance this is, as recorded on the idempotency claims it holds: an instance that
 * starts again under the same id knows that the claims recorded under it are its dead predecessor's and
 * releases them at once, instead of leaving their retries to wait until the lease runs out.
 *
 * <p>{@code lisa.instance-id} sets it; set it per instance when instances share a host and port (two
 * containers with the same host name). By default it is the host name and the HTTP port: stable across
 * restarts of the same process on the same host (a container keeps its host name when restarted), and
 * no two live processes can listen on one port of one host. With a random port ({@code server.port=0})
 * there is nothing stable to go by, so the id is random and a dead predecessor's claims free when their
 * lease runs out (within {@code lisa.chat.idempotency.lease}).
 */
@Component
public class ServiceInstance {

    private static final Logger log = LoggerFactory.getLogger(ServiceInstance.class);

    private final String id;

    ServiceInstance(@Value("${lisa.instance-id:}") String configured, @Value("${server.port:8080}") int port) {
        if (!configured.isBlank()) {
            id = configured.strip();
        } else if (port > 0) {
            id = hostName() + ":" + port;
        } else {
            id = hostName() + ":" + UUID.randomUUID();
        }
        if (id.length() > 255) {
            throw new IllegalStateException("lisa.instance-id is " + id.length()
                    + " characters long; at most 255 fit the database column: set a shorter one.");
        }
        log.info("Service instance id: {}", id);
    }

    public String id() {
        return id;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
