package io.metaloop.learning.nn;

import java.util.ArrayList;
import java.util.List;

/** Helpers for the PyTorch-style tensor names of {@link Layer#parameterNames()}. */
final class Names {
    private Names() {
    }

    /** {@code count} names: the given ones while they last, then {@code t<i>}. */
    static List<String> defaults(int count, String... names) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(i < names.length ? names[i] : "t" + i);
        }
        return out;
    }

    /** {@code prefix.name}, or {@code name} alone when the prefix is empty. */
    static List<String> prefixed(String prefix, List<String> names) {
        if (prefix.isEmpty()) {
            return names;
        }
        return names.stream().map(n -> prefix + "." + n).toList();
    }
}
