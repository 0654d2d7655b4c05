package io.surge.io.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * A client for Confluent's Schema Registry REST API, enough for surge: register and look up schemas under a subject,
 * fetch a schema by id, read and set a subject's compatibility, and test a schema against it. It works against
 * Confluent's registry and against Apicurio's Confluent-compatible API, relying only on HTTP statuses (Apicurio's error
 * bodies do not carry Confluent's error codes).
 *
 * <p>Schemas by id are immutable, so they are cached forever: once a job has seen an id, a registry outage no longer
 * affects it. Calls retry with backoff while the registry cannot be reached or answers 5xx, for at most
 * {@link RegistrySettings#retryFor()}; other answers are final.
 */
public final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private final String baseUrl;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = settings;
        this.baseUrl = settings.url().replaceAll("/+$", "");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (settings.trustStore() != null) {
            builder.sslContext(sslContext(settings));
        }
        this.http = builder.build();
    }

    /** Registers the schema under the subject (a no-op returning the existing id if it is already there). */
    public int register(String subject, Schema schema) {
        JsonNode answer = call(
                "registering a schema under subject " + subject,
                "POST",
                "/subjects/" + encode(subject) + "/versions",
                schemaBody(schema));
        int id = answer.path("id").asInt();
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The id of the schema under the subject, or empty when the subject or that schema is not registered. */
    public OptionalInt lookup(String subject, Schema schema) {
        try {
            JsonNode answer = call(
                    "looking up a schema under subject " + subject, "POST", "/subjects/" + encode(subject),
                    schemaBody(schema));
            int id = answer.path("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return OptionalInt.of(id);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    /** The writer schema with this id; throws a {@link RegistryException} with status 404 for an unknown id. */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("fetching schema id " + id, "GET", "/schemas/ids/" + id, null);
        Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    /**
     * The compatibility level of the subject, or empty where the registry says it has none of its own (Confluent;
     * Apicurio answers with the level in force, its own or the global one).
     */
    public Optional<String> compatibility(String subject) {
        return compatibilityAt("/config/" + encode(subject), "reading the compatibility of subject " + subject);
    }

    public Optional<String> globalCompatibility() {
        return compatibilityAt("/config", "reading the global compatibility");
    }

    private Optional<String> compatibilityAt(String path, String what) {
        try {
            JsonNode answer = call(what, "GET", path, null);
            JsonNode level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel")
                    : answer.path("compatibility");
            return level.isTextual() ? Optional.of(level.asText()) : Optional.empty();
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call("setting the compatibility of subject " + subject + " to " + level, "PUT", "/config/" + encode(subject),
                body);
    }

    /** Whether the schema may be registered under the subject, given the subject's compatibility level. */
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = call("checking a schema against subject " + subject, "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
            return answer.path("is_compatible").asBoolean(false);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                return true; // nothing registered yet: anything is compatible
            }
            throw e;
        }
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode call(String what, String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (settings.username() != null) {
            String credentials = settings.username() + ":" + settings.password();
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        String where = "Schema Registry at " + baseUrl + ": " + what + " (" + method + " " + path + ")";
        long deadline = System.nanoTime() + settings.retryFor().toNanos();
        long backoffMillis = 100;
        while (true) {
            RegistryException failure;
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                failure = new RegistryException(where + " failed: HTTP " + status + " " + errorMessage(response.body())
                        + (status == 401 || status == 403 ? "; " + credentialsFix(status) : ""), status, null);
                if (status < 500) {
                    throw failure;
                }
            } catch (IOException e) {
                failure = new RegistryException(
                        where + " failed: the registry cannot be reached (" + e + "); check the registry URL and"
                                + " that the registry is up", 0, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(where + " was interrupted", 0, e);
            }
            if (System.nanoTime() + backoffMillis * 1_000_000 > deadline) {
                throw new RegistryException(
                        failure.getMessage() + " (gave up after retrying for " + settings.retryFor().toSeconds()
                                + " s)", failure.httpStatus(), failure.getCause());
            }
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 2_000);
        }
    }

    private String credentialsFix(int status) {
        if (settings.username() == null) {
            return "the registry requires credentials: set registry.username and registry.password-file (or"
                    + " SURGE_REGISTRY_USERNAME and SURGE_REGISTRY_PASSWORD)";
        }
        return status == 401
                ? "the registry refused user '" + settings.username() + "': check registry.username and its password"
                : "user '" + settings.username() + "' may not do this: grant it access to the subject";
    }

    private static String errorMessage(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error.hasNonNull("message")) {
                return error.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: show it as it came
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while waiting to retry the Schema Registry", 0, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static SSLContext sslContext(RegistrySettings settings) {
        try (InputStream in = Files.newInputStream(settings.trustStore())) {
            char[] password = settings.trustStorePassword() == null ? null : settings.trustStorePassword().toCharArray();
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(in, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new RegistryException(
                    "cannot load the registry trust store " + settings.trustStore() + ": " + e.getMessage(), 0, e);
        }
    }
}
