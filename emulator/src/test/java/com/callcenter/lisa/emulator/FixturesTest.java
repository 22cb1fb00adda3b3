package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locating shared/gemini-fixtures. */
class FixturesTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty(Fixtures.PROPERTY);
  }

  @Test
  void foundAsSiblingOfTheRepositoryFromTheModuleDirectory() {
    Path root = Fixtures.root();

    assertThat(root).endsWith(Path.of("shared", "gemini-fixtures"));
    assertThat(root.resolve("PROVENANCE.md")).exists();
    assertThat(Fixtures.path("errors/503-overloaded.json")).isRegularFile();
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
