package io.metaloop.cli;

import io.metaloop.contracts.Roles;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.StackAuth;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.StackException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code metaloop up | status | down | demo | data | submit | presets | experiments | evaluate | task}: the
 * embedded stack on this machine, without Docker, and the experiments on it.
 */
public final class Main {
    private static final String USAGE = """
            usage: metaloop <command>
              up       start Kafka, the S3 server and the five services (run directory .metaloop/stack)
              status   show which parts of the stack are running and ready
              down     stop exactly the processes 'up' started
              demo     start a fresh stack, train Conv4 on the bundled Fashion-MNIST and print its test
                       accuracy, then meta-train MAML on the bundled Omniglot and print its 5-way 1-shot
                       accuracy on unseen alphabets with its interval, then pre-train Conv4 by relational
                       reasoning without labels and print its linear-evaluation accuracy; stop everything.
                       Options: --epochs N (Fashion-MNIST, default 6), --part all|supervised|few-shot|self-supervised
              data     list the running stack's datasets, or import one (metaloop data for details)
              submit   submit an experiment spec (JSON or YAML) to the running stack: metaloop submit spec.yaml [--wait]
              presets  list the presets, or run one: metaloop presets run <name> [overrides.yaml] [--wait]
              experiments  list the experiments, or show one: metaloop experiments [<id>]
              evaluate evaluate a trained experiment few-shot: metaloop evaluate <id> [evaluation.yaml] [--wait]
              summary  one configuration over seeds (mean ± std, 95 % t-interval): metaloop summary <id> <id> [...]
              keys     make a signing key pair and tokens for compose or Kubernetes: metaloop keys <dir>
                       (public-key.pem and service-token go into the services' secret; keep private-key.pem)
              token    sign a token for a user: metaloop token <keys-dir> <user> <roles>, roles from
                       reader,submitter,admin (comma-separated); prints only the token
              task     classify your own images with a trained experiment: metaloop task <experiment-id>
                       <support-dir> <query-dir> [--checkpoint best|last] (metaloop task for details)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        ProjectLayout layout = ProjectLayout.locate();
        Path stackDir = layout.root().resolve(".metaloop/stack");
        try {
            int code = switch (args[0]) {
                case "up" -> up(layout, stackDir);
                case "status" -> status(stackDir);
                case "down" -> down(stackDir);
                case "data" -> new DataCommand(stackDir).run(Arrays.asList(args).subList(1, args.length));
                case "task" -> new TaskCommand(stackDir).run(Arrays.asList(args).subList(1, args.length));
                case "submit", "presets", "experiments", "evaluate", "summary" -> new ExperimentCommand(stackDir)
                        .run(args[0], Arrays.asList(args).subList(1, args.length));
                case "keys" -> keys(Arrays.asList(args).subList(1, args.length));
                case "token" -> token(Arrays.asList(args).subList(1, args.length));
                case "demo" -> new Demo(layout, layout.root().resolve(".metaloop/demo"), option(args, "--epochs", 6),
                        textOption(args, "--part", "all")).run();
                default -> {
                    System.err.print("unknown command '" + args[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
            System.exit(code);
        } catch (StackException e) {
            System.err.println("metaloop: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int up(ProjectLayout layout, Path dir) {
        List<String> running = LocalStack.describe(dir).stream().filter(l -> !l.contains("DOWN") && !l.startsWith("no stack")).toList();
        if (!running.isEmpty()) {
            System.out.println("a stack is already running in " + dir + " (metaloop down stops it):");
            running.forEach(System.out::println);
            return 1;
        }
        LocalStack.stopRecorded(dir); // forget parts of an earlier run that died
        LocalStack stack = LocalStack.start(layout, dir, ProjectLayout.SERVICES, line -> System.out.println("  " + line));
        System.out.println("stack is up; logs in " + dir.resolve("logs") + " and " + dir + "/{kafka,s3}");
        System.out.println("  gateway       " + stack.serviceUrl("gateway") + "  (OpenAPI: /q/openapi, metrics: /q/metrics)");
        System.out.println("  kafka         " + stack.kafkaBootstrap());
        System.out.println("  s3            " + stack.s3Endpoint() + "  (bucket " + LocalStack.BUCKET + ")");
        System.out.println("  token         " + stack.auth().tokenFile() + "  (reader, submitter, admin; the CLI sends it,"
                + " or " + StackAuth.TOKEN_VARIABLE + " when set)");
        System.out.println("stop it with: bin/metaloop down");
        return 0;
    }

    private static int keys(List<String> args) {
        if (args.size() != 1) {
            throw new StackException("usage: metaloop keys <dir>");
        }
        StackAuth auth = StackAuth.inFolder(Path.of(args.get(0)));
        System.out.println("public key (services verify with it)  " + auth.publicKeyFile());
        System.out.println("gateway's service token (reader)      " + auth.serviceTokenFile());
        System.out.println("an all-roles token for you            " + auth.tokenFile());
        System.out.println("the private key stays in " + Path.of(args.get(0)) + "; sign users' tokens with: metaloop token "
                + args.get(0) + " <user> <roles>");
        return 0;
    }

    private static int token(List<String> args) {
        if (args.size() != 3) {
            throw new StackException("usage: metaloop token <keys-dir> <user> <roles>, roles from reader,submitter,admin");
        }
        Path dir = Path.of(args.get(0));
        if (!java.nio.file.Files.exists(dir.resolve("private-key.pem"))) {
            throw new StackException(dir + " holds no private-key.pem; make one with: metaloop keys " + dir);
        }
        java.util.Set<String> roles = new java.util.TreeSet<>();
        for (String role : args.get(2).split(",")) {
            String r = role.strip();
            if (!List.of(Roles.READER, Roles.SUBMITTER, Roles.ADMIN).contains(r)) {
                throw new StackException("roles: '" + r + "' is not one of reader, submitter, admin");
            }
            roles.add(r);
        }
        System.out.println(StackAuth.inFolder(dir).mint(args.get(1), roles));
        return 0;
    }

    private static int status(Path dir) {
        LocalStack.describe(dir).forEach(System.out::println);
        return 0;
    }

    private static int down(Path dir) {
        List<String> stopped = LocalStack.stopRecorded(dir);
        System.out.println(stopped.isEmpty() ? "nothing was running in " + dir : "stopped " + String.join(", ", stopped));
        return 0;
    }

    static String textOption(String[] args, String name, String fallback) {
        int i = Arrays.asList(args).indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= args.length) {
            throw new StackException(name + " needs a value");
        }
        return args[i + 1];
    }

    static int option(String[] args, String name, int fallback) {
        int i = Arrays.asList(args).indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= args.length) {
            throw new StackException(name + " needs a value");
        }
        try {
            return Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
            throw new StackException(name + " must be a whole number, got '" + args[i + 1] + "'");
        }
    }
}
