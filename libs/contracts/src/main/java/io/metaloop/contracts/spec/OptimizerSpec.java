package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * The optimiser of the (outer) training loop, as PyTorch-MAML's {@code optimizer} and
 * {@code optimizer_args} (seeds.md §3.1): {@code sgd} (with momentum, PyTorch semantics),
 * {@code adam} (β 0.9/0.999, ε 1e-8) or {@code rmsprop} (α 0.99, ε 1e-8), each with L2 weight decay,
 * and a learning-rate schedule counted in epochs. Absent values take the method's defaults
 * ({@link #withDefaults}).
 *
 * @param name         {@code sgd}, {@code adam} or {@code rmsprop}
 * @param learningRate the step size, in (0, 10]
 * @param momentum     SGD's momentum in [0, 1) (PyTorch-MAML always uses 0.9); ignored otherwise
 * @param nesterov     SGD's Nesterov momentum
 * @param weightDecay  L2 coefficient in [0, 1)
 * @param schedule     how the rate changes with the epoch (default constant)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerSpec(
        @JacksonInject(value = Json.ABSENT + "name", useInput = OptBoolean.TRUE) String name,
        @JacksonInject(value = Json.ABSENT + "learningRate", useInput = OptBoolean.TRUE) Double learningRate,
        @JacksonInject(value = Json.ABSENT + "momentum", useInput = OptBoolean.TRUE) Double momentum,
        @JacksonInject(value = Json.ABSENT + "nesterov", useInput = OptBoolean.TRUE) Boolean nesterov,
        @JacksonInject(value = Json.ABSENT + "weightDecay", useInput = OptBoolean.TRUE) Double weightDecay,
        @JacksonInject(value = Json.ABSENT + "schedule", useInput = OptBoolean.TRUE) ScheduleSpec schedule) {
    public static final List<String> NAMES = List.of("sgd", "adam", "rmsprop");

    /** This spec with each absent value taken from {@code defaults} (whose values are all present). */
    public OptimizerSpec withDefaults(OptimizerSpec defaults) {
        String n = name != null ? name : defaults.name;
        // SGD's momentum defaults to the method's SGD momentum only when the method's default optimiser is SGD
        double defaultMomentum = "sgd".equals(defaults.name) ? defaults.momentum : 0.9;
        return new OptimizerSpec(n, learningRate != null ? learningRate : defaults.learningRate,
                momentum != null ? momentum : ("sgd".equals(n) ? defaultMomentum : 0.0),
                nesterov != null ? nesterov : Boolean.FALSE,
                weightDecay != null ? weightDecay : defaults.weightDecay,
                (schedule != null ? schedule : defaults.schedule != null ? defaults.schedule : ScheduleSpec.CONSTANT).withDefaults());
    }

    public void check(String path, Checks c) {
        c.oneOf(Checks.path(path, "name"), name, NAMES);
        c.range(Checks.path(path, "learningRate"), learningRate, 0, true, 10);
        if (momentum != null && !(momentum >= 0 && momentum < 1)) {
            c.add(Checks.path(path, "momentum"), "must be in [0, 1), got " + momentum);
        }
        if (momentum != null && momentum > 0 && name != null && !"sgd".equals(name)) {
            c.add(Checks.path(path, "momentum"), "only the sgd optimiser takes a momentum; " + name + " has its own moments");
        }
        if (Boolean.TRUE.equals(nesterov) && (!"sgd".equals(name) || momentum == null || momentum == 0)) {
            c.add(Checks.path(path, "nesterov"), "needs the sgd optimiser with momentum > 0");
        }
        if (weightDecay != null && !(weightDecay >= 0 && weightDecay < 1)) {
            c.add(Checks.path(path, "weightDecay"), "must be in [0, 1), got " + weightDecay);
        }
        if (schedule != null) {
            schedule.check(Checks.path(path, "schedule"), c);
        }
    }
}
