package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.FuzzTally;
import org.ntk4j.testing.FuzzTally.Expect;
import org.ntk4j.testing.FuzzTally.Outcome;
import org.ntk4j.testing.FuzzTally.Verdict;

/**
 * ntk4j against numpy's own verdicts on 500 hostile {@code .npy} files
 * ({@code src/test/resources/npy-fixtures/numpy-verdicts.json}, written by
 * {@code src/test/python/gen_npy_verdicts.py} with numpy 2.4): duplicate keys, decoy keys inside
 * strings, enlarged and shrunk header-length fields, wrong data sizes, other dtypes and spellings,
 * random edits of the header text. Every file numpy rejects must be rejected with a clean typed
 * error; every file ntk4j reads must be one numpy reads, with the same shape and values. Where numpy
 * reads a file that ntk4j rejects, ntk4j is stricter on purpose (duplicate keys, extra data bytes,
 * spellings numpy never writes, dtypes ntk4j does not read); those are counted, not failed.
 */
class NpyNumpyVerdictsTest {
    static final FuzzTally TALLY = new FuzzTally("npy-vs-numpy");

    @TempDir
    Path dir;

    @AfterAll
    static void writeCounts() {
        TALLY.write();
    }

    @Test
    void rejectsEverythingNumpyRejectsAndReadsTheRestAsNumpyDoes() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/npy-fixtures/numpy-verdicts.json")) {
            assertNotNull(in, "numpy-verdicts.json missing");
            root = new ObjectMapper().readTree(in);
        }
        Path file = dir.resolve("case.npy");
        List<String> failures = new ArrayList<>(), stricter = new ArrayList<>();
        int index = 0;
        for (JsonNode c : root.get("cases")) {
            byte[] bytes = Base64.getDecoder().decode(c.get("file").asText());
            Files.write(file, bytes);
            JsonNode numpy = c.get("numpy");
            boolean numpyReads = numpy.get("ok").asBoolean();
            String kind =
                    c.get("tag").asText().replaceAll("-\\d+$", "") + (numpyReads ? ", numpy reads" : ", numpy rejects");
            Verdict v = TALLY.check(
                    kind,
                    "--x1",
                    numpyReads ? Expect.EITHER : Expect.FAIL,
                    () -> Npy.readArray(file, ReadOptions.forArgument("--x1")),
                    a -> numpyReads && sameAsNumpy(a.matrix(), numpy) ? Outcome.PARSED : Outcome.WRONG_RESULT,
                    2L * bytes.length + (1 << 20));
            if (!v.outcome().ok())
                failures.add("case " + index + " (" + c.get("tag").asText() + ", numpy: " + numpy + "): " + v);
            else if (numpyReads && v.outcome() == Outcome.TYPED_ERROR)
                stricter.add(c.get("tag").asText() + ": " + v.detail().replaceAll("^--x1: \\S+ ?", ""));
            index++;
        }
        assertEquals(500, index);
        System.out.println("npy-vs-numpy: ntk4j rejects " + stricter.size() + " files numpy reads:\n  "
                + String.join("\n  ", stricter));
        if (!FuzzTally.tallyOnly())
            assertTrue(
                    failures.isEmpty(), failures.size() + " disagreements with numpy:\n" + String.join("\n", failures));
    }

    /** numpy's shape and values (C order, as float64 hex): a 1-D (n,) array is ntk4j's n×1 matrix. */
    private static boolean sameAsNumpy(Matrix m, JsonNode numpy) {
        JsonNode shape = numpy.get("shape"), values = numpy.get("values");
        if (values == null || shape.size() < 1 || shape.size() > 2) return false;
        int rows = shape.get(0).asInt(), cols = shape.size() == 2 ? shape.get(1).asInt() : 1;
        if (m.rows() != rows || m.cols() != cols) return false;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (Double.compare(
                                m.get(i, j),
                                Double.parseDouble(values.get(i * cols + j).asText()))
                        != 0) return false;
        return true;
    }
}
