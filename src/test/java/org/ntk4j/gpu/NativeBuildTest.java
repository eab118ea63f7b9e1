package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The build compiled native/ into fatbins on the classpath whenever nvcc is present (native/build.sh
 * compiles each .cu on its own); the slow test runs the kernels in the host emulator.
 */
class NativeBuildTest {
    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            if (Files.isExecutable(Path.of(dir, exe))) return true;
        return false;
    }

    @Test
    void fatbinsArePackagedWhenNvccIsPresent() throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc is not on PATH: the build has no fatbin (the GPU path reports it)");
        for (String m : CudaDevice.MODULES) {
            byte[] fb = CudaDevice.fatbin(m);
            assertNotNull(fb, "/native/" + m + ".fatbin is on the classpath");
            assertEquals(
                    0xBA55ED50,
                    ByteBuffer.wrap(fb).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                    m + ": fatbin magic");
            String text = new String(fb, StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("-arch sm_80") && text.contains("-arch sm_90"), m + ": SASS for sm_80 and sm_90");
        }
        assertTrue(GpuRuntime.fatbinVersion().contains("13."), "nvcc release recorded: " + GpuRuntime.fatbinVersion());
    }

    @Test
    void theNvccReleaseIsOneLineFromItsBanner() {
        String banner = "nvcc: NVIDIA (R) Cuda compiler driver\nCopyright (c) 2005-2025 NVIDIA Corporation\n"
                + "Built on Wed_Aug_20_01:58:59_PM_PDT_2025\nCuda compilation tools, release 13.0, V13.0.88\n"
                + "Build cuda_13.0.r13.0/compiler.36424714_0\n";
        assertEquals("nvcc 13.0 (V13.0.88)", GpuRuntime.nvccRelease(banner));
        // jars built before the whole banner was kept hold its last line only
        assertEquals("nvcc 13.0", GpuRuntime.nvccRelease("Build cuda_13.0.r13.0/compiler.36424714_0\n"));
        assertEquals("unknown nvcc", GpuRuntime.nvccRelease("garbled\u0007"));
        GpuInfo none = GpuInfo.unusable("no driver", 0, "none");
        assertEquals("GPU: not used (no driver); CUDA driver none; no CUDA kernels in this build", none.describe());
        GpuInfo built = GpuInfo.unusable("no driver", 13000, GpuRuntime.nvccRelease(banner));
        assertEquals(
                "GPU: not used (no driver); CUDA driver 13.0; kernels built with nvcc 13.0 (V13.0.88)",
                built.describe());
    }

    @Tag("slow")
    @Test
    void kernelsPassTheHostEmulator() throws Exception {
        assumeTrue(onPath("g++") && onPath("python3"), "needs g++ and python3");
        Process p = new ProcessBuilder("bash", "native/emu/run-tests.sh", "src/test/python")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(" 0 failed"), out);
    }
}
