package dev.edgetrust.pki.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An ACL policy as HCL text, the form {@code vault policy read} shows an operator. Only {@code
 * path} blocks with {@code capabilities}, which every Vault version reads the same way.
 */
public final class VaultPolicy {
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_.:/+*-]+");
  private static final List<String> CAPABILITIES =
      List.of("create", "read", "update", "patch", "delete", "list", "sudo", "deny");

  private final String comment;
  private final List<String> blocks = new ArrayList<>();

  private VaultPolicy(String comment) {
    this.comment = comment;
  }

  /** A policy whose text starts with {@code # comment}. */
  public static VaultPolicy withComment(String comment) {
    if (comment.contains("\n")) {
      throw new IllegalArgumentException("a policy comment is one line");
    }
    return new VaultPolicy(comment);
  }

  /**
   * Grants {@code capabilities} on {@code path} (which may end in {@code *} or hold {@code +}
   * segments).
   */
  public VaultPolicy allow(String path, String... capabilities) {
    Objects.requireNonNull(path, "path");
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("'" + path + "' is not a policy path");
    }
    if (capabilities.length == 0) {
      throw new IllegalArgumentException("no capabilities for " + path);
    }
    StringBuilder caps = new StringBuilder();
    for (String c : capabilities) {
      if (!CAPABILITIES.contains(c)) {
        throw new IllegalArgumentException("'" + c + "' is not a Vault capability " + CAPABILITIES);
      }
      caps.append(caps.length() == 0 ? "" : ", ").append('"').append(c).append('"');
    }
    blocks.add("path \"" + path + "\" {\n  capabilities = [" + caps + "]\n}\n");
    return this;
  }

  /** The HCL text. */
  public String hcl() {
    StringBuilder out = new StringBuilder("# ").append(comment).append('\n');
    for (String block : blocks) {
      out.append('\n').append(block);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return hcl();
  }
}
