package io.metaloop.contracts;

final class Messages {
    private Messages() {
    }

    static void require(String field, Object value) {
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
    }
}
