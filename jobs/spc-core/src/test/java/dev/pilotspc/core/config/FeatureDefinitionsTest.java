package dev.pilotspc.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureDefinitionsTest {

    private static FeatureConfig one(String yaml) {
        return FeatureDefinitions.parseOne(yaml, "test");
    }

    /** Parses a single definition expected to be invalid and returns the one-line message. */
    private static String error(String yaml) {
        String message = assertThrows(DefinitionException.class, () -> FeatureDefinitions.parseOne(yaml, "test"))
                .getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private static void assertError(String expected, String yaml) {
        assertEquals(expected, error(yaml));
    }

    @Test
    void refusesTheBatchVerdictsFeatureId() {
        // feature=* is the batch verdict's series: a feature of that id would pass for it
        assertTrue(error("feature: '*'\nlsl: 9\nusl: 11\n").contains("'*' is the batch verdict's series"));
    }

    @Test
    void appliesDefaultsToMinimalDefinition() {
        FeatureConfig c = one("feature: bore\nlsl: 9\nusl: 11\n");
        assertEquals("bore", c.feature);
        assertNull(c.name);
        assertNull(c.unit);
        assertEquals(ChartType.IMR, c.chart);
        assertEquals(1, c.subgroupSize);
        assertEquals(25, c.baseline);
        assertEquals(Rule.westernElectric(), c.rules);
        assertEquals(10, c.target);
        assertFalse(c.hasKnownLimits());
        assertFalse(c.ewmaEnabled());
        assertFalse(c.cusumEnabled());
        assertEquals(QChartMode.BASELINE, c.qChart);
        assertTrue(c.drift);
        assertEquals(FeatureConfig.DEFAULT_DRIFT_WINDOW, c.driftWindow);
        assertEquals(FeatureConfig.DEFAULT_DRIFT_ALPHA, c.driftAlpha);
        assertTrue(c.baselineExcludeOoc);
        assertTrue(c.critical);
    }

    @Test
    void leavesLslAndTargetAbsentForUpperLimitOnly() {
        FeatureConfig c = one("feature: flatness\nusl: 50\n");
        assertFalse(c.hasLsl());
        assertFalse(c.hasTarget());
        assertEquals(50, c.usl);
        assertFalse(one("feature: free\n").hasTarget());
    }

    @Test
    void keepsGivenTargetOffCentre() {
        assertEquals(9.5, one("{feature: bore, lsl: 9, usl: 11, target: 9.5}").target);
        assertEquals(9, one("{feature: bore, lsl: 9, target: 9}").target);
    }

    @Test
    void readsEverySetting() {
        FeatureConfig c = one("""
                feature: shaft.length
                name: Shaft length
                unit: mm
                chart: xbar_s
                subgroup_size: 10
                baseline: 40
                limits: {mean: 120.01, sigma: 0.02}
                rules: [N1, N3, A2]
                ewma: {lambda: 0.1}
                cusum: {k: 0.25, h: 8, head_start: 0.5}
                q_chart: always
                drift: {window: 50, alpha: 0.01, ph_delta: 0.25, ph_lambda: 20}
                baseline_exclude_ooc: false
                critical: false
                """);
        assertEquals("Shaft length", c.name);
        assertEquals("mm", c.unit);
        assertEquals(ChartType.XBAR_S, c.chart);
        assertEquals(10, c.subgroupSize);
        assertEquals(40, c.baseline);
        assertEquals(120.01, c.knownMean);
        assertEquals(0.02, c.knownSigma);
        assertEquals(Rule.N1.bit() | Rule.N3.bit() | Rule.A2.bit(), c.rules);
        assertEquals(0.1, c.ewmaLambda);
        assertEquals(3, c.ewmaSigmas);
        assertEquals(0.25, c.cusumK);
        assertEquals(8, c.cusumH);
        assertEquals(0.5, c.cusumHeadStart);
        assertEquals(QChartMode.ALWAYS, c.qChart);
        assertEquals(50, c.driftWindow);
        assertEquals(0.01, c.driftAlpha);
        assertEquals(0.25, c.phDelta);
        assertEquals(20, c.phLambda);
        assertFalse(c.baselineExcludeOoc);
        assertFalse(c.critical);
    }

    @Test
    void defaultsSubgroupSizeToFiveForSubgroupCharts() {
        assertEquals(FeatureConfig.DEFAULT_SUBGROUP_SIZE, one("{feature: a, chart: xbar_r}").subgroupSize);
        assertEquals(2, one("{feature: a, chart: xbar_r, baseline: 2}").baseline);
    }

    @Test
    void mapsRuleSetNamesToTheirMasks() {
        assertEquals(Rule.westernElectric(), one("{feature: a, rules: western_electric}").rules);
        assertEquals(Rule.nelson(), one("{feature: a, rules: nelson}").rules);
        assertEquals(Rule.aiag(), one("{feature: a, rules: aiag}").rules);
    }

    @Test
    void acceptsSingleRuleIdAndEmptyRuleList() {
        assertEquals(Rule.WE1.bit(), one("{feature: a, rules: WE1}").rules);
        assertEquals(0, one("{feature: a, rules: []}").rules);
    }

    @Test
    void readsRuleIdsWrittenAsOneCommaSeparatedText() {
        // YAML reads "rules: WE1, N7" (no brackets) as one text; spc_point's rules field writes them so too
        String yaml = "features:\n  - feature: a\n    rules: WE1, N7\n";
        assertEquals(Rule.WE1.bit() | Rule.N7.bit(), FeatureDefinitions.parse(yaml, "test").get(0).rules);
        assertEquals(Rule.WE1.bit() | Rule.WE2.bit(), one("{feature: a, rules: 'WE1,WE2'}").rules);
        assertError("test: feature 'a': rules: unknown rule 'WE9' (rule sets: western_electric, nelson, aiag; rule ids: WE1,"
                + " WE2, WE3, WE4, N1, N2, N3, N4, N5, N6, N7, N8, A2)", "{feature: a, rules: 'WE1, WE9'}");
    }

    @Test
    void defaultsCusumParametersWhenSwitchedOn() {
        FeatureConfig c = one("{feature: a, cusum: true}");
        assertEquals(0.5, c.cusumK);
        assertEquals(5, c.cusumH);
        assertEquals(0, c.cusumHeadStart);
        assertEquals(0.5, one("{feature: a, cusum: {}}").cusumK);
    }

    @Test
    void switchesDetectorsOffWithFalseOrOff() {
        assertFalse(one("{feature: a, ewma: false, cusum: 'off'}").ewmaEnabled());
        assertFalse(one("{feature: a, cusum: 'off'}").cusumEnabled());
        assertFalse(one("{feature: a, drift: false}").drift);
        assertFalse(one("{\"feature\": \"a\", \"drift\": \"off\"}").drift);
        assertFalse(one("{feature: a, drift: {enabled: false}}").drift);
        assertTrue(one("{feature: a, drift: true}").drift);
    }

    @Test
    void readsQChartModes() {
        assertEquals(QChartMode.ALWAYS, one("{feature: a, q_chart: true}").qChart);
        assertEquals(QChartMode.OFF, one("{feature: a, q_chart: false}").qChart);
        assertEquals(QChartMode.OFF, one("{\"feature\": \"a\", \"q_chart\": \"off\"}").qChart);
        assertEquals(QChartMode.BASELINE, one("{feature: a, q_chart: baseline}").qChart);
    }

    @Test
    void treatsEmptyValueAsAbsent() {
        FeatureConfig c = one("feature: a\nunit:\nlsl:\nusl: 5\n");
        assertNull(c.unit);
        assertFalse(c.hasLsl());
    }

    @Test
    void parsesTopLevelList() {
        List<FeatureConfig> defs = FeatureDefinitions.parse("- feature: a\n- feature: b\n  chart: xbar_r\n", "f");
        assertEquals(2, defs.size());
        assertEquals("a", defs.get(0).feature);
        assertEquals(ChartType.XBAR_R, defs.get(1).chart);
    }

    @Test
    void parsesListUnderFeaturesKey() {
        List<FeatureConfig> defs = FeatureDefinitions.parse("features:\n  - feature: a\n  - feature: b\n", "f");
        assertEquals(List.of("a", "b"), defs.stream().map(c -> c.feature).toList());
    }

    @Test
    void parsesMapKeyedByFeatureId() {
        List<FeatureConfig> defs = FeatureDefinitions.parse("""
                features:
                  bore: {usl: 11, lsl: 9}
                  shaft: {feature: shaft, chart: xbar_r}
                  bare:
                """, "f");
        assertEquals(List.of("bore", "shaft", "bare"), defs.stream().map(c -> c.feature).toList());
        assertEquals(10, defs.get(0).target);
        assertEquals(ChartType.IMR, defs.get(2).chart);
    }

    @Test
    void parsesJsonIndentedWithTabs() {
        List<FeatureConfig> defs = FeatureDefinitions.parse(
                "{\n\t\"features\": [\n\t\t{\"feature\": \"a\", \"lsl\": 1, \"usl\": 3,"
                        + " \"ewma\": {\"lambda\": 0.2}}\n\t]\n}", "f.json");
        assertEquals(2, defs.get(0).target);
        assertEquals(0.2, defs.get(0).ewmaLambda);
    }

    @Test
    void acceptsEmptyList() {
        assertTrue(FeatureDefinitions.parse("[]", "f").isEmpty());
        assertTrue(FeatureDefinitions.parse("features: []", "f").isEmpty());
    }

    @Test
    void loadsExampleFile() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/features-example.yaml").toURI());
        List<FeatureConfig> defs = FeatureDefinitions.load(file);
        assertEquals(List.of("housing.bore_diameter", "shaft.length", "flange.flatness"),
                defs.stream().map(c -> c.feature).toList());
        FeatureConfig bore = defs.get(0);
        assertEquals(25.0, bore.target, 1e-12);
        assertEquals(2.962, bore.ewmaSigmas);
        assertEquals(0.5, bore.cusumHeadStart);
        FeatureConfig shaft = defs.get(1);
        assertEquals(ChartType.XBAR_R, shaft.chart);
        assertEquals(5, shaft.subgroupSize);
        assertEquals(Rule.aiag(), shaft.rules);
        FeatureConfig flatness = defs.get(2);
        assertFalse(flatness.hasLsl());
        assertFalse(flatness.hasTarget());
        assertFalse(flatness.critical);
        assertEquals(30, flatness.driftWindow);
    }

    @Test
    void reportsUnreadableFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        DefinitionException e = assertThrows(DefinitionException.class, () -> FeatureDefinitions.load(missing));
        assertEquals("cannot read features file " + missing + ": no such file", e.getMessage());
    }

    @Test
    void rejectsDuplicateFeatureIds() {
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> FeatureDefinitions.parse("- feature: a\n- feature: b\n- feature: a\n", "f"));
        assertEquals("f: feature 'a': defined twice (definitions #1 and #3)", e.getMessage());
        assertTrue(assertThrows(DefinitionException.class,
                () -> FeatureDefinitions.parse("features:\n  a: {}\n  a: {}\n", "f")).getMessage()
                .contains("Duplicate field 'a'"));
    }

    @Test
    void rejectsFilesOfOtherShapes() {
        assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse("42", "f"));
        assertEquals("f: features: must be a list of definitions or a map keyed by feature id, got 3",
                assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse("features: 3", "f"))
                        .getMessage());
        assertEquals("f: features: must be a list of definitions or a map keyed by feature id, got nothing",
                assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse("{}", "f")).getMessage());
        assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse("", "f"));
        assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse("- a\n- b\n---\n- c\n", "f"));
        assertEquals("f: feature: unknown top-level key, expected 'features' (a single definition goes in a list"
                + " or under 'features:')", assertThrows(DefinitionException.class,
                        () -> FeatureDefinitions.parse("feature: a", "f")).getMessage());
        assertEquals("f: definition #2: must be a map of keys, got 'b'", assertThrows(DefinitionException.class,
                () -> FeatureDefinitions.parse("- feature: a\n- b\n", "f")).getMessage());
    }

    @Test
    void reportsSyntaxErrorWithLine() {
        assertEquals("f: not valid YAML or JSON: line 3, column 1: expected ',' or ']', but got <stream end>",
                assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse("a:\n  [1, 2\n", "f"))
                        .getMessage());
        assertEquals("f: not valid YAML or JSON: line 1, column 17: Unexpected end-of-input: expected close marker"
                + " for Object", assertThrows(DefinitionException.class,
                        () -> FeatureDefinitions.parse("[{\"feature\": \"a\"", "f")).getMessage());
        // a measurements file (JSON lines) given as the definitions
        assertEquals("f: not valid YAML or JSON: line 2, column 1: a second value after the first; a definitions file"
                + " holds one list or map", assertThrows(DefinitionException.class, () -> FeatureDefinitions.parse(
                        "{\"ts\": 1, \"feature\": \"a\", \"value\": 1}\n{\"ts\": 2, \"feature\": \"a\", \"value\": 2}\n", "f"))
                        .getMessage());
    }

    @Test
    void rejectsMissingOrBlankFeatureId() {
        assertError("test: definition: feature: required, a non-blank id", "name: Bore");
        assertError("test: definition: feature: required, a non-blank id", "feature: ' '");
        assertError("test: definition: feature: must be a string, got 42", "feature: 42");
        assertError("test: definition: feature: ' bore' starts or ends with whitespace or holds control characters",
                "feature: ' bore'");
        assertError("test: definition: feature: 'a\\nb' starts or ends with whitespace or holds control characters",
                "feature: \"a\\nb\"");
        // measurements of it could never be charted: no InfluxDB tag carries a trailing backslash
        assertError("test: definition: feature: the id 'bore\\' has a backslash at its end, which an InfluxDB tag cannot carry",
                "feature: 'bore\\'");
        assertEquals("f: definition #2: feature: required, a non-blank id", assertThrows(DefinitionException.class,
                () -> FeatureDefinitions.parse("- feature: a\n- lsl: 1\n", "f")).getMessage());
    }

    @Test
    void rejectsFeatureDifferingFromItsMapKey() {
        assertEquals("f: feature 'a': feature: 'b' differs from its key 'a'", assertThrows(DefinitionException.class,
                () -> FeatureDefinitions.parse("features:\n  a: {feature: b}\n", "f")).getMessage());
    }

    @Test
    void rejectsLslAboveUsl() {
        assertError("test: feature 'a': lsl: lsl (11) must be below usl (9)", "{feature: a, lsl: 11, usl: 9}");
        assertError("test: feature 'a': lsl: lsl (2.5) must be below usl (2.5)", "{feature: a, lsl: 2.5, usl: 2.5}");
    }

    @Test
    void rejectsTargetOutsideSpecLimits() {
        assertError("test: feature 'a': target: target (12) must lie within the spec limits [9, 11]",
                "{feature: a, lsl: 9, usl: 11, target: 12}");
        assertError("test: feature 'a': target: target (-1) must lie within the spec limits [0, inf]",
                "{feature: a, lsl: 0, target: -1}");
    }

    @Test
    void rejectsNonNumericOrNonFiniteNumbers() {
        assertError("test: feature 'a': usl: must be a finite number, got 'ten'", "{feature: a, usl: ten}");
        assertError("test: feature 'a': lsl: must be a finite number, got '9'", "{feature: a, lsl: '9'}");
        assertError("test: feature 'a': target: must be a finite number, got 'NaN'", "{feature: a, target: NaN}");
        assertError("test: feature 'a': usl: must be a finite number, got Infinity", "{feature: a, usl: 1.0e400}");
        assertError("test: feature 'a': usl: must be a finite number, got 'NaN'", "{\"feature\": \"a\", \"usl\": NaN}");
        assertError("test: feature 'a': name: must be a string, got 3", "{feature: a, name: 3}");
    }

    @Test
    void rejectsUnknownChart() {
        assertError("test: feature 'a': chart: unknown chart 'xbar' (allowed: imr, xbar_r, xbar_s)",
                "{feature: a, chart: xbar}");
    }

    @Test
    void rejectsSubgroupSizeOutOfRange() {
        assertError("test: feature 'a': subgroup_size: must be 1 for chart imr, got 5 (use xbar_r or xbar_s for"
                + " subgroups)", "{feature: a, subgroup_size: 5}");
        assertError("test: feature 'a': subgroup_size: must be from 2 to 25, got 1",
                "{feature: a, chart: xbar_r, subgroup_size: 1}");
        assertError("test: feature 'a': subgroup_size: must be from 2 to 25, got 26",
                "{feature: a, chart: xbar_s, subgroup_size: 26}");
        assertError("test: feature 'a': subgroup_size: must be an integer, got 4.5",
                "{feature: a, chart: xbar_s, subgroup_size: 4.5}");
        assertEquals(4, one("{feature: a, chart: xbar_s, subgroup_size: 4.0}").subgroupSize);
    }

    @Test
    void rejectsBaselineOutOfRange() {
        assertError("test: feature 'a': baseline: must be from 3 to 1000, got 2", "{feature: a, baseline: 2}");
        assertError("test: feature 'a': baseline: must be from 2 to 1000, got 1",
                "{feature: a, chart: xbar_r, baseline: 1}");
        assertError("test: feature 'a': baseline: must be from 3 to 1000, got 1001", "{feature: a, baseline: 1001}");
        assertError("test: feature 'a': baseline: must be from 3 to 1000, got 99999999999999999999",
                "{feature: a, baseline: 99999999999999999999}");
        assertError("test: feature 'a': baseline: must be an integer, got 'many'", "{feature: a, baseline: many}");
    }

    @Test
    void rejectsIncompleteOrInvalidKnownLimits() {
        assertError("test: feature 'a': limits.sigma: required", "{feature: a, limits: {mean: 1}}");
        assertError("test: feature 'a': limits.mean: required", "{feature: a, limits: {sigma: 1}}");
        assertError("test: feature 'a': limits.sigma: must be > 0, got 0", "{feature: a, limits: {mean: 1, sigma: 0}}");
        assertError("test: feature 'a': limits: must be a map of mean, sigma, got 3", "{feature: a, limits: 3}");
    }

    @Test
    void rejectsUnknownRuleNamingIt() {
        String valid = " (rule sets: western_electric, nelson, aiag; rule ids: WE1, WE2, WE3, WE4, N1, N2, N3, N4,"
                + " N5, N6, N7, N8, A2)";
        assertError("test: feature 'a': rules: unknown rule 'WE9'" + valid, "{feature: a, rules: [WE1, WE9]}");
        // known ids, but not chosen here (spc_point's rules field lists them, so they get copied): said so
        assertError("test: feature 'a': rules: 'D1' cannot be chosen here: D1, EWMA, CUSUM and Q1 signal on their own charts"
                + " (EWMA and CUSUM where ewma or cusum is on), whatever the rules", "{feature: a, rules: [D1]}");
        assertError("test: feature 'a': rules: 'EWMA' cannot be chosen here: D1, EWMA, CUSUM and Q1 signal on their own charts"
                + " (EWMA and CUSUM where ewma or cusum is on), whatever the rules", "{feature: a, rules: 'WE1,EWMA'}");
        // a rule set among ids was "unknown rule 'nelson' (rule sets: western_electric, nelson, aiag; …)"
        assertError("test: feature 'a': rules: 'nelson' is a rule set: give it alone (rules: nelson), not among rule ids",
                "{feature: a, rules: 'nelson, WE1'}");
        assertError("test: feature 'a': rules: 'aiag' is a rule set: give it alone (rules: aiag), not among rule ids",
                "{feature: a, rules: [aiag]}");
        assertError("test: feature 'a': rules: unknown rule 'westernelectric'" + valid,
                "{feature: a, rules: westernelectric}");
        assertError("test: feature 'a': rules: must be a rule set name (western_electric, nelson, aiag) or a list"
                + " of rule ids, got 7", "{feature: a, rules: 7}");
    }

    @Test
    void rejectsInvalidEwma() {
        assertError("test: feature 'a': ewma.lambda: required", "{feature: a, ewma: {sigmas: 3}}");
        assertError("test: feature 'a': ewma.lambda: required", "{feature: a, ewma: true}");
        assertError("test: feature 'a': ewma.lambda: must be in (0, 1], got 1.5", "{feature: a, ewma: {lambda: 1.5}}");
        assertError("test: feature 'a': ewma.lambda: must be in (0, 1], got 0", "{feature: a, ewma: {lambda: 0}}");
        assertError("test: feature 'a': ewma.sigmas: must be > 0, got -3",
                "{feature: a, ewma: {lambda: 0.2, sigmas: -3}}");
        assertError("test: feature 'a': ewma: must be a map of lambda, sigmas, true/false or 'on'/'off', got 0.2",
                "{feature: a, ewma: 0.2}");
    }

    @Test
    void refusesIntegersThatYamlReadsAsAnotherNumber() {
        // YAML 1.1 (SnakeYAML, Jackson) reads 010 as octal 8: a spec limit of 8 instead of 10
        assertError("test: line 1, column 19: 010 reads as the number 8 in YAML; write numbers in plain decimal,"
                + " and quote an id", "{feature: a, lsl: 010, usl: 20}");
        assertError("test: line 3, column 10: 0x1F reads as the number 31 in YAML; write numbers in plain decimal,"
                + " and quote an id", "features:\n  - feature: a\n    usl: 0x1F\n");
        assertError("test: line 1, column 24: 1_000 reads as the number 1000 in YAML; write numbers in plain"
                + " decimal, and quote an id", "{feature: a, baseline: 1_000}");
        assertTrue(error("{feature: 010}").startsWith("test: line 1, column 11: 010 reads as the number 8"));
        // plain decimal, signed, and decimals with a leading zero stay numbers as written
        FeatureConfig c = one("{feature: a, lsl: -012.5, usl: +20}");
        assertEquals(-12.5, c.lsl);
        assertEquals(20, c.usl);
        assertEquals("test: line 1, column 19: .inf: must be a finite number", error("{feature: a, lsl: .inf}"));
        assertEquals("test: line 1, column 19: -.Inf: must be a finite number", error("{feature: a, lsl: -.Inf, usl: 1}"));
        assertEquals("test: line 1, column 19: .nan: must be a finite number", error("{feature: a, usl: .nan}"));
        // JSON has no such forms (a leading zero is a syntax error there)
        assertTrue(error("{\"feature\": \"a\", \"lsl\": 010}").contains("line 1, column"));
    }

    @Test
    void saysThatYamlAliasesAreNotSupported() {
        // Jackson's YAML tree reads "*r" as the text "r": it would have been "unknown rule 'r'"
        assertError("test: line 5, column 12: YAML aliases (*r) are not supported; write the values out",
                "features:\n  - feature: a\n    rules: &r [WE1, WE2]\n  - feature: b\n    rules: *r\n");
        // an anchor alone is harmless
        assertEquals(2, FeatureDefinitions.parse("features:\n  - feature: a\n    rules: &r [WE1, WE2]\n"
                + "  - feature: b\n", "test").size());
    }

    @Test
    void rejectsInvalidCusum() {
        assertError("test: feature 'a': cusum.k: must be >= 0, got -0.5", "{feature: a, cusum: {k: -0.5}}");
        assertError("test: feature 'a': cusum.h: must be > 0, got 0", "{feature: a, cusum: {h: 0}}");
        assertError("test: feature 'a': cusum.head_start: must be in [0, 1), a fraction of h, got 1",
                "{feature: a, cusum: {head_start: 1}}");
    }

    @Test
    void rejectsInvalidQChart() {
        assertError("test: feature 'a': q_chart: must be true (always), false (off), 'baseline', 'always' or 'off',"
                + " got 'sometimes'", "{feature: a, q_chart: sometimes}");
    }

    @Test
    void rejectsInvalidDrift() {
        assertError("test: feature 'a': drift.window: must be from 5 to 1000, got 4",
                "{feature: a, drift: {window: 4}}");
        assertError("test: feature 'a': drift.alpha: must be in (0, 0.5), got 0.5",
                "{feature: a, drift: {alpha: 0.5}}");
        assertError("test: feature 'a': drift.ph_delta: must be >= 0, got -1", "{feature: a, drift: {ph_delta: -1}}");
        assertError("test: feature 'a': drift.ph_lambda: must be > 0, got 0", "{feature: a, drift: {ph_lambda: 0}}");
        assertError("test: feature 'a': drift.window: must be from 5 to 1000, got 2",
                "{feature: a, drift: {enabled: false, window: 2}}");
        assertError("test: feature 'a': drift.enabled: must be true or false, got 'no way'",
                "{feature: a, drift: {enabled: no way}}");
    }

    @Test
    void rejectsNonBooleanFlags() {
        assertError("test: feature 'a': critical: must be true or false, got 'maybe'", "{feature: a, critical: maybe}");
        assertError("test: feature 'a': baseline_exclude_ooc: must be true or false, got 1",
                "{feature: a, baseline_exclude_ooc: 1}");
    }

    @Test
    void rejectsUnknownKeysSuggestingTheIntendedOne() {
        assertError("test: feature 'a': subgroupsize: unknown key (did you mean 'subgroup_size'?)",
                "{feature: a, chart: xbar_r, subgroupsize: 5}");
        assertError("test: feature 'a': cusum.headStart: unknown key (did you mean 'head_start'?)",
                "{feature: a, cusum: {headStart: 0.5}}");
        assertTrue(error("{feature: a, colour: red}")
                .startsWith("test: feature 'a': colour: unknown key (known keys: feature, name, unit,"));
    }

    @Test
    void rejectsNonObjectDefinition() {
        assertError("test: definition: must be a map of keys, got [1,2]", "[1, 2]");
        assertError("test: empty, expected feature definitions", "  ");
        assertError("test: empty, expected feature definitions", "~");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = FeatureDefinitions.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void checkCommandPrintsEachDefinitionAndCount() throws URISyntaxException {
        Run run = check(Path.of(getClass().getResource("/features-example.yaml").toURI()).toString());
        assertEquals(0, run.code());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("housing.bore_diameter: imr lsl=24.98 target=25 usl=25.02 mm baseline=30 rules="),
                lines.get(0));
        assertTrue(lines.get(0).contains("ewma(lambda=0.2, sigmas=2.962)"), lines.get(0));
        assertTrue(lines.get(2).endsWith(" non-critical"), lines.get(2));
        assertEquals("3 feature definitions OK", lines.get(3));
        assertEquals("", run.err());
    }

    @Test
    void checkCommandSaysWhatNoRulesAndNoDefinitionsMean(@TempDir Path dir) throws Exception {
        Run none = check(Files.writeString(dir.resolve("none.yaml"), "features: []\n").toString());
        assertEquals(0, none.code());
        assertEquals("0 feature definitions OK (a job with none sets every measurement aside as unknown_feature until"
                + " definitions arrive on the topic)", none.out().strip());
        Run noRules = check(Files.writeString(dir.resolve("r.yaml"), "- {feature: a, rules: []}\n").toString());
        assertTrue(noRules.out().contains(" rules=none "), noRules.out());
    }

    @Test
    void checkCommandReportsBadFileOnOneLineWithExitCodeTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "- feature: a\n  lsl: 3\n  usl: 1\n");
        Run run = check(file.toString());
        assertEquals(2, run.code());
        assertEquals("spc check-features: " + file + ": feature 'a': lsl: lsl (3) must be below usl (1)\n",
                run.err().replace(System.lineSeparator(), "\n"));
        assertEquals("", run.out());
    }

    @Test
    void checkCommandPrintsUsage() {
        Run help = check("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("usage: spc check-features FILE"));
        Run none = check();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("usage: spc check-features FILE"));
        assertEquals(2, check("a.yaml", "b.yaml").code());
    }
}
