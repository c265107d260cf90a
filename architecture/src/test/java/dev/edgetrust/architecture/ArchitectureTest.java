package dev.edgetrust.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import rules of the shipped code (test classes are not imported), over every module.
 *
 * <p>Rules that do not hold yet on main, because another branch is making them true, are wrapped
 * in {@link FreezingArchRule}: the violations found when the rule was written are stored in
 * {@code src/test/resources/frozen} (committed), any new one fails, and each one fixed leaves the
 * store. Which branch removes them:
 *
 * <ul>
 *   <li>package cycles in {@code cloudhub..}: i22-cloudhub; in {@code edgehub..}: i22-edgehub;
 *   <li>the CLI's imports of concrete providers: i14-plugin (providers found through the SPI).
 * </ul>
 */
class ArchitectureTest {
  private static final String CONCRETE_PROVIDERS_BUILTIN = "dev.edgetrust.pki.builtin..";
  private static final String CONCRETE_PROVIDERS_VAULT = "dev.edgetrust.pki.vault..";
  private static final String CONCRETE_PROVIDERS_CFSSL = "dev.edgetrust.pki.cfssl..";

  static JavaClasses shipped;

  @BeforeAll
  static void importShippedClasses() {
    shipped = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.edgetrust");
  }

  /** Guards every rule below against passing because a module's classes were not seen at all. */
  @Test
  void everyShippedModuleIsImported() {
    Set<String> packages = shipped.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());

    assertThat(packages).contains(
        "dev.edgetrust.pki", "dev.edgetrust.x509", "dev.edgetrust.pki.builtin", "dev.edgetrust.pki.vault",
        "dev.edgetrust.cloudhub", "dev.edgetrust.edgehub", "dev.edgetrust.agent", "dev.edgetrust.standin",
        "dev.edgetrust.bench", "dev.edgetrust.cli");
  }

  @Test
  void noPackageCycles() {
    ArchRule rule = slices().matching("dev.edgetrust.(**)").should().beFreeOfCycles();

    FreezingArchRule.freeze(rule).check(shipped);
  }

  @Test
  void cloudHubDoesNotImportTheEdgeHub() {
    noClasses().that().resideInAPackage("dev.edgetrust.cloudhub..")
        .should().dependOnClassesThat().resideInAPackage("dev.edgetrust.edgehub..")
        .check(shipped);
  }

  @Test
  void edgeHubDoesNotImportTheCloudHub() {
    noClasses().that().resideInAPackage("dev.edgetrust.edgehub..")
        .should().dependOnClassesThat().resideInAPackage("dev.edgetrust.cloudhub..")
        .check(shipped);
  }

  @Test
  void hubsAndCoreDoNotImportAConcreteProvider() {
    noClasses().that().resideInAnyPackage("dev.edgetrust.cloudhub..", "dev.edgetrust.edgehub..",
            "dev.edgetrust.pki", "dev.edgetrust.x509..", "dev.edgetrust.revocation..", "dev.edgetrust.credential..",
            "dev.edgetrust.config..", "dev.edgetrust.tls..", "dev.edgetrust.message..", "dev.edgetrust.text..")
        .should().dependOnClassesThat().resideInAnyPackage(
            CONCRETE_PROVIDERS_BUILTIN, CONCRETE_PROVIDERS_VAULT, CONCRETE_PROVIDERS_CFSSL)
        .check(shipped);
  }

  @Test
  void cliDoesNotImportAConcreteProvider() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.edgetrust.cli..")
        .should().dependOnClassesThat().resideInAnyPackage(
            CONCRETE_PROVIDERS_BUILTIN, CONCRETE_PROVIDERS_VAULT, CONCRETE_PROVIDERS_CFSSL);

    FreezingArchRule.freeze(rule).check(shipped);
  }

  @Test
  void onlyTheBenchImportsTheBench() {
    noClasses().that().resideOutsideOfPackage("dev.edgetrust.bench..")
        .should().dependOnClassesThat().resideInAPackage("dev.edgetrust.bench..")
        .check(shipped);
  }
}
