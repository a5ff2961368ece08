package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;

/**
 * A named experiment that reproduces a published run, kept as a resource
 * ({@code presets/<name>.yaml}): the spec, the figure it targets and where that figure comes from,
 * and the command that imports its data.
 *
 * @param reproduces what is reproduced, in words ("MAML, Omniglot 5-way 1-shot (Finn et al. 2017)")
 * @param target     the published figure, or none (then {@code target.note} says why)
 * @param data       the dataset the spec trains on and how to import it
 */
public record Preset(String name, String reproduces, Target target, Data data, ExperimentSpec spec) {
    public Preset {
        Messages.require("name", name);
        Messages.require("reproduces", reproduces);
        Messages.require("target", target);
        Messages.require("data", data);
        Messages.require("spec", spec);
        if (!name.matches("[a-z0-9][a-z0-9-]{0,80}")) {
            throw new InvalidMessageException("name", "must be lower-case letters, digits and '-', got '" + name + "'");
        }
        if (!data.dataset().equals(spec.dataset())) {
            throw new InvalidMessageException("data.dataset", "is '" + data.dataset() + "' but the spec trains on '"
                    + spec.dataset() + "'");
        }
    }

    /**
     * @param accuracy mean test accuracy in percent (null when nothing was published for this setting)
     * @param interval its published 95% half-width in percent, if any
     * @param source   the paper or README, and how sure the figure is
     * @param note     how the published protocol differs from the preset's, or why there is no figure
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(@JacksonInject(value = Json.ABSENT + "accuracy", useInput = OptBoolean.TRUE) Double accuracy,
                         @JacksonInject(value = Json.ABSENT + "interval", useInput = OptBoolean.TRUE) Double interval,
                         String source,
                         @JacksonInject(value = Json.ABSENT + "note", useInput = OptBoolean.TRUE) String note) {
        public Target {
            Messages.require("source", source);
            if (accuracy == null && note == null) {
                throw new InvalidMessageException("note", "a preset without a published figure must say why");
            }
        }
    }

    /**
     * @param dataset       the catalogue name the spec uses
     * @param importCommand the command that downloads and imports it
     */
    public record Data(String dataset, String importCommand) {
        public Data {
            Messages.require("dataset", dataset);
            Messages.require("importCommand", importCommand);
        }
    }
}
