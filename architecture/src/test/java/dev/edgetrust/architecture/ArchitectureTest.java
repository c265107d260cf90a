package dev.edgetrust.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import rules of the shipped code (test classes are not imported), over every module: no
 * package cycles, the hubs never import each other, and nothing but the demos knows a concrete PKI
 * provider (a PKI is found by name through {@code PkiProviders}: docs/providers.md).
 */
class ArchitectureTest {
  private static final String CONCRETE_PROVIDERS_BUILTIN = "dev.edgetrust.pki.builtin..";
  private static final String CONCRETE_PROVIDERS_VAULT = "dev.edgetrust.pki.vault..";
  private static final String CONCRETE_PROVIDERS_CFSSL = "dev.edgetrust.pki.cfssl..";

  static JavaClasses shipped;

  @BeforeAll
  static void importShippedClasses() {
    shipped =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.edgetrust");
  }

  /** Guards every rule below against passing because a module's classes were not seen at all. */
  @Test
  void everyShippedModuleIsImported() {
    Set<String> packages =
        shipped.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());

    assertThat(packages)
        .contains(
            "dev.edgetrust.pki",
            "dev.edgetrust.x509",
            "dev.edgetrust.netty",
            "dev.edgetrust.pki.builtin",
            "dev.edgetrust.pki.vault",
            "dev.edgetrust.pki.cfssl",
            "dev.edgetrust.pki.jointoken",
            "dev.edgetrust.cfssl.testkit",
            "dev.edgetrust.cloudhub",
            "dev.edgetrust.edgehub",
            "dev.edgetrust.agent",
            "dev.edgetrust.standin",
            "dev.edgetrust.bench",
            "dev.edgetrust.cli");
  }

  @Test
  void noPackageCycles() {
    ArchRule rule = slices().matching("dev.edgetrust.(**)").should().beFreeOfCycles();

    rule.check(shipped);
  }

  @Test
  void cloudHubDoesNotImportTheEdgeHub() {
    noClasses()
        .that()
        .resideInAPackage("dev.edgetrust.cloudhub..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.edgetrust.edgehub..")
        .check(shipped);
  }

  @Test
  void edgeHubDoesNotImportTheCloudHub() {
    noClasses()
        .that()
        .resideInAPackage("dev.edgetrust.edgehub..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.edgetrust.cloudhub..")
        .check(shipped);
  }

  @Test
  void hubsAndCoreDoNotImportAConcreteProvider() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.edgetrust.cloudhub..",
            "dev.edgetrust.edgehub..",
            "dev.edgetrust.pki",
            "dev.edgetrust.pki.jointoken..",
            "dev.edgetrust.x509..",
            "dev.edgetrust.revocation..",
            "dev.edgetrust.credential..",
            "dev.edgetrust.config..",
            "dev.edgetrust.tls..",
            "dev.edgetrust.message..",
            "dev.edgetrust.text..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            CONCRETE_PROVIDERS_BUILTIN, CONCRETE_PROVIDERS_VAULT, CONCRETE_PROVIDERS_CFSSL)
        .check(shipped);
  }

  /** Wiring that is explicitly about one provider, and only that. */
  private static final Set<String> DEMOS =
      Set.of(
          "dev.edgetrust.cli.GatewayDemo",
          "dev.edgetrust.cli.VaultDemo",
          "dev.edgetrust.cli.VaultCloudHub",
          "dev.edgetrust.cli.CfsslDemo");

  private static final DescribedPredicate<JavaClass> DEMO_WIRING =
      DescribedPredicate.describe(
          "demo wiring about one provider",
          c ->
              DEMOS.contains(c.getName())
                  || DEMOS.stream().anyMatch(d -> c.getName().startsWith(d + "$")));

  @Test
  void cliDoesNotImportAConcreteProvider_butTheDemos() {
    noClasses()
        .that()
        .resideInAPackage("dev.edgetrust.cli..")
        .and(DescribedPredicate.not(DEMO_WIRING))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            CONCRETE_PROVIDERS_BUILTIN,
            CONCRETE_PROVIDERS_VAULT,
            CONCRETE_PROVIDERS_CFSSL,
            "dev.edgetrust.cfssl.testkit..")
        .because("a PKI is found by name (PkiProviders), never imported: docs/providers.md")
        .check(shipped);
  }

  @Test
  void onlyTheBenchImportsTheBench() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.edgetrust.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.edgetrust.bench..")
        .check(shipped);
  }
}
