package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locating the recorded fixtures kept in the repository. */
class FixturesTest {

    private final String configured = System.getProperty(Fixtures.PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (configured == null) {
            System.clearProperty(Fixtures.PROPERTY);
        } else {
            System.setProperty(Fixtures.PROPERTY, configured);
        }
    }

    @Test
    void foundInTheRepositoryFromTheModuleDirectory() {
        System.clearProperty(Fixtures.PROPERTY);
        Path root = Fixtures.root();

        assertThat(root)
                .endsWith(Path.of("emulator", "src", "test", "resources", "gemini-fixtures"))
                .startsWith(Path.of("").toAbsolutePath().getParent());
        assertThat(root.resolve("PROVENANCE.md")).exists();
        assertThat(Fixtures.path("errors/503-overloaded.json")).isRegularFile();
    }

    @Test
    void theirLicencesComeWithThem() {
        assertThat(Fixtures.path("licenses/Apache-2.0.txt")).content().contains("Version 2.0");
        assertThat(Fixtures.path("licenses/MIT-pydantic-ai.txt")).content().contains("Pydantic Services Inc.");
        assertThat(Fixtures.path("PROVENANCE.md"))
                .content()
                .contains("licenses/Apache-2.0.txt", "licenses/MIT-pydantic-ai.txt");
    }

    @Test
    void systemPropertyWins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.json"), "{}");
        System.setProperty(Fixtures.PROPERTY, dir.toString());

        assertThat(Fixtures.root()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(Fixtures.path("x.json")).isRegularFile();
    }

    @Test
    void configuredButMissingFolderIsAnError(@TempDir Path dir) {
        System.setProperty(Fixtures.PROPERTY, dir.resolve("missing").toString());

        assertThatThrownBy(Fixtures::root)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void unknownFileIsAnError() {
        assertThatThrownBy(() -> Fixtures.path("errors/does-not-exist.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no fixture errors/does-not-exist.json");
    }
}
