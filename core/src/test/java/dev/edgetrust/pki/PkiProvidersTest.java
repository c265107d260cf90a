package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a PKI by the name in {@code modules.cloudHub.pki.provider}. */
class PkiProvidersTest {
  @TempDir Path dir;

  /** A PKI that is only a name: lookup never builds one. */
  private record Named(String name) implements PkiProviderFactory {
    @Override
    public CloudPki cloud(CloudPkiContext context) {
      throw new AssertionError("not built by a lookup");
    }
  }

  private final PkiProviders providers =
      PkiProviders.of(List.of(new Named("vault"), new Named("builtin")));

  private YamlConfig config(String cloudHub) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(file, "modules:\n  cloudHub:\n" + cloudHub.indent(4));
    return YamlConfig.read(file);
  }

  @Test
  void noPkiSection_isTheBuiltinCa() throws Exception {
    assertThat(providers.cloudProvider(config("nodeLimit: 5\n")).name()).isEqualTo("builtin");
  }

  @Test
  void providerName_isFound_caseInsensitively() throws Exception {
    assertThat(providers.cloudProvider(config("pki: {provider: Vault}\n")).name())
        .isEqualTo("vault");
  }

  @Test
  void unknownProvider_isOneLineNamingTheKeyAndTheKnownProviders() throws Exception {
    YamlConfig yaml = config("pki: {provider: cfsl}\n");

    assertThatThrownBy(() -> providers.cloudProvider(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            yaml.file()
                + ": 'modules.cloudHub.pki.provider' is 'cfsl', which is no PKI provider here"
                + " (known: builtin, vault)");
  }

  @Test
  void unknownKeyInThePkiSection_isNamedWithTheKnownKeys() throws Exception {
    YamlConfig yaml = config("pki: {provider: vault, valut: {}}\n");

    assertThatThrownBy(() -> providers.cloudProvider(yaml))
        .hasMessage(
            yaml.file()
                + ": unknown key 'modules.cloudHub.pki.valut' (known keys there: builtin, provider,"
                + " vault)");
  }

  @Test
  void sectionsOfOtherProviders_areLeftToThem() throws Exception {
    assertThat(
            providers
                .cloudProvider(config("pki: {provider: builtin, vault: {address: x}}\n"))
                .name())
        .isEqualTo("builtin");
  }

  @Test
  void twoFactoriesWithOneName_isAPackagingError() {
    record Other(String name) implements PkiProviderFactory {
      @Override
      public CloudPki cloud(CloudPkiContext context) {
        throw new AssertionError();
      }
    }

    assertThatThrownBy(() -> PkiProviders.of(List.of(new Named("vault"), new Other("vault"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two PKI providers are named 'vault'");
  }
}
