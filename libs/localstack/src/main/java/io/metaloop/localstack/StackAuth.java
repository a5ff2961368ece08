package io.metaloop.localstack;

import io.metaloop.contracts.Roles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * The embedded stack's signing keys and bearer tokens, in {@code <run dir>/auth}:
 * <ul>
 *   <li>{@code public-key.pem} — RSA 2048 public key (X.509 PEM) the services verify tokens with
 *       ({@code mp.jwt.verify.publickey.location});</li>
 *   <li>{@code private-key.pem} — its PKCS#8 private key, readable by the owner only;</li>
 *   <li>{@code token} — the local user's token (roles reader, submitter, admin), which the CLI and
 *       the demo send; {@code service-token} — the gateway's own (reader) for its calls to the
 *       dataset catalogue and the episode sampler.</li>
 * </ul>
 * Tokens are RS256 JWTs with issuer {@link Roles#ISSUER}, the roles in {@code groups} (MicroProfile
 * JWT 2.1) and a lifetime of {@link #LIFETIME}. Keys are made once per run directory and kept.
 */
public final class StackAuth {
    public static final Duration LIFETIME = Duration.ofDays(30);
    /** The environment variable that overrides the token file for the CLI. */
    public static final String TOKEN_VARIABLE = "METALOOP_TOKEN";

    private final Path dir;
    private final PrivateKey privateKey;

    private StackAuth(Path dir, PrivateKey privateKey) {
        this.dir = dir;
        this.privateKey = privateKey;
    }

    /** The keys of the embedded stack in {@code runDir}: {@link #inFolder} of {@code <runDir>/auth}. */
    public static StackAuth open(Path runDir) {
        return inFolder(runDir.resolve("auth"));
    }

    /**
     * Opens the keys in {@code dir}, making a new pair when there is none, and writes fresh local-user
     * and service tokens. {@code bin/metaloop keys <dir>} uses it to make the secrets of compose and
     * Kubernetes.
     *
     * @throws UncheckedIOException when the folder cannot be written or a key file is unreadable
     */
    public static StackAuth inFolder(Path dir) {
        try {
            Files.createDirectories(dir);
            Path privatePem = dir.resolve("private-key.pem");
            if (!Files.exists(privatePem)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                writePem(dir.resolve("public-key.pem"), "PUBLIC KEY", pair.getPublic().getEncoded(), false);
                writePem(privatePem, "PRIVATE KEY", pair.getPrivate().getEncoded(), true);
            }
            StackAuth auth = new StackAuth(dir, readPrivateKey(privatePem));
            auth.writeSecret(auth.tokenFile(), auth.mint("local-user", Set.of(Roles.READER, Roles.SUBMITTER, Roles.ADMIN)));
            auth.writeSecret(auth.serviceTokenFile(), auth.mint("gateway", Set.of(Roles.READER)));
            return auth;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the stack's keys in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key pair: " + e.getMessage(), e);
        }
    }

    public Path publicKeyFile() {
        return dir.resolve("public-key.pem");
    }

    /** The local user's token (reader, submitter, admin). */
    public Path tokenFile() {
        return dir.resolve("token");
    }

    /** The gateway's own token (reader). */
    public Path serviceTokenFile() {
        return dir.resolve("service-token");
    }

    /** The local user's token as written in {@link #tokenFile()}. */
    public String localUserToken() {
        try {
            return Files.readString(tokenFile(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenFile(), e);
        }
    }

    /** A signed token for {@code subject} with the given roles, valid for {@link #LIFETIME}. */
    public String mint(String subject, Set<String> roles) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(Roles.ISSUER);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", List.copyOf(new java.util.TreeSet<>(roles)));
        claims.setIssuedAtToNow();
        claims.setGeneratedJwtId();
        claims.setExpirationTimeMinutesInTheFuture(LIFETIME.toMinutes());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(privateKey);
        jws.setKeyIdHeaderValue("metaloop-stack");
        jws.setHeader("typ", "JWT");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
    }

    /**
     * The token the CLI sends: {@value #TOKEN_VARIABLE} when set, else {@code <runDir>/auth/token}.
     *
     * @throws StackException when neither exists (no stack was ever started in {@code runDir})
     */
    public static String userToken(Path runDir) {
        String fromEnvironment = System.getenv(TOKEN_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        Path file = runDir.resolve("auth").resolve("token");
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new StackException("no token: set " + TOKEN_VARIABLE + " or start the stack (bin/metaloop up), which writes "
                    + file);
        }
    }

    private void writeSecret(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        ownerOnly(tmp);
        Files.writeString(tmp, text + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        if (secret) {
            ownerOnly(tmp);
        }
        Files.writeString(tmp, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions apply
        }
    }

    private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII)
                .replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
    }
}
