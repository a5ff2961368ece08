package io.metaloop.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON for every Kafka message and stored record. Messages tolerate unknown fields (a newer
 * producer may add some) but reject missing required ones; errors name the field.
 */
public final class Json {
    /**
     * Marks an optional creator property: {@code @JacksonInject(value = Json.ABSENT + "<field>", useInput = TRUE)}
     * reads the field when present and null when absent, so a field added to a message later does
     * not make older stored messages unreadable. (Jackson wants one id per field.)
     */
    public static final String ABSENT = "metaloop.absent.";

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());
    /** REST bodies come from people: an unknown field there is a typo worth reporting. */
    // Missing fields arrive as null, so the request's own validation can name every one at once.
    private static final ObjectMapper STRICT = configure(new ObjectMapper())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
    /** The same rules for YAML request bodies and spec files. */
    private static final ObjectMapper STRICT_YAML = configure(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private Json() {
    }

    /** Applies MetaLoop's JSON conventions to a mapper (used by services to configure Quarkus's mapper). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .setInjectableValues(new AbsentValues())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);
    }

    /** Injects null for every {@link #ABSENT} id. */
    private static final class AbsentValues extends InjectableValues.Std {
        @Override
        public Object findInjectableValue(Object valueId, com.fasterxml.jackson.databind.DeserializationContext context,
                                          com.fasterxml.jackson.databind.BeanProperty property, Object beanInstance)
                throws JsonMappingException {
            if (valueId instanceof String id && id.startsWith(ABSENT)) {
                return null;
            }
            return super.findInjectableValue(valueId, context, property, beanInstance);
        }

        @Override
        public Object findInjectableValue(com.fasterxml.jackson.databind.DeserializationContext context, Object valueId,
                                          com.fasterxml.jackson.databind.BeanProperty property, Object beanInstance,
                                          Boolean optional, Boolean useInput) throws JsonMappingException {
            if (valueId instanceof String id && id.startsWith(ABSENT)) {
                return null;
            }
            return super.findInjectableValue(context, valueId, property, beanInstance, optional, useInput);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /** Parses a message; any problem becomes an {@link InvalidMessageException} naming the field. */
    public static <T> T read(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new InvalidMessageException("$", "empty message where a " + type.getSimpleName() + " was expected");
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw describe(e, type);
        }
    }

    /** Parses a request body, rejecting unknown fields as well. */
    public static <T> T readStrict(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new InvalidMessageException("$", "request body is empty; a JSON " + type.getSimpleName() + " is expected");
        }
        return bindStrict(STRICT, json, type);
    }

    /**
     * Reads the tree first and refuses every unknown field by its path before binding: Jackson
     * buffers unknown fields of records and reports them only after the constructor ran, so a
     * constructor's own validation would otherwise hide a typo that causes it.
     */
    private static <T> T bindStrict(ObjectMapper mapper, byte[] body, Class<T> type) {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new InvalidMessageException("$", "the document is empty; a " + type.getSimpleName() + " is expected");
            }
            java.util.List<FieldError> unknown = new java.util.ArrayList<>();
            UnknownFields.collect(tree, type, "", unknown);
            if (!unknown.isEmpty()) {
                throw new InvalidMessageException(unknown);
            }
            return mapper.treeToValue(tree, type);
        } catch (IOException e) {
            throw describe(e, type);
        }
    }

    /** Parses a YAML request body or spec file with the rules of {@link #readStrict}; errors give line and column. */
    public static <T> T readStrictYaml(byte[] yaml, Class<T> type) {
        if (yaml == null || yaml.length == 0) {
            throw new InvalidMessageException("$", "request body is empty; a YAML " + type.getSimpleName() + " is expected");
        }
        return bindStrict(STRICT_YAML, yaml, type);
    }

    /**
     * A request body as JSON, or as YAML when the media type says so ({@code application/yaml},
     * {@code application/x-yaml}, {@code text/yaml}); unknown fields are refused either way.
     */
    public static <T> T readStrict(byte[] body, String mediaType, Class<T> type) {
        return isYaml(mediaType) ? readStrictYaml(body, type) : readStrict(body, type);
    }

    public static boolean isYaml(String mediaType) {
        return mediaType != null && mediaType.toLowerCase(java.util.Locale.ROOT).contains("yaml");
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** Turns a Jackson failure into field errors: the JSON path, or the byte/column where parsing stopped. */
    public static InvalidMessageException describe(IOException e, Class<?> type) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() instanceof InvalidMessageException ime) {
            return prefixed(ime, path(vie));
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            return new InvalidMessageException(path(upe), "unknown field");
        }
        if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            String path = path(jme);
            String problem = jme.getOriginalMessage();
            if (problem != null && problem.contains("Missing") && problem.contains("creator property")) {
                problem = "is required";
            }
            return new InvalidMessageException(path, problem);
        }
        String where = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
                ? "line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr()
                : "input";
        String problem = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return new InvalidMessageException("$", "not a valid " + type.getSimpleName() + " at " + where + ": " + problem);
    }

    private static InvalidMessageException prefixed(InvalidMessageException inner, String path) {
        if (path.isEmpty() || path.equals("$")) {
            return inner;
        }
        return new InvalidMessageException(inner.errors().stream()
                .map(err -> new FieldError(path + "." + err.field(), err.message())).toList());
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "$" : sb.toString();
    }
}
