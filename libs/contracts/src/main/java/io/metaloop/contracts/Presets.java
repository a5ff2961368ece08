package io.metaloop.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The presets shipped as resources: {@code presets/index.txt} lists their names, one per line, and
 * each is {@code presets/<name>.yaml} (a {@link Preset}). Read once; a broken preset is a build
 * error caught by the tests, not a runtime surprise.
 */
public final class Presets {
    private static final List<Preset> ALL = load();

    private Presets() {
    }

    public static List<Preset> all() {
        return ALL;
    }

    public static Optional<Preset> find(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Preset::name).toList();
    }

    private static List<Preset> load() {
        List<Preset> presets = new ArrayList<>();
        for (String name : new String(resource("presets/index.txt"), StandardCharsets.UTF_8).split("\n")) {
            if (name.isBlank() || name.startsWith("#")) {
                continue;
            }
            String file = "presets/" + name.strip() + ".yaml";
            Preset preset;
            try {
                preset = Json.readStrictYaml(resource(file), Preset.class);
            } catch (InvalidMessageException e) {
                throw new IllegalStateException(file + ": " + e.getMessage(), e);
            }
            if (!preset.name().equals(name.strip())) {
                throw new IllegalStateException(file + " names itself '" + preset.name() + "'");
            }
            presets.add(preset);
        }
        return List.copyOf(presets);
    }

    private static byte[] resource(String path) {
        try (InputStream in = Presets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
