package io.metaloop.learning;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Selects the libnd4j build before ND4J loads. javacpp picks the native library by
 * {@code org.bytedeco.javacpp.platform.extension}; the CPU services ship only the flavour named
 * in {@code META-INF/metaloop/nd4j-backend.properties} (the oneDNN + AVX2 build by default), so
 * the property must match it. Call {@link #configure()} first thing in every entry point that
 * uses ND4J; an explicit {@code -D} setting wins.
 */
public final class NativeBackend {
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

    private NativeBackend() {
    }

    /** @return the platform extension in effect ("" for the plain build, null for a non-CPU backend) */
    public static synchronized String configure() {
        String explicit = System.getProperty(EXTENSION_PROPERTY);
        if (explicit != null) {
            return explicit;
        }
        String extension = shippedExtension();
        if (!cpuBuildPresent(extension)) {
            return null; // a CUDA build, or the CPU flavour is absent: leave javacpp's defaults alone
        }
        if (extension.contains("avx2") && !cpuHasAvx2()) {
            throw new IllegalStateException("this build ships libnd4j" + extension + ", which needs AVX2, and this CPU has "
                    + "none; rebuild with -Dnd4j.platform.extension= (the plain linux-x86_64 build)");
        }
        System.setProperty(EXTENSION_PROPERTY, extension);
        return extension;
    }

    private static String shippedExtension() {
        Properties p = new Properties();
        try (InputStream in = NativeBackend.class.getResourceAsStream("/META-INF/metaloop/nd4j-backend.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("platform.extension", "");
    }

    private static boolean cpuBuildPresent(String extension) {
        String dir = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + extension + "/";
        return NativeBackend.class.getClassLoader().getResource(dir) != null;
    }

    private static boolean cpuHasAvx2() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            return !Files.exists(cpuinfo) || Files.readString(cpuinfo).contains(" avx2");
        } catch (IOException e) {
            return true; // cannot tell: let javacpp try
        }
    }
}
