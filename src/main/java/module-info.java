/**
 * ntk4j: infinite-width kernels (NNGP, NTK), posteriors and the soft optimizer built on them.
 *
 * <p>The exported packages are the API. {@code org.ntk4j.gpu} (the CUDA engine, found through
 * {@link java.util.ServiceLoader}), {@code org.ntk4j.cli}, {@code org.ntk4j.demo} and {@code org.ntk4j.plot} are internal
 * and may change in any release.
 */
module org.ntk4j {
    exports org.ntk4j;
    exports org.ntk4j.arch;
    exports org.ntk4j.arch.activation;
    exports org.ntk4j.arch.text;
    exports org.ntk4j.calibration;
    exports org.ntk4j.correction;
    exports org.ntk4j.device;
    exports org.ntk4j.error;
    exports org.ntk4j.evidence;
    exports org.ntk4j.finite;
    exports org.ntk4j.io;
    exports org.ntk4j.kernel;
    exports org.ntk4j.linalg;
    // INDArray interop: needs ND4J (nd4j-api, `requires static` below), which its user adds
    exports org.ntk4j.nd4j;
    exports org.ntk4j.operator;
    exports org.ntk4j.parallel;
    exports org.ntk4j.predict;
    exports org.ntk4j.softopt;
    exports org.ntk4j.solve;
    exports org.ntk4j.utility;

    // in the API's signatures (NativeMatrix.pointer(), SoftPolicy.sampler(...))
    requires transitive org.bytedeco.javacpp;
    requires transitive org.apache.commons.rng.api;
    requires transitive org.apache.commons.rng.sampling;
    requires org.bytedeco.openblas;
    requires org.apache.commons.rng.simple;
    requires org.apache.commons.numbers.gamma;
    requires org.apache.commons.statistics.distribution;
    requires org.apache.commons.csv;
    requires commons.math3;
    requires ojalgo;
    requires org.slf4j;
    requires jcuda;
    // static: the launcher's libraries (org.ntk4j.cli, demo, plot), optional dependencies in the POM, so a
    // consumer neither gets them nor needs them; the exported packages never use them (LeanArtifactTest)
    requires static info.picocli;
    requires static com.fasterxml.jackson.databind;
    requires static org.knowm.xchart;
    requires static java.desktop;
    requires com.fasterxml.jackson.core; // saved models' model.json (predict.SavedModel)
    // optional: only `ntk4j info` asks ND4J for its BLAS vendor and threads (and reports it missing)
    requires static nd4j.api;

    uses org.ntk4j.kernel.KernelBackend;
    uses org.ntk4j.device.Accelerator;
    uses org.ntk4j.solve.AcceleratedPosterior;

    provides org.ntk4j.kernel.KernelBackend with
            org.ntk4j.gpu.GpuKernelBackend;
    provides org.ntk4j.device.Accelerator with
            org.ntk4j.gpu.GpuAccelerator;
    provides org.ntk4j.solve.AcceleratedPosterior with
            org.ntk4j.gpu.GpuPosterior;

    // picocli sets the commands' option fields; Jackson writes the CLI's and the demo's summaries
    opens org.ntk4j.cli to
            info.picocli,
            com.fasterxml.jackson.databind;
    opens org.ntk4j.demo to
            com.fasterxml.jackson.databind;
}
