package io.metaloop.learning;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a computation with its temporary arrays in a reusable ND4J workspace. Off-heap allocation
 * outside a workspace costs ≈1 ms per megabyte-sized array here, more than the arithmetic of a
 * small network's step; inside one it is a pointer bump. Arrays created inside must not escape:
 * return plain Java values or {@code detach()} them.
 */
public final class Workspaces {
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private Workspaces() {
    }

    public static <T> T run(String name, Supplier<T> computation) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, name)) {
            return computation.get();
        }
    }
}
