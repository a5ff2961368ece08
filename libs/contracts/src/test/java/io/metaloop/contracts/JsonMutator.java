package io.metaloop.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Malformed variants of a valid JSON document, drawn from a seeded {@link Random}: a value replaced
 * by a wrong type, null, a huge, negative or non-finite number, a very long or odd string or deep
 * nesting; a field removed, duplicated or unknown; and at the byte level truncation, deletion,
 * insertion, bit flips, invalid UTF-8 and random bytes. One to three mutations per variant.
 */
final class JsonMutator {
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String RAW = "@@raw@@";
    /** Raw JSON text a tree cannot hold: non-finite and out-of-range numbers, deep nesting. */
    private static final List<String> RAW_VALUES = List.of("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999", "1" + "0".repeat(1200),
            "0." + "1".repeat(1200), "[".repeat(3000) + "]".repeat(3000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
            "[".repeat(600) + "]".repeat(600), "01", "+1", ".5", "0x10", "1.", "true false", "undefined", "'single'");
    /** Byte sequences that are not UTF-8: a lone continuation, overlong forms, a surrogate, 0xFF. */
    private static final byte[][] BAD_UTF8 = {{(byte) 0x80}, {(byte) 0xC3, (byte) 0x28}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};

    private final Random random;

    JsonMutator(Random random) {
        this.random = random;
    }

    /** A malformed variant of {@code valid}. */
    byte[] mutate(byte[] valid) {
        byte[] out = valid;
        int rounds = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
        for (int i = 0; i < rounds; i++) {
            out = random.nextInt(3) == 0 ? mutateBytes(out) : mutateTree(out);
        }
        return out;
    }

    private byte[] mutateTree(byte[] json) {
        JsonNode root;
        try {
            root = TREE.readTree(json);
        } catch (IOException e) {
            return mutateBytes(json); // already broken by an earlier round
        }
        if (root == null || !root.isContainerNode() || root.isEmpty()) {
            return mutateBytes(json);
        }
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        Slot slot = slots.get(random.nextInt(slots.size()));
        String raw = null;
        switch (random.nextInt(6)) {
            case 0 -> slot.remove();
            case 1 -> {
                raw = RAW_VALUES.get(random.nextInt(RAW_VALUES.size()));
                slot.set(NODES.textNode(RAW));
            }
            case 2 -> {
                // an unknown field beside the slot, or the slot's own value duplicated under another name
                ObjectNode target = slot.parent instanceof ObjectNode o ? o : (ObjectNode) (root.isObject() ? root : NODES.objectNode());
                target.set(random.nextBoolean() ? "unknownField" + random.nextInt(100) : slot.name() + "_", oddValue());
            }
            default -> slot.set(oddValue());
        }
        byte[] out = write(root);
        if (raw != null) {
            out = new String(out, StandardCharsets.UTF_8).replace("\"" + RAW + "\"", raw).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** A value of a type or size a field is unlikely to accept. */
    JsonNode oddValue() {
        return switch (random.nextInt(22)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.textNode("");
            case 2 -> NODES.textNode("x".repeat(1 + random.nextInt(200_000)));
            case 3 -> NODES.textNode("ünï©ødé \u202e\u0000\ud83d\ude00 ../.. %00 \t\n");
            case 4 -> NODES.numberNode(-1);
            case 5 -> NODES.numberNode(0);
            case 6 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
            case 7 -> NODES.numberNode(Long.MIN_VALUE);
            case 8 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 9 -> NODES.numberNode(-1e308);
            case 10 -> NODES.numberNode(0.5);
            case 11 -> NODES.textNode(random.nextBoolean() ? "NaN" : "-Infinity");
            case 12 -> NODES.booleanNode(random.nextBoolean());
            case 13 -> NODES.arrayNode();
            case 14 -> NODES.arrayNode().add(NODES.nullNode()).add(1).add("a");
            case 15 -> NODES.objectNode();
            case 16 -> NODES.objectNode().put("a", 1);
            case 17 -> NODES.textNode("2026-13-45T99:99:99Z");
            case 18 -> NODES.numberNode(random.nextInt(2001) - 1000);
            case 19 -> NODES.textNode(String.valueOf(random.nextLong()));
            case 20 -> nested(1 + random.nextInt(200));
            default -> NODES.numberNode(Integer.MIN_VALUE);
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.arrayNode();
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("n", node);
        }
        return node;
    }

    private byte[] mutateBytes(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = in.length == 0 ? 0 : random.nextInt(in.length);
        switch (random.nextInt(9)) {
            case 0 -> out.write(in, 0, at); // truncated
            case 1 -> { // a range deleted
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                out.write(in, 0, at);
                out.write(in, end, in.length - end);
            }
            case 2 -> { // invalid UTF-8 inserted, inside a string or not
                out.write(in, 0, at);
                out.writeBytes(BAD_UTF8[random.nextInt(BAD_UTF8.length)]);
                out.write(in, at, in.length - at);
            }
            case 3 -> { // bits flipped
                byte[] copy = in.clone();
                for (int i = 0, n = 1 + random.nextInt(4); i < n && copy.length > 0; i++) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
                out.writeBytes(copy);
            }
            case 4 -> { // random bytes inserted
                byte[] noise = new byte[1 + random.nextInt(8)];
                random.nextBytes(noise);
                out.write(in, 0, at);
                out.writeBytes(noise);
                out.write(in, at, in.length - at);
            }
            case 5 -> { // random bytes only
                byte[] noise = new byte[random.nextInt(256)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            }
            case 6 -> { // trailing or leading junk
                byte[] junk = List.of("}", "]", ",", "\u0000", "// comment", "\uFEFF", "{}", "x").get(random.nextInt(8))
                        .getBytes(StandardCharsets.UTF_8);
                if (random.nextBoolean()) {
                    out.writeBytes(in);
                    out.writeBytes(junk);
                } else {
                    out.writeBytes(junk);
                    out.writeBytes(in);
                }
            }
            case 7 -> { // a structural character swapped for another
                byte[] copy = in.clone();
                if (copy.length > 0) {
                    String structural = "{}[]:,\"'\\ 0-.e";
                    copy[at] = (byte) structural.charAt(random.nextInt(structural.length()));
                }
                out.writeBytes(copy);
            }
            default -> { // the document repeated inside itself
                out.write(in, 0, at);
                out.writeBytes(in);
                out.write(in, at, in.length - at);
            }
        }
        return out.toByteArray();
    }

    private static byte[] write(JsonNode root) {
        try {
            return TREE.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                slots.add(new Slot(object, e.getKey(), -1));
                collect(e.getValue(), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i));
                collect(array.get(i), slots);
            }
        }
    }

    /** A place in the tree: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String field, int index) {
        void set(JsonNode value) {
            if (parent instanceof ObjectNode o) {
                o.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        String name() {
            return field != null ? field : "element";
        }
    }
}
