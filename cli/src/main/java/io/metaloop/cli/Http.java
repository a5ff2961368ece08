package io.metaloop.cli;

import io.metaloop.localstack.StackException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The commands' one way to call a service of the stack. */
final class Http {
    private Http() {
    }

    /**
     * Sends {@code request} with {@code Authorization: Bearer <token>} and reads the answer as text,
     * whatever its status. The token is never printed: errors name only the host and port.
     *
     * @throws StackException when the service cannot be reached (naming its host and port) or the
     *                        thread is interrupted (its flag set again)
     */
    static HttpResponse<String> send(HttpClient http, HttpRequest request, String token) {
        try {
            return http.send(authorized(request, token), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StackException("the service at " + request.uri().getHost() + ":" + request.uri().getPort()
                    + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }

    /** A copy of {@code request} carrying the bearer token. */
    static HttpRequest authorized(HttpRequest request, String token) {
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"))
                .header("Authorization", "Bearer " + token).build();
    }
}
