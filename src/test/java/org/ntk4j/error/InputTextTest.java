package org.ntk4j.error;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class InputTextTest {
    @Test
    void printableTextIsQuotedAsIs() {
        assertEquals("'Dense(512, W_std=1.5)'", InputText.quote("Dense(512, W_std=1.5)"));
        assertEquals("'r\u00e9sum\u00e9 \u2192 \u6570\u636e'", InputText.quote("r\u00e9sum\u00e9 \u2192 \u6570\u636e"));
        assertEquals("\"it's\"", InputText.quote("it's"), "Python's repr takes double quotes then");
        assertEquals("'say \"\\'\"'", InputText.quote("say \"'\""), "both kinds: single quotes, the inner one escaped");
    }

    @Test
    void controlAndInvisibleCharactersAreEscapedAsInPython() {
        assertEquals("'a\\nb\\r\\tc\\\\d'", InputText.quote("a\nb\r\tc\\d"));
        assertEquals("'\\x00\\x07\\x7f\\x85\\xa0'", InputText.quote("\u0000\u0007\u007f\u0085\u00a0"));
        assertEquals("'\\u2028\\u202e\\u200b\\ud800\\uffff'", InputText.quote("\u2028\u202e\u200b\ud800\uffff"));
        assertEquals("'\\U000f0000'", InputText.quote(new String(Character.toChars(0xF0000)))); // private use plane
        assertEquals("'\ud83d\ude00'", InputText.quote("\ud83d\ude00"), "a valid pair (an emoji) is printable");
    }

    @Test
    void longTextIsCutAtTheLimitWithItsLength() {
        String q = InputText.quote("x".repeat(1000));
        assertEquals("'" + "x".repeat(60) + "... (1000 characters)'", q);
        String e = InputText.escape("\u0000".repeat(100), 20);
        assertEquals("\\x00".repeat(5) + "... (100 characters)", e, "escapes count with their full length");
        assertEquals(
                "\ud83d\ude00... (4 characters)",
                InputText.escape("\ud83d\ude00\ud83d\ude00", 3),
                "never cut inside a pair");
        assertEquals("null", InputText.escape(null, 10));
    }

    @Test
    void oneLineCollapsesLineBreaksAndLeavesBackslashesAlone() {
        assertEquals("a; b; c \\x00 'x\\ny'", InputText.oneLine("  a\r\n  b\n\nc \u0000 'x\\ny'  ", 100));
        assertEquals("", InputText.oneLine(null, 10));
        String cut = InputText.oneLine("y".repeat(10_000_000) + "\n", 50);
        assertEquals("y".repeat(50) + "... (10000001 characters)", cut);
    }
}
