package io.metaloop.datasets.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a real HTTP server on the loopback interface that the test controls. */
class DownloaderTest {
    @TempDir
    Path dir;

    private final byte[] archive = new byte[3_000_000];
    private HttpServer server;
    private final List<String> rangeHeaders = new ArrayList<>();
    private volatile boolean honourRanges = true;
    private volatile int cutAfter = -1; // send only this many bytes, then drop the connection

    @BeforeEach
    void start() throws IOException {
        new Random(1).nextBytes(archive);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/data/archive.tar.gz", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            rangeHeaders.add(String.valueOf(range));
            int from = 0;
            if (range != null && honourRanges) {
                from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            }
            int length = archive.length - from;
            if (from > 0) {
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (archive.length - 1) + "/" + archive.length);
            }
            exchange.sendResponseHeaders(from > 0 ? 206 : 200, length);
            try (OutputStream out = exchange.getResponseBody()) {
                int send = cutAfter >= 0 ? Math.min(cutAfter, length) : length;
                out.write(archive, from, send);
                out.flush();
                if (send < length) {
                    throw new IOException("test server drops the connection");
                }
            }
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Download download() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
        return new Download("archive.tar.gz", URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/data/archive.tar.gz"), Optional.of(sha));
    }

    @Test
    void aDownloadIsVerifiedAndOnlyThenGetsItsName() throws Exception {
        List<Long> progress = new ArrayList<>();
        Path file = new Downloader().download(download(), dir, (f, done, total) -> {
            assertEquals(archive.length, total);
            progress.add(done);
        });
        assertEquals(dir.resolve("archive.tar.gz"), file);
        assertArrayEquals(archive, Files.readAllBytes(file));
        assertFalse(Files.exists(dir.resolve("archive.tar.gz.part")));
        assertEquals((long) archive.length, progress.get(progress.size() - 1));
        assertTrue(progress.size() >= 2, "progress reported along the way");
        // a second call finds the verified file and asks the server nothing
        int requests = rangeHeaders.size();
        new Downloader().download(download(), dir, (f, d, t) -> { });
        assertEquals(requests, rangeHeaders.size());
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest() throws Exception {
        cutAfter = 1_000_000;
        Downloader.DownloadException e = assertThrows(Downloader.DownloadException.class,
                () -> new Downloader().download(download(), dir, (f, d, t) -> { }));
        assertTrue(e.getMessage().contains("run the download again to resume"), e.getMessage());
        long partial = Files.size(dir.resolve("archive.tar.gz.part"));
        assertTrue(partial > 0 && partial < archive.length, "part file keeps " + partial + " bytes");
        cutAfter = -1;
        Path file = new Downloader().download(download(), dir, (f, d, t) -> { });
        assertArrayEquals(archive, Files.readAllBytes(file));
        assertEquals("bytes=" + partial + "-", rangeHeaders.get(rangeHeaders.size() - 1));
    }

    @Test
    void aServerThatIgnoresRangesMakesTheDownloadStartOver() throws Exception {
        Files.write(dir.resolve("archive.tar.gz.part"), Arrays.copyOf(archive, 12345));
        honourRanges = false;
        Path file = new Downloader().download(download(), dir, (f, d, t) -> { });
        assertArrayEquals(archive, Files.readAllBytes(file));
    }

    @Test
    void aWrongDigestIsReportedAndNothingGetsTheFinalName() throws Exception {
        Download wrong = download().withSha256("00".repeat(32));
        Downloader.DownloadException e = assertThrows(Downloader.DownloadException.class,
                () -> new Downloader().download(wrong, dir, (f, d, t) -> { }));
        assertTrue(e.getMessage().contains("expected " + "00".repeat(32)), e.getMessage());
        assertFalse(Files.exists(dir.resolve("archive.tar.gz")));
        assertTrue(Files.exists(dir.resolve("archive.tar.gz.corrupt")));
    }

    @Test
    void aPublishersMd5IsCheckedWhenNoSha256IsKnown() throws Exception {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
        Download byMd5 = new Download("archive.tar.gz", download().url(), Optional.empty(), Optional.of(md5));
        assertArrayEquals(archive, Files.readAllBytes(new Downloader().download(byMd5, dir, (f, d, t) -> { })));
        Files.delete(dir.resolve("archive.tar.gz"));
        Download wrong = new Download("archive.tar.gz", download().url(), Optional.empty(), Optional.of("0".repeat(32)));
        Downloader.DownloadException e = assertThrows(Downloader.DownloadException.class,
                () -> new Downloader().download(wrong, dir, (f, d, t) -> { }));
        assertTrue(e.getMessage().contains("MD5 " + md5 + ", expected " + "0".repeat(32)), e.getMessage());
        assertFalse(Files.exists(dir.resolve("archive.tar.gz")));
        // with both digests, both must match: a right SHA-256 does not excuse a wrong MD5
        Files.deleteIfExists(dir.resolve("archive.tar.gz.corrupt"));
        Download both = new Download("archive.tar.gz", download().url(), download().sha256(), Optional.of("1".repeat(32)));
        assertTrue(assertThrows(Downloader.DownloadException.class,
                () -> new Downloader().download(both, dir, (f, d, t) -> { })).getMessage().contains("MD5"));
    }

    @Test
    void filesWithoutADigestAndHttpErrorsAreRefused() throws Exception {
        Download noDigest = new Download("archive.tar.gz", download().url(), Optional.empty());
        assertTrue(assertThrows(Downloader.DownloadException.class,
                () -> new Downloader().download(noDigest, dir, (f, d, t) -> { })).getMessage().contains("--sha256"));
        Download missing = new Download("x.zip", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/missing"),
                Optional.of("11".repeat(32)));
        assertTrue(assertThrows(Downloader.DownloadException.class,
                () -> new Downloader().download(missing, dir, (f, d, t) -> { })).getMessage().contains("HTTP 404"));
    }

    @Test
    void everyKnownDatasetHasItsFilesAndRecordedDigestsAreWellFormed() {
        for (String dataset : KnownDownloads.datasets()) {
            assertFalse(KnownDownloads.files(dataset).isEmpty(), dataset);
        }
        assertEquals(4, KnownDownloads.files("fashion-mnist").stream().filter(d -> d.sha256().isPresent()).count());
        for (String dataset : KnownDownloads.datasets()) {
            assertTrue(KnownDownloads.files(dataset).stream().allMatch(Download::hasDigest), dataset + " files carry a digest");
        }
        assertThrows(IllegalArgumentException.class, () -> KnownDownloads.files("imagenet-22k"));
    }
}
