package io.metaloop.localstack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process with its output in a log file. Every process the stack starts carries
 * {@code -Dmetaloop.run=<run dir>} on its command line, so {@link #attach} can make
 * sure a pid still belongs to this run before signalling it.
 */
public final class ManagedProcess {
    private final String name;
    private final ProcessHandle handle;
    private final Process process; // null when re-attached by pid: exit codes are then unknown
    private final Path log;

    private ManagedProcess(String name, ProcessHandle handle, Process process, Path log) {
        this.name = name;
        this.handle = handle;
        this.process = process;
        this.log = log;
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process process = pb.start();
            return new ManagedProcess(name, process.toHandle(), process, log);
        } catch (IOException e) {
            throw new StackException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Re-attaches to a process of an earlier launcher run, if it is still alive and still ours. */
    public static Optional<ManagedProcess> attach(String name, long pid, Path log, String runMarker) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(runMarker)).orElse(false))
                .map(h -> new ManagedProcess(name, h, null, log));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** Waits until {@code ready} holds; fails with the log's tail if the process dies or time runs out. */
    public void awaitReady(String what, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!isAlive()) {
                throw new StackException(name + " died before " + what + " (exit code "
                        + exitCode().map(String::valueOf).orElse("unknown") + ")\n" + describeLog());
            }
            sleep(200);
        }
        throw new StackException(name + " did not become " + what + " within " + timeout.toSeconds() + " s\n" + describeLog());
    }

    /** Waits for the process to end; returns its exit code (only known for processes this JVM started). */
    public Optional<Integer> awaitExit(Duration timeout) {
        try {
            if (process != null) {
                // Process.waitFor, not ProcessHandle.onExit: only the former guarantees the exit status is known
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue())
                        : Optional.empty();
            }
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private Optional<Integer> exitCode() {
        if (process == null) {
            return Optional.empty();
        }
        try {
            // the child has exited (isAlive() is false); give the JDK's reaper a moment to record the status
            return process.waitFor(2, TimeUnit.SECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** SIGTERM, then SIGKILL after {@code graceMillis}. */
    public void stop(long graceMillis) {
        if (!handle.isAlive()) {
            return;
        }
        handle.descendants().forEach(ProcessHandle::destroy);
        handle.destroy();
        try {
            handle.onExit().get(graceMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the caller through isAlive()
            }
        }
    }

    public String describeLog() {
        return "--- last lines of " + log + " ---\n" + tail(log, 40);
    }

    /** The last {@code lines} lines of a file (reads at most its last 64 KiB). */
    public static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log written)";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - 65536);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, start, all.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
