package dev.edgetrust.vault.testkit;

/**
 * A request the stand-in received, for tests that count retries.
 *
 * @param method GET, POST, DELETE or LIST
 * @param path the API path after {@code /v1/}
 * @param status the status it was answered with
 */
public record RecordedRequest(String method, String path, int status) {}
