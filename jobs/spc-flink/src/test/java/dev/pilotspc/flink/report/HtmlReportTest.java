package dev.pilotspc.flink.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How the report shows numbers to people. */
class HtmlReportTest {

    @Test
    void showsAMeanToTheResolutionOfItsSigma() {
        // against a ±0.03 spec a mean of 25.01 vs 25.0123 is the difference between centred and not
        assertEquals("25.0123", HtmlReport.toResolutionOf(25.012345, 0.0046));
        assertEquals("120.061", HtmlReport.toResolutionOf(120.0612, 0.031));
        assertEquals("1503", HtmlReport.toResolutionOf(1502.7, 42));
        assertEquals("-", HtmlReport.toResolutionOf(Double.NaN, 0.1));
    }
}
