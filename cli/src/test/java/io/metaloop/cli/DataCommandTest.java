package io.metaloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataCommandTest {
    @Test
    void importOptionsBecomeTheImportRequestWithAbsolutePaths() {
        var body = DataCommand.importBody(List.of("omniglot", "data/omniglot", "--format", "omniglot", "--image-size", "28",
                "--rotations", "--hierarchy", "h.csv", "--class-splits", "data/omniglot/alphabet-splits.json"));
        assertEquals("omniglot", body.path("format").asText());
        assertEquals(28, body.path("imageSize").asInt());
        assertTrue(body.path("rotations").asBoolean());
        assertEquals(Path.of("data/omniglot").toAbsolutePath().normalize().toString(), body.path("path").asText());
        assertTrue(Path.of(body.path("hierarchyFile").asText()).isAbsolute());
        assertEquals(Path.of("data/omniglot/alphabet-splits.json").toAbsolutePath().normalize().toString(),
                body.path("classSplits").asText());
    }

    @Test
    void testShareBecomesAFraction() {
        var body = DataCommand.importBody(List.of("omniglot", "data/omniglot", "--format", "omniglot", "--test-share", "0.25"));
        assertEquals(0.25, body.path("testShare").asDouble());
        assertTrue(body.path("testShare").isNumber());
        assertEquals("--test-share must be strictly between 0 and 1, got '1'", assertThrows(IllegalArgumentException.class,
                () -> DataCommand.importBody(List.of("x", "d", "--format", "omniglot", "--test-share", "1"))).getMessage());
        assertEquals("--test-share must be a number between 0 and 1, got 'a quarter'", assertThrows(IllegalArgumentException.class,
                () -> DataCommand.importBody(List.of("x", "d", "--format", "omniglot", "--test-share", "a quarter"))).getMessage());
        assertEquals("--test-share needs a value", assertThrows(IllegalArgumentException.class,
                () -> DataCommand.importBody(List.of("x", "d", "--format", "omniglot", "--test-share"))).getMessage());
    }

    @Test
    void missingOrBadArgumentsAreNamed() {
        assertEquals("--format is required",
                assertThrows(IllegalArgumentException.class, () -> DataCommand.importBody(List.of("x", "dir"))).getMessage());
        assertEquals("<archive-or-dir> is required",
                assertThrows(IllegalArgumentException.class, () -> DataCommand.importBody(List.of("x"))).getMessage());
        assertEquals("--image-size must be a whole number, got 'big'", assertThrows(IllegalArgumentException.class,
                () -> DataCommand.importBody(List.of("x", "d", "--format", "mnist", "--image-size", "big"))).getMessage());
        assertEquals("unknown option '--colour'", assertThrows(IllegalArgumentException.class,
                () -> DataCommand.importBody(List.of("x", "d", "--colour"))).getMessage());
        assertEquals("--class-splits needs a value", assertThrows(IllegalArgumentException.class,
                () -> DataCommand.importBody(List.of("x", "d", "--format", "omniglot", "--class-splits"))).getMessage());
    }
}
