package io.surge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering the README's Layout states, checked on the compiled classes of every module: each module holds the
 * packages its layer lists, the job gets nothing from the tools built around it, no two packages need each other, and
 * Flink's internals are touched only where surge replaces a part of Flink.
 */
@AnalyzeClasses(
        packages = "io.surge",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

    /** The job's test jar (its fixtures and its tests) is not part of the architecture. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /** What the job is made of: what runs inside Flink, and what it is configured and wired with. */
    private static final String[] JOB = {
        "io.surge", "io.surge.alerts..", "io.surge.avro..", "io.surge.config..", "io.surge.event..",
        "io.surge.ingest..", "io.surge.io..", "io.surge.pricing..", "io.surge.state..", "io.surge.time..",
        "io.surge.zone.."
    };

    /** The tools around the job: they may use it, it never uses them. */
    private static final String[] TOOLS = {
        "io.surge.alertmanager..",
        "io.surge.backtest..",
        "io.surge.bench..",
        "io.surge.cli..",
        "io.surge.dashboard..",
        "io.surge.embedded..",
        "io.surge.generator..",
        "io.surge.monitoring..",
        "io.surge.recovery..",
        "io.surge.schema.."
    };

    @ArchTest
    static final ArchRule theJobModuleHoldsTheJob =
            classes().that(areIn("surge-job")).should().resideInAnyPackage(JOB);

    @ArchTest
    static final ArchRule theToolsModuleHoldsTheTools =
            classes().that(areIn("surge-tools")).should().resideInAnyPackage(TOOLS);

    @ArchTest
    static final ArchRule theJobDependsOnNoTool = noClasses()
            .that()
            .resideInAnyPackage(JOB)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(TOOLS);

    @ArchTest
    static final ArchRule noPackagesDependOnEachOther =
            slices().matching("io.surge.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheAlertRulesRunFlinkCepsNfa = noClasses()
            .that()
            .resideOutsideOfPackage("io.surge.alerts..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.flink.cep.nfa..");

    /**
     * Where surge keeps keyed state on the heap between checkpoints, the operators that hand it the backend, and the
     * pricing stage, which asks the backend on restore which zones hold a last price.
     */
    @ArchTest
    static final ArchRule onlyTheStateLayerAndItsOperatorsReachTheKeyedStateBackend = noClasses()
            .that()
            .resideOutsideOfPackages("io.surge.state..")
            .and()
            .doNotHaveFullyQualifiedName("io.surge.pricing.SlicedSurgeWindows")
            .and()
            .doNotHaveFullyQualifiedName("io.surge.alerts.ZoneRules")
            .and()
            .doNotHaveFullyQualifiedName("io.surge.pricing.PublishPrices")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.flink.runtime.state.KeyedStateBackend");

    /** Checkpoint files are read by recovery, which picks the one to resume from, and measured by the benchmark. */
    @ArchTest
    static final ArchRule onlyRecoveryAndTheBenchmarkReadCheckpoints = noClasses()
            .that()
            .resideOutsideOfPackages("io.surge.recovery..", "io.surge.bench..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.flink.runtime.checkpoint..");

    private static DescribedPredicate<JavaClass> areIn(String module) {
        return DescribedPredicate.describe(
                "are in module " + module,
                type -> type.getSource()
                        .map(source -> source.getUri().toString().contains("/" + module + "/"))
                        .orElse(false));
    }
}
