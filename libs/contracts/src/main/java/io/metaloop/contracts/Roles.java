package io.metaloop.contracts;

/**
 * The roles a bearer token's {@code groups} claim may carry (MicroProfile JWT). Every REST
 * operation of the user-facing services names the roles it admits:
 * <ul>
 *   <li>{@link #READER} — every read (GET) operation;</li>
 *   <li>{@link #SUBMITTER} — reads, plus submitting experiments, evaluations and task uploads;</li>
 *   <li>{@link #ADMIN} — everything, including importing datasets into the shared catalogue.</li>
 * </ul>
 * A token with none of an operation's roles gets 403; a request without a valid token gets 401.
 * {@code /q/health} (probes), {@code /q/metrics} (Prometheus scrapes) and {@code /q/openapi}
 * stay open: they carry no experiment data and the deployments expose only {@code /api}.
 */
public final class Roles {
    public static final String READER = "reader";
    public static final String SUBMITTER = "submitter";
    public static final String ADMIN = "admin";
    /** The issuer ({@code iss}) every MetaLoop token carries and every service requires. */
    public static final String ISSUER = "metaloop";

    private Roles() {
    }
}
