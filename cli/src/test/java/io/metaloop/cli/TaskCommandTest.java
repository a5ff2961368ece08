package io.metaloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.datasets.TaskUpload;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCommandTest {
    @TempDir
    Path dir;

    private Path image(String relative, int grey) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                img.getRaster().setSample(x, y, 0, grey);
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void theFoldersBecomeTheGatewaysZipLayout() throws IOException {
        image("s/cat/1.png", 10);
        image("s/cat/2.png", 11);
        image("s/dog/3.png", 20);
        Files.writeString(dir.resolve("s/dog/.DS_Store"), "junk");
        image("q/cat/a.png", 30);
        image("q/dog/b.png", 40);
        byte[] zip = TaskCommand.zip(dir.resolve("s"), dir.resolve("q"));

        TaskUpload.Task task = TaskUpload.parse(zip, 1, 2, 3, TaskUpload.Limits.DEFAULTS);
        assertEquals(List.of("cat", "dog"), task.classes());
        assertArrayEquals(new int[] {2, 1}, task.supportCounts());
        assertEquals(List.of("cat/a.png", "dog/b.png"), task.queryNames());
        assertTrue(task.labelled());
        assertEquals(30, task.queries().get(0).pixels()[0]);

        Files.delete(dir.resolve("q/cat/a.png"));
        Files.delete(dir.resolve("q/cat"));
        Files.delete(dir.resolve("q/dog/b.png"));
        Files.delete(dir.resolve("q/dog"));
        image("q/x.png", 50);
        TaskUpload.Task unlabelled = TaskUpload.parse(TaskCommand.zip(dir.resolve("s"), dir.resolve("q")), 1, 2, 3,
                TaskUpload.Limits.DEFAULTS);
        assertEquals(List.of("x.png"), unlabelled.queryNames());
        assertEquals(false, unlabelled.labelled());
    }

    @Test
    void foldersThatDoNotFitTheLayoutAreNamed() throws IOException {
        image("s/loose.png", 1);
        Files.createDirectories(dir.resolve("q"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskCommand.zip(dir.resolve("s"), dir.resolve("q")));
        assertEquals(dir.resolve("s/loose.png") + ": support images go in one folder per class, <support-dir>/<class>/<image>",
                e.getMessage());
        assertEquals("<query-dir> " + dir.resolve("none") + " is not a folder", assertThrows(IllegalArgumentException.class,
                () -> TaskCommand.zip(dir.resolve("s"), dir.resolve("none"))).getMessage());
    }

    @Test
    void options() {
        TaskCommand.Options o = TaskCommand.parse(List.of("exp-1", "sup", "qry", "--checkpoint", "best", "--timeout", "30",
                "--gateway", "http://localhost:8080/"));
        assertEquals("exp-1", o.experimentId());
        assertEquals(Path.of("sup"), o.support());
        assertEquals(Path.of("qry"), o.query());
        assertEquals("best", o.checkpoint());
        assertNull(o.head());
        assertEquals("http://localhost:8080", o.gateway());
        assertEquals(Duration.ofSeconds(30), o.timeout());
        assertEquals("<query-dir> is required", assertThrows(IllegalArgumentException.class,
                () -> TaskCommand.parse(List.of("exp-1", "sup"))).getMessage());
        assertEquals("--checkpoint is best or last, got 'first'", assertThrows(IllegalArgumentException.class,
                () -> TaskCommand.parse(List.of("e", "s", "q", "--checkpoint", "first"))).getMessage());
        assertEquals("unknown option '--shots'", assertThrows(IllegalArgumentException.class,
                () -> TaskCommand.parse(List.of("e", "s", "q", "--shots", "5"))).getMessage());
    }

    @Test
    void theResultIsATableWithTheAccuracy() throws IOException {
        var result = new ObjectMapper().readTree("""
                {"taskId": "task-0123456789ab", "state": "SUCCEEDED", "labelled": 3, "correct": 2, "accuracy": 0.6666666,
                 "predictions": [
                   {"query": "cat/a.png", "predicted": "cat", "actual": "cat", "correct": true},
                   {"query": "dog/long-name.png", "predicted": "cat", "actual": "dog", "correct": false},
                   {"query": "dog/b.png", "predicted": "dog", "actual": "dog", "correct": true}]}""");
        assertEquals("""
                query              predicted  true class
                cat/a.png          cat        cat
                dog/long-name.png  cat        dog         ✗
                dog/b.png          dog        dog
                accuracy: 66.67% (2 of 3 queries)
                """, TaskCommand.table(result));

        var unlabelled = new ObjectMapper().readTree("""
                {"state": "SUCCEEDED", "labelled": 0, "predictions": [{"query": "x.png", "predicted": "dog"}]}""");
        assertEquals("query  predicted\nx.png  dog\n", TaskCommand.table(unlabelled));
    }

    @Test
    void gatewayErrorsListEveryField() throws IOException {
        var body = new ObjectMapper().readTree("""
                {"status": 400, "error": "invalid fields: ...", "fields": [
                  {"field": "support/cat/notes.txt", "message": "is not a readable image: not a PNG, JPEG, BMP or GIF image"},
                  {"field": "../x.png", "message": "has a '..' segment"}]}""");
        assertEquals("\n  support/cat/notes.txt: is not a readable image: not a PNG, JPEG, BMP or GIF image\n  ../x.png: has a '..' segment",
                TaskCommand.describeError(body, ""));
    }
}
