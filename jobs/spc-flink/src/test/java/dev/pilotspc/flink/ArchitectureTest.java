package dev.pilotspc.flink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of both modules (docs/development.md "Layout", HOUSE_STYLE.md) as rules over the main classes. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pilotspc");
        // a wrong package name would make every rule below pass on nothing
        assertTrue(classes.contain("dev.pilotspc.core.FeatureMonitor"));
        assertTrue(classes.contain("dev.pilotspc.flink.workflow.SpcWorkflow"));
    }

    @Test
    void spcEngineKnowsNoFlinkKafkaOrInfluxDb() {
        noClasses().that().resideInAPackage("dev.pilotspc.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.pilotspc.flink..", "org.apache.flink..", "org.apache.kafka..", "com.influxdb..")
                .check(classes);
    }

    @Test
    void spcEngineDoesNotDependOnItsBenchmarks() {
        noClasses().that().resideInAPackage("dev.pilotspc.core..")
                .and().resideOutsideOfPackage("dev.pilotspc.core.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.pilotspc.core.bench..")
                .check(classes);
    }

    /** Records below I/O below the functions below the workflow; the commands use them all, none of them a command. */
    @Test
    void jobIsLayeredFromRecordsToCommands() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Records").definedBy("dev.pilotspc.flink.records..")
                .layer("IO").definedBy("dev.pilotspc.flink.io..")
                .layer("Functions").definedBy("dev.pilotspc.flink.functions..")
                .layer("Workflow").definedBy("dev.pilotspc.flink.workflow..")
                .layer("Commands").definedBy("dev.pilotspc.flink.cli..", "dev.pilotspc.flink.job..",
                        "dev.pilotspc.flink.sim..", "dev.pilotspc.flink.bench..", "dev.pilotspc.flink.report..",
                        "dev.pilotspc.flink.kafka..")
                .whereLayer("Commands").mayNotBeAccessedByAnyLayer()
                .whereLayer("Workflow").mayOnlyBeAccessedByLayers("Commands")
                .whereLayer("Functions").mayOnlyBeAccessedByLayers("Workflow")
                .whereLayer("IO").mayOnlyBeAccessedByLayers("Functions", "Workflow", "Commands")
                .check(classes);
    }

    /**
     * Operators run as many subtasks in one TaskManager JVM: a mutable static would be shared between
     * them. One exception: the alerts' cache of the last second's ISO text, an immutable record any
     * subtask may replace (a benign race: each reads a whole, correct one).
     */
    @Test
    void operatorsAndEngineHoldNoMutableStaticState() {
        fields().that().areStatic()
                .and().areDeclaredInClassesThat().resideInAnyPackage("dev.pilotspc.core..", "dev.pilotspc.flink.io..",
                        "dev.pilotspc.flink.functions..", "dev.pilotspc.flink.records..", "dev.pilotspc.flink.workflow..")
                .and().doNotHaveFullName("dev.pilotspc.flink.io.Timestamps.lastSecond")
                .should().beFinal()
                .check(classes);
    }

    /** Operators log through SLF4J (the TaskManager's log), never to the standard streams. */
    @Test
    void operatorsDoNotWriteToStandardStreams() {
        noClasses().that().resideInAnyPackage("dev.pilotspc.flink.functions..", "dev.pilotspc.flink.records..",
                        "dev.pilotspc.flink.workflow..", "dev.pilotspc.flink.io.influx..")
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .check(classes);
    }

    @Test
    void nothingUsesJavaUtilLogging() {
        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(classes);
    }
}
