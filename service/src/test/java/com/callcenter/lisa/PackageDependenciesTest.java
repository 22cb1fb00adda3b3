package com.callcenter.lisa;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The service's packages as README "How the code is laid out" describes them: one feature each, with no cycle between
 * them (a cycle makes two features one, whatever the folders say), and the few rules of direction the README states.
 */
class PackageDependenciesTest {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.callcenter.lisa");

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("com.callcenter.lisa.(*)..").should().beFreeOfCycles().check(SERVICE);
    }

    @Test
    void quotaKnowsNeitherGeminiNorCallersAndWebNeverQuota() {
        noClasses()
                .that()
                .resideInAPackage("com.callcenter.lisa.quota..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.callcenter.lisa.gemini..", "com.callcenter.lisa.identity..", "com.google.genai..")
                .check(SERVICE);
        noClasses()
                .that()
                .resideInAPackage("com.callcenter.lisa.web..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.callcenter.lisa.quota..")
                .check(SERVICE);
    }

    @Test
    void limitsAndTextDependOnNoOtherFeature() {
        noClasses()
                .that()
                .resideInAnyPackage("com.callcenter.lisa.limits..", "com.callcenter.lisa.text..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.callcenter.lisa.chat..",
                        "com.callcenter.lisa.gemini..",
                        "com.callcenter.lisa.handoff..",
                        "com.callcenter.lisa.health..",
                        "com.callcenter.lisa.identity..",
                        "com.callcenter.lisa.persona..",
                        "com.callcenter.lisa.quota..",
                        "com.callcenter.lisa.session..",
                        "com.callcenter.lisa.web..",
                        "com.callcenter.lisa.wrapup..")
                .check(SERVICE);
    }
}
