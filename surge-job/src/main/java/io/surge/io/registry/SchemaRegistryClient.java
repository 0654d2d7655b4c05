package io.surge.io.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surge.io.TlsStores;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for Confluent's Schema Registry REST API, enough for surge: register and look up schemas under a subject,
 * fetch a schema by id, read and set a subject's compatibility, and test a schema against it. It works against
 * Confluent's registry and against Apicurio's Confluent-compatible API, relying only on HTTP statuses (Apicurio's error
 * bodies do not carry Confluent's error codes).
 *
 * <p>Schemas by id are immutable, so they are cached forever: once a job has seen an id, a registry outage no longer
 * affects it. A client created with a cache scope shares its cache with every client of that scope in the JVM, so a
 * job's sources that restart in a TaskManager find the schemas they had (a restart during an outage would otherwise
 * wait for the registry). Calls retry with backoff while the registry cannot be reached, times out, or answers 5xx,
 * 429, 408 or a temporary redirect, for at most {@link RegistrySettings#retryFor()}, except {@link #awaitSchemaById},
 * which waits out an outage however long. 401 and 403 are retried for {@code retryFor} too, in both, reading the
 * password file again each time (a password being rotated), and are final after it; other answers are final at once.
 * Answers are read up to {@value #MAX_ANSWER_BYTES} bytes.
 */
public final class SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ANSWER_BYTES = 2 * 1024 * 1024;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final RegistrySettings settings;
    private final String baseUrl;
    private final HttpClient http;
    private static final Map<String, Map<Integer, Schema>> SCOPED_CACHES = new ConcurrentHashMap<>();

    private final Map<Integer, Schema> schemasById;
    /** When the outage that {@link #awaitSchemaById} is waiting out began, in nanoseconds; 0 when there is none. */
    private final AtomicLong outageSince = new AtomicLong();

    public SchemaRegistryClient(RegistrySettings settings) {
        this(settings, null);
    }

    /**
     * @param cacheScope the scope whose schemas by id this client shares, such as a job's: ids are the registry's,
     *     so a scope must not outlive it; null for a cache of this client's own
     */
    public SchemaRegistryClient(RegistrySettings settings, String cacheScope) {
        this.settings = settings;
        this.baseUrl = settings.url().replaceAll("/+$", "");
        this.schemasById = cacheScope == null
                ? new ConcurrentHashMap<>()
                : SCOPED_CACHES.computeIfAbsent(cacheScope + " " + baseUrl, scope -> new ConcurrentHashMap<>());
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (!settings.tls().equals(TlsStores.JVM_DEFAULTS)) {
            builder.sslContext(sslContext(settings.tls()));
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
                    "looking up a schema under subject " + subject,
                    "POST",
                    "/subjects/" + encode(subject),
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

    /**
     * The writer schema with this id, retrying an unreachable registry for {@link RegistrySettings#retryFor()}.
     *
     * @throws RegistryException with the HTTP status, 404 for an unknown id
     * @throws UnusableSchemaException when the entry is not a plain Avro schema
     */
    public Schema schemaById(int id) {
        return schemaById(id, false);
    }

    /**
     * The same, waiting out an outage of the registry however long it lasts, with one log line when it starts and one
     * when it ends: for the job's sources, which hold their input back meanwhile instead of failing the job.
     */
    public Schema awaitSchemaById(int id) {
        return schemaById(id, true);
    }

    private Schema schemaById(int id, boolean waitOutOutages) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = call("fetching schema id " + id, "GET", "/schemas/ids/" + id, null, waitOutOutages);
        } catch (RegistryException e) {
            if (e.httpStatus() / 100 == 2) {
                throw new UnusableSchemaException(e.getMessage());
            }
            throw e;
        }
        Schema schema = avro(id, answer);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    /** The Avro schema in an answer for an id; Confluent leaves schemaType out for Avro. */
    private static Schema avro(int id, JsonNode answer) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new UnusableSchemaException("schema id " + id + " is a " + type + " schema, not Avro");
        }
        if (answer.path("references").size() > 0) {
            throw new UnusableSchemaException(
                    "schema id " + id + " refers to other schemas (references), which" + " surge does not resolve");
        }
        if (!answer.path("schema").isTextual()) {
            throw new UnusableSchemaException("the registry's answer for schema id " + id + " holds no schema");
        }
        try {
            return new Schema.Parser().parse(answer.get("schema").asText());
        } catch (RuntimeException e) {
            throw new UnusableSchemaException("schema id " + id + " does not parse as Avro: " + e.getMessage());
        }
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
            JsonNode level =
                    answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.path("compatibility");
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
        call(
                "setting the compatibility of subject " + subject + " to " + level,
                "PUT",
                "/config/" + encode(subject),
                body);
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode call(String what, String method, String path, JsonNode body) {
        return call(what, method, path, body, false);
    }

    /** @param waitOutOutages retry an unreachable or overloaded registry for as long as it takes */
    private JsonNode call(String what, String method, String path, JsonNode body, boolean waitOutOutages) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        String where = "Schema Registry at " + baseUrl + ": " + what + " (" + method + " " + path + ")";
        long deadline = System.nanoTime() + settings.retryFor().toNanos();
        long backoffMillis = 100;
        while (true) {
            RegistryException failure;
            // refused credentials are retried until the deadline, the password read anew, but never waited out
            boolean refused = false;
            try {
                if (settings.username() != null) {
                    String credentials = settings.username() + ":" + settings.currentPassword();
                    request.setHeader(
                            "Authorization",
                            "Basic "
                                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
                }
                HttpResponse<InputStream> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                String answer = boundedBody(response);
                if (answer == null) {
                    outageOver(waitOutOutages);
                    throw new RegistryException(
                            where + " failed: its answer (HTTP " + status + ") is larger than " + MAX_ANSWER_BYTES
                                    + " bytes",
                            status,
                            null);
                }
                if (status / 100 == 2) {
                    outageOver(waitOutOutages);
                    return json(answer, where, status);
                }
                failure = new RegistryException(
                        where + " failed: HTTP " + status + " " + errorMessage(answer)
                                + (status == 401 || status == 403 ? "; " + credentialsFix(status) : "")
                                + (status == 301 || status == 308
                                        ? "; the registry moved to "
                                                + response.headers()
                                                        .firstValue("Location")
                                                        .orElse("(no Location)")
                                                + ": set registry.url to it"
                                        : ""),
                        status,
                        null);
                refused = status == 401 || status == 403;
                if (!refused && !transientStatus(status)) {
                    outageOver(waitOutOutages);
                    throw failure;
                }
            } catch (IOException e) {
                String tlsFix = settings.tls().handshakeFix(e, "the registry", "registry.");
                if (tlsFix != null && !waitOutOutages) {
                    // stores that do not fit the registry's certificates fit no better a moment later
                    throw new RegistryException(where + " failed: " + tlsFix, 0, e);
                }
                failure = new RegistryException(
                        where + " failed: "
                                + (tlsFix != null
                                        ? tlsFix
                                        : "the registry cannot be reached (" + e
                                                + "); check the registry URL and that the registry" + " is up"
                                                + clientCertificateHint(e)),
                        0,
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(where + " was interrupted", 0, e);
            }
            if (waitOutOutages && !refused) {
                if (outageSince.compareAndSet(0, System.nanoTime())) {
                    LOG.warn("registry unavailable, input waits for it url={} cause={}", baseUrl, failure.getMessage());
                }
            } else if (System.nanoTime() + backoffMillis * 1_000_000 > deadline) {
                outageOver(waitOutOutages);
                throw new RegistryException(
                        failure.getMessage() + (refused ? " (still refused" : " (gave up") + " after retrying for "
                                + settings.retryFor().toSeconds() + " s)",
                        failure.httpStatus(),
                        failure.getCause());
            }
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /**
     * An answer of a registry that is down, busy, slow or moved for a while (302, 303, 307), rather than one about the
     * request; a permanent redirect (301, 308) means {@code registry.url} is wrong, and is final.
     */
    private static boolean transientStatus(int status) {
        return status / 100 == 5 || status == 429 || status == 408 || status == 302 || status == 303 || status == 307;
    }

    private void outageOver(boolean waitOutOutages) {
        long since = waitOutOutages ? outageSince.getAndSet(0) : 0;
        if (since != 0) {
            LOG.info(
                    "registry available again url={} after={}s",
                    baseUrl,
                    Duration.ofNanos(System.nanoTime() - since).toSeconds());
        }
    }

    private static JsonNode json(String answer, String where, int status) {
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new RegistryException(
                    where + " failed: its answer (HTTP " + status + ") is not JSON: " + errorMessage(answer),
                    status,
                    e);
        }
    }

    /** The answer's body as text, or null when it is larger than any answer surge needs. */
    private static String boundedBody(HttpResponse<InputStream> response) throws IOException {
        try (InputStream in = response.body()) {
            byte[] read = in.readNBytes(MAX_ANSWER_BYTES + 1);
            return read.length > MAX_ANSWER_BYTES ? null : new String(read, StandardCharsets.UTF_8);
        }
    }

    /**
     * Under TLS 1.3 a server checks the client's certificate after the handshake has completed on the client's side,
     * and the JDK's client then sees only a connection closed without an answer.
     */
    private String clientCertificateHint(IOException failure) {
        String shown = settings.tls().keyStore();
        return baseUrl.startsWith("https://") && !(failure instanceof ConnectException)
                ? "; or, if it requires a client certificate, set registry.keystore to one it trusts (surge shows "
                        + (shown == null ? "none" : "the one in " + shown) + ")"
                : "";
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

    private static SSLContext sslContext(TlsStores tls) {
        try {
            return tls.sslContext();
        } catch (IOException | GeneralSecurityException e) {
            throw new RegistryException("cannot load the registry's " + tls + ": " + e.getMessage(), 0, e);
        }
    }
}
