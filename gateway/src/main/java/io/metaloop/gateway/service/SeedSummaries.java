package io.metaloop.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.SeedSummary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Summaries over seeds: mean, standard deviation and 95 % t-interval of the test accuracy of
 * experiments that differ in nothing but their seeds (the experiment's {@code seed} and, when
 * present, {@code linearEvaluation.seed}).
 */
public final class SeedSummaries {
    private static final ObjectMapper MAPPER = Json.configure(new ObjectMapper());

    private SeedSummaries() {
    }

    /**
     * @param records the experiments, each with its primary result
     * @throws InvalidMessageException naming {@code ids} when there are fewer than 2, an experiment has no
     *                                 result yet, two share a seed, or two differ in a field other than the seed
     *                                 (the first such field is named)
     */
    public static SeedSummary of(List<ExperimentRecord> records) {
        if (records.size() < 2) {
            throw new InvalidMessageException("ids", "a summary over seeds needs at least 2 experiments, got " + records.size());
        }
        Set<Long> seeds = new HashSet<>();
        JsonNode reference = null;
        List<Double> accuracies = new ArrayList<>();
        for (ExperimentRecord r : records) {
            EvalResult result = r.result();
            if (result == null) {
                throw new InvalidMessageException("ids", "experiment " + r.id() + " has no test result yet (state " + r.state() + ")");
            }
            if (!seeds.add(r.spec().seed())) {
                throw new InvalidMessageException("ids", "two experiments have seed " + r.spec().seed()
                        + "; a summary over seeds needs different seeds");
            }
            JsonNode configuration = withoutSeeds(r);
            if (reference == null) {
                reference = configuration;
            } else {
                String field = firstDifference(reference, configuration, "");
                if (field != null) {
                    throw new InvalidMessageException("ids", "experiment " + r.id() + " differs from " + records.get(0).id()
                            + " in '" + field + "', not only in its seed");
                }
            }
            accuracies.add(result.accuracy());
        }
        int n = accuracies.size();
        double mean = accuracies.stream().mapToDouble(Double::doubleValue).sum() / n;
        double squares = accuracies.stream().mapToDouble(a -> (a - mean) * (a - mean)).sum();
        double std = Math.sqrt(squares / (n - 1));
        double t = new TDistribution(null, n - 1).inverseCumulativeProbability(0.975);
        ExperimentRecord first = records.get(0);
        return new SeedSummary(first.spec().method(), first.spec().backbone(), first.spec().dataset(), describe(first.result()),
                records.stream().map(ExperimentRecord::id).toList(), records.stream().map(r -> r.spec().seed()).toList(),
                accuracies, n, mean, std, t * std / Math.sqrt(n));
    }

    private static String describe(EvalResult result) {
        if (result.linear() != null) {
            return "linear evaluation on " + result.dataset() + "/" + result.split() + ", head "
                    + result.linear().settings().epochs() + " epochs";
        }
        if (result.fewShot() != null) {
            return "few-shot " + result.fewShot().protocol().describe();
        }
        return "accuracy on " + result.dataset() + "/" + result.split();
    }

    private static JsonNode withoutSeeds(ExperimentRecord record) {
        ObjectNode spec = MAPPER.valueToTree(record.spec());
        spec.remove("seed");
        if (spec.get("linearEvaluation") instanceof ObjectNode linear) {
            linear.remove("seed");
        }
        return spec;
    }

    /** The path of the first field where two specs differ, or null when they are equal. */
    private static String firstDifference(JsonNode a, JsonNode b, String path) {
        if (a.isObject() && b.isObject()) {
            Set<String> names = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String sub = path.isEmpty() ? name : path + "." + name;
                if (!a.has(name) || !b.has(name)) {
                    return sub;
                }
                String inner = firstDifference(a.get(name), b.get(name), sub);
                if (inner != null) {
                    return inner;
                }
            }
            return null;
        }
        return a.equals(b) ? null : (path.isEmpty() ? "spec" : path);
    }
}
