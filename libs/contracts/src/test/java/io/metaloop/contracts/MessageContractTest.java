package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The JSON of every Kafka message, pinned by the samples in src/test/resources/contracts: each
 * sample must parse, and serialising the parsed record must give the sample back field for field.
 * A renamed or retyped field fails here before a producer and a consumer disagree in production.
 */
class MessageContractTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    static List<Arguments> samples() {
        return List.of(
                Arguments.of("train-job.json", TrainJob.class),
                Arguments.of("job-event.json", JobEvent.class),
                Arguments.of("eval-request.json", EvalRequest.class),
                Arguments.of("eval-result.json", EvalResult.class),
                Arguments.of("batch-request.json", BatchRequest.class),
                Arguments.of("episode-request.json", EpisodeRequest.class),
                Arguments.of("experiment-record.json", ExperimentRecord.class));
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream in = MessageContractTest.class.getResourceAsStream("/contracts/" + name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleParsesAndSerialisesBackToTheSameFields(String name, Class<?> type) throws IOException {
        byte[] json = sample(name);
        Object record = Json.read(json, type);
        JsonNode expected = TREE.readTree(json);
        JsonNode actual = TREE.readTree(Json.write(record));
        assertEquals(expected, actual, name);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void unknownFieldsFromANewerProducerAreIgnored(String name, Class<?> type) throws IOException {
        ObjectNode json = (ObjectNode) TREE.readTree(sample(name));
        json.put("addedInVersion2", "whatever");
        Object record = Json.read(TREE.writeValueAsBytes(json), type);
        assertEquals(Json.read(sample(name), type), record);
    }

    @Test
    void messagesStoredBeforeAttemptsExistedStillRead() throws IOException {
        ObjectNode event = (ObjectNode) TREE.readTree(sample("job-event.json"));
        event.remove("attempt");
        assertEquals(0, Json.read(TREE.writeValueAsBytes(event), JobEvent.class).attempt(), "not tied to an attempt");
        ObjectNode record = (ObjectNode) TREE.readTree(sample("experiment-record.json"));
        record.remove("attempt");
        record.remove("attempts");
        ExperimentRecord old = Json.read(TREE.writeValueAsBytes(record), ExperimentRecord.class);
        assertEquals(1, old.attempt());
        assertEquals(List.of(), old.attempts());
    }

    @Test
    void missingRequiredFieldIsNamed() throws IOException {
        ObjectNode json = (ObjectNode) TREE.readTree(sample("train-job.json"));
        json.remove("experimentId");
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.read(TREE.writeValueAsBytes(json), TrainJob.class));
        assertEquals("experimentId", e.errors().get(0).field());
    }

    @Test
    void invalidNestedValueIsNamedWithItsPath() throws IOException {
        ObjectNode json = (ObjectNode) TREE.readTree(sample("train-job.json"));
        ((ObjectNode) json.get("spec")).put("epochs", 0);
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.read(TREE.writeValueAsBytes(json), TrainJob.class));
        assertEquals("spec.epochs", e.errors().get(0).field());
    }

    @Test
    void wrongTypeIsNamed() throws IOException {
        ObjectNode json = (ObjectNode) TREE.readTree(sample("batch-request.json"));
        json.put("batchSize", "sixty-four");
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.read(TREE.writeValueAsBytes(json), BatchRequest.class));
        assertEquals("batchSize", e.errors().get(0).field());
    }

    @Test
    void malformedJsonGivesItsPosition() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.read("{\"experimentId\": ", JobEvent.class));
        assertTrue(e.getMessage().contains("line 1, column"), e.getMessage());
        assertThrows(InvalidMessageException.class, () -> Json.read(new byte[0], JobEvent.class));
    }

    @Test
    void timestampsAreIsoStrings() {
        EvalRequest r = new EvalRequest("e", "d", "test", "k", Instant.parse("2026-01-02T03:04:05Z"));
        assertTrue(Json.writeString(r).contains("\"requestedAt\":\"2026-01-02T03:04:05Z\""));
    }
}
