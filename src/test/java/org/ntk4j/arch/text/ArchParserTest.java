package org.ntk4j.arch.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ntk4j.arch.*;
import org.ntk4j.arch.activation.*;
import org.ntk4j.error.InvalidInputException;

class ArchParserTest {
    @Test
    void parsesTheIssueExample() {
        Architecture a = ArchParser.parse("Dense(512, W_std=1.5, b_std=0.1) -> Relu -> Dense(1, W_std=1.5, b_std=0.1)");
        assertEquals(List.of(Dense.of(512, 1.5, 0.1), new Relu(), Dense.of(1, 1.5, 0.1)), a.layers());
        assertEquals(Parameterization.NTK, a.parameterization());
        assertEquals(
                Parameterization.STANDARD,
                ArchParser.parse("Dense(3)", Parameterization.STANDARD).parameterization());
    }

    @Test
    void defaultsAndNoBias() {
        Architecture a = ArchParser.parse("Dense(7)->Erf->Dense(1,2,None)");
        assertEquals(Dense.noBias(7, 1.0), a.layers().get(0));
        assertEquals(new Erf(1, 1, 0), a.layers().get(1));
        assertEquals(Dense.noBias(1, 2.0), a.layers().get(2));
        assertEquals(
                Dense.of(4, 0.5, 0.0),
                ArchParser.parse("Dense(4,0.5,0)").layers().get(0));
    }

    @Test
    void positionalThenKeysAndWhitespace() {
        Architecture a = ArchParser.parse("  dense ( 8 , b_std = 1e-1 )->  Erf(2, c=0.5)->Dense(1)");
        assertEquals(Dense.of(8, 1.0, 0.1), a.layers().get(0));
        assertEquals(new Erf(2, 1, 0.5), a.layers().get(1));
    }

    @Test
    void everyActivationRoundTrips() {
        List<Activation> acts = List.of(
                new Relu(),
                new LeakyRelu(0.1),
                new ABRelu(0.25, 0.5),
                new Abs(),
                new Identity(),
                new Erf(),
                new Erf(2, 0.3, 0.5),
                new SigmoidLike(),
                new Gelu(),
                new Sin(),
                new Sin(0.3, 1.5, -Math.PI / 4),
                new Cos(1, 2, 3),
                new Rbf(0.3),
                new Exp(1, 0.3),
                new Gaussian(),
                new Gaussian(0.25, -0.5),
                new Sign(),
                new Monomial(0),
                new Monomial(5),
                new RectifiedMonomial(3),
                new Polynomial(-0.1, 2.1, 0, 0, -1.2, -0.5),
                new Gabor(),
                Numerical.builtin("tanh", 25),
                Numerical.builtin("elu", 30));
        for (Activation act : acts) {
            String text = "Dense(5,W_std=1.5,b_std=0.1)->" + act.describe() + "->Dense(1)";
            Architecture a = ArchParser.parse(text);
            assertEquals(act, a.layers().get(1), text);
            assertEquals(text.replace("Dense(1)", "Dense(1,W_std=1.0)"), a.describe());
        }
        assertEquals("Identity", new Identity().describe());
    }

    /**
     * {@code Architecture.describe()} is the formatter: parsing its text gives back an equal
     * architecture, every layer type and the Dense variants included, with values such as a fit
     * writes (17 significant digits, exponents, b_std = 0 with a bias, no bias), so that the fitted
     * ARCH of {@code ntk4j fit} is accepted as it is by every command.
     */
    @Test
    void describeIsTheFormatterParseOfItGivesTheSameArchitecture() {
        List<Layer> layers = new java.util.ArrayList<>(List.of(Dense.of(64, 1.3917545566286684, 0.43677078627452953)));
        List<Activation> acts = List.of(
                new Relu(),
                new LeakyRelu(0.1),
                new ABRelu(0.25, 0.5),
                new Abs(),
                new Erf(2, 0.3, 0.5),
                new SigmoidLike(),
                new Gelu(),
                new Sin(0.3, 1.5, -Math.PI / 4),
                new Cos(1, 2, 3),
                new Rbf(0.3),
                new Exp(1, 0.3),
                new Gaussian(0.25, -0.5),
                new Sign(),
                new Monomial(5),
                new RectifiedMonomial(3),
                new Polynomial(-0.1, 2.1, 0, -1.2),
                new Gabor(),
                Numerical.builtin("tanh", 25));
        double[] awkward = {1.0E-4, 2.5345678901234567E-5, 9.999999999999998, 0.05, 1e-300};
        for (int i = 0; i < acts.size(); i++) {
            layers.add(acts.get(i));
            double w = awkward[i % awkward.length], b = awkward[(i + 2) % awkward.length];
            layers.add(
                    i % 3 == 0 ? Dense.noBias(1 + i, w) : i % 3 == 1 ? Dense.of(1 + i, w, 0.0) : Dense.of(1 + i, w, b));
        }
        layers.add(new Identity());
        for (Parameterization p : Parameterization.values()) {
            Architecture a = new Architecture(layers, p);
            assertEquals(a, ArchParser.parse(a.describe(), p), a.describe());
        }
    }

    @Test
    void listsAndIdentifiers() {
        Architecture a =
                ArchParser.parse("Dense(3)->Polynomial(coef=[0.3, -1, 0.5,2e-1])->Dense(1)->Numerical(fn=tanh,deg=25)");
        assertEquals(new Polynomial(0.3, -1, 0.5, 0.2), a.layers().get(1));
        assertEquals(Numerical.builtin("tanh", 25), a.layers().get(3));
        assertEquals(
                new SigmoidLike(),
                ArchParser.parse("Dense(1)->Sigmoid_like").layers().get(1));
    }

    private static String error(String arch) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ArchParser.parse(arch));
        assertEquals("arch", e.argument());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void unknownLayerListsValidNames() {
        String m = error("Dense(3)->Tanh->Dense(1)");
        assertTrue(m.contains("unknown layer 'Tanh'"), m);
        assertTrue(m.contains("Relu") && m.contains("Numerical") && m.contains("Sigmoid_like"), m);
    }

    @Test
    void unknownAndDuplicateKeys() {
        assertTrue(error("Dense(3, w=1)").contains("has no parameter 'w'"));
        assertTrue(error("Dense(3, W_std=1, W_std=2)").contains("given twice"));
        assertTrue(error("Dense(3, 1.0, W_std=2)").contains("given twice"));
        assertTrue(error("Dense(W_std=2)").contains("missing required parameter 'out_dim'"));
        assertTrue(error("Relu(1)").contains("takes no arguments"));
        assertTrue(error("Dense(W_std=1, 3)").contains("positional"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Dense(3, W_std=-1)",
                "Dense(3, b_std=-0.1)",
                "Dense(0)",
                "Dense(2.5)",
                "Dense(3)->Monomial(6)",
                "Dense(3)->RectifiedMonomial(4)",
                "Dense(3)->Rbf(-1)",
                "Dense(3)->Numerical(fn=cosh)",
                "Dense(3)->Numerical(fn=tanh,deg=1)",
                "Dense(3)->Polynomial(coef=[])",
                "Dense(3)->Erf(a=x)",
                "Dense(3)->Polynomial(coef=1)",
                "Dense(3, W_std=[1])"
            })
    void badParameters(String arch) {
        error(arch);
    }

    @Test
    void badParameterMessagesNameTheProblem() {
        assertTrue(error("Dense(3, W_std=-1)").contains("W_std must be >= 0"));
        assertTrue(error("Dense(3)->Monomial(6)").contains("0..5"));
        assertTrue(error("Dense(3)->Numerical(fn=cosh)").contains("tanh, sigmoid, softplus, silu, elu"));
    }

    @Test
    void twoNonlinearitiesInARow() {
        String m = error("Dense(3)->Relu->Erf->Dense(1)");
        assertTrue(m.contains("two nonlinearities in a row"), m);
        assertTrue(error("Relu->Dense(1)").contains("cannot come first"));
        // Identity is transparent: Relu -> Identity -> Erf is still two nonlinearities in a row.
        assertTrue(error("Dense(3)->Relu->Identity->Erf").contains("two nonlinearities"));
        assertEquals(3, ArchParser.parse("Dense(3)->Identity->Relu").layers().size());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "  ",
                "Dense(3)->",
                "Dense(3",
                "Dense(3,)",
                "Dense(3) Relu",
                "Dense(3)->Relu)",
                "Dense(3)->%",
                "Dense(3)->Polynomial(coef=[1,)"
            })
    void syntaxErrors(String arch) {
        error(arch);
    }
}
