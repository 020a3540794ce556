package dev.patchbay.platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrintableTextTest {

    @Test
    void controlCharactersAndLineSeparatorsAreNotPrintableButOtherScriptsAre() {
        for (var text : new String[] {"a\u0000b", "a\nb", "a\rb", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b"}) {
            assertThat(PrintableText.isPrintable(text))
                    .as("%s", text.codePoints().boxed().toList())
                    .isFalse();
        }
        assertThat(PrintableText.isPrintable("Ações São Paulo — 東京 🚀")).isTrue();
    }
}
