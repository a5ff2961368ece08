package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields of a JSON tree that a record type does not have, recursively through nested
 * records and lists of records, each by its path ({@code maml.inner.step}). Maps and plain values
 * are not looked into.
 */
final class UnknownFields {
    private UnknownFields() {
    }

    static void collect(JsonNode node, Type type, String path, List<FieldError> out) {
        Class<?> raw = raw(type);
        if (raw == null) {
            return;
        }
        if (List.class.isAssignableFrom(raw) && node.isArray() && type instanceof ParameterizedType p) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), p.getActualTypeArguments()[0], path + "[" + i + "]", out);
            }
            return;
        }
        if (!raw.isRecord() || !node.isObject()) {
            return;
        }
        Map<String, Type> fields = new LinkedHashMap<>();
        for (RecordComponent c : raw.getRecordComponents()) {
            JsonProperty renamed = c.getAnnotation(JsonProperty.class);
            if (renamed == null && c.getAccessor().getAnnotation(JsonProperty.class) != null) {
                renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            }
            fields.put(renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName(), c.getGenericType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            Type fieldType = fields.get(field.getKey());
            if (fieldType == null) {
                out.add(new FieldError(fieldPath, "unknown field"));
            } else {
                collect(field.getValue(), fieldType, fieldPath, out);
            }
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }
}
