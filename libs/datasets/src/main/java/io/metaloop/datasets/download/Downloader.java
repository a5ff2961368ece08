package io.metaloop.datasets.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Downloads a file into a directory, resuming where an earlier attempt stopped and verifying its
 * SHA-256 before it gets its final name. Bytes arrive in {@code <name>.part}; an interrupted
 * download continues from there with an HTTP range request (or starts over if the server
 * ignores ranges); a file whose digest differs is renamed {@code <name>.corrupt} and reported.
 */
public final class Downloader {
    /** Told how far a download is; {@code total} is -1 when the server does not say. */
    @FunctionalInterface
    public interface Progress {
        void update(String file, long done, long total);
    }

    private final HttpClient http;

    public Downloader() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build());
    }

    Downloader(HttpClient http) {
        this.http = http;
    }

    /** Thrown when a download cannot be completed or verified; the message says which file and why. */
    public static final class DownloadException extends IOException {
        public DownloadException(String message) {
            super(message);
        }
    }

    /**
     * @return the verified file, {@code dir/<fileName>}; already there and verified: returned at once
     */
    public Path download(Download file, Path dir, Progress progress) throws IOException {
        if (!file.hasDigest()) {
            throw new DownloadException("no digest is recorded for " + file.fileName()
                    + "; pass its SHA-256 (--sha256) from a source you trust");
        }
        Files.createDirectories(dir);
        Path target = dir.resolve(file.fileName());
        if (Files.exists(target)) {
            if (mismatch(file, target).isEmpty()) {
                return target;
            }
            throw new DownloadException(target + " exists but does not match " + file.describeDigests()
                    + "; remove it to download again");
        }
        Path part = dir.resolve(file.fileName() + ".part");
        long have = Files.exists(part) ? Files.size(part) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(file.url()).timeout(Duration.ofMinutes(30)).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DownloadException("cannot reach " + file.url() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("interrupted downloading " + file.url());
        }
        boolean resumed = response.statusCode() == 206;
        if (response.statusCode() == 416 && have > 0) {
            response.body().close(); // the part file is already complete
        } else if (response.statusCode() != 200 && !resumed) {
            response.body().close();
            throw new DownloadException(file.url() + " answered HTTP " + response.statusCode());
        } else {
            if (!resumed) {
                have = 0; // the server sent the whole file: start the part file over
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            total = total < 0 ? -1 : total + have;
            try (InputStream in = response.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[1 << 16];
                long done = have;
                long lastReport = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    done += n;
                    if (done - lastReport >= (1 << 20)) {
                        progress.update(file.fileName(), done, total);
                        lastReport = done;
                    }
                }
                progress.update(file.fileName(), done, total);
                if (total >= 0 && done < total) {
                    throw new DownloadException(file.url() + " ended after " + done + " of " + total
                            + " bytes; run the download again to resume");
                }
            } catch (IOException e) {
                if (e instanceof DownloadException) {
                    throw e;
                }
                throw new DownloadException("connection lost downloading " + file.url() + " after "
                        + Files.size(part) + " bytes (" + e.getMessage() + "); run the download again to resume");
            }
        }
        Optional<String> wrong = mismatch(file, part);
        if (wrong.isPresent()) {
            Path corrupt = dir.resolve(file.fileName() + ".corrupt");
            Files.move(part, corrupt, StandardCopyOption.REPLACE_EXISTING);
            throw new DownloadException(file.fileName() + " has " + wrong.get() + "; kept as " + corrupt.getFileName()
                    + ", nothing imported");
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Empty if the file matches every digest {@code file} names, else what differs ("SHA-256 x, expected y"). */
    static Optional<String> mismatch(Download file, Path path) throws IOException {
        String[] actual = digests(path);
        if (file.sha256().isPresent() && !file.sha256().get().equals(actual[0])) {
            return Optional.of("SHA-256 " + actual[0] + ", expected " + file.sha256().get());
        }
        if (file.md5().isPresent() && !file.md5().get().equals(actual[1])) {
            return Optional.of("MD5 " + actual[1] + ", expected " + file.md5().get());
        }
        return Optional.empty();
    }

    /** {SHA-256, MD5} of a file, in one pass. */
    static String[] digests(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                md5.update(buffer, 0, n);
            }
            return new String[] {HexFormat.of().formatHex(sha256.digest()), HexFormat.of().formatHex(md5.digest())};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
