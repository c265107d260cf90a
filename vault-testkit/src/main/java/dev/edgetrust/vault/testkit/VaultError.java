package dev.edgetrust.vault.testkit;

import java.util.List;

/** A Vault error answer: a status and the {@code errors} array, as Vault writes them. */
final class VaultError extends RuntimeException {
  final int status;
  final List<String> errors;

  VaultError(int status, List<String> errors) {
    super(status + " " + errors, null, false, false);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  /** A {@code logical.ErrorResponse}: 400 with Vault's text as it is. */
  static VaultError badRequest(String message) {
    return new VaultError(400, List.of(message));
  }

  /** Vault 1.x wraps core errors in Go's multierror text. */
  static VaultError multi(int status, String message) {
    return new VaultError(status, List.of("1 error occurred:\n\t* " + message + "\n\n"));
  }

  /** A request to an authenticated path without any token. */
  static VaultError missingToken() {
    return badRequest("missing client token");
  }

  /** A token Vault does not know (never issued, revoked or expired): plain, not multierror. */
  static VaultError invalidToken() {
    return new VaultError(403, List.of("permission denied"));
  }

  /** A valid token whose policies do not grant the path. */
  static VaultError permissionDenied() {
    return multi(403, "permission denied");
  }

  /** A read of something that does not exist: 404 with an empty errors array. */
  static VaultError notFound() {
    return new VaultError(404, List.of());
  }

  static VaultError unsupportedOperation() {
    return multi(405, "unsupported operation");
  }

  static VaultError noHandler(String path) {
    return new VaultError(
        404, List.of("no handler for route \"" + path + "\". route entry not found."));
  }
}
