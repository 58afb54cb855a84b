package dev.wbxt.router.toolkit.cards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * What a template may not hold is refused when it is loaded, with where and why: the table of the README's
 * "Card templates" (what the subset leaves out), as a table.
 */
class CardTemplateLoadTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "${a / 2}           | '/' is not supported in card templates",
            "${a % 2}           | '%' is not supported in card templates",
            "${a ?? 'x'}        | '??' is not supported in card templates",
            "${formatNumber(a)} | the function formatNumber() is not supported in card templates (supported: count, empty, exists, if, join, length, not, toLower, toUpper)",
            "${if(a, 1)}        | if() takes 3 arguments, not 2",
            "${join(a)}         | join() takes 2 or 3 arguments, not 1",
            "${[1, 2]}          | list literals ([...]) are not supported",
            "${ {a: 1} }        | object literals ({...}) are not supported",
            "${a +}             | the expression ends too early",
            "${a b}             | unexpected 'b' at 2",
            "${a ~ b}           | unexpected character '~' at 2",
            "x`y ${a}           | a backtick (`) in a string with ${...} must be written \\`",
    })
    void whatTheSubsetLeavesOutIsRefusedWithTheReason(String text, String reason) {
        CardTemplateException e = assertThrows(CardTemplateException.class, () -> CardTemplates.parse(
                CardTemplates.JSON.writeValueAsString(Map.of("type", "AdaptiveCard", "body", List.of(Map.of("text", text))))));
        assertTrue(e.getMessage().startsWith("an expression does not parse: /body/0/text: "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void aFileThatIsNotAJsonObjectIsRefused() {
        assertTrue(assertThrows(CardTemplateException.class, () -> CardTemplates.parse("{\"type\": \"AdaptiveCard\",\n"))
                .getMessage().startsWith("it is not JSON (line 2, column 1): "));
        assertEquals("it is not a JSON object (an Adaptive Card template is one)",
                assertThrows(CardTemplateException.class, () -> CardTemplates.parse("[]")).getMessage());
        assertTrue(assertThrows(CardTemplateException.class, () -> CardTemplates.parse("{} {}"))
                .getMessage().startsWith("it is not JSON"), "one JSON value, nothing after it");
    }
}
