package io.metaloop.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
    // A fraction where an integer belongs (epochs: 2.5) is refused rather than cut to 2.
    private static final ObjectMapper STRICT = configure(new ObjectMapper())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    /** The same rules for YAML request bodies and spec files. */
    private static final ObjectMapper STRICT_YAML = configure(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private Json() {
    }

    /**
     * Applies MetaLoop's JSON conventions to a mapper (used by services to configure Quarkus's mapper):
     * a null inside a list or map is refused by its path ({@code levels[0].classes[2]}) instead of
     * reaching a record's constructor, and so is anything after the document's one value.
     */
    public static ObjectMapper configure(ObjectMapper mapper) {
        mapper.setDefaultSetterInfo(com.fasterxml.jackson.annotation.JsonSetter.Value.forContentNulls(
                com.fasterxml.jackson.annotation.Nulls.FAIL));
        return mapper.registerModule(new JavaTimeModule())
                .setInjectableValues(new AbsentValues())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
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
        com.fasterxml.jackson.core.JsonParser parser = null;
        try {
            parser = MAPPER.createParser(json);
            return MAPPER.readValue(parser, type);
        } catch (IOException e) {
            throw describe(e, type, parser);
        } finally {
            close(parser);
        }
    }

    private static void close(com.fasterxml.jackson.core.JsonParser parser) {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException e) {
                // a parser over a byte array has nothing to release
            }
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
        com.fasterxml.jackson.core.JsonParser parser = null;
        try {
            parser = mapper.createParser(body);
            parser.nextToken();
            JsonLocation start = parser.currentTokenLocation();
            com.fasterxml.jackson.databind.JsonNode tree = parser.currentToken() == null ? null : mapper.readTree(parser);
            if (tree != null && parser.nextToken() != null) {
                throw new InvalidMessageException("$", "not a valid " + type.getSimpleName() + " at " + where(parser.currentLocation())
                        + ": more content after the document's end");
            }
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new InvalidMessageException("$", "the document is empty; a " + type.getSimpleName() + " is expected");
            }
            if (type.isRecord() && !tree.isObject()) {
                throw new InvalidMessageException("$", "not a valid " + type.getSimpleName() + " at " + where(start)
                        + ": must be an object of fields, got " + kind(tree));
            }
            java.util.List<FieldError> unknown = new java.util.ArrayList<>();
            UnknownFields.collect(tree, type, "", unknown);
            if (!unknown.isEmpty()) {
                throw new InvalidMessageException(unknown);
            }
            return mapper.treeToValue(tree, type);
        } catch (IOException e) {
            throw describe(e, type, parser);
        } finally {
            close(parser);
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
        return describe(e, type, null);
    }

    /**
     * As {@link #describe(IOException, Class)}; {@code parser}, when given, supplies the position of
     * a failure that carries none (a number or string beyond the parser's limits).
     */
    private static InvalidMessageException describe(IOException e, Class<?> type, com.fasterxml.jackson.core.JsonParser parser) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() instanceof InvalidMessageException ime) {
            return prefixed(ime, path(vie));
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            return new InvalidMessageException(path(upe), "unknown field");
        }
        if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            return new InvalidMessageException(path(jme), problem(jme));
        }
        JsonLocation location = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
                && jpe.getLocation().getLineNr() > 0 ? jpe.getLocation() : parser != null ? parser.currentLocation() : null;
        String problem = e instanceof JsonMappingException jme ? problem(jme)
                : e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return new InvalidMessageException("$", "not a valid " + type.getSimpleName() + " at " + where(location) + ": " + problem);
    }

    private static String where(JsonLocation location) {
        return location != null && location.getLineNr() > 0
                ? "line " + location.getLineNr() + ", column " + location.getColumnNr() : "input";
    }

    private static String kind(com.fasterxml.jackson.databind.JsonNode node) {
        return node.isArray() ? "an array" : node.isTextual() ? "a string" : node.isNumber() ? "a number"
                : node.isBoolean() ? "a boolean" : node.isObject() ? "an object" : "null";
    }

    private static final java.util.regex.Pattern GOT = java.util.regex.Pattern.compile(
            "from (Array|Object|String|Integer|Floating-point|Number|Boolean|Null|Embedded Object) value",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** A binding failure in words: what the field must be and what it got, without Jackson's and Java's type names. */
    private static String problem(JsonMappingException e) {
        String message = e.getOriginalMessage();
        if (e instanceof InvalidNullException) {
            return "must not be null";
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            Throwable cause = e.getCause();
            return cause instanceof NullPointerException || cause.getMessage() == null
                    ? "is incomplete: a value it needs is missing or null" : "is not valid: " + cause.getMessage();
        }
        if (message != null && message.contains("Missing") && message.contains("creator property")) {
            return "is required";
        }
        if (message != null && message.startsWith("Trailing token")) {
            return "more content after the document's end";
        }
        if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
            String expected = expected(mie.getTargetType());
            if (e instanceof InvalidFormatException ife && ife.getValue() != null) {
                String value = String.valueOf(ife.getValue());
                return "must be " + expected + ", got '" + (value.length() > 80 ? value.substring(0, 80) + "…" : value) + "'";
            }
            java.util.regex.Matcher got = GOT.matcher(message == null ? "" : message);
            if (got.find()) {
                return "must be " + expected + ", got " + switch (got.group(1).toLowerCase(java.util.Locale.ROOT)) {
                    case "array" -> "an array";
                    case "object", "embedded object" -> "an object";
                    case "string" -> "a string";
                    case "boolean" -> "a boolean";
                    case "null" -> "null";
                    default -> "a number";
                };
            }
            if (message != null && message.contains("Cannot coerce Floating-point")) {
                return "must be " + expected + ", got a fraction";
            }
        }
        return message;
    }

    private static String expected(Class<?> type) {
        if (type == String.class || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class || type == short.class
                || type == Short.class || type == byte.class || type == Byte.class || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 time such as 2026-01-02T03:04:05Z";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
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
