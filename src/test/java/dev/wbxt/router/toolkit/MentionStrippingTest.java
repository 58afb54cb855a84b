package dev.wbxt.router.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command word is read after the bot's leading mention: in group rooms Webex starts the message's text with the
 * bot's name as the sender wrote it (the html names it with a {@code <spark-mention>}). A table: room type, html,
 * text in, text without the mention out.
 */
class MentionStrippingTest {
    private static final String BOT_ID = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3Q";
    private static final Map<String, Object> BOT = Map.of("id", BOT_ID, "displayName", "Echo Bot", "nickName", "Echo");
    private static final String MENTION = "<spark-mention data-object-type=\"person\" data-object-id=\"" + BOT_ID + "\">";

    @ParameterizedTest(name = "[{index}] {0} ''{2}'' -> ''{3}''")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            // a group room: the display name, its first word or the nickname, in any case, then , : or spaces
            "group  | none                                   | Echo Bot help              | help",
            "group  | none                                   | echo bot, help             | help",
            "group  | none                                   | Echo: ping                 | ping",
            "group  | none                                   | ECHO   ping                | ping",
            "group  | none                                   | Echo Bot                   | ''",
            "group  | none                                   | Echoes of the past         | Echoes of the past",  // not a word boundary
            "group  | none                                   | help Echo                  | help Echo",           // only a leading one
            // the html's mention names the bot however the sender's client wrote it
            "group  | <p>@MENTION@Eco</spark-mention> whoami</p> | Eco whoami              | whoami",
            "direct | @MENTION@Robo</spark-mention> ping       | Robo ping                  | ping",
            // a direct room without a mention: the text as it is (a leading name is the sender's own words)
            "direct | none                                   | Echo Bot help              | Echo Bot help",
            "direct | none                                   | '  ping  '                 | ping",
            // someone else's mention is not the bot's
            "group  | <spark-mention data-object-id=\"other\">Ann</spark-mention> hi | Ann hi | Ann hi",
    })
    void withoutTheBotsMention(String roomType, String html, String text, String expected) {
        Map<String, Object> message = new HashMap<>();
        message.put("roomType", roomType);
        message.put("text", text);
        if (html != null) {
            message.put("html", html.replace("@MENTION@", MENTION));
        }
        assertEquals(expected, BotToolkit.withoutMention(message, BOT));
    }
}
