package io.metaloop.learning;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real data shipped in the repository's {@code data/} folder, found from wherever the tests run. */
public final class BundledData {
    private BundledData() {
    }

    /** The two small Omniglot background sets (data/omniglot). */
    public static Path omniglot() {
        return fashionMnist().getParent().resolve("omniglot");
    }

    public static Path fashionMnist() {
        String home = System.getProperty("metaloop.home");
        Path dir = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no project root (a folder with mvnw) above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("data/fashion-mnist");
    }
}
