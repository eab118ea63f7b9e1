package org.ntk4j.cli;

import org.ntk4j.arch.Parameterization;
import org.ntk4j.device.Device;
import org.ntk4j.linalg.DType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for the CLI's enumerated flags: a bad value is a usage error that lists the choices. */
final class Choices {
    private Choices() {}

    static final class ParameterizationConverter implements ITypeConverter<Parameterization> {
        @Override
        public Parameterization convert(String s) {
            try {
                return Parameterization.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "' is not one of ntk, standard");
            }
        }
    }

    static final class DTypeConverter implements ITypeConverter<DType> {
        @Override
        public DType convert(String s) {
            try {
                return DType.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "' is not one of float64, float32");
            }
        }
    }

    static final class DeviceConverter implements ITypeConverter<Device> {
        @Override
        public Device convert(String s) {
            try {
                return Device.parse(s);
            } catch (org.ntk4j.error.Ntk4jException e) {
                throw new TypeConversionException("'" + s + "' is not one of auto, cpu, gpu");
            }
        }
    }
}
