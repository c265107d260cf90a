package dev.edgetrust.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The hubs and the CLI know a PKI only by the name in the configuration: their code depends on no
 * concrete provider's package, so that a new PKI is one module and one services file. The demos
 * are the exception: each is explicitly about one provider.
 */
class ProviderIsolationTest {
  /** Wiring that is explicitly about one provider, and only that. */
  private static final Set<String> DEMOS = Set.of(
      "dev.edgetrust.cli.Demo", "dev.edgetrust.cli.GatewayDemo", "dev.edgetrust.cli.VaultDemo",
      "dev.edgetrust.cli.VaultCloudHub");

  private static final JavaClasses MAIN_CODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.edgetrust");

  private static final DescribedPredicate<JavaClass> DEMO_WIRING =
      DescribedPredicate.describe("demo wiring about one provider",
          c -> DEMOS.contains(c.getName()) || DEMOS.stream().anyMatch(d -> c.getName().startsWith(d + "$")));

  @Test
  void hubsAndCli_dependOnNoConcreteProvider() {
    noClasses()
        .that().resideInAnyPackage("dev.edgetrust.cloudhub..", "dev.edgetrust.edgehub..", "dev.edgetrust.cli..")
        .and(DescribedPredicate.not(DEMO_WIRING))
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.edgetrust.pki.builtin..", "dev.edgetrust.pki.vault..", "dev.edgetrust.pki.cfssl..")
        .because("a PKI is found by name (PkiProviders), never imported: docs/providers.md")
        .check(MAIN_CODE);
  }
}
