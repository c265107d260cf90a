package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cloudcore's CA and server identity, read from where cloudcore keeps them: its Secrets in
 * namespace {@code kubeedge} as {@code kubectl get secret -n kubeedge casecret cloudcoresecret
 * tokensecret -o yaml} prints them (one document per Secret, or a {@code List}), data base64 of DER
 * ({@code casecret}: {@code cadata}, {@code cakeydata}; {@code cloudcoresecret}: {@code
 * cloudcoredata}, {@code cloudcorekeydata}); or the PEM files an existing {@code cloudcore.yaml}
 * names ({@code tlsCAFile}, {@code tlsCAKeyFile}, {@code tlsCertFile}, {@code tlsPrivateKeyFile}).
 *
 * @param server cloudcore's server certificate and key, when there is one to carry over
 */
record CloudcoreSecrets(HeldCertificate ca, Optional<HeldCertificate> server) {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Reads the Secrets in {@code file}, naming the file and what is missing on any failure. */
  static CloudcoreSecrets fromSecrets(Path file) throws UserErrors.UserException {
    Map<String, JsonNode> data = new HashMap<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(read(file))) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null) {
          continue;
        }
        List<JsonNode> secrets =
            "List".equals(doc.path("kind").asText()) ? toList(doc.path("items")) : List.of(doc);
        for (JsonNode secret : secrets) {
          data.put(secret.path("metadata").path("name").asText(), secret.path("data"));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new UserErrors.UserException(
          file + ": not the YAML kubectl prints for Secrets (" + e.getMessage() + ")");
    }
    JsonNode ca = data.get("casecret");
    if (ca == null) {
      throw new UserErrors.UserException(
          file
              + " holds no Secret named casecret; export it with: kubectl get secret -n kubeedge"
              + " casecret cloudcoresecret tokensecret -o yaml > "
              + file.getFileName());
    }
    HeldCertificate caPair =
        pair(file, "casecret", der(file, ca, "cadata"), der(file, ca, "cakeydata"));
    Optional<HeldCertificate> server = Optional.empty();
    JsonNode cloudcore = data.get("cloudcoresecret");
    if (cloudcore != null) {
      server =
          Optional.of(
              pair(
                  file,
                  "cloudcoresecret",
                  der(file, cloudcore, "cloudcoredata"),
                  der(file, cloudcore, "cloudcorekeydata")));
    }
    return new CloudcoreSecrets(caPair, server);
  }

  /** Reads the PEM files an existing cloudcore.yaml names (paths relative to it). */
  static CloudcoreSecrets fromConfig(Path file) throws UserErrors.UserException {
    JsonNode hub;
    try {
      hub = YAML.readTree(read(file)).path("modules").path("cloudHub");
    } catch (IOException e) {
      throw new UserErrors.UserException(file + ": not YAML (" + e.getMessage() + ")");
    }
    Path base = file.toAbsolutePath().getParent();
    HeldCertificate ca =
        pemPair(
            file,
            path(base, hub, "tlsCAFile", "/etc/kubeedge/ca/rootCA.crt"),
            path(base, hub, "tlsCAKeyFile", "/etc/kubeedge/ca/rootCA.key"));
    Path cert = path(base, hub, "tlsCertFile", "/etc/kubeedge/certs/server.crt");
    Path key = path(base, hub, "tlsPrivateKeyFile", "/etc/kubeedge/certs/server.key");
    return new CloudcoreSecrets(
        ca,
        Files.exists(cert) && Files.exists(key)
            ? Optional.of(pemPair(file, cert, key))
            : Optional.empty());
  }

  private static String read(Path file) throws UserErrors.UserException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UserErrors.UserException(file + ": no such file");
    } catch (IOException e) {
      throw new UserErrors.UserException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  private static List<JsonNode> toList(JsonNode items) {
    List<JsonNode> out = new java.util.ArrayList<>();
    items.forEach(out::add);
    return out;
  }

  private static byte[] der(Path file, JsonNode data, String field)
      throws UserErrors.UserException {
    String value = data.path(field).asText("");
    if (value.isEmpty()) {
      throw new UserErrors.UserException(file + ": the Secret has no data." + field);
    }
    try {
      return Base64.getMimeDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(file + ": data." + field + " is not base64");
    }
  }

  /** A DER key as cloudcore holds it: SEC1 EC, PKCS#1 RSA or PKCS#8. */
  private static PrivateKey key(byte[] der) {
    for (String type : List.of("EC PRIVATE KEY", "RSA PRIVATE KEY", "PRIVATE KEY")) {
      try {
        return Pem.parsePrivateKey(Pem.encode(type, der));
      } catch (IllegalArgumentException e) {
        // not this form; the next one
      }
    }
    throw new IllegalArgumentException("not a SEC1, PKCS#1 or PKCS#8 private key");
  }

  private static HeldCertificate pair(Path file, String secret, byte[] certDer, byte[] keyDer)
      throws UserErrors.UserException {
    try {
      return held(Certificates.parseDer(certDer), key(keyDer));
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(file + ": Secret " + secret + ": " + e.getMessage());
    }
  }

  private static HeldCertificate pemPair(Path config, Path cert, Path key)
      throws UserErrors.UserException {
    try {
      List<X509Certificate> certs = Pem.parseCertificates(read(cert));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + cert);
      }
      return held(certs.get(0), Pem.parsePrivateKey(read(key)));
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(config + ": " + key + ": " + e.getMessage());
    }
  }

  /**
   * @throws IllegalArgumentException if the key does not belong to the certificate
   */
  private static HeldCertificate held(X509Certificate certificate, PrivateKey key) {
    return new HeldCertificate(key, List.of(certificate));
  }

  private static Path path(Path base, JsonNode hub, String key, String fallback) {
    String value = hub.path(key).asText("");
    return base.resolve(value.isEmpty() ? fallback : value);
  }
}
