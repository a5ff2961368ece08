package io.metaloop.gateway.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TaskResult;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.datasets.TaskUpload;
import io.metaloop.gateway.rest.TaskResource;
import io.metaloop.gateway.rest.TaskUploadResource;
import io.metaloop.messaging.MessagingException;
import jakarta.ws.rs.core.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The task upload path of the gateway, with the object store and the queue in memory. */
public class TaskServiceTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final DatasetInfo FASHION = new DatasetInfo("fashion-mnist", 1, 28, 28,
            List.of(new DatasetInfo.Level("class", List.of("t-shirt", "trouser", "pullover"))), Map.of("train", 60L, "test", 10L));
    private static final DatasetInfo OMNIGLOT = new DatasetInfo("omniglot", 1, 28, 28,
            List.of(new DatasetInfo.Level("character", List.of("a", "b", "c", "d", "e", "f"))), Map.of("train", 60L, "test", 60L));

    private final Map<String, byte[]> objects = new TreeMap<>();
    private final List<EvalRequest> queued = new ArrayList<>();
    private final Map<String, ExperimentRecord> experiments = new LinkedHashMap<>();
    private boolean kafkaDown;

    private final TaskService.Storage storage = new TaskService.Storage() {
        @Override
        public void put(String key, byte[] content, String contentType) {
            objects.put(key, content);
        }

        @Override
        public Optional<byte[]> get(String key) {
            return Optional.ofNullable(objects.get(key));
        }
    };

    private final TaskService service = new TaskService(id -> Optional.ofNullable(experiments.get(id)),
            name -> Optional.ofNullable(Map.of("fashion-mnist", FASHION, "omniglot", OMNIGLOT).get(name)), storage,
            (key, request) -> {
                if (kafkaDown) {
                    throw new MessagingException("Kafka is unreachable");
                }
                queued.add(request);
            }, TaskUpload.Limits.DEFAULTS, 1, Clock.fixed(NOW, ZoneOffset.UTC));

    static byte[] png(int width, int height, int rgb) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] zip(String... names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(name.endsWith(".txt") ? "not an image".getBytes() : png(30, 20, name.contains("boot") ? 0x202020 : 0xE0E0E0));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static final byte[] TASK = zip("support/boot/a.png", "support/boot/b.png", "support/shirt/c.png",
            "query/shirt/q1.png", "query/boot/q2.png");

    private ExperimentRecord trained(String id, ExperimentSpec spec) {
        ExperimentRecord record = ExperimentRecord.queued(id, spec, NOW)
                .apply(new JobEvent(id, JobEvent.Type.TRAINED, "trainer", null, null, "checkpoints/" + id + "/epoch-0001.ckpt",
                        null, NOW));
        experiments.put(id, record);
        return record;
    }

    private ExperimentRecord supervised() {
        return trained("exp-sup", ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null));
    }

    private ExperimentRecord maml() {
        return trained("exp-maml", Json.readStrict("""
                {"method": "maml", "dataset": "omniglot", "backbone": "conv4", "epochs": 1,
                 "episodes": {"ways": 5, "shots": 1, "queries": 5, "metaBatch": 2, "metaBatchesPerEpoch": 3}}""".getBytes(),
                ExperimentSpec.class));
    }

    private static List<FieldError> refused(Runnable call) {
        return assertThrows(InvalidMessageException.class, call::run).errors();
    }

    @Test
    void anUploadIsConvertedStoredAndQueued() {
        supervised();
        TaskService.StartedTask started = service.submit("exp-sup", TASK, null, null);

        assertTrue(started.taskId().matches("task-[0-9a-f]{12}"), started.taskId());
        assertEquals(List.of("boot", "shirt"), started.classes());
        assertEquals(List.of(2, 1), started.supportImages());
        assertEquals(2, started.queries());
        assertTrue(started.labelled());
        assertEquals("last", started.checkpoint());
        assertEquals("prototype", started.head());
        assertEquals("checkpoints/exp-sup/epoch-0001.ckpt", started.checkpointKey());
        assertEquals(List.of(1, 28, 28), started.imageShape());

        String folder = "tasks/" + started.taskId() + "/";
        assertEquals(List.of(folder + "episode.mlbf", folder + "task.json"), List.copyOf(objects.keySet()));
        BatchFrame frame = FrameCodec.decodeBatch(objects.get(folder + "episode.mlbf"));
        assertEquals(5, frame.count());
        assertEquals(1, frame.channels());
        assertEquals(28, frame.height());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 0, 0, 1, 1, 1}, frame.labels()); // (class, role) per row: boot a, b, shirt c, then queries by name
        assertEquals(0x20, frame.pixels()[0] & 0xFF);                                 // boot/a.png: dark grey 0x20

        EvalRequest stored = Json.read(objects.get(folder + "task.json"), EvalRequest.class);
        assertEquals(List.of(stored), queued);
        assertEquals("exp-sup", stored.experimentId());
        assertEquals("checkpoints/exp-sup/epoch-0001.ckpt", stored.checkpointKey());
        assertNull(stored.fewShot());
        assertEquals(started.taskId(), stored.task().taskId());
        assertEquals(List.of("boot/q2.png", "shirt/q1.png"), stored.task().queries());
        assertEquals(List.of(2, 1), stored.task().supportCounts());
        assertEquals("prototype", stored.task().evaluation().head());
        assertEquals("inductive", stored.task().evaluation().batchNorm());
        assertEquals(FASHION, stored.task().dataset());
    }

    @Test
    void aTaskIsPendingUntilTheEvaluatorStoresItsResult() {
        supervised();
        TaskResource resource = new TaskResource(service);
        Response upload = new TaskUploadResource(service).upload("exp-sup", null, null, TASK);
        assertEquals(202, upload.getStatus());
        TaskService.StartedTask started = (TaskService.StartedTask) upload.getEntity();
        assertEquals("/api/v1/tasks/" + started.taskId(), upload.getLocation().toString());

        Response pending = resource.get(started.taskId());
        assertEquals(202, pending.getStatus());
        assertEquals("{\"taskId\":\"" + started.taskId() + "\",\"experimentId\":\"exp-sup\",\"state\":\"PENDING\"}",
                Json.writeString(pending.getEntity()));

        TaskResult done = TaskResult.succeeded(started.taskId(), "exp-sup", "last", started.checkpointKey(), "prototype",
                started.classes(), List.of(new TaskResult.Prediction("boot/q2.png", "boot", "boot", true),
                        new TaskResult.Prediction("shirt/q1.png", "boot", "shirt", false)), "evaluator", 0.5, NOW);
        objects.put("tasks/" + started.taskId() + "/result.json", Json.write(done));
        Response finished = resource.get(started.taskId());
        assertEquals(200, finished.getStatus());
        TaskResult result = (TaskResult) finished.getEntity();
        assertEquals(TaskResult.SUCCEEDED, result.state());
        assertEquals(0.5, result.accuracy());
        assertEquals(1, result.correct());
        assertEquals(2, result.labelled());
        assertEquals("shirt", result.predictions().get(1).actual());

        assertEquals(404, resource.get("task-000000000000").getStatus());
        assertEquals(404, resource.get("../datasets/fashion-mnist/manifest.json").getStatus());
        assertEquals("no task 'task-000000000000'", ((ApiError) resource.get("task-000000000000").getEntity()).error());
    }

    @Test
    void anUnknownExperimentIs404AndAnUntrainedOne400() {
        assertThrows(NoSuchElementException.class, () -> service.submit("exp-nope", TASK, null, null));
        assertEquals(404, new TaskUploadResource(service).upload("exp-nope", null, null, TASK).getStatus());

        experiments.put("exp-q", ExperimentRecord.queued("exp-q",
                ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null), NOW));
        FieldError e = refused(() -> service.submit("exp-q", TASK, null, null)).get(0);
        assertEquals("experiment", e.field());
        assertEquals("experiment exp-q is QUEUED without a checkpoint; it takes tasks once trained", e.message());
        assertTrue(objects.isEmpty());
        assertTrue(queued.isEmpty());
    }

    @Test
    void badParametersAreNamed() {
        supervised();
        assertEquals("checkpoint", refused(() -> service.submit("exp-sup", TASK, "middle", null)).get(0).field());
        FieldError best = refused(() -> service.submit("exp-sup", TASK, "best", null)).get(0);
        assertEquals("checkpoint", best.field());
        assertTrue(best.message().contains("has no best checkpoint"), best.message());
        FieldError head = refused(() -> service.submit("exp-sup", TASK, null, "method")).get(0);
        assertEquals("head", head.field());
        assertTrue(head.message().contains("prototype head"), head.message());
        assertEquals("head", refused(() -> service.submit("exp-sup", TASK, null, "knn")).get(0).field());
        assertTrue(objects.isEmpty());
    }

    @Test
    void aBadUploadNamesTheEntryAndStoresNothing() {
        supervised();
        byte[] bad = zip("support/boot/a.png", "support/shirt/notes.txt", "../../etc/passwd.png", "query/q.png");
        List<FieldError> errors = refused(() -> service.submit("exp-sup", bad, null, null));
        assertEquals(List.of("support/shirt/notes.txt", "../../etc/passwd.png"), errors.stream().map(FieldError::field).toList());
        assertTrue(objects.isEmpty());
        assertTrue(queued.isEmpty());
    }

    @Test
    void aFixedHeadTakesOnlyTasksOfItsWaysUnlessThePrototypeHeadIsAsked() {
        maml();
        FieldError e = refused(() -> service.submit("exp-maml", TASK, null, null)).get(0);
        assertEquals("support", e.field());
        assertEquals("the task has 2 classes; experiment's maml head has 5 outputs, so its own adaptation takes 5-way tasks "
                + "only; upload 5 classes, or ask for head=prototype", e.message());

        TaskService.StartedTask started = service.submit("exp-maml", TASK, "last", "prototype");
        assertEquals("prototype", started.head());
        EvalRequest request = queued.get(0);
        assertEquals("prototype", request.task().evaluation().head());
        assertNull(request.task().evaluation().innerSteps());
        assertEquals("inductive", request.task().evaluation().batchNorm());
        assertEquals("maml", request.task().spec().method());
    }

    @Test
    void aTaskThatCannotBeQueuedIsMarkedFailed() {
        supervised();
        kafkaDown = true;
        assertThrows(MessagingException.class, () -> service.submit("exp-sup", TASK, null, null));
        String resultKey = objects.keySet().stream().filter(k -> k.endsWith("/result.json")).findFirst().orElseThrow();
        TaskResult failed = Json.read(objects.get(resultKey), TaskResult.class);
        assertEquals(TaskResult.FAILED, failed.state());
        assertEquals("could not queue the task: Kafka is unreachable", failed.error());
        assertEquals(200, new TaskResource(service).get(failed.taskId()).getStatus());
    }
}
