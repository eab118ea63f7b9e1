package org.ntk4j.solve;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.ntk4j.device.Device;

class SolveReportTest {
    @Test
    void builderDefaultsAreWhatADirectSolveReports() {
        SolveReport exact = SolveReport.builder(SolverKind.EXACT, "requested").build(42);
        assertEquals(
                new SolveReport(
                        SolverKind.EXACT,
                        "requested",
                        Device.CPU,
                        PreconditionerKind.NONE,
                        0,
                        0,
                        0,
                        Double.NaN,
                        true,
                        Double.NaN,
                        Double.NaN,
                        1,
                        false,
                        42),
                exact);
        assertEquals(
                50,
                SolveReport.builder(SolverKind.NYSTROM, "").centers(50).build(1).centers());
    }

    @Test
    void builderFillsEveryCgPart() {
        SolveReport cg = SolveReport.builder(SolverKind.CG, "auto")
                .preconditioner(PreconditionerKind.PIVOTED_CHOLESKY, 20)
                .iterations(17, 3e-7, false)
                .errorBounds(1e-5, 2e-5)
                .kernelPasses(18, true)
                .build(7);
        assertEquals(
                new SolveReport(
                        SolverKind.CG,
                        "auto",
                        Device.CPU,
                        PreconditionerKind.PIVOTED_CHOLESKY,
                        20,
                        0,
                        17,
                        3e-7,
                        false,
                        1e-5,
                        2e-5,
                        18,
                        true,
                        7),
                cg);
        // the remedy names the API option (library text never spells a flag; the CLI's is --max-iterations)
        assertFalse(cg.summary().contains("--max-iterations"), cg.summary());
        assertTrue(cg.summary().contains("SolverOptions.maxIterations"), cg.summary());
    }
}
